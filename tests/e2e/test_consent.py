"""A curator prints the consent forms for a study group, uploads the signed scan of one, and
that person becomes matchable."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from mentorship.models import User
from pairing.models import MentorshipRequest
from pairing.selectors import NO_CONSENT, matcher_mentees
from participants.models import Consent, Person, ProgrammeRole
from programmes.selectors import programme_current_for_user

from .conftest import login

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def _waiting() -> tuple[Person, MentorshipRequest]:
    """The demo student with an open request and no consent (see
    mentorship.demo.consents_demo)."""
    with scopes_disabled():
        programme = programme_current_for_user(User.objects.get(username="curator"))
        request = (MentorshipRequest.objects.filter(
            programme=programme, status=MentorshipRequest.Status.OPEN,
            mentee__person__study_group__isnull=False, mentee__person__consents__isnull=True)
            .select_related("mentee__person__study_group", "form", "programme")
            .order_by("mentee__person__study_group__name", "mentee__person_id").first())
        assert request is not None
        return request.mentee.person, request


def _matchable(request: MentorshipRequest) -> bool:
    with scopes_disabled():
        mentees = matcher_mentees(programme=request.programme, form=request.form,
                                  on=timezone.localdate())
        role = ProgrammeRole.objects.get(pk=request.mentee_id)
        if role.pk in {m.id for m in mentees.mentees}:
            return True
        assert mentees.excluded.get(role.pk) == NO_CONSENT
        return False


def _shot(page: Page, name: str) -> None:
    if not SHOTS:
        return
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_print_group_forms_upload_one_and_the_person_becomes_matchable(
        page: Page, live_server: LiveServer, demo: str, settings: Any,
        tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    person, request = _waiting()
    group = person.study_group
    assert not _matchable(request)

    login(page, live_server, "curator")
    page.goto(f"{live_server.url}/")
    page.locator("#home-consents").click()
    expect(page).to_have_url(re.compile(r"/consents/"))
    expect(page.locator("#flagged")).to_be_visible()  # the demo's two revocations
    page.select_option("#id_group", label=group.name)
    page.select_option("#id_status", value="missing")
    page.get_by_role("button", name="Показать").click()
    row = page.locator("#consents tbody tr", has_text=person.full_name)
    expect(row).to_have_count(1)
    _shot(page, "consent-register")

    href = page.locator("#print-group").get_attribute("href")
    assert href
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    with scopes_disabled():
        members = list(Person.objects.filter(study_group=group, anonymised_at__isnull=True))
    assert text.count("СОГЛАСИЕ") == len(members)
    assert person.last_name in text

    row.get_by_role("link", name="Зарегистрировать").click()
    expect(page.locator("h1")).to_have_text("Регистрация согласия")
    page.fill("#id_representative_name", "Родителева Анна Петровна")
    page.set_input_files("#id_document", files=[{
        "name": "согласие.png", "mimeType": "image/png", "buffer": PNG}])
    _shot(page, "consent-record")
    page.get_by_role("button", name="Зарегистрировать").click()

    expect(page.locator(".alert-success")).to_contain_text("Согласие зарегистрировано")
    expect(page).to_have_url(re.compile(r"/consents/"))
    with scopes_disabled():
        consent = Consent.objects.get(person=person)
        assert consent.document and consent.recorded_by.username == "curator"
    assert _matchable(request)
    page.select_option("#id_status", value="valid")
    page.get_by_role("button", name="Показать").click()
    expect(page.locator("#consents tbody tr", has_text=person.full_name)).to_have_count(1)
