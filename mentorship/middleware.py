"""Activates the organisation scope (django-scopes) for every request.

A query on personal data made without a scope raises ScopeError, so a view that forgets to
filter fails loudly instead of leaking. Admins (superusers) see every organisation; a
regional coordinator and an anonymous visitor get an empty scope: they see no person.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_scopes import scope, scopes_disabled

from .access import user_organisation_ids


class ScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_superuser:
            with scopes_disabled():
                return self.get_response(request)
        org_ids = user_organisation_ids(user) if user.is_authenticated else []
        with scope(organisation=org_ids):
            return self.get_response(request)


class SecurityHeadersMiddleware:
    """Adds the Content Security Policy (settings.CONTENT_SECURITY_POLICY) and a restrictive
    Permissions-Policy to every response. Scripts come only from our own static files: no
    inline scripts anywhere, htmx included (see base.html's htmx-config)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
