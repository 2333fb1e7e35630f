"""Reads for programmes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from mentorship.access import access_for
from mentorship.models import User

from . import roadmap
from .models import (
    Activity,
    ActivityExecution,
    Programme,
    ProgrammeForm,
    ProgrammeVersion,
    Stage,
    StagePeriod,
    Task,
)
from .services import SECTION_TITLES, snapshot_changed_sections


def programme_list_for_user(user: User) -> QuerySet[Programme]:
    """Programmes the user takes part in (any role); every programme for an admin."""
    access = access_for(user)
    qs = Programme.objects.select_related("organisation").order_by("-start_year", "title")
    if access.is_admin:
        return qs
    ids = access.programme_ids(*access.programmes.keys())
    return qs.filter(pk__in=ids)


def programme_current_for_user(user: User) -> Programme | None:
    """The programme a user's pages are about: the latest one they take part in."""
    if hasattr(user, "_current_programme"):
        return user._current_programme  # type: ignore[no-any-return]
    access = access_for(user)
    ids = access.programme_ids(*access.programmes.keys())
    programme = (
        Programme.objects.filter(pk__in=ids).select_related("organisation")
        .order_by("-start_year", "-pk").first()
        if ids else None
    )
    user._current_programme = programme  # type: ignore[attr-defined]
    return programme


def programme_get_detail(*, programme: Programme) -> dict[str, Any]:
    """The programme's own content for its page (indicators come from monitoring), in a
    fixed number of queries."""
    tasks = list(
        Task.objects.filter(programme=programme).prefetch_related(
            "indicators",
            Prefetch("activities", queryset=Activity.objects.order_by("position")),
        )
    )
    return {
        "programme": programme,
        "role_texts": list(programme.role_texts.all()),
        "forms": list(ProgrammeForm.objects.filter(programme=programme).select_related("form")),
        "tasks": tasks,
        "stages": list(programme.stages.select_related("activity").all()),
    }


# --------------------------------------------------------------------------- versions


@dataclass(frozen=True)
class VersionInfo:
    version: ProgrammeVersion | None
    changed_sections: list[str]  # titles of sections changed since the approved version


def programme_version_latest(*, programme: Programme) -> ProgrammeVersion | None:
    return (ProgrammeVersion.objects.filter(programme=programme).select_related("approved_by")
            .order_by("-number").first())


def programme_version_info(*, programme: Programme,
                           current: dict[str, Any] | None) -> VersionInfo:
    """The latest approved version and which sections of `current` (the live snapshot)
    differ from it."""
    version = programme_version_latest(programme=programme)
    if version is None or current is None:
        return VersionInfo(version=version, changed_sections=[])
    changed = snapshot_changed_sections(version.snapshot, current)
    return VersionInfo(version=version, changed_sections=[
        str(SECTION_TITLES.get(key, key)) for key in changed])


# --------------------------------------------------------------------------- roadmap


@dataclass(frozen=True)
class ExecutionRow:
    activity: Activity
    execution: ActivityExecution | None
    starts_on: dt.date
    due_on: dt.date
    status: str  # planned / in_progress / done / overdue
    status_label: str
    done_late: bool
    due_this_month: bool

    @property
    def overdue(self) -> bool:
        return self.status == roadmap.OVERDUE


def execution_status_label(status: str) -> str:
    from django.utils.translation import gettext

    if status == roadmap.OVERDUE:
        return gettext("overdue")
    return str(dict(ActivityExecution.Status.choices)[status])


def roadmap_rows(*, programme: Programme, academic_year: int,
                 today: dt.date | None = None) -> list[ExecutionRow]:
    """The roadmap's activities that have a record in the academic year, in order, with
    their dates, computed status (overdue when not done by the end of the last month) and
    whether they run this month. Two queries."""
    today = today or timezone.localdate()
    executions = list(
        ActivityExecution.objects.filter(activity__programme=programme,
                                         academic_year=academic_year)
        .select_related("activity__task", "responsible")
        .order_by("activity__position")
    )
    rows = []
    for execution in executions:
        activity = execution.activity
        months = list(activity.months)
        status = roadmap.execution_display_status(
            status=execution.status, academic_year=academic_year, months=months, today=today)
        starts_on, due_on = (roadmap.activity_starts_on(academic_year, months),
                             roadmap.activity_due_on(academic_year, months))
        rows.append(ExecutionRow(
            activity=activity, execution=execution, starts_on=starts_on, due_on=due_on,
            status=status, status_label=execution_status_label(status),
            done_late=roadmap.execution_done_late(status=execution.status,
                                                  done_on=execution.done_on,
                                                  academic_year=academic_year,
                                                  months=months),
            due_this_month=roadmap.activity_is_due_in_month(
                academic_year=academic_year, months=months, month=today)))
    return rows


def stages_for_year(*, programme: Programme, academic_year: int) -> list[Stage]:
    """The seven stages with their activity and this year's period prefetched
    (`stage.year_periods`). Two queries."""
    return list(
        Stage.objects.filter(programme=programme).select_related("activity")
        .prefetch_related(Prefetch("periods", to_attr="year_periods",
                                   queryset=StagePeriod.objects.filter(
                                       academic_year=academic_year)))
        .order_by("number")
    )


def responsible_users(*, programme: Programme) -> QuerySet[User]:
    """Who can be named responsible for an activity: the programme's director, curators and
    mentors with a user account."""
    return (User.objects.filter(
        Q(person__roles__programme=programme, person__roles__is_active=True,
          person__roles__role__in=["director", "curator", "mentor"]))
        .distinct().order_by("last_name", "first_name", "username"))
