"""Reads for the year view: where the academic year of a programme stands — the seven stages
with their dates, status and artefacts, what is due this month and what is overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from monitoring.models import Report, SurveyCampaign
from pairing.models import Mentorship, MentorshipRequest
from participants.models import ProgrammeRole
from programmes.models import Programme, Stage
from programmes.selectors import ExecutionRow, roadmap_rows, stages_for_year

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
FINISHED = "finished"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass
class StageRow:
    stage: Stage
    starts_on: dt.date | None
    ends_on: dt.date | None
    status: str
    status_label: str
    artefact_count: str
    links: list[Link] = field(default_factory=list)
    execution: ExecutionRow | None = None


@dataclass
class YearView:
    programme: Programme
    year: int
    years: list[int]
    today: dt.date
    stages: list[StageRow]
    due_this_month: list[ExecutionRow]
    overdue: list[ExecutionRow]
    done: int
    total: int


def stage_status(*, starts_on: dt.date | None, ends_on: dt.date | None, today: dt.date,
                 execution: ExecutionRow | None) -> str:
    """not started / in progress / finished / overdue: finished when its roadmap activity is
    done (or, without one, when its dates have passed); overdue when its dates have passed
    and the activity is not done."""
    done = execution is not None and execution.status == "done"
    if done:
        return FINISHED
    if starts_on is None or ends_on is None:
        return NOT_STARTED
    if today < starts_on:
        return NOT_STARTED
    if today <= ends_on:
        return IN_PROGRESS
    return OVERDUE if execution is not None else FINISHED


STATUS_LABELS = {
    NOT_STARTED: gettext_lazy("not started"),
    IN_PROGRESS: gettext_lazy("in progress"),
    FINISHED: gettext_lazy("finished"),
    OVERDUE: gettext_lazy("overdue"),
}


def _counts(programme: Programme, year: int) -> dict[str, int]:
    """Figures behind the artefacts, in four aggregate queries."""
    starts, ends = dt.date(year, 9, 1), dt.date(year + 1, 8, 31)
    overlaps = Q(started_on__lte=ends) & (Q(ended_on__isnull=True) | Q(ended_on__gte=starts))
    pairs = Mentorship.objects.filter(programme=programme).aggregate(
        in_year=Count("pk", filter=overlaps),
        started=Count("pk", filter=Q(started_on__gte=starts, started_on__lte=ends)),
        completed=Count("pk", filter=overlaps & Q(status=Mentorship.Status.COMPLETED)),
    )
    requests = MentorshipRequest.objects.filter(programme=programme).exclude(
        status=MentorshipRequest.Status.WITHDRAWN).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=MentorshipRequest.Status.OPEN)))
    mentors = ProgrammeRole.objects.filter(
        programme=programme, role=ProgrammeRole.Role.MENTOR, is_active=True).aggregate(
        total=Count("pk"), trained=Count("pk", filter=Q(trained_on__isnull=False)))
    campaigns = SurveyCampaign.objects.filter(programme=programme, year=year).aggregate(
        mentor=Count("pk", filter=Q(audience="mentor")),
        total=Count("pk"))
    reports = Report.objects.filter(programme=programme, year=year).count()
    return {
        "pairs_in_year": pairs["in_year"], "pairs_started": pairs["started"],
        "pairs_completed": pairs["completed"], "requests": requests["total"],
        "requests_open": requests["open"], "mentors": mentors["total"],
        "mentors_trained": mentors["trained"], "mentor_campaigns": campaigns["mentor"],
        "campaigns": campaigns["total"], "reports": reports,
    }


def _artefacts(number: int, programme: Programme, year: int,
               c: dict[str, int], done: int, total: int) -> tuple[str, list[Link]]:
    """What stage `number` must produce: a count and links to where it lives in the app."""
    pk = programme.pk
    y = f"?year={year}"
    if number == 1:
        return (_("%(done)s of %(total)s roadmap activities done") % {"done": done,
                                                                       "total": total},
                [Link(_("Roadmap"), reverse("programmes:roadmap", args=[pk]) + y),
                 Link(_("Programme"), reverse("programme_detail", args=[pk]))])
    if number == 2:
        return (ngettext("%(n)s request", "%(n)s requests", c["requests"]) % {
                    "n": c["requests"]} + ", " + ngettext(
                    "%(n)s open", "%(n)s open", c["requests_open"]) % {"n": c["requests_open"]},
                [Link(_("Requests"), reverse("pairing:request_list", args=[pk]))])
    if number == 3:
        return (ngettext("%(n)s mentor", "%(n)s mentors", c["mentors"]) % {"n": c["mentors"]},
                [Link(_("Mentor base"), reverse("pairing:mentor_list", args=[pk]))])
    if number == 4:
        return (_("%(trained)s of %(total)s mentors trained; %(campaigns)s mentor surveys") % {
                    "trained": c["mentors_trained"], "total": c["mentors"],
                    "campaigns": c["mentor_campaigns"]},
                [Link(_("Surveys"), reverse("monitoring:surveys", args=[pk])),
                 Link(_("Mentor base"), reverse("pairing:mentor_list", args=[pk]))])
    if number == 5:
        text = (ngettext("%(n)s pair started", "%(n)s pairs started", c["pairs_started"])
                % {"n": c["pairs_started"]}) if c["pairs_started"] else _("no pairs yet")
        return (text, [Link(_("Pairs and groups"),
                            reverse("pairing:mentorship_list", args=[pk])),
                       Link(_("Order (PDF)"), reverse("pairing:order_pdf", args=[pk]))])
    if number == 6:
        return (ngettext("%(n)s pair at work", "%(n)s pairs at work", c["pairs_in_year"])
                % {"n": c["pairs_in_year"]},
                [Link(_("Pairs and groups"), reverse("pairing:mentorship_list", args=[pk])),
                 Link(_("Surveys"), reverse("monitoring:surveys", args=[pk]))])
    return ((ngettext("%(n)s pair completed", "%(n)s pairs completed", c["pairs_completed"])
             % {"n": c["pairs_completed"]}) + "; " + ngettext(
                "%(n)s report", "%(n)s reports", c["reports"]) % {"n": c["reports"]},
            [Link(_("Reports"), reverse("monitoring:reports", args=[pk])),
             Link(_("Indicators"), reverse("monitoring:dashboard", args=[pk]) + y)])


def year_view(*, programme: Programme, year: int, today: dt.date | None = None) -> YearView:
    """Everything the year view shows, in a fixed number of queries (executions, stages and
    their periods, five counts). The execution records must exist already
    (`activity_executions_ensure`)."""
    today = today or timezone.localdate()
    rows = roadmap_rows(programme=programme, academic_year=year, today=today)
    by_activity = {row.activity.pk: row for row in rows}
    done = sum(1 for row in rows if row.status == "done")
    counts = _counts(programme, year)
    stages = []
    for stage in stages_for_year(programme=programme, academic_year=year):
        period = stage.year_periods[0] if stage.year_periods else None  # type: ignore[attr-defined]
        execution = by_activity.get(stage.activity_id) if stage.activity_id else None
        status = stage_status(starts_on=period.starts_on if period else None,
                              ends_on=period.ends_on if period else None, today=today,
                              execution=execution)
        count, links = _artefacts(stage.number, programme, year, counts, done, len(rows))
        stages.append(StageRow(stage=stage, starts_on=period.starts_on if period else None,
                               ends_on=period.ends_on if period else None, status=status,
                               status_label=str(STATUS_LABELS[status]), artefact_count=count,
                               links=links, execution=execution))
    return YearView(
        programme=programme, year=year, years=list(programme.years), today=today,
        stages=stages,
        due_this_month=[r for r in rows if r.due_this_month and r.status != "done"
                        and not r.overdue],
        overdue=[r for r in rows if r.overdue], done=done, total=len(rows))
