"""Password policy, the password change page and password reset by e-mail."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mentorship.models import AuditEntry, User

from .conftest import ROLES, World
from .factories import PASSWORD, UserFactory

NEW_PASSWORD = "Zelenyj-Sad-2026"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def _client(address: str = "10.0.0.21") -> Client:
    return Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR=address)


@pytest.mark.django_db
@pytest.mark.parametrize(("password", "expected"), [
    ("Abc12345", "слишком короткий"),
    ("1234567890123", "состоит только из цифр"),
    ("password1234", "слишком широко распространён"),
    ("kuznetsova-anna", "похож на"),
])
def test_password_policy_speaks_russian(password: str, expected: str) -> None:
    user = UserFactory.build(username="kuznetsova", first_name="Анна", last_name="Кузнецова",
                             email="kuznetsova-anna@example.org")
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        validate_password(password, user)
    assert any(expected in message for message in error.value.messages), error.value.messages


@pytest.mark.django_db
def test_change_password(world: World) -> None:
    client = world.client_for("mentor")
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "Смена пароля" in page.content.decode()
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD}, follow=True)
    assert "Пароль изменён" in response.content.decode()
    user = User.objects.get(username="mentor")
    assert user.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(verb="user.password_changed", actor=user).exists()
    # The session survives the change (Django updates the session hash).
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_change_password_rejects_a_weak_one_and_keeps_the_old(world: World) -> None:
    client = world.client_for("mentor")
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 200
    assert "слишком короткий" in response.content.decode()
    assert User.objects.get(username="mentor").check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_password_change_matrix(world: World, role: str) -> None:
    response = world.client_for(role).get(reverse("password_change"))
    assert response.status_code == (302 if role == "anonymous" else 200)


@pytest.mark.django_db
def test_login_page_links_to_reset() -> None:
    html = _client().get(reverse("login")).content.decode()
    assert reverse("password_reset") in html
    assert "Забыли пароль?" in html


@pytest.mark.django_db
def test_reset_by_email_end_to_end() -> None:
    user = UserFactory(username="belova", email="belova@example.org")
    client = _client()
    response = client.post(reverse("password_reset"), {"email": "Belova@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["belova@example.org"]
    assert "восстановление пароля" in letter.subject.lower()
    assert "belova" in letter.body
    link = re.search(r"https?://[^\s]+", letter.body).group(0)
    path = link.split("127.0.0.1", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    assert "Новый пароль" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {
        "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "Пароль сохранён" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(verb="user.password_reset", actor=user).exists()
    # The link works once.
    again = client.get(path, follow=True)
    assert "Ссылка недействительна" in again.content.decode()


@pytest.mark.django_db
def test_unknown_address_gets_the_same_page_and_no_mail() -> None:
    UserFactory(username="known", email="known@example.org")
    known = _client().post(reverse("password_reset"), {"email": "known@example.org"},
                           follow=True)
    unknown = _client("10.0.0.22").post(reverse("password_reset"),
                                        {"email": "nobody@example.org"}, follow=True)
    assert len(mail.outbox) == 1
    assert known.redirect_chain == unknown.redirect_chain
    assert "Если учётная запись с этим адресом существует" in unknown.content.decode()


@pytest.mark.django_db
def test_reset_requests_are_throttled_per_address(settings: Any) -> None:
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 3
    UserFactory(username="spam_target", email="target@example.org")
    client = _client("10.0.0.23")
    for _ in range(3):
        assert client.post(reverse("password_reset"),
                           {"email": "target@example.org"}).status_code == 302
    refused = client.post(reverse("password_reset"), {"email": "target@example.org"})
    assert refused.status_code == 429
    assert "Слишком много запросов" in refused.content.decode()
    assert len(mail.outbox) == 3
    # Another address is not throttled.
    assert _client("10.0.0.24").post(reverse("password_reset"),
                                     {"email": "target@example.org"}).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["password_reset", "password_reset_done",
                                  "password_reset_complete"])
def test_reset_pages_open_for_anonymous(name: str) -> None:
    assert _client().get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_forged_reset_link_is_refused() -> None:
    url = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "forged-token"})
    response = _client().get(url, follow=True)
    assert response.status_code == 200
    assert "Ссылка недействительна" in response.content.decode()
