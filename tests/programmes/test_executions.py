"""Roadmap execution records: created per academic year (idempotently), updated with
evidence, and the beat task that creates them on 1 September."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from programmes.models import ActivityExecution
from programmes.selectors import roadmap_rows
from programmes.services import (
    EVIDENCE_BAD_TYPE,
    EXECUTION_DONE_NEEDS_DATE,
    activity_execution_update,
    activity_executions_ensure,
    activity_executions_ensure_all,
)
from programmes.tasks import activity_executions_ensure_task

from .roadmap_helpers import build_roadmap

pytestmark = pytest.mark.django_db


def _numbers(programme, year: int) -> list[str]:
    return list(ActivityExecution.objects.filter(activity__programme=programme,
                                                 academic_year=year)
                .order_by("activity__position").values_list("activity__number", flat=True))


def test_yearly_activities_get_a_record_every_year_one_off_only_in_its_year(world) -> None:
    build_roadmap(world.programme)  # ensures 2024
    assert _numbers(world.programme, 2024) == ["1.1", "1.2", "1.3"]
    activity_executions_ensure(programme=world.programme, academic_year=2025)
    # «Декабрь 2025 - январь 2026» falls in 2025/26.
    assert _numbers(world.programme, 2025) == ["1.1", "1.2", "1.3", "2.1"]


def test_ensure_is_idempotent(world) -> None:
    build_roadmap(world.programme)
    assert activity_executions_ensure(programme=world.programme, academic_year=2024) == 0
    assert activity_executions_ensure(programme=world.programme, academic_year=2025) == 4
    assert activity_executions_ensure(programme=world.programme, academic_year=2025) == 0
    assert ActivityExecution.objects.filter(academic_year=2025).count() == 4
    # Outside the programme's period nothing is created.
    assert activity_executions_ensure(programme=world.programme, academic_year=2030) == 0


def test_beat_task_ensures_the_current_year_of_every_running_programme(world) -> None:
    build_roadmap(world.programme)
    assert activity_executions_ensure_all(today=dt.date(2026, 9, 1)) == 3
    assert activity_executions_ensure_all(today=dt.date(2026, 9, 1)) == 0
    activity_executions_ensure_task()  # current year; safe to run again
    assert _numbers(world.programme, 2026) == ["1.1", "1.2", "1.3"]


def test_overdue_is_computed_and_leaves_when_done(world) -> None:
    objs = build_roadmap(world.programme)
    rows = {r.activity.number: r for r in roadmap_rows(
        programme=world.programme, academic_year=2024, today=dt.date(2024, 11, 15))}
    assert rows["1.2"].overdue and rows["1.1"].overdue
    assert rows["1.3"].status == "planned"
    activity_execution_update(execution=objs["execution"], status="done",
                              done_on=dt.date(2024, 11, 10), responsible=world.users["curator"],
                              evidence_link="https://college.example/order.pdf",
                              acting_user=world.users["curator"], today=dt.date(2024, 11, 15))
    rows = {r.activity.number: r for r in roadmap_rows(
        programme=world.programme, academic_year=2024, today=dt.date(2024, 11, 15))}
    assert rows["1.2"].status == "done"
    assert rows["1.2"].done_late
    assert not rows["1.2"].overdue


def test_done_needs_a_date_and_the_date_cannot_be_in_the_future(world) -> None:
    objs = build_roadmap(world.programme)
    with pytest.raises(ValidationError) as caught:
        activity_execution_update(execution=objs["execution"], status="done", done_on=None,
                                  responsible=None, acting_user=world.users["curator"])
    assert str(EXECUTION_DONE_NEEDS_DATE) in str(caught.value)
    with pytest.raises(ValidationError):
        activity_execution_update(execution=objs["execution"], status="done",
                                  done_on=dt.date(2030, 1, 1), responsible=None,
                                  acting_user=world.users["curator"],
                                  today=dt.date(2025, 1, 1))


def test_evidence_file_type_and_size_are_checked_and_name_is_random(world, settings,
                                                                   tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    objs = build_roadmap(world.programme)
    bad = SimpleUploadedFile("script.exe", b"MZ")
    with pytest.raises(ValidationError) as caught:
        activity_execution_update(execution=objs["execution"], status="in_progress",
                                  done_on=None, responsible=None, evidence=bad,
                                  acting_user=world.users["curator"])
    assert str(EVIDENCE_BAD_TYPE % {"ext": ".exe"}) in str(caught.value)
    big = SimpleUploadedFile("scan.pdf", b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError):
        activity_execution_update(execution=objs["execution"], status="in_progress",
                                  done_on=None, responsible=None, evidence=big,
                                  acting_user=world.users["curator"])
    good = SimpleUploadedFile("Приказ о наставничестве.pdf", b"%PDF-1.4")
    execution = activity_execution_update(
        execution=objs["execution"], status="in_progress", done_on=None, responsible=None,
        evidence=good, comment="  Идёт работа ", acting_user=world.users["curator"])
    execution.refresh_from_db()
    assert execution.evidence.name.endswith(".pdf")
    assert "Приказ" not in execution.evidence.name
    assert execution.comment == "Идёт работа"
