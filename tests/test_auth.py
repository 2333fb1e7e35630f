"""Login: a Russian login page, the role's home after login, and throttling keyed on the
username and address together."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from .factories import PASSWORD, UserFactory


def _client() -> Client:
    return Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="10.0.0.7")


def _login(client: Client, username: str, password: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR="10.0.0.7").status_code


@pytest.mark.django_db
def test_login_page_is_russian() -> None:
    html = _client().get(reverse("login")).content.decode()
    assert '<html lang="ru">' in html
    assert "Войти" in html


@pytest.mark.django_db
def test_wrong_password_says_so_in_russian() -> None:
    UserFactory(username="ivanov")
    response = _client().post(reverse("login"), {"username": "ivanov", "password": "nope"})
    assert response.status_code == 200
    assert "Неверный логин или пароль" in response.content.decode()


@pytest.mark.django_db
def test_lockout_after_repeated_failures_is_per_username_and_address() -> None:
    UserFactory(username="petrov")
    UserFactory(username="sidorov")
    client = _client()
    for _ in range(5):
        _login(client, "petrov", "wrong")
    # Even the right password is refused now, with a Russian explanation.
    response = client.post(reverse("login"), {"username": "petrov", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429
    assert "Слишком много неудачных попыток" in response.content.decode()
    # A classmate behind the same address still logs in.
    assert _login(_client(), "sidorov", PASSWORD) == 302


@pytest.mark.django_db
def test_successful_login_lands_on_home() -> None:
    UserFactory(username="smirnova")
    client = _client()
    response = client.post(reverse("login"), {"username": "smirnova", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_pages_carry_a_csp_without_inline_scripts() -> None:
    response = _client().get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    html = response.content.decode()
    # Every <script> on the page loads a file; none carries code of its own.
    assert html.count("<script") == html.count("<script src=")
