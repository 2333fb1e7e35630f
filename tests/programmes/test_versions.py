"""Programme editing and versions: an edit of an approved programme starts a draft, the
director's approval freezes a version (a second submit creates nothing), reports quote it."""

from __future__ import annotations

import pytest

from mentorship.models import AuditEntry
from monitoring.models import Indicator, IndicatorPlan
from monitoring.plans import indicator_plans_set, indicator_plans_snapshot
from programmes.models import Programme, ProgrammeVersion
from programmes.selectors import programme_version_info
from programmes.services import (
    SECTION_TITLES,
    activity_save,
    programme_passport_update,
    programme_snapshot,
    programme_version_approve,
    task_save,
)

from .roadmap_helpers import build_roadmap

pytestmark = pytest.mark.django_db


def _approve(world, programme: Programme) -> ProgrammeVersion:
    return programme_version_approve(
        programme=programme, acting_user=world.users["director"], approver_name="И.И. Иванов",
        approver_position="Директор",
        extra={"indicator_plans": indicator_plans_snapshot(programme=programme)})


def test_approve_creates_version_1_and_records_who(world) -> None:
    build_roadmap(world.programme)
    version = _approve(world, world.programme)
    world.programme.refresh_from_db()
    assert version.number == 1
    assert version.approved_by == world.users["director"]
    assert version.snapshot["passport"]["title"] == world.programme.title
    assert [a["number"] for a in version.snapshot["roadmap"]] == ["1.1", "1.2", "1.3", "2.1"]
    assert world.programme.status == Programme.Status.APPROVED
    assert world.programme.approved_by == "И.И. Иванов"
    assert AuditEntry.objects.filter(verb="programme.approved").count() == 1


def test_second_approval_of_the_same_content_creates_nothing(world) -> None:
    first = _approve(world, world.programme)
    second = _approve(world, world.programme)
    assert second.pk == first.pk
    assert ProgrammeVersion.objects.filter(programme=world.programme).count() == 1
    assert AuditEntry.objects.filter(verb="programme.approved").count() == 1


def test_editing_an_approved_programme_starts_a_draft_and_keeps_the_version(world) -> None:
    _approve(world, world.programme)
    programme_passport_update(programme=world.programme,
                              data={"goal": "Новая цель", "title": "Новое название"},
                              acting_user=world.users["curator"])
    world.programme.refresh_from_db()
    assert world.programme.status == Programme.Status.DRAFT
    version = ProgrammeVersion.objects.get(programme=world.programme)
    assert version.snapshot["passport"]["title"] == "Программа наставничества"
    current = programme_snapshot(programme=world.programme, extra={
        "indicator_plans": indicator_plans_snapshot(programme=world.programme)})
    info = programme_version_info(programme=world.programme, current=current)
    assert info.changed_sections == [str(SECTION_TITLES["passport"])]
    second = _approve(world, world.programme)
    assert second.number == 2
    assert second.snapshot["passport"]["title"] == "Новое название"


def test_changed_sections_lists_tasks_roadmap_and_plans(world) -> None:
    objs = build_roadmap(world.programme)
    indicator = Indicator.objects.create(programme=world.programme, group="result", number=1,
                                         name="Доля", unit="%", baseline_year=2024)
    _approve(world, world.programme)
    curator = world.users["curator"]
    task = objs["tasks"][1]
    task_save(programme=world.programme, task=task, number=1, title="Задача 1 изменена",
              indicators=[("Доля пар", "%")], acting_user=curator)
    activity = objs["activities"]["1.2"]
    activity_save(programme=world.programme, activity=activity, task=task, number="1.2",
                  title=activity.title, items=[], timing=activity.timing, months=[10],
                  yearly=True, responsibles="", expected_result="", acting_user=curator)
    assert indicator_plans_set(indicator=indicator, values={2024: 50, 2025: None},
                               acting_user=curator)
    current = programme_snapshot(programme=world.programme, extra={
        "indicator_plans": indicator_plans_snapshot(programme=world.programme)})
    info = programme_version_info(programme=world.programme, current=current)
    assert info.changed_sections == [str(SECTION_TITLES[key]) for key in
                                     ("tasks", "roadmap", "indicator_plans")]
    assert IndicatorPlan.objects.get(indicator=indicator).value == 50


def test_a_save_without_change_keeps_the_programme_approved(world) -> None:
    objs = build_roadmap(world.programme)
    _approve(world, world.programme)
    task = objs["tasks"][1]
    task_save(programme=world.programme, task=task, number=1, title=task.title,
              roadmap_title="", indicators=[("Доля пар", "%")],
              acting_user=world.users["curator"])
    world.programme.refresh_from_db()
    assert world.programme.status == Programme.Status.APPROVED


def test_activity_number_must_be_unique(world) -> None:
    from django.core.exceptions import ValidationError

    objs = build_roadmap(world.programme)
    with pytest.raises(ValidationError) as caught:
        activity_save(programme=world.programme, task=objs["tasks"][1], number="1.1",
                      title="Дубль", items=[], timing="Сентябрь", months=[9], yearly=True,
                      responsibles="", expected_result="", acting_user=world.users["curator"])
    assert "1.1" in str(caught.value)
