"""The typed request used by views."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class AppRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
