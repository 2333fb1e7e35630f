"""Writes for organisations and programmes."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from functools import partial
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mentorship.models import User
from mentorship.services import audit_record

from .models import (
    Activity,
    ActivityExecution,
    MentoringForm,
    Municipality,
    Organisation,
    Programme,
    ProgrammeForm,
    ProgrammeRoleText,
    ProgrammeVersion,
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


# --------------------------------------------------------------------------- editing

APPROVED_NOTHING_CHANGED = gettext_lazy(
    "This content is already approved as version %(number)s.")
EXECUTION_DONE_NEEDS_DATE = gettext_lazy("Give the date the activity was done.")
EXECUTION_DATE_IN_FUTURE = gettext_lazy("The date it was done cannot be in the future.")
EVIDENCE_TOO_LARGE = gettext_lazy("The evidence file is larger than %(limit)s MB.")
EVIDENCE_BAD_TYPE = gettext_lazy(
    "Attach a PDF, a JPG or PNG image, a Word or Excel file (not «%(ext)s»).")
YEAR_OUTSIDE_PROGRAMME = gettext_lazy("The year %(year)s is outside the programme's period.")
MONTHS_INVALID = gettext_lazy("Months are numbers from 1 to 12.")
ACTIVITY_NUMBER_TAKEN = gettext_lazy("The roadmap already has an activity number %(number)s.")
TASK_NUMBER_TAKEN = gettext_lazy("The programme already has a task number %(number)s.")

PASSPORT_FIELDS = ("title", "place", "basis", "developers", "executors", "control",
                   "relevance", "goal", "components", "expected_results")
EVIDENCE_EXTENSIONS = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx"})
EVIDENCE_MAX_MB = 10


def programme_mark_draft(programme: Programme, acting_user: User | None) -> None:
    """Any change to an approved programme starts a new draft; the approved version stays
    as it was in its ProgrammeVersion."""
    if programme.status == Programme.Status.APPROVED:
        programme.status = Programme.Status.DRAFT
        programme.save(update_fields=["status", "updated_at"])
        audit_record(actor=acting_user, verb="programme.draft_started", target=programme,
                     organisation_id=programme.organisation_id,
                     changes={"status": ["approved", "draft"]})


def _record_changes(obj: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name, value in data.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [old if not isinstance(old, dt.date) else old.isoformat(),
                             value if not isinstance(value, dt.date) else value.isoformat()]
            setattr(obj, name, value)
    return changes


@transaction.atomic
def programme_passport_update(*, programme: Programme, data: dict[str, Any],
                              acting_user: User) -> Programme:
    """Change the passport fields given in `data` (keys of PASSPORT_FIELDS). An approved
    programme becomes a draft when something changes. Raises ValidationError."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    changes = _record_changes(programme, {k: v for k, v in data.items()
                                          if k in PASSPORT_FIELDS})
    if not changes:
        return programme
    programme.full_clean()
    programme.save(update_fields=[*changes, "updated_at"])
    audit_record(actor=acting_user, verb="programme.passport_updated", target=programme,
                 organisation_id=programme.organisation_id, changes=changes)
    programme_mark_draft(programme, acting_user)
    return programme


@transaction.atomic
def task_save(*, programme: Programme, task: Task | None = None, number: int, title: str,
              roadmap_title: str = "", indicators: list[tuple[str, str]] | None = None,
              acting_user: User) -> Task:
    """Create or change a programme task and, when given, replace its target indicators
    (text, unit) in order. Raises ValidationError for a number already in use."""
    if Task.objects.filter(programme=programme, number=number).exclude(
            pk=task.pk if task else None).exists():
        raise ValidationError({"number": ValidationError(TASK_NUMBER_TAKEN,
                                                         params={"number": number})})
    created = task is None
    task = task or Task(programme=programme, number=number, title=title)
    changes = _record_changes(task, {"number": number, "title": title.strip(),
                                     "roadmap_title": roadmap_title.strip()})
    task.full_clean()
    task.save()
    if indicators is not None:
        before = [[i.text, i.unit] for i in task.indicators.all()]
        after = [[text, unit] for text, unit in indicators]
        if before != after:
            task.indicators.all().delete()
            TaskIndicator.objects.bulk_create(
                TaskIndicator(task=task, number=n, text=text, unit=unit)
                for n, (text, unit) in enumerate(indicators, start=1))
            changes["indicators"] = [before, after]
    if changes or created:
        audit_record(actor=acting_user, verb="task.created" if created else "task.updated",
                     target=task, organisation_id=programme.organisation_id, changes=changes)
        programme_mark_draft(programme, acting_user)
    return task


@transaction.atomic
def programme_form_update(*, programme_form: ProgrammeForm, goals: str, areas_title: str,
                          areas: list[str], results: list[str],
                          acting_user: User) -> ProgrammeForm:
    """Change how the programme describes one of its forms."""
    changes = _record_changes(programme_form, {
        "goals": goals.strip(), "areas_title": areas_title.strip(), "areas": areas,
        "results": results})
    if changes:
        programme_form.full_clean()
        programme_form.save(update_fields=list(changes))
        programme = programme_form.programme
        audit_record(actor=acting_user, verb="programme_form.updated", target=programme_form,
                     organisation_id=programme.organisation_id, changes=changes)
        programme_mark_draft(programme, acting_user)
    return programme_form


def _check_months(months: list[int]) -> None:
    if any(not isinstance(m, int) or not 1 <= m <= 12 for m in months):
        raise ValidationError({"months": ValidationError(MONTHS_INVALID)})


@transaction.atomic
def activity_save(*, programme: Programme, activity: Activity | None = None, task: Task,
                  number: str, title: str, items: list[str], timing: str, months: list[int],
                  yearly: bool, responsibles: str, expected_result: str,
                  acting_user: User) -> Activity:
    """Create or change a roadmap activity. A new one goes to the end of its task's list.
    Raises ValidationError (months outside 1–12, number already used)."""
    _check_months(months)
    number = number.strip()
    if Activity.objects.filter(programme=programme, number=number).exclude(
            pk=activity.pk if activity else None).exists():
        raise ValidationError({"number": ValidationError(ACTIVITY_NUMBER_TAKEN,
                                                         params={"number": number})})
    created = activity is None
    if activity is None:
        last = Activity.objects.filter(programme=programme).order_by("-position").first()
        activity = Activity(programme=programme, task=task, number=number,
                            position=(last.position + 1) if last else 1)
    changes = _record_changes(activity, {
        "task": task, "number": number, "title": title.strip(), "items": items,
        "timing": timing.strip(), "months": months, "yearly": yearly,
        "responsibles": responsibles.strip(), "expected_result": expected_result.strip()})
    if "task" in changes:
        changes["task"] = [getattr(changes["task"][0], "number", None), task.number]
    activity.full_clean()
    activity.save()
    if changes or created:
        audit_record(actor=acting_user,
                     verb="activity.created" if created else "activity.updated",
                     target=activity, organisation_id=programme.organisation_id,
                     changes=changes)
        programme_mark_draft(programme, acting_user)
    return activity


@transaction.atomic
def stage_period_set(*, stage: Stage, academic_year: int, starts_on: dt.date,
                     ends_on: dt.date, acting_user: User) -> StagePeriod:
    """Set a stage's dates for an academic year. Raises ValidationError."""
    programme = stage.programme
    if academic_year not in programme.years:
        raise ValidationError(YEAR_OUTSIDE_PROGRAMME, params={"year": academic_year})
    period = (StagePeriod.objects.select_for_update()
              .filter(stage=stage, academic_year=academic_year).first())
    created = period is None
    period = period or StagePeriod(stage=stage, academic_year=academic_year,
                                   starts_on=starts_on, ends_on=ends_on)
    changes = _record_changes(period, {"starts_on": starts_on, "ends_on": ends_on})
    period.full_clean()
    if created or changes:
        period.save()
        audit_record(actor=acting_user, verb="stage_period.set", target=period,
                     organisation_id=programme.organisation_id,
                     changes={"academic_year": academic_year, **changes})
    return period


# --------------------------------------------------------------------------- versions


def programme_snapshot(*, programme: Programme,
                       extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The programme's content as plain JSON: passport, tasks with indicators, forms and the
    roadmap; `extra` adds sections owned by other apps (the indicator plans)."""
    passport = {name: getattr(programme, name) for name in PASSPORT_FIELDS}
    passport["start_year"] = programme.start_year
    passport["end_year"] = programme.end_year
    tasks = [
        {"number": t.number, "title": t.title, "roadmap_title": t.roadmap_title,
         "indicators": [[i.text, i.unit] for i in t.indicators.all()]}
        for t in Task.objects.filter(programme=programme).prefetch_related("indicators")
    ]
    forms = [
        {"form": pf.form.name, "goals": pf.goals, "areas_title": pf.areas_title,
         "areas": pf.areas, "results": pf.results}
        for pf in ProgrammeForm.objects.filter(programme=programme).select_related("form")
    ]
    activities = [
        {"number": a.number, "task": a.task.number, "title": a.title, "items": a.items,
         "timing": a.timing, "months": a.months, "yearly": a.yearly,
         "responsibles": a.responsibles, "expected_result": a.expected_result}
        for a in Activity.objects.filter(programme=programme).select_related("task")
        .order_by("position")
    ]
    return {"passport": passport, "tasks": tasks, "forms": forms, "roadmap": activities,
            **(extra or {})}


SECTION_TITLES = {
    "passport": gettext_lazy("Passport"),
    "tasks": gettext_lazy("Tasks and target indicators"),
    "forms": gettext_lazy("Forms of mentoring"),
    "roadmap": gettext_lazy("Roadmap"),
    "indicator_plans": gettext_lazy("Indicator plan values"),
}


def snapshot_changed_sections(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Which sections differ between two snapshots, in a fixed order."""
    keys = list(SECTION_TITLES) + sorted((set(old) | set(new)) - set(SECTION_TITLES))
    return [key for key in keys if old.get(key) != new.get(key)]


@transaction.atomic
def programme_version_approve(*, programme: Programme, acting_user: User, approver_name: str,
                              approver_position: str,
                              extra: dict[str, Any] | None = None) -> ProgrammeVersion:
    """Approve the programme's current content as a new version (the next number), recording
    who and when; the programme becomes 'approved'. Idempotent: when the content equals the
    latest version (a second submit), that version is returned and nothing is written."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    snapshot = programme_snapshot(programme=programme, extra=extra)
    latest = ProgrammeVersion.objects.filter(programme=programme).order_by("-number").first()
    if latest is not None and latest.snapshot == snapshot:
        if programme.status != Programme.Status.APPROVED:
            programme.status = Programme.Status.APPROVED
            programme.save(update_fields=["status", "updated_at"])
        return latest
    now = timezone.now()
    version = ProgrammeVersion(
        programme=programme, number=(latest.number + 1) if latest else 1, snapshot=snapshot,
        approved_by=acting_user, approved_at=now, approver_name=approver_name.strip(),
        approver_position=approver_position.strip())
    version.full_clean()
    version.save()
    before = [programme.status, programme.approved_by, programme.approved_on]
    programme.status = Programme.Status.APPROVED
    programme.approved_by = version.approver_name
    programme.approved_position = version.approver_position
    programme.approved_on = timezone.localdate(now)
    programme.save(update_fields=["status", "approved_by", "approved_position", "approved_on",
                                  "updated_at"])
    audit_record(actor=acting_user, verb="programme.approved", target=programme,
                 organisation_id=programme.organisation_id,
                 changes={"version": [latest.number if latest else None, version.number],
                          "status": [before[0], programme.status]})
    return version


# --------------------------------------------------------------------------- roadmap execution


def _activity_has_year(activity: Activity, academic_year: int, programme: Programme) -> bool:
    from .roadmap import one_off_academic_year

    if activity.yearly:
        return True
    return academic_year == one_off_academic_year(timing=activity.timing,
                                                  months=list(activity.months),
                                                  default=programme.start_year)


def activity_executions_ensure(*, programme: Programme, academic_year: int) -> int:
    """Create the missing execution records of the academic year: every yearly activity, and
    each one-off activity in the year its timing falls in. Idempotent (the unique constraint
    and `ignore_conflicts` make a second or concurrent run create nothing). Returns how many
    records were missing."""
    if academic_year not in programme.years:
        return 0
    existing = set(ActivityExecution.objects.filter(
        activity__programme=programme, academic_year=academic_year,
    ).values_list("activity_id", flat=True))
    missing = [
        ActivityExecution(activity=activity, academic_year=academic_year)
        for activity in Activity.objects.filter(programme=programme).order_by("position")
        if activity.pk not in existing and _activity_has_year(activity, academic_year,
                                                               programme)
    ]
    if missing:
        ActivityExecution.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def activity_executions_ensure_all(*, today: dt.date | None = None) -> int:
    """For every programme whose period includes the current academic year, ensure its
    execution records (the beat task of 1 September)."""
    from .roadmap import current_academic_year

    year = current_academic_year(today)
    return sum(activity_executions_ensure(programme=programme, academic_year=year)
               for programme in Programme.objects.filter(start_year__lte=year,
                                                         end_year__gte=year))


def _check_evidence(upload: UploadedFile) -> None:
    ext = PurePath(upload.name or "").suffix.lower()
    if ext not in EVIDENCE_EXTENSIONS:
        raise ValidationError({"evidence": ValidationError(EVIDENCE_BAD_TYPE,
                                                           params={"ext": ext or "—"})})
    if (upload.size or 0) > EVIDENCE_MAX_MB * 1024 * 1024:
        raise ValidationError({"evidence": ValidationError(EVIDENCE_TOO_LARGE,
                                                           params={"limit": EVIDENCE_MAX_MB})})


def _on_commit(action: Callable[[], Any]) -> None:
    transaction.on_commit(action)


@transaction.atomic
def activity_execution_update(*, execution: ActivityExecution, status: str,
                              done_on: dt.date | None, responsible: User | None,
                              evidence: UploadedFile | None = None, evidence_link: str = "",
                              comment: str = "", acting_user: User,
                              today: dt.date | None = None) -> ActivityExecution:
    """Record what happened with an activity in its academic year: status, the date it was
    done (required for 'done', never in the future), who was responsible, evidence (a file —
    PDF, JPG, PNG, DOCX or XLSX up to 10 MB, stored under a random name, replacing the old
    one — or a link) and a comment. Raises ValidationError; a bad file loses nothing else."""
    today = today or timezone.localdate()
    if status == ActivityExecution.Status.DONE and done_on is None:
        raise ValidationError({"done_on": ValidationError(EXECUTION_DONE_NEEDS_DATE)})
    if done_on is not None and done_on > today:
        raise ValidationError({"done_on": ValidationError(EXECUTION_DATE_IN_FUTURE)})
    if evidence is not None:
        _check_evidence(evidence)
    execution = ActivityExecution.objects.select_for_update().select_related(
        "activity__programme").get(pk=execution.pk)
    if status != ActivityExecution.Status.DONE:
        done_on = None
    old_file = execution.evidence.name or ""
    changes = _record_changes(execution, {
        "status": status, "done_on": done_on, "evidence_link": evidence_link.strip(),
        "comment": comment.strip()})
    if execution.responsible_id != (responsible.pk if responsible else None):
        changes["responsible"] = [execution.responsible_id,
                                  responsible.pk if responsible else None]
        execution.responsible = responsible
    if evidence is not None:
        execution.evidence.save(f"{secrets.token_hex(16)}"
                                f"{PurePath(evidence.name or '').suffix.lower()}",
                                evidence, save=False)
        changes["evidence"] = [old_file, execution.evidence.name]
        if old_file:
            _on_commit(partial(execution.evidence.storage.delete, old_file))
    try:
        execution.full_clean()
    except ValidationError:
        if evidence is not None:
            execution.evidence.storage.delete(execution.evidence.name)
        raise
    if changes:
        execution.save()
        programme = execution.activity.programme
        audit_record(actor=acting_user, verb="activity_execution.updated", target=execution,
                     organisation_id=programme.organisation_id,
                     changes={"academic_year": execution.academic_year, **changes})
    return execution
