"""Every demo login reaches its own role's home page, in Russian."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from .conftest import LOGIN_PATH, login

# Demo login -> the role its home page declares on <main data-role="...">.
ROLE_OF_LOGIN = {
    "admin": "admin",
    "director": "director",
    "curator": "curator",
    "mentor": "mentor",
    "mentee": "mentee",
    "coordinator": "coordinator",
    "curator2": "curator",
}


def test_login_page_is_in_russian(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("body")).to_contain_text("Войти")
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.locator("#id_password")).to_be_visible()


@pytest.mark.parametrize(("username", "role"), ROLE_OF_LOGIN.items())
def test_demo_login_lands_on_role_home(
    page: Page, live_server: LiveServer, demo: str, username: str, role: str
) -> None:
    assert username in demo  # load_demo prints the logins it created
    login(page, live_server, username)
    expect(page.locator(f'main[data-role="{role}"]')).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
