"""Writes for organisations and programmes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from mentorship.models import User
from mentorship.services import audit_record

from .models import (
    Activity,
    MentoringForm,
    Municipality,
    Organisation,
    Programme,
    ProgrammeForm,
    ProgrammeRoleText,
    Region,
    Stage,
    StagePeriod,
    Task,
    TaskIndicator,
)

# The catalogue of forms of the target model (Р-145): four college forms and the school ones.
FORM_CATALOGUE: tuple[dict[str, str], ...] = (
    {"code": "teacher_teacher", "name": "педагог – педагог", "level": "college",
     "mentor_category": "teacher", "mentee_category": "young_specialist"},
    {"code": "teacher_student", "name": "педагог – студент", "level": "college",
     "mentor_category": "teacher", "mentee_category": "student"},
    {"code": "employer_student", "name": "работодатель – студент", "level": "college",
     "mentor_category": "employer", "mentee_category": "student"},
    {"code": "student_student", "name": "студент – студент", "level": "college",
     "mentor_category": "student", "mentee_category": "student"},
    {"code": "pupil_pupil", "name": "ученик – ученик", "level": "school",
     "mentor_category": "pupil", "mentee_category": "pupil"},
    {"code": "teacher_pupil", "name": "учитель – ученик", "level": "school",
     "mentor_category": "teacher", "mentee_category": "pupil"},
    {"code": "student_pupil", "name": "студент – ученик", "level": "school",
     "mentor_category": "student", "mentee_category": "pupil"},
    {"code": "employer_pupil", "name": "работодатель – ученик", "level": "school",
     "mentor_category": "employer", "mentee_category": "pupil"},
)


def forms_ensure_catalogue() -> dict[str, MentoringForm]:
    """Create or refresh the catalogue of mentoring forms; returns them by code. Idempotent."""
    forms: dict[str, MentoringForm] = {}
    for order, spec in enumerate(FORM_CATALOGUE, start=1):
        form, _created = MentoringForm.objects.update_or_create(
            code=spec["code"], defaults={**spec, "order": order}
        )
        forms[form.code] = form
    return forms


def organisation_ensure(
    *, name: str, short_name: str, kind: str, region: str, municipality: str = "",
    city: str = "",
) -> Organisation:
    """Find an organisation by region and short name, or create it. Idempotent."""
    region_obj, _ = Region.objects.get_or_create(name=region)
    municipality_obj = None
    if municipality:
        municipality_obj, _ = Municipality.objects.get_or_create(region=region_obj,
                                                                 name=municipality)
    organisation, _ = Organisation.objects.update_or_create(
        region=region_obj, short_name=short_name,
        defaults={"name": name, "kind": kind, "municipality": municipality_obj, "city": city},
    )
    return organisation


def academic_year_months(academic_year: int, months: list[int]) -> tuple[dt.date, dt.date]:
    """The first and last day of a run of calendar months within the academic year that
    starts in `academic_year` (August, the preparation month, belongs to it; a run that
    starts in January–July lies in the next calendar year; a run wraps past December).
    Empty months mean the whole academic year, September to August."""
    if not months:
        return dt.date(academic_year, 9, 1), dt.date(academic_year + 1, 8, 31)
    first_year = academic_year if months[0] >= 8 else academic_year + 1
    last_year = first_year + sum(1 for a, b in zip(months, months[1:], strict=False) if b < a)
    last = months[-1]
    start = dt.date(first_year, months[0], 1)
    next_month = dt.date(last_year + (last == 12), last % 12 + 1, 1)
    return start, next_month - dt.timedelta(days=1)


@transaction.atomic
def programme_create_from_reference(
    *, organisation: Organisation, data: Any, acting_user: User | None = None
) -> Programme:
    """Create (or refresh in place) a programme from a reference data module such as
    `programmes.reference.seed_002`: passport, role texts, forms, tasks with their
    indicators, roadmap activities and the seven stages with dates for every academic year of
    the period. Idempotent: running it twice changes nothing."""
    forms = forms_ensure_catalogue()
    spec = data.PROGRAMME
    programme, created = Programme.objects.update_or_create(
        organisation=organisation, start_year=spec["start_year"], end_year=spec["end_year"],
        defaults={
            "title": spec["title"],
            "status": Programme.Status.APPROVED,
            "approved_by": spec["approved_by"],
            "approved_position": spec["approved_position"],
            "approved_on": spec["approved_on"],
            "place": data.ORGANISATION.get("city", ""),
            "basis": spec["basis"],
            "developers": [list(d) for d in spec["developers"]],
            "executors": spec["executors"],
            "control": spec["control"],
            "relevance": spec.get("relevance", []),
            "goal": spec.get("goal", ""),
            "components": spec.get("components", []),
            "expected_results": spec.get("expected_results", []),
        },
    )
    for order, role in enumerate(data.ROLES, start=1):
        ProgrammeRoleText.objects.update_or_create(
            programme=programme, code=role["code"],
            defaults={"name": role["name"], "description": role["description"], "order": order},
        )
    for order, form_spec in enumerate(data.FORMS, start=1):
        ProgrammeForm.objects.update_or_create(
            programme=programme, form=forms[form_spec["code"]],
            defaults={"goals": form_spec["goals"], "areas_title": form_spec["areas_title"],
                      "areas": form_spec["areas"], "results": form_spec["results"],
                      "order": order},
        )
    sections = {section["task"]: section for section in data.ROADMAP}
    tasks: dict[int, Task] = {}
    for task_spec in data.TASKS:
        task, _ = Task.objects.update_or_create(
            programme=programme, number=task_spec["number"],
            defaults={"title": task_spec["title"],
                      "roadmap_title": sections.get(task_spec["number"], {}).get("title", "")},
        )
        tasks[task.number] = task
        for ind in task_spec["indicators"]:
            TaskIndicator.objects.update_or_create(
                task=task, number=ind["number"],
                defaults={"text": ind["text"], "unit": ind["unit"] or ""},
            )
    activities: dict[str, Activity] = {}
    position = 0
    for section in data.ROADMAP:
        for act in section["activities"]:
            position += 1
            activity, _ = Activity.objects.update_or_create(
                programme=programme, number=act["number"],
                defaults={"task": tasks[section["task"]], "position": position,
                          "title": act["title"], "items": act["items"], "timing": act["timing"],
                          "months": act["months"], "yearly": act["yearly"],
                          "responsibles": act["responsibles"],
                          "expected_result": act["expected_result"]},
            )
            activities[activity.number] = activity
    for stage_spec in data.ROADMAP_STAGES:
        stage, _ = Stage.objects.update_or_create(
            programme=programme, number=stage_spec["number"],
            defaults={"name": stage_spec["name"],
                      "activity": activities.get(stage_spec["activity"]),
                      "months": stage_spec["months"], "artefact": stage_spec["artefact"]},
        )
        for year in programme.years:
            starts_on, ends_on = academic_year_months(year, stage_spec["months"])
            StagePeriod.objects.get_or_create(
                stage=stage, academic_year=year,
                defaults={"starts_on": starts_on, "ends_on": ends_on},
            )
    if created:
        audit_record(actor=acting_user, verb="programme.created", target=programme,
                     organisation_id=organisation.pk)
    return programme
