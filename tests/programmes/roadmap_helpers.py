"""A small roadmap for a programme in tests: two tasks, four activities (one a one-off), the
seven stages with dates for every academic year, and the executions of the first year."""

from __future__ import annotations

from typing import Any

from programmes.models import (
    Activity,
    ActivityExecution,
    Programme,
    ProgrammeForm,
    Stage,
    StagePeriod,
    Task,
    TaskIndicator,
)
from programmes.services import academic_year_months, activity_executions_ensure
from tests.factories import form

ACTIVITIES = (
    # number, task, months, yearly, timing
    ("1.1", 1, [8, 9], True, "Август - сентябрь ежегодно"),
    ("1.2", 1, [9, 10], True, "Сентябрь - октябрь ежегодно"),
    ("1.3", 1, [5, 6], True, "Май - июнь ежегодно"),
    ("2.1", 2, [12, 1], False, "Декабрь 2025 - январь 2026"),
)
STAGE_MONTHS = ([8, 9], [9], [9], [10, 11], [11], [], [6, 7, 8, 9])


def build_roadmap(programme: Programme) -> dict[str, Any]:
    tasks = {}
    for number in (1, 2):
        tasks[number] = Task.objects.create(programme=programme, number=number,
                                            title=f"Задача {number}")
        TaskIndicator.objects.create(task=tasks[number], number=1, text="Доля пар", unit="%")
    activities = {}
    for position, (number, task, months, yearly, timing) in enumerate(ACTIVITIES, start=1):
        activities[number] = Activity.objects.create(
            programme=programme, task=tasks[task], number=number, position=position,
            title=f"Мероприятие {number}", timing=timing, months=months, yearly=yearly,
            responsibles="Куратор")
    ProgrammeForm.objects.get_or_create(programme=programme, form=form("teacher_student"))
    stages = []
    for number, months in enumerate(STAGE_MONTHS, start=1):
        stage = Stage.objects.create(
            programme=programme, number=number, name=f"Этап {number}", months=months,
            activity=activities["1.1"] if number == 1 else None,
            artefact=f"Артефакт {number}")
        for year in programme.years:
            starts_on, ends_on = academic_year_months(year, months)
            StagePeriod.objects.create(stage=stage, academic_year=year, starts_on=starts_on,
                                       ends_on=ends_on)
        stages.append(stage)
    activity_executions_ensure(programme=programme, academic_year=programme.start_year)
    execution = ActivityExecution.objects.get(activity=activities["1.2"],
                                              academic_year=programme.start_year)
    return {"tasks": tasks, "activities": activities, "stages": stages,
            "execution": execution}
