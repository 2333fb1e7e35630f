from __future__ import annotations

from django.urls import path

from . import views

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
