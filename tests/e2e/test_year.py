"""The curator's year view: an overdue roadmap activity marked done with a link leaves the
overdue list; the curator changes the passport and the director approves the new version."""

from __future__ import annotations

import os

from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from .conftest import login

SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_curator_marks_overdue_done_and_director_approves(page: Page, live_server: LiveServer,
                                                          demo: str) -> None:
    login(page, live_server, "curator")
    page.locator("#home-year-link").click()
    expect(page.locator("h1")).to_contain_text("учебный год")
    expect(page.locator("#stages li[data-stage]")).to_have_count(7)
    overdue = page.locator("#overdue li[data-activity]")
    expect(overdue.first).to_be_visible()
    count = overdue.count()
    number = overdue.first.get_attribute("data-activity")
    _shot(page, "year-1280.png")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "year-390.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    overdue.first.get_by_role("link", name="Отметить исполнение").click()
    expect(page.locator("h1")).to_contain_text(number or "")
    _shot(page, "execution-1280.png")
    page.select_option("#id_status", "done")
    page.fill("#id_done_on", timezone.localdate().isoformat())
    page.fill("#id_evidence_link", "https://pgt.example/prikaz-nastavnichestvo.pdf")
    page.fill("#id_comment", "Приказ размещён на сайте")
    page.locator("main form button[type=submit]").click()

    expect(page.locator(".alert-success, .alert")).to_contain_text("сохранены")
    expect(page.locator("#overdue li[data-activity]")).to_have_count(count - 1)
    expect(page.locator(f'#overdue li[data-activity="{number}"]')).to_have_count(0)

    # The curator changes the passport: the approved programme becomes a draft.
    programme_url = page.url.split("year/")[0]
    page.goto(programme_url)
    page.get_by_role("link", name="Изменить паспорт").click()
    page.fill("#id_goal", "Обновлённая цель программы наставничества")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#programme-version")).to_contain_text("Изменено после утверждения")

    # The director approves the new version.
    page.context.clear_cookies()
    login(page, live_server, "director")
    page.goto(programme_url)
    page.locator("#approve-link").click()
    expect(page.locator("#changed-sections")).to_contain_text("Паспорт")
    page.get_by_role("button", name="Утвердить").click()
    expect(page.locator("#programme-version")).to_contain_text("Утверждена версия 2")
    expect(page.locator("#programme-version")).to_contain_text(
        timezone.localdate().strftime("%d.%m.%Y"))
    expect(page.locator("#approve-link")).to_have_count(0)
    _shot(page, "programme-1280.png")

    # The director reads the roadmap of the year: the activity marked done shows its link.
    page.goto(f"{programme_url}roadmap/")
    row = page.locator(f'#execution-table tr[data-activity="{number}"]')
    expect(row).to_have_attribute("data-status", "done")
    expect(row.get_by_role("link", name="ссылка")).to_have_attribute(
        "href", "https://pgt.example/prikaz-nastavnichestvo.pdf")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "roadmap-390.png")
