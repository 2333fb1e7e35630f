"""A user changes their password from the user menu, logs out and logs in with the new one;
the old password no longer works. Uses a user of its own, not a demo login."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from django.contrib.auth.hashers import make_password
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from mentorship.models import User

from .conftest import LOGIN_PATH, login

OLD_PASSWORD = "Staryj-Parol-2025"
NEW_PASSWORD = "Novyj-Parol-Osen-2026"
# Screenshots at phone and desktop width, for a person to look at.
SCREENSHOTS = str(Path(tempfile.gettempdir()) / "h7_account")


def test_change_password_then_log_in_with_it(page: Page, live_server: LiveServer,
                                             transactional_db: None) -> None:
    User.objects.create(username="e2e_account", first_name="Ольга", last_name="Смирнова",
                        password=make_password(OLD_PASSWORD))
    login(page, live_server, "e2e_account", OLD_PASSWORD)

    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".navbar-toggler").click()
    page.locator("#user-menu .dropdown-toggle").click()
    page.get_by_role("link", name="Смена пароля").click()
    expect(page.get_by_role("heading", name="Смена пароля")).to_be_visible()
    page.screenshot(path=f"{SCREENSHOTS}_390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    # A weak password is refused with a Russian reason, and nothing changes.
    page.fill("#id_old_password", OLD_PASSWORD)
    page.fill("#id_new_password1", "1234567890")
    page.fill("#id_new_password2", "1234567890")
    page.get_by_role("button", name="Изменить пароль").click()
    expect(page.get_by_text("состоит только из цифр")).to_be_visible()

    page.fill("#id_old_password", OLD_PASSWORD)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Изменить пароль").click()
    expect(page.get_by_text("Пароль изменён.")).to_be_visible()
    page.screenshot(path=f"{SCREENSHOTS}_1280.png", full_page=True)

    page.locator("#user-menu .dropdown-toggle").click()
    page.get_by_role("button", name="Выйти").click()
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH)))

    # The old password is refused...
    page.fill("#id_username", "e2e_account")
    page.fill("#id_password", OLD_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_text("Неверный логин или пароль")).to_be_visible()
    # ...the new one works.
    login(page, live_server, "e2e_account", NEW_PASSWORD)
    expect(page.locator("#user-menu")).to_contain_text("Ольга Смирнова")


def test_admin_switches_on_the_second_factor_and_logs_in_with_a_code(
        page: Page, live_server: LiveServer, transactional_db: None) -> None:
    User.objects.create(username="e2e_otp_admin", is_superuser=True, is_staff=True,
                        password=make_password(OLD_PASSWORD))
    login(page, live_server, "e2e_otp_admin", OLD_PASSWORD)
    page.locator("#user-menu .dropdown-toggle").click()
    page.get_by_role("link", name="Второй фактор").click()
    expect(page.locator(".otp-qr svg")).to_be_visible()
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    page.fill("#id_token", _code(secret))
    page.screenshot(path=f"{SCREENSHOTS}_otp_1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SCREENSHOTS}_otp_390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Включить").click()
    expect(page.get_by_text("Второй фактор включён.")).to_be_visible()

    page.locator("#user-menu .dropdown-toggle").click()
    page.get_by_role("button", name="Выйти").click()
    login(page, live_server, "e2e_otp_admin", OLD_PASSWORD)
    # The password alone does not open the product: every page asks for the code.
    expect(page.get_by_role("heading", name="Код для входа")).to_be_visible()
    page.goto(f"{live_server.url}/users/")
    expect(page.get_by_role("heading", name="Код для входа")).to_be_visible()
    # A code is accepted once: the one that confirmed the enrolment is spent, so take the
    # next one (the device tolerates one step of clock drift).
    page.fill("#id_token", _code(secret, drift=1))
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_role("heading", name="Пользователи")).to_be_visible()

    page.goto(f"{live_server.url}/users/lockouts/")
    expect(page.get_by_role("heading", name="Блокировки входа")).to_be_visible()
    page.screenshot(path=f"{SCREENSHOTS}_lockouts_1280.png", full_page=True)


def _code(secret: str, drift: int = 0) -> str:
    import base64

    from django_otp.oath import totp

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, drift=drift):06d}"
