"""Session expiry: a session idle past SESSION_IDLE_MINUTES is logged out, an active one is
not, and no session outlives SESSION_MAX_HOURS."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from mentorship.middleware import SessionLimitMiddleware

from .conftest import World

LAST_SEEN = SessionLimitMiddleware.LAST_SEEN_KEY
STARTED = SessionLimitMiddleware.STARTED_KEY


def _shift(client: Client, **seconds_ago: int) -> None:
    """Pretend the session's last request (and/or login) happened that long ago."""
    session = client.session
    now = int(time.time())
    if "last_seen" in seconds_ago:
        session[LAST_SEEN] = now - seconds_ago["last_seen"]
    if "started" in seconds_ago:
        session[STARTED] = now - seconds_ago["started"]
    session.save()


def test_defaults() -> None:
    assert django_settings.SESSION_IDLE_MINUTES == 30
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    # The last request's time is written once a minute, not on every request.
    assert not django_settings.SESSION_SAVE_EVERY_REQUEST
    assert django_settings.SESSION_TOUCH_SECONDS == 60
    assert django_settings.SESSION_MAX_HOURS == 12


@pytest.mark.django_db
def test_idle_session_is_logged_out(world: World) -> None:
    client = world.client_for("curator")
    assert client.get(reverse("home")).status_code == 200
    _shift(client, last_seen=31 * 60)
    response = client.get(reverse("programme_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=" in response["Location"]
    page = client.get(response["Location"])
    assert "Сеанс завершён" in page.content.decode()
    # Logged out for good: the next page asks to log in again.
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_active_session_stays(world: World) -> None:
    client = world.client_for("curator")
    for _ in range(3):
        _shift(client, last_seen=29 * 60)
        assert client.get(reverse("home")).status_code == 200
    # Each request renews the idle clock.
    assert int(time.time()) - client.session[LAST_SEEN] < 5


@pytest.mark.django_db
def test_idle_limit_is_a_setting(world: World, settings: Any) -> None:
    settings.SESSION_IDLE_MINUTES = 5
    client = world.client_for("curator")
    _shift(client, last_seen=6 * 60)
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_no_session_outlives_the_absolute_maximum(world: World) -> None:
    client = world.client_for("curator")
    _shift(client, last_seen=60, started=13 * 3600)
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_htmx_request_of_an_idle_session_is_sent_to_login(world: World) -> None:
    client = world.client_for("curator")
    _shift(client, last_seen=31 * 60)
    response = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


@pytest.mark.django_db
def test_cookie_age_follows_the_idle_limit(world: World) -> None:
    client = world.client_for("mentor")
    _shift(client, last_seen=2 * 60)
    response = client.get(reverse("home"))
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 30 * 60


@pytest.mark.django_db
def test_a_request_soon_after_the_last_writes_nothing(world: World) -> None:
    client = world.client_for("mentor")
    _shift(client, last_seen=2 * 60)
    client.get(reverse("home"))  # more than a minute after the last: written
    written = client.session[LAST_SEEN]
    assert int(time.time()) - written < 5
    response = client.get(reverse("programme_list"))
    assert response.status_code == 200
    assert django_settings.SESSION_COOKIE_NAME not in response.cookies
    assert client.session[LAST_SEEN] == written
