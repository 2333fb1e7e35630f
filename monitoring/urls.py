from __future__ import annotations

from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("region/", views.region, name="region"),
]
