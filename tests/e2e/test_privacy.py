"""The administrator's journey through personal data: the audit trail from the menu, a
subject's request for access registered, its archive built in the background and
downloaded; the register and the audit page are usable on a phone."""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from pathlib import Path

from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from participants.models import Person

from .conftest import login


def _shot(page: Page, name: str, width: int, *, full: bool = False) -> None:
    """Screenshots for looking at the pages, when E2E_SCREENSHOTS names a folder."""
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"privacy_{name}_{width}.png"),
                        full_page=full)


def test_admin_audit_and_subject_access_archive(page: Page, live_server: LiveServer,
                                                demo: str) -> None:
    with scopes_disabled():
        person = Person.objects.get(user__username="mentee")
    login(page, live_server, "admin")
    page.locator("nav .dropdown-toggle", has_text="Персональные данные").click()
    page.locator("nav .dropdown-menu a", has_text="Журнал аудита").click()
    expect(page.locator("h1")).to_contain_text("Журнал аудита")
    expect(page.locator("#audit tbody tr").first).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    _shot(page, "audit", 1280)

    page.goto(f"{live_server.url}/privacy/requests/new/")
    page.fill("#id_person_number", str(person.pk))
    page.select_option("#id_kind", "access")
    page.fill("#id_received_from", "Лично, письменное заявление")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Запрос субъекта")
    expect(page.locator("main")).to_contain_text(person.full_name)
    page.locator("main form button", has_text="Сформировать архив").click()
    download_link = page.locator("#archives .archive-download").first
    expect(download_link).to_be_visible(timeout=30_000)
    _shot(page, "request", 1280, full=True)
    with page.expect_download() as info:
        download_link.click()
    with zipfile.ZipFile(info.value.path()) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["subject"] == person.pk
    assert data["rows"]["participants.person"][0]["fields"]["last_name"] == person.last_name

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/privacy/requests/")
    expect(page.locator("#requests tbody tr")).to_have_count(1)
    _shot(page, "requests", 390, full=True)
    page.goto(f"{live_server.url}/privacy/audit/?log=events")
    expect(page.locator("#audit")).to_contain_text("скачивание файла")
    _shot(page, "audit", 390, full=True)


def test_director_records_an_incident_and_home_warns(page: Page, live_server: LiveServer,
                                                     demo: str) -> None:
    login(page, live_server, "director")
    page.locator("nav .dropdown-toggle", has_text="Персональные данные").click()
    page.locator("nav .dropdown-menu a", has_text="Инциденты").click()
    expect(page.locator("h1")).to_contain_text("Инциденты")
    page.locator("main a", has_text="Зарегистрировать инцидент").click()
    detected = timezone.localtime() - dt.timedelta(hours=20)
    page.fill("#id_detected_at", detected.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_description", "Список группы отправлен по ошибке родителю другого студента")
    page.fill("#id_data_categories", "ФИО, номер группы, оценки")
    page.fill("#id_subjects_count", "25")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Инцидент сохранён")
    expect(page.locator("main")).to_contain_text("осталось 4 ч")
    _shot(page, "incident", 1280, full=True)
    page.goto(f"{live_server.url}/")
    expect(page.locator("#privacy-warnings")).to_contain_text("Уведомление в Роскомнадзор")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "home_director", 390)
    page.goto(f"{live_server.url}/privacy/incidents/")
    expect(page.locator("#incidents tbody tr")).to_have_count(1)
    _shot(page, "incidents", 390, full=True)
