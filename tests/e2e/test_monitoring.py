"""The director's journey through monitoring: the dashboard on the home page, a drill-down
into a computed fact, then the annual PDF report requested, awaited and downloaded."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from .conftest import login


def test_director_dashboard_drilldown_and_pdf(page: Page, live_server: LiveServer,
                                              demo: str) -> None:
    login(page, live_server, "director")
    main = page.locator('main[data-role="director"]')
    expect(main.locator("#dashboard")).to_be_visible()
    expect(main.locator("#result-indicators tbody tr")).to_have_count(13)
    expect(main.locator("#efficiency-indicators tbody tr")).to_have_count(6)
    expect(main.locator("#efficiency-indicators")).to_contain_text("Доля детей в возрасте")

    # Drill into the share of students who are mentees: the list has as many people as the
    # numerator says.
    row = main.locator('#efficiency-indicators tr[data-indicator="1"]')
    ratio = row.locator(".fact-ratio").inner_text()
    numerator = int(re.match(r"\s*(\d+)", ratio.replace("\xa0", " ")).group(1))  # type: ignore[union-attr]
    row.locator(".drilldown-link").click()
    expect(page.locator("h1")).to_contain_text("Кто учтён")
    expect(page.locator("main")).to_contain_text(f"{numerator} ")
    expect(page.locator("#drilldown-people tbody tr").first).to_be_visible()

    # The annual report: requested, rendered in the background, downloaded.
    page.goto(f"{live_server.url}/")
    page.locator('main a[href$="/reports/"]').click()
    expect(page.locator("h1")).to_contain_text("отчёты")
    page.locator("#report-request button[type=submit]").click()
    download_link = page.locator("#reports .report-download").first
    expect(download_link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(download.path())
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "мониторинге" in text
    assert len(reader.pages) >= 3
