"""Browser tests: pytest-playwright driving the system Chromium against `live_server`.

Playwright's own browser download does not work here, so the browser is Debian's Chromium
(`apt-get install chromium`), or whatever CHROMIUM_PATH names. A missing browser fails the
run: these tests are never skipped. Every test in this folder is marked `e2e`, which
`make test` deselects and `make e2e` selects.
"""

from __future__ import annotations

import os
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an event loop in the test thread; the ORM calls that fixtures
# make there are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "demo"
LOGIN_PATH = "/accounts/login/"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items, not only this folder's; it runs before
    # `-m` deselection so that `-m e2e` / `-m "not e2e"` see the marker.
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = Path(os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM)
    if not (executable.is_file() and os.access(executable, os.X_OK)):
        pytest.fail(
            f"No Chromium executable at {executable}. Install Debian's browser with "
            "`apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium binary.",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(executable),
        "headless": True,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # The people who use the product run Russian browsers; Accept-Language follows the locale.
    return {**browser_context_args, "locale": "ru-RU", "timezone_id": "Europe/Moscow"}


@pytest.fixture
def demo(transactional_db: None) -> str:
    """The reduced demo population, loaded into the test database; returns the command output."""
    out = StringIO()
    call_command("load_demo", "--small", stdout=out)
    return out.getvalue()


def login(
    page: Page, live_server: LiveServer, username: str, password: str = DEMO_PASSWORD
) -> None:
    """Log in through the login form and wait until the browser has left the login page."""
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("#id_password").press("Enter")
    expect(page).not_to_have_url(re.compile(re.escape(LOGIN_PATH)))
