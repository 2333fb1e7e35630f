from __future__ import annotations

from django.urls import path

from . import views

app_name = "pairing"
urlpatterns = [
    path("programmes/<int:programme_pk>/mentorships/", views.mentorship_list,
         name="mentorship_list"),
    path("mentorships/<int:pk>/", views.mentorship_detail, name="mentorship_detail"),
    path("programmes/<int:programme_pk>/requests/", views.request_list, name="request_list"),
]
