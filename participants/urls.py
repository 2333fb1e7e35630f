from __future__ import annotations

from django.urls import path

from . import views

app_name = "participants"
urlpatterns = [
    path("programmes/<int:programme_pk>/participants/", views.person_list, name="list"),
    path("people/<int:pk>/", views.person_detail, name="detail"),
]
