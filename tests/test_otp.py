"""The optional second login step (TOTP): enrolment with a QR code, the code asked after
the password, the middleware holding the session on that step, an admin's reset, and the
setting that makes it required for some roles. Codes are computed from the device's key."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mentorship.models import AuditEntry, User
from mentorship.otp import OTP_STEP_SESSION_KEY

from .conftest import ROLES, World
from .factories import PASSWORD


def _code(device: TOTPDevice, offset: int = 0) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                drift=offset)
    return f"{code:06d}"


def _enrolled(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def _password_login(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="10.0.0.31")
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_director_enrols_with_a_qr_code_and_a_code(world: World) -> None:
    client = world.client_for("director")
    page = client.get(reverse("otp_enrol"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    assert "<script" not in html.split("<main", 1)[1]
    device = TOTPDevice.objects.get(user=world.users["director"], confirmed=False)
    # The key for manual entry is shown too, in groups of four.
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html).group(1)
    assert len(secret.replace(" ", "")) == 32
    # Reloading keeps the same pending device (the QR code does not change).
    client.get(reverse("otp_enrol"))
    assert TOTPDevice.objects.filter(user=world.users["director"]).count() == 1

    wrong = client.post(reverse("otp_enrol"), {"token": "000000"})
    assert "Код неверен" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    device.throttle_reset()
    response = client.post(reverse("otp_enrol"), {"token": _code(device)}, follow=True)
    assert "Второй фактор включён" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(verb="otp.enrolled",
                                     actor=world.users["director"]).exists()


@pytest.mark.django_db
def test_login_asks_for_the_code_after_the_password(world: World) -> None:
    device = _enrolled(world.users["director"])
    client = _password_login("director")
    # Every page leads to the code step until it is passed.
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("otp_verify"))
    other = client.get(reverse("programme_detail", args=[world.programme.pk]))
    assert other["Location"].startswith(reverse("otp_verify"))
    step = client.get(home["Location"])
    assert "Код для входа" in step.content.decode()

    wrong = client.post(reverse("otp_verify"), {"token": "123456"})
    assert "Код неверен" in wrong.content.decode()
    device.throttle_reset()

    passed = client.post(reverse("otp_verify") + "?next=/programmes/",
                         {"token": _code(device), "next": "/programmes/"})
    assert passed.status_code == 302
    assert passed["Location"] == "/programmes/"
    assert client.get(reverse("home")).status_code == 200
    assert OTP_STEP_SESSION_KEY not in client.session


@pytest.mark.django_db
def test_the_step_cannot_be_skipped_by_the_admin_login(world: World) -> None:
    _enrolled(world.users["admin"])
    client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="10.0.0.32")
    client.post(reverse("admin:login"), {"username": "admin", "password": PASSWORD})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_verify"))


@pytest.mark.django_db
def test_logout_is_allowed_during_the_step(world: World) -> None:
    _enrolled(world.users["director"])
    client = _password_login("director")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_user_without_a_device_logs_in_with_the_password_alone(world: World) -> None:
    client = _password_login("director")
    assert client.get(reverse("home")).status_code == 200
    # The verify page has nothing to ask and sends the user on.
    assert client.get(reverse("otp_verify")).status_code == 302


@pytest.mark.django_db
def test_required_role_must_enrol_first(world: World, settings: Any) -> None:
    settings.OTP_REQUIRED_FOR = ["director"]
    client = _password_login("director")
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("otp_enrol"))
    page = client.get(response["Location"])
    assert "требует второго фактора" in page.content.decode()
    device = TOTPDevice.objects.get(user=world.users["director"])
    done = client.post(reverse("otp_enrol"), {"token": _code(device)})
    assert done.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    # A curator (not a required role) is not held.
    assert _password_login("curator").get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_admin_resets_a_lost_device(world: World) -> None:
    _enrolled(world.users["director"])
    admin = world.client_for("admin")
    response = admin.post(reverse("otp_reset"), {"username": "director"}, follow=True)
    assert "второй фактор" in response.content.decode().lower()
    assert not TOTPDevice.objects.filter(user=world.users["director"]).exists()
    assert AuditEntry.objects.filter(verb="otp.reset", actor=world.users["admin"]).exists()
    # The next login asks for no code.
    assert _password_login("director").get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_user_switches_own_factor_off_with_a_code(world: World) -> None:
    device = _enrolled(world.users["director"])
    client = world.client_for("director")
    # As if the step had been passed at login.
    session = client.session
    session.pop(OTP_STEP_SESSION_KEY, None)
    session.save()
    client.post(reverse("otp_disable"), {"token": "000000"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    device.throttle_reset()
    client.post(reverse("otp_disable"), {"token": _code(device)})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


@pytest.mark.django_db
def test_force_login_of_a_user_with_a_device_owes_the_step(world: World) -> None:
    _enrolled(world.users["director"])
    client = world.client_for("director")
    assert client.get(reverse("home"))["Location"].startswith(reverse("otp_verify"))


@pytest.mark.django_db
def test_codes_of_the_past_are_refused(world: World) -> None:
    device = _enrolled(world.users["director"])
    client = _password_login("director")
    old = _code(device, offset=-5)
    client.post(reverse("otp_verify"), {"token": old})
    # The device tolerates one step of clock drift, not five.
    assert OTP_STEP_SESSION_KEY in client.session


MATRIX = {
    #           anonymous admin dir cur mentor mentee o_mentee o_cur coord
    "otp_enrol": (302, 200, 200, 403, 403, 403, 403, 403, 403),
    "otp_verify": (302, 302, 302, 302, 302, 302, 302, 302, 302),
    "otp_disable": (302, 302, 302, 302, 302, 302, 302, 302, 302),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("view", "role", "expected"), [
    pytest.param(view, role, expected, id=f"{view}-{role}")
    for view, statuses in MATRIX.items()
    for role, expected in zip(ROLES, statuses, strict=True)
])
def test_permission_matrix(world: World, view: str, role: str, expected: int) -> None:
    client = world.client_for(role)
    url = reverse(view)
    response = client.post(url, {"token": "000000"}) if view == "otp_disable" else client.get(url)
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
