"""The curator's journey on the matching board: run the matcher for a form, read why a
mentor was proposed, give one mentee another mentor, accept, and find the pairs listed."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from pairing.models import Mentorship, MentorshipMember

from .conftest import login


def test_curator_forms_pairs_on_the_board(page: Page, live_server: LiveServer,
                                          demo: str) -> None:
    login(page, live_server, "curator")
    board_link = page.locator('nav a[href$="/board/"]')
    expect(board_link).to_have_count(1)
    page.locator("nav .dropdown-toggle", has_text="Пары и группы").click()
    board_link.click()
    page.locator(".nav-pills a", has_text="педагог – студент").click()
    page.locator("#run-matcher").click()

    first = page.locator(".suggestion").first
    expect(first).to_be_visible()
    expect(page.locator("#board-body")).to_contain_text("Совпадение компетенций")
    first.locator("summary").click()
    lines = first.locator(".explanation li")
    expect(lines.first).to_be_visible()
    expect(lines.first).to_have_text(re.compile(r".+: .*\(\+\d+\)$"))

    # Another mentor for the first mentee, from the ranked list.
    mentee_name = first.locator(".mentee-name").inner_text()
    first.locator("a", has_text="Другой наставник").click()
    candidates = first.locator(".candidates")
    expect(candidates).to_be_visible()
    choice = candidates.locator(".candidate").filter(has=page.locator("button")).first
    new_mentor = choice.locator(".candidate-name").inner_text()
    choice.locator("button").click()
    expect(page.locator("#board-message")).to_contain_text(mentee_name.split()[0])
    moved = page.locator(".mentor-card", has_text=new_mentor).locator(
        ".suggestion", has_text=mentee_name)
    expect(moved).to_have_count(1)

    # Accept everything (htmx asks for confirmation first).
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#accept-all").click()
    expect(page.locator("#count-proposed")).to_have_text("0")
    expect(page.locator('.suggestion[data-status="accepted"]').first).to_be_visible()

    # The pairs are listed with the others.
    page.locator("nav .dropdown-toggle", has_text="Пары и группы").click()
    page.locator('nav a[href$="/mentorships/"]').click()
    page.locator("#id_q").fill(mentee_name.split()[0])
    page.locator("#id_q").press("Enter")
    row = page.locator("#mentorships tbody tr", has_text=new_mentor.split()[0])
    expect(row.first).to_be_visible()
    member = MentorshipMember.objects.select_related("mentorship__mentor__person").get(
        mentee__person__last_name=mentee_name.split()[0],
        mentee__person__first_name=mentee_name.split()[1], is_active=True,
        mentorship__form__code="teacher_student",
        mentorship__status=Mentorship.Status.ACTIVE)
    assert member.mentorship.mentor.person.full_name == new_mentor
