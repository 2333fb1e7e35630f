"""Walks every URL pattern of the project with objects of one college and asserts that the
users of another college — in each role — and the regional coordinator get 404, and an
anonymous visitor the login redirect (or 404 for the token-protected public pages).

A new URL pattern must be added to OBJECT_URLS (how to fill its arguments with the first
college's objects) or to NO_OBJECT_URLS (pages about no particular object, checked
elsewhere); otherwise this test fails, so no view can ship without its outsider check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import World
from .factories import PersonFactory, RoleFactory, UserFactory

Kwargs = Callable[[World], dict[str, Any]]

# URL name -> the arguments that point at the first college's objects.
OBJECT_URLS: dict[str, Kwargs] = {
    "programme_detail": lambda w: {"pk": w.programme.pk},
    "participants:list": lambda w: {"programme_pk": w.programme.pk},
    "participants:detail": lambda w: {"pk": w.people["mentee"].pk},
    "pairing:mentorship_list": lambda w: {"programme_pk": w.programme.pk},
    "pairing:mentorship_detail": lambda w: {"pk": w.pair.pk},
    "pairing:request_list": lambda w: {"programme_pk": w.programme.pk},
}

# Pages that show no object of a college (each has its own permission test).
NO_OBJECT_URLS = {
    "home", "health", "login", "logout", "user_list", "organisation_list", "programme_list",
    "monitoring:region",
}

# Patterns outside the product's own views.
IGNORED_PREFIXES = ("admin:",)
IGNORED_NAMES = {None}


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def _project_url_names() -> list[str]:
    names = sorted(set(_walk(get_resolver().url_patterns)))
    return [n for n in names if not n.startswith(IGNORED_PREFIXES)]


def test_every_url_is_in_the_walk() -> None:
    missing = [n for n in _project_url_names()
               if n not in OBJECT_URLS and n not in NO_OBJECT_URLS]
    assert missing == [], f"Add these URL names to tests/test_outsider_walk.py: {missing}"


@pytest.fixture
def outsiders(world: World) -> dict[str, Client]:
    """One user of the other college in each role, plus the regional coordinator."""
    clients: dict[str, Client] = {}
    for role in ("director", "curator", "mentor", "mentee"):
        user = UserFactory(username=f"outsider_{role}")
        person = PersonFactory(organisation=world.other_org, user=user)
        RoleFactory(programme=world.other_programme, person=person, role=role)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        clients[role] = client
    clients["coordinator"] = world.client_for("coordinator")
    return clients


def _status(client: Client, url: str) -> int:
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_outsiders_get_404_and_anonymous_the_login(world: World,
                                                   outsiders: dict[str, Client],
                                                   name: str) -> None:
    url = reverse(name, kwargs=OBJECT_URLS[name](world))
    for role, client in outsiders.items():
        assert _status(client, url) == 404, (name, role)
    anonymous = Client(HTTP_HOST="127.0.0.1")
    response = anonymous.get(url)
    if response.status_code == 405:
        response = anonymous.post(url)
    assert response.status_code in (302, 404), name
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login")), name
