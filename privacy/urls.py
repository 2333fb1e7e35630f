from __future__ import annotations

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/audit/", views.audit, name="audit"),
    path("privacy/requests/", views.request_list, name="request_list"),
    path("privacy/requests/new/", views.request_create, name="request_create"),
    path("privacy/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("privacy/requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("privacy/requests/<int:pk>/archive/", views.archive_start, name="archive_start"),
    path("privacy/requests/<int:pk>/erase/", views.request_erase, name="request_erase"),
    path("privacy/requests/<int:pk>/act/", views.act_download, name="act_download"),
    path("privacy/archives/<int:pk>/status/", views.archive_status, name="archive_status"),
    path("privacy/archives/<int:pk>/download/", views.archive_download,
         name="archive_download"),
    path("privacy/incidents/", views.incident_list, name="incident_list"),
    path("privacy/incidents/new/", views.incident_create, name="incident_create"),
    path("privacy/incidents/<int:pk>/", views.incident_edit, name="incident_edit"),
]
