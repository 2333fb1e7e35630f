"""Stage 6 in the browser: on a phone, the mentor logs a meeting and marks a plan task done;
the curator then opens the pairs at risk and the pair is gone from the list."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from cycle.risk import NO_MEETING, mentorships_at_risk
from pairing.models import Mentorship

from .conftest import login

SHOTS = Path(tempfile.gettempdir()) / "h3_shots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def test_mentor_logs_meeting_and_pair_leaves_risk_list(page: Page, live_server: LiveServer,
                                                       demo: str) -> None:
    with scopes_disabled():
        own = Mentorship.objects.filter(mentor__person__user__username="mentor").first()
        rows = mentorships_at_risk(programme=own.programme,
                                   mentor_person_id=own.mentor.person_id)
    row = next(r for r in rows if r.reasons == [NO_MEETING])  # the demo puts one there
    pair = row.mentorship

    page.set_viewport_size(PHONE)
    login(page, live_server, "mentor")
    page.goto(f"{live_server.url}{reverse('pairing:mentorship_detail', args=[pair.pk])}")
    page.screenshot(path=SHOTS / "pair_390.png", full_page=True)
    page.locator("#meetings a", has_text="Записать встречу").click()
    page.locator("#id_topic").fill("Разбор практического задания")
    page.locator("#id_duration_minutes").fill("40")
    page.screenshot(path=SHOTS / "meeting_form_390.png", full_page=True)
    page.locator("form button[type=submit]", has_text="Сохранить").click()
    expect(page.locator("body")).to_contain_text("Встреча записана в журнал")
    expect(page.locator("#meetings")).to_contain_text("Разбор практического задания")

    # A task of the plan (the mentor adds one if the plan has none left to do), marked done
    # with one tap (htmx replaces the plan section).
    open_tasks = page.locator("#plan .plan-item", has=page.locator("button",
                                                                 has_text="Выполнено"))
    if open_tasks.count() == 0:
        page.locator("#plan a", has_text="Добавить цель или задачу").click()
        page.locator("#id_title").fill("Подготовить доклад к семинару")
        page.locator("form button[type=submit]", has_text="Сохранить").click()
    task = open_tasks.first
    title = task.locator(".plan-title").inner_text()
    task.locator("button", has_text="Выполнено").click()
    done = page.locator("#plan .plan-item", has_text=title)
    expect(done.locator(".plan-status")).to_have_text("выполнено")
    page.screenshot(path=SHOTS / "pair_after_390.png", full_page=True)

    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "curator")
    page.locator("nav .dropdown-toggle", has_text="Пары и группы").click()
    page.locator("nav a", has_text="Пары в группе риска").click()
    expect(page.locator("h1")).to_have_text("Пары в группе риска")
    expect(page.locator(f'#risk tr[data-mentorship="{pair.pk}"]')).to_have_count(0)
    page.screenshot(path=SHOTS / "risk_1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=SHOTS / "risk_390.png", full_page=True)
