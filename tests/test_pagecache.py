"""The per-user page cache (mentorship.pagecache): a page is served again only to the same
user and session while the data is unchanged; any write, a pending message, an htmx
request or a new session renders it afresh; the forms of a cached page still post."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.pagecache import HIT_HEADER, page_key
from participants.models import Person

from .conftest import World

HIT = "hit"


def _warm(client: Client, url: str) -> Any:
    """The first answer sets the CSRF cookie (part of the key), the second is stored."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    assert response.get(HIT_HEADER) is None
    return response


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "url_of"), [
    ("mentor", lambda w: reverse("home")),
    ("curator", lambda w: reverse("home")),
    ("director", lambda w: reverse("home")),
    ("director", lambda w: reverse("monitoring:dashboard", args=[w.programme.pk])),
    ("curator", lambda w: reverse("pairing:board", args=[w.programme.pk])),
    ("curator", lambda w: reverse("pairing:mentorship_list", args=[w.programme.pk])),
    ("curator", lambda w: reverse("pairing:request_list", args=[w.programme.pk])),
    ("mentor", lambda w: reverse("pairing:mentorship_detail", args=[w.pair.pk])),
    ("coordinator", lambda w: reverse("monitoring:region")),
])
def test_a_page_is_served_again_until_the_data_changes(world: World, role: str,
                                                        url_of: Any) -> None:
    client = world.client_for(role)
    url = url_of(world)
    first = _warm(client, url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again[HIT_HEADER] == HIT
    assert again.content == first.content
    # The session and the user are read, then the data version: nothing of the page.
    assert len(queries) <= 4, "\n".join(q["sql"][:200] for q in queries)

    Person.objects.filter(pk=world.people["mentor"].pk).update(last_name="Переименованный")
    after = client.get(url)
    assert after.get(HIT_HEADER) is None
    assert after.status_code == 200


@pytest.mark.django_db
def test_a_change_shows_on_the_next_load(world: World) -> None:
    client = world.client_for("mentor")
    url = reverse("pairing:mentorship_detail", args=[world.pair.pk])
    _warm(client, url)
    assert "Переименованный" not in client.get(url).content.decode()
    mentee = world.people["mentee"]
    mentee.last_name = "Переименованный"
    mentee.save()
    page = client.get(url)
    assert page.get(HIT_HEADER) is None
    assert "Переименованный" in page.content.decode()


@pytest.mark.django_db
def test_each_user_and_session_has_their_own_pages(world: World) -> None:
    url = reverse("pairing:mentorship_detail", args=[world.pair.pk])
    owner = world.client_for("mentor")
    _warm(owner, url)
    assert owner.get(url)[HIT_HEADER] == HIT
    # Another mentee of the same college gets no page of a pair not theirs.
    outsider = world.client_for("other_mentee")
    outsider.get(reverse("home"))  # a CSRF cookie and a session, like the owner
    assert outsider.get(url).status_code == 404
    # The same user in a new session starts afresh.
    again = world.client_for("mentor")
    again.get(url)
    assert again.get(url).get(HIT_HEADER) is None


@pytest.mark.django_db
def test_a_waiting_message_is_shown_not_a_cached_page(world: World) -> None:
    client = world.client_for("curator")
    url = reverse("home")
    _warm(client, url)
    cached = client.get(url)
    assert cached[HIT_HEADER] == HIT
    # A message left for the next page (as a view does before redirecting): the cookie.
    storage = CookieStorage(client.get(url).wsgi_request)
    client.cookies[storage.cookie_name] = storage._encode(
        [Message(constants.SUCCESS, "Сохранено: проверка кэша")])
    page = client.get(url)
    assert page.get(HIT_HEADER) is None
    assert "Сохранено: проверка кэша" in page.content.decode()
    # The page that showed it was not stored: the next one is the page stored before.
    following = client.get(url)
    assert following[HIT_HEADER] == HIT
    assert following.content == cached.content
    assert "Сохранено: проверка кэша" not in following.content.decode()
    assert list(get_messages(following.wsgi_request)) == []


@pytest.mark.django_db
def test_the_forms_of_a_cached_page_still_post(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["mentor"])
    url = reverse("home")
    _warm(client, url)
    page = client.get(url)
    assert page[HIT_HEADER] == HIT
    html = page.content.decode()
    marker = 'name="csrfmiddlewaretoken" value="'
    assert marker in html
    token = html.split(marker, 1)[1].split('"', 1)[0]
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get(url).status_code == 302  # logged out: the login page


@pytest.mark.django_db
def test_htmx_requests_and_a_zero_setting_bypass_the_cache(world: World,
                                                           settings: Any) -> None:
    client = world.client_for("curator")
    url = reverse("pairing:board", args=[world.programme.pk])
    _warm(client, url)
    assert client.get(url, HTTP_HX_REQUEST="true").get(HIT_HEADER) is None
    settings.PAGE_CACHE_SECONDS = 0
    assert client.get(url).get(HIT_HEADER) is None
    assert page_key(client.get(url).wsgi_request) is None


@pytest.mark.django_db
def test_no_page_for_anonymous_visitors(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert page_key(response.wsgi_request) is None


@pytest.mark.django_db
def test_the_dashboard_body_is_shared_but_not_the_director_only_link(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitoring import fragments

    built = []
    real = fragments.programme_dashboard
    monkeypatch.setattr(fragments, "programme_dashboard",
                        lambda **kw: built.append(kw) or real(**kw))
    url = reverse("monitoring:dashboard", args=[world.programme.pk])
    headcount = reverse("monitoring:headcount", args=[world.programme.pk])
    director = world.client_for("director").get(url).content.decode()
    curator = world.client_for("curator").get(url).content.decode()
    assert headcount in director and headcount not in curator
    assert len(built) == 2  # one body per set of links
    # A second curator's first visit (another session) reuses the body.
    assert world.client_for("curator").get(url).content.decode().count('id="dashboard"') == 1
    assert len(built) == 2
    # The director's home shows the same body, already built.
    home = world.client_for("director").get(reverse("home")).content.decode()
    assert 'id="result-indicators"' in home
    # Any write: the body is built again.
    Person.objects.filter(pk=world.people["mentee"].pk).update(last_name="Другой")
    world.client_for("curator").get(url)
    assert len(built) == 3
