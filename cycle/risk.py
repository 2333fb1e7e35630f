"""Pairs at risk (stage 6): the active mentorships of a programme that need the curator.

A mentorship is at risk for any of these reasons:

- no meeting for N weeks (N = `CycleSettings.weeks_without_meeting`, default 3): counted
  from the last logged meeting, or from the start if there is none; exactly N weeks counts;
- plan tasks overdue: due before today and neither done nor cancelled;
- low satisfaction: the latest named (non-anonymous) survey response of its mentor or of
  one of its active mentees has a mean satisfaction score (1–10, the questions that make the
  satisfaction indicator) below `CycleSettings.low_satisfaction_threshold`. Anonymous
  campaigns are never tied to a pair: that would reveal who answered what;
- a mentee said after a meeting that it is not a good fit.

Completed or ended mentorships are never listed. Five queries whatever the number of pairs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.models import SurveyAnswer, SurveyResponse
from pairing.models import Meeting, Mentorship, MentorshipMember, PlanItem
from programmes.models import Programme

from .models import CycleSettings

NO_MEETING = "no_meeting"
OVERDUE_TASKS = "overdue_tasks"
LOW_SATISFACTION = "low_satisfaction"
NOT_A_GOOD_FIT = "not_a_good_fit"

REASONS = {
    NO_MEETING: _("no meeting for a long time"),
    OVERDUE_TASKS: _("plan tasks overdue"),
    LOW_SATISFACTION: _("low satisfaction in a survey"),
    NOT_A_GOOD_FIT: _("a mentee says it is not a good fit"),
}


@dataclass
class AtRisk:
    mentorship: Mentorship
    reasons: list[str] = field(default_factory=list)
    last_meeting_on: dt.date | None = None
    days_without_meeting: int = 0
    overdue_tasks: int = 0
    low_scores: list[tuple[str, Decimal]] = field(default_factory=list)
    fit_comments: list[str] = field(default_factory=list)

    @property
    def weeks_without_meeting(self) -> int:
        return self.days_without_meeting // 7

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[r]) for r in self.reasons]


def settings_for(programme: Programme | int) -> CycleSettings:
    """The programme's settings, or unsaved defaults when the curator has not set any."""
    programme_id = programme if isinstance(programme, int) else programme.pk
    found = CycleSettings.objects.filter(programme_id=programme_id).first()
    return found or CycleSettings(programme_id=programme_id)


def _low_scores(role_ids: Iterable[int], programme_id: int, threshold: int
                ) -> dict[int, Decimal]:
    """Role id → mean satisfaction of its latest named response, where that is low."""
    rows = (
        SurveyAnswer.objects.filter(
            question__is_satisfaction=True, scale_value__isnull=False,
            response__status=SurveyResponse.Status.SUBMITTED,
            response__invitation__campaign__programme_id=programme_id,
            response__invitation__campaign__anonymous=False,
            response__invitation__respondent_id__in=list(role_ids),
        )
        .values("response__invitation__respondent_id", "response__invitation__campaign_id",
                "response__invitation__campaign__created_at")
        .annotate(score=Avg("scale_value"))
        .order_by("response__invitation__campaign__created_at",
                  "response__invitation__campaign_id")
    )
    latest: dict[int, Decimal] = {}
    for row in rows:  # in campaign order: the last one per respondent wins
        latest[row["response__invitation__respondent_id"]] = Decimal(
            str(row["score"])).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return {role: score for role, score in latest.items() if score < threshold}


def mentorships_at_risk(
    *, programme: Programme, today: dt.date | None = None, reason: str = "",
    form_id: int | None = None, mentor_person_id: int | None = None,
    mentorship_ids: Iterable[int] | None = None,
) -> list[AtRisk]:
    """The programme's active mentorships at risk, with their reasons, the longest without
    a meeting first. Optional filters: one reason, one form, one mentor (a person), some
    mentorships. Queries: settings, mentorships (with last meeting and overdue count),
    members, satisfaction answers, flagged meetings."""
    today = today or timezone.localdate()
    cfg = settings_for(programme)
    last_meeting = (Meeting.objects.filter(mentorship=OuterRef("pk"), held_on__lte=today)
                    .values("mentorship").annotate(last=Max("held_on")).values("last"))
    overdue = (PlanItem.objects.filter(mentorship=OuterRef("pk"), due_on__lt=today)
               .exclude(status__in=[PlanItem.Status.DONE, PlanItem.Status.CANCELLED])
               .values("mentorship").annotate(n=Count("pk")).values("n"))
    qs = (Mentorship.objects.filter(programme=programme, status=Mentorship.Status.ACTIVE)
          .select_related("form", "mentor__person")
          .annotate(last_meeting_on=Subquery(last_meeting),
                    overdue_tasks=Coalesce(Subquery(overdue, output_field=IntegerField()), 0)))
    if form_id:
        qs = qs.filter(form_id=form_id)
    if mentor_person_id:
        qs = qs.filter(mentor__person_id=mentor_person_id)
    if mentorship_ids is not None:
        qs = qs.filter(pk__in=list(mentorship_ids))
    mentorships = list(qs)
    if not mentorships:
        return []
    ids = [m.pk for m in mentorships]
    members: dict[int, list[MentorshipMember]] = defaultdict(list)
    for member in (MentorshipMember.objects.filter(mentorship_id__in=ids, is_active=True)
                   .select_related("mentee__person").order_by("id")):
        members[member.mentorship_id].append(member)
    role_names = {m.mentor_id: m.mentor.person.short_name for m in mentorships}
    for rows in members.values():
        role_names.update({r.mentee_id: r.mentee.person.short_name for r in rows})
    low = _low_scores(role_names, programme.pk, cfg.low_satisfaction_threshold)
    fits: dict[int, list[str]] = defaultdict(list)
    for mentorship_id, comment in (Meeting.objects.filter(mentorship_id__in=ids,
                                                          not_a_good_fit=True)
                                   .order_by("held_on", "pk")
                                   .values_list("mentorship_id", "not_a_good_fit_comment")):
        fits[mentorship_id].append(comment)

    result = []
    limit = cfg.weeks_without_meeting * 7
    for mentorship in mentorships:
        mentorship.active_members = members[mentorship.pk]
        base = mentorship.last_meeting_on or mentorship.started_on
        row = AtRisk(mentorship=mentorship, last_meeting_on=mentorship.last_meeting_on,
                     days_without_meeting=max((today - base).days, 0),
                     overdue_tasks=mentorship.overdue_tasks,
                     fit_comments=[c for c in fits.get(mentorship.pk, []) if c])
        if row.days_without_meeting >= limit:
            row.reasons.append(NO_MEETING)
        if row.overdue_tasks:
            row.reasons.append(OVERDUE_TASKS)
        roles = [mentorship.mentor_id, *(m.mentee_id for m in members[mentorship.pk])]
        row.low_scores = [(role_names[r], low[r]) for r in roles if r in low]
        if row.low_scores:
            row.reasons.append(LOW_SATISFACTION)
        if mentorship.pk in fits:
            row.reasons.append(NOT_A_GOOD_FIT)
        if row.reasons and (not reason or reason in row.reasons):
            result.append(row)
    result.sort(key=lambda r: (-r.days_without_meeting, r.mentorship.pk))
    return result


def risk_count(*, programme: Programme, today: dt.date | None = None) -> int:
    """How many of the programme's active mentorships are at risk (for the home page)."""
    return len(mentorships_at_risk(programme=programme, today=today))


def mentorship_risk(*, mentorship: Mentorship, today: dt.date | None = None) -> AtRisk | None:
    """The risk of one mentorship (for the badge on the pair page), or None."""
    rows = mentorships_at_risk(programme=mentorship.programme, today=today,
                               mentorship_ids=[mentorship.pk])
    return rows[0] if rows else None
