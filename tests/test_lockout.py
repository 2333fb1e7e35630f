"""Login lockout: the username+address lockout does not lock a classmate out, the looser
per-address limit does lock a spraying address, the Russian lockout page says until when,
and administrators (only they) see and release lockouts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.lockout import lockout_list
from mentorship.models import AuditEntry

from .conftest import ROLES, World
from .factories import PASSWORD, UserFactory

ADDRESS = "10.0.0.9"


def _client(address: str = ADDRESS) -> Client:
    return Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR=address)


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_one_users_failures_do_not_lock_a_classmate_at_the_same_address() -> None:
    UserFactory(username="ivanova")
    UserFactory(username="petrova")
    client = _client()
    for _ in range(5):
        _login(client, "ivanova", "wrong")
    locked = _login(client, "ivanova", PASSWORD)
    assert locked.status_code == 429
    assert _login(_client(), "petrova", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_per_address_limit_locks_the_whole_address(settings: Any) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    UserFactory(username="teacher")
    client = _client()
    # Password spraying: a few attempts each on many logins, none reaching 5.
    for n in range(8):
        _login(client, f"victim{n}", "Password1")
    response = _login(_client(), "teacher", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "С вашего сетевого адреса" in html
    assert "обратитесь к администратору" in html
    # Another address is not affected.
    assert _login(_client("10.0.0.10"), "teacher", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_below_the_address_limit_others_log_in(settings: Any) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    UserFactory(username="teacher")
    for n in range(7):
        _login(_client(), f"student{n}", "wrong")
    assert _login(_client(), "teacher", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_lockout_page_says_until_when() -> None:
    UserFactory(username="sidorov")
    for _ in range(5):
        _login(_client(), "sidorov", "wrong")
    response = _login(_client(), "sidorov", PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert "Слишком много неудачных попыток" in html
    assert "Повторите попытку после" in html
    attempt = AccessAttempt.objects.get(username="sidorov")
    until = timezone.localtime(attempt.attempt_time + timedelta(hours=0.25))
    assert until.strftime("%H:%M") in html
    assert until.strftime("%d.%m.%Y") in html


@pytest.mark.django_db
def test_lockout_list_shows_pairs_and_addresses(settings: Any) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for _ in range(6):
        _login(_client(), "kozlov", "wrong")
    rows = lockout_list()
    assert {(r.username, r.ip_address) for r in rows} == {("kozlov", ADDRESS), ("", ADDRESS)}


@pytest.mark.django_db
def test_admin_unlocks_a_login_and_it_is_audited(world: World) -> None:
    UserFactory(username="orlov")
    for _ in range(5):
        _login(_client(), "orlov", "wrong")
    admin = world.client_for("admin")
    page = admin.get(reverse("lockout_list"))
    assert page.status_code == 200
    assert "orlov" in page.content.decode()
    response = admin.post(reverse("lockout_release"),
                          {"username": "orlov", "ip_address": ADDRESS}, follow=True)
    assert "разблокирован" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="orlov").exists()
    assert _login(_client(), "orlov", PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(verb="login.unlocked")
    assert entry.actor == world.users["admin"]
    assert entry.changes["username"][0] == "orlov"
    # A second submit (the lockout already gone) does no harm.
    again = admin.post(reverse("lockout_release"), {"username": "orlov", "ip_address": ADDRESS})
    assert again.status_code == 302


@pytest.mark.django_db
def test_admin_unlocks_a_whole_address(world: World, settings: Any) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for n in range(6):
        _login(_client(), f"x{n}", "wrong")
    admin = world.client_for("admin")
    admin.post(reverse("lockout_release"), {"username": "", "ip_address": ADDRESS})
    assert not AccessAttempt.objects.filter(ip_address=ADDRESS).exists()


@pytest.mark.django_db
def test_unlock_refuses_a_missing_address(world: World) -> None:
    _login(_client(), "a", "wrong")
    world.client_for("admin").post(reverse("lockout_release"), {"username": "", "ip_address": ""})
    assert AccessAttempt.objects.exists()


MATRIX = {
    #            anonymous admin dir cur mentor mentee o_mentee o_cur coord
    "lockout_list": (302, 200, 403, 403, 403, 403, 403, 403, 403),
    "lockout_release": (302, 302, 403, 403, 403, 403, 403, 403, 403),
    "otp_reset": (302, 302, 403, 403, 403, 403, 403, 403, 403),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("view", "role", "expected"), [
    pytest.param(view, role, expected, id=f"{view}-{role}")
    for view, statuses in MATRIX.items()
    for role, expected in zip(ROLES, statuses, strict=True)
])
def test_permission_matrix(world: World, view: str, role: str, expected: int) -> None:
    _login(_client(), "someone", "wrong")
    client = world.client_for(role)
    url = reverse(view)
    if view == "lockout_list":
        response = client.get(url)
    else:
        response = client.post(url, {"username": "someone", "ip_address": ADDRESS})
    assert response.status_code == expected
    if role not in ("admin", "anonymous") and view == "lockout_release":
        assert AccessAttempt.objects.filter(username="someone").exists()


# Session (read from the cache instead when Redis holds the sessions), user, the data version
# (the user's access is in the cache since the first load), the two lockout aggregates
# (login at address, whole address); the session is not saved (written once a minute).
QUERIES = 5


@pytest.mark.django_db
def test_lockout_list_queries_do_not_grow(world: World, settings: Any,
                                         django_assert_num_queries: Any) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 100
    for n in range(3):
        for _ in range(5):
            _login(_client(f"10.1.0.{n}"), f"user{n}", "wrong")
    admin = world.client_for("admin")
    admin.get(reverse("lockout_list"))
    cached_sessions = settings.SESSION_ENGINE.endswith("cached_db")
    with django_assert_num_queries(QUERIES - cached_sessions):
        response = admin.get(reverse("lockout_list"))
    assert response.content.decode().count("Разблокировать") == 3
