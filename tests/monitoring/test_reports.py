"""The annual PDF report: requested on the page, rendered by the task, polled, downloaded;
its text checked with pypdf; failures end with a readable reason; a second run is harmless."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from monitoring import reports
from monitoring.models import Report
from monitoring.services import report_render
from participants.models import ProgrammeRole
from programmes.models import Programme
from programmes.reference import seed_002
from programmes.services import programme_create_from_reference

from ..factories import RoleFactory
from .conftest import Monitored

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _request(monitored: Monitored, capture: Any, year: int = 2025) -> Report:
    world = monitored.world
    url = reverse("monitoring:reports", args=[world.programme.pk])
    with capture(execute=True):
        response = world.client_for("director").post(url, {"year": str(year)})
    assert response.status_code == 302
    return Report.objects.get()


def test_report_is_rendered_kept_and_downloaded(monitored: Monitored,
                                                django_capture_on_commit_callbacks: Any) -> None:
    world = monitored.world
    report = _request(monitored, django_capture_on_commit_callbacks)
    assert report.status == Report.Status.DONE
    assert report.progress == 100
    assert report.finished_at is not None
    assert report.requested_by == world.users["director"]
    assert re.fullmatch(r"reports/\d{4}/[0-9a-f]{32}\.pdf", report.file.name)

    client = world.client_for("curator")
    page = client.get(reverse("monitoring:reports", args=[world.programme.pk])).content.decode()
    download_url = reverse("monitoring:report_download", args=[report.pk])
    assert download_url in page
    response = client.get(download_url)
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="monitoring-report-2025.pdf"' in response["Content-Disposition"]
    pdf = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(pdf))
    text = _flat(_text(pdf))
    assert "Ежегодный отчёт о мониторинге за 2025 год" in text
    assert "Паспорт программы" in text
    assert monitored.manual.name in text
    assert "Исполнение дорожной карты" in text
    assert "Подписи" in text
    # Pages are numbered "n / N" and the shipped font is embedded.
    assert re.search(rf"\b1 / {len(reader.pages)}\b", text)
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"]["/Font"].values()}
    assert any("DejaVu" in f for f in fonts)


def test_status_row_polls_until_the_report_is_ready(monitored: Monitored) -> None:
    world = monitored.world
    report = Report.objects.create(programme=world.programme, year=2025, progress=40,
                                   status=Report.Status.RUNNING)
    client = world.client_for("director")
    url = reverse("monitoring:report_status", args=[report.pk])
    row = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in row
    assert 'value="40"' in row
    Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED,
                                               error="Отчёт не удалось подготовить: тест")
    row = client.get(url).content.decode()
    assert "hx-trigger" not in row
    assert "Отчёт не удалось подготовить: тест" in row


def test_a_failure_ends_with_a_readable_reason(monitored: Monitored,
                                               monkeypatch: pytest.MonkeyPatch,
                                               django_capture_on_commit_callbacks: Any) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(reports, "render_pdf", broken)
    report = _request(monitored, django_capture_on_commit_callbacks)
    assert report.status == Report.Status.FAILED
    assert report.error == ("Не удалось сформировать отчёт: не удалось записать файл "
                            "(No space left on device).")
    world = monitored.world
    page = world.client_for("director").get(
        reverse("monitoring:reports", args=[world.programme.pk])).content.decode()
    assert "No space left on device" in page
    assert world.client_for("director").get(
        reverse("monitoring:report_download", args=[report.pk])).status_code == 404


def test_rendering_twice_renders_once(monitored: Monitored, monkeypatch: pytest.MonkeyPatch,
                                      django_capture_on_commit_callbacks: Any) -> None:
    report = _request(monitored, django_capture_on_commit_callbacks)
    calls: list[int] = []
    monkeypatch.setattr(reports, "render_annual_report",
                        lambda **kw: calls.append(1) or b"%PDF")
    assert report_render(report_id=report.pk).status == Report.Status.DONE  # type: ignore[union-attr]
    assert calls == []
    # A run that died long ago leaves a "running" report that a new run may claim.
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RUNNING, updated_at=timezone.now() - timezone.timedelta(hours=1))
    assert report_render(report_id=report.pk).status == Report.Status.DONE  # type: ignore[union-attr]
    assert calls == [1]


def test_reference_programme_report_holds_every_plan_value(world: Any) -> None:
    programme = programme_create_from_reference(organisation=world.org, data=seed_002)
    from monitoring.services import indicators_create_from_reference

    indicators_create_from_reference(programme=programme, data=seed_002)
    RoleFactory(programme=programme, person=world.people["director"],
                role=ProgrammeRole.Role.DIRECTOR)
    report = Report.objects.create(programme=programme, year=2023)
    report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    text = _flat(_text(report.file.read()))
    assert world.people["director"].full_name in text  # the signatures block
    for row in seed_002.RESULT_INDICATORS + seed_002.EFFICIENCY_INDICATORS:
        # Names are wrapped in the table; their first words are on one line.
        assert " ".join(row["name"].split()[:3]) in text
    # Plan 2024 of result indicator 11 («125 выпускников»), the baseline of 3 (20 %).
    assert "план: 125" in text
    assert "план: 20" in text
    assert Programme.objects.filter(pk=programme.pk).exists()
