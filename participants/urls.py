from __future__ import annotations

from django.urls import path

from . import consent_views, views

app_name = "participants"
urlpatterns = [
    path("programmes/<int:programme_pk>/participants/", views.person_list, name="list"),
    path("programmes/<int:programme_pk>/participants/export.<str:fmt>", views.person_export,
         name="export"),
    path("people/<int:pk>/", views.person_detail, name="detail"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/template.xlsx", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/errors.xlsx", views.import_report, name="import_report"),
    path("imports/<int:pk>/file/", views.import_file, name="import_file"),
]

# Consents to personal-data processing (participants/consent_views.py).
urlpatterns += [
    path("programmes/<int:programme_pk>/consents/", consent_views.consent_register_view,
         name="consent_register"),
    path("programmes/<int:programme_pk>/consents/export.<str:fmt>",
         consent_views.consent_export, name="consent_export"),
    path("programmes/<int:programme_pk>/consents/form/<int:person_pk>.pdf",
         consent_views.consent_form_person, name="consent_form_person"),
    path("programmes/<int:programme_pk>/consents/group/<int:group_pk>.pdf",
         consent_views.consent_form_group, name="consent_form_group"),
    path("people/<int:pk>/consents/new/", consent_views.consent_new, name="consent_new"),
    path("people/<int:pk>/consents/revoke/", consent_views.consent_revoke_view,
         name="consent_revoke"),
    path("consents/<int:pk>/document/", consent_views.consent_document,
         name="consent_document"),
]
