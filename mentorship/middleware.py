"""Activates the organisation scope (django-scopes) for every request.

A query on personal data made without a scope raises ScopeError, so a view that forgets to
filter fails loudly instead of leaking. Admins (superusers) see every organisation; a
regional coordinator and an anonymous visitor get an empty scope: they see no person.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from .access import user_organisation_ids
from .otp import STEP_ENROL, otp_step_pending


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


class SessionLimitMiddleware:
    """Ends a session idle longer than SESSION_IDLE_MINUTES or older than SESSION_MAX_HOURS
    (a shared computer in a classroom must not stay logged in). The idle limit is also the
    cookie's age; the time of the last request is written (and the cookie renewed) at most
    once per SESSION_TOUCH_SECONDS, so most requests write nothing. The times kept in the
    session make both limits hold whatever the session backend."""

    LAST_SEEN_KEY = "last_seen"
    STARTED_KEY = "login_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            last_seen = session.get(self.LAST_SEEN_KEY, now)
            started = session.setdefault(self.STARTED_KEY, now)
            idle = now - last_seen > settings.SESSION_IDLE_MINUTES * 60
            too_old = now - started > settings.SESSION_MAX_HOURS * 3600
            if idle or too_old:
                logout(request)
                messages.info(request, _("Your session has ended after a period of "
                                         "inactivity. Please log in again."))
                if request.method == "GET" and not request.headers.get("HX-Request"):
                    return redirect_to_login(request.get_full_path())
                return redirect("login")
            if now - last_seen >= settings.SESSION_TOUCH_SECONDS or (
                    self.LAST_SEEN_KEY not in session):
                session[self.LAST_SEEN_KEY] = now  # saved, and the cookie renewed
        return self.get_response(request)


class OTPStepMiddleware:
    """Holds a session that owes the second login step (mentorship.otp) on that step's page:
    every other page redirects there, except logging out and static files. Reads only the
    session, so it costs no query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = otp_step_pending(request) if request.user.is_authenticated else None
        if step:
            target = reverse("otp_enrol") if step == STEP_ENROL else reverse("otp_verify")
            allowed = {target, reverse("logout"), reverse("health")}
            if request.path not in allowed and not request.path.startswith(
                    settings.STATIC_URL):
                return redirect_to_login(request.get_full_path(), target)
        return self.get_response(request)
