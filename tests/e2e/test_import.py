"""A curator imports a spreadsheet: upload → the check shows the errors → confirm → the new
people are on the participant list."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from playwright.sync_api import Dialog, Page, expect
from pytest_django.live_server_helper import LiveServer

from .conftest import login


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ФИО", "Дата рождения", "Е-mail", "Категория", "Группа", "Курс"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_upload_check_confirm_and_see_the_people(page: Page, live_server: LiveServer,
                                                 demo: str, settings: Any,
                                                 tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    data = _xlsx([["Импортова Злата Игоревна", "14.03.2007", "zlata@import.example",
                   "студент", "ИМ-24", 1],
                  ["Ошибкин Пётр", "31.02.2007", "oshibkin@import.example", "студентка?",
                   "ИМ-24", 1]])
    login(page, live_server, "curator")
    page.goto(f"{live_server.url}/")
    page.locator("#home-imports").click()
    page.locator("#new-import").click()
    page.set_input_files("#id_file", files=[{
        "name": "Список группы ИМ-24.xlsx", "buffer": data,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="Загрузить и проверить").click()

    expect(page.locator("#import-status")).to_have_attribute("data-status", "previewed")
    rows = page.locator("#import-rows tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-outcome", "new")
    expect(rows.nth(1)).to_have_attribute("data-outcome", "error")
    expect(rows.nth(1)).to_contain_text("Строка 3, столбец «Дата рождения»")
    expect(rows.nth(1)).to_contain_text("«студентка?»")
    expect(page.locator("#import-create")).to_contain_text("ИМ-24")

    page.once("dialog", lambda dialog: dialog.accept() if isinstance(dialog, Dialog) else None)
    page.locator("#confirm-form button").click()
    expect(page.locator("#import-status")).to_have_attribute("data-status", "done")
    expect(page.locator("#import-counts")).to_contain_text("1")

    page.get_by_role("link", name="Участники").first.click()
    expect(page).to_have_url(re.compile(r"/participants/"))
    page.fill("#id_q", "Импортова")
    page.get_by_role("button", name="Показать").click()
    expect(page.locator("#people")).to_contain_text("Импортова Злата Игоревна")
    page.fill("#id_q", "Ошибкин")
    page.get_by_role("button", name="Показать").click()
    expect(page.locator("#people")).not_to_contain_text("Ошибкин")
