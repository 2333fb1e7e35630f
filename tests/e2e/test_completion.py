"""Stage 7 in the browser: the mentor closes a pair with an outcome and a reflection; the
curator finds the mentor among the year's best mentors, chooses them and downloads the
letter of thanks."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from pairing.models import Mentorship

from .conftest import login


def test_mentor_closes_pair_and_curator_rewards(page: Page, live_server: LiveServer,
                                                demo: str) -> None:
    pair = (Mentorship.objects.filter(mentor__person__user__username="mentor",
                                      status=Mentorship.Status.ACTIVE)
            .select_related("mentor__person").order_by("pk").first())
    assert pair is not None
    mentor_name = pair.mentor.person.full_name

    login(page, live_server, "mentor")
    page.goto(f"{live_server.url}{reverse('pairing:mentorship_detail', args=[pair.pk])}")
    page.locator("#completion a", has_text="Закрыть наставничество").click()
    page.get_by_label("цель достигнута частично").check()
    page.locator("#complete-form button[type=submit]").click()
    # A partly achieved goal needs a reason: the form says so and keeps the choice.
    expect(page.locator("#complete-form")).to_contain_text("Причина обязательна")
    expect(page.get_by_label("цель достигнута частично")).to_be_checked()
    page.locator("#id_reason").fill("Не успели подготовиться к демоэкзамену")
    page.locator("#id_mentor_reflection").fill("Хорошая динамика, продолжим в новом году")
    page.locator("#complete-form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("Наставничество завершено")
    expect(page.locator("#completion")).to_contain_text("Хорошая динамика")

    page.context.clear_cookies()
    login(page, live_server, "curator")
    page.locator("nav .dropdown-toggle", has_text="Пары и группы").click()
    page.locator("nav a", has_text="Лучшие наставники").click()
    row = page.locator("#best-mentors tbody tr", has_text=mentor_name)
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(4)).to_have_text(re.compile(r"[1-9]"))
    row.locator("button", has_text="Выбрать").click()
    expect(page.locator("body")).to_contain_text("в числе лучших наставников")
    with page.expect_download() as download:
        page.locator("#letters-all").click()
    assert download.value.suggested_filename.startswith("letters-best-mentors-")
    with page.expect_download() as one:
        page.locator("#best-mentors tbody tr", has_text=mentor_name).locator(
            "a", has_text="письмо").click()
    assert one.value.suggested_filename.endswith(".pdf")
