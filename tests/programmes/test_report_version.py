"""The annual PDF report quotes the approved version's passport, not the live draft."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from monitoring.models import Report
from monitoring.reports import render_annual_report
from programmes.services import programme_passport_update, programme_version_approve

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


def test_report_quotes_the_approved_passport_not_the_draft(world) -> None:
    programme = world.programme
    programme_passport_update(programme=programme,
                              data={"title": "Программа наставничества «Старт»",
                                    "goal": "Утверждённая цель программы"},
                              acting_user=world.users["curator"])
    programme_version_approve(programme=programme, acting_user=world.users["director"],
                              approver_name="Сомова И.Н.", approver_position="Директор")
    programme_passport_update(programme=programme,
                              data={"title": "Черновик новой редакции",
                                    "goal": "Цель из черновика"},
                              acting_user=world.users["curator"])
    report = Report.objects.create(programme=programme, year=2024)
    text = _text(render_annual_report(report=report))
    assert "Программа наставничества «Старт»" in text
    assert "Утверждённая цель программы" in text
    assert "Сомова И.Н." in text
    assert "Черновик новой редакции" not in text
    assert "Цель из черновика" not in text
