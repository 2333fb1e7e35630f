"""URLs of the survey pages (included by monitoring/urls.py, namespace `monitoring`)."""

from __future__ import annotations

from django.urls import path

from . import survey_views as views

urlpatterns = [
    path("programmes/<int:programme_pk>/surveys/", views.survey_home, name="surveys"),
    path("programmes/<int:programme_pk>/surveys/new/", views.campaign_new,
         name="survey_campaign_new"),
    path("programmes/<int:programme_pk>/surveys/changes/", views.changes,
         name="survey_changes"),
    path("programmes/<int:programme_pk>/surveys/questionnaires/", views.template_list,
         name="survey_templates"),
    path("programmes/<int:programme_pk>/surveys/questionnaires/new/", views.template_new,
         name="survey_template_new"),
    path("programmes/<int:programme_pk>/surveys/questionnaires/<int:pk>/",
         views.template_detail, name="survey_template"),
    path("programmes/<int:programme_pk>/surveys/questionnaires/<int:pk>/edit/",
         views.template_edit, name="survey_template_edit"),
    path("programmes/<int:programme_pk>/surveys/questionnaires/<int:pk>/copy/",
         views.template_copy, name="survey_template_copy"),
    path("surveys/campaigns/<int:pk>/", views.campaign_detail, name="survey_campaign"),
    path("surveys/campaigns/<int:pk>/status/", views.campaign_status,
         name="survey_campaign_status"),
    path("surveys/campaigns/<int:pk>/close/", views.campaign_close,
         name="survey_campaign_close"),
    path("surveys/campaigns/<int:pk>/export.xlsx", views.campaign_export,
         name="survey_campaign_export"),
    # The personal link: no login, the signed token is the key.
    path("s/<str:token>/", views.survey_answer, name="survey_answer"),
    path("s/<str:token>/save/", views.survey_autosave, name="survey_autosave"),
]
