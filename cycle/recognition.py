"""Reads for recognition (stage 7 and rewards 1.8): a mentor's training and rewards, the
"best mentors" of a calendar year computed from data, and what the thank-you letters say.

Years are calendar years, as in monitoring (a survey campaign's year, the indicators' year).
`best_mentors` runs one query whatever the number of mentors: every figure is a correlated
subquery of the mentor row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from monitoring.indicators import MIN_RESPONDENTS
from monitoring.models import SurveyAnswer, SurveyResponse, SurveyTemplate
from pairing.completion import GOAL_REACHED
from pairing.models import Meeting, Mentorship
from participants.models import MentorTraining, Person, ProgrammeRole, Recognition
from programmes.models import Programme


def recognition_years(programme: Programme, today: dt.date | None = None) -> range:
    """The years a mentor can be rewarded for: the programme's period, stretched to the
    current year while pairs go on working after its last year."""
    year = (today or timezone.localdate()).year
    return range(programme.start_year, max(programme.end_year, year) + 1)


def year_default(programme: Programme, today: dt.date | None = None) -> int:
    """The current calendar year, or the programme's first year before it starts."""
    return max((today or timezone.localdate()).year, programme.start_year)


def year_from(programme: Programme, raw: str | None) -> int:
    try:
        year = int(raw or "")
    except ValueError:
        return year_default(programme)
    return year if year in recognition_years(programme) else year_default(programme)


@dataclass(frozen=True)
class MentorResult:
    """A mentor's figures for a year. `satisfaction` is the mean 1–10 score of their
    mentees' satisfaction answers, or None when too few answered an anonymous survey to
    show it without revealing who said what."""

    role: ProgrammeRole
    pairs_completed: int
    goals_reached: int
    meetings: int
    satisfaction: Decimal | None
    respondents: int
    chosen: bool
    rank: int = 0

    @property
    def person(self) -> Person:
        return self.role.person


def _count(qs: QuerySet[Any], group: str) -> Coalesce:
    return Coalesce(Subquery(qs.order_by().values(group).annotate(n=Count("pk")).values("n")[:1],
                             output_field=IntegerField()), Value(0))


def _mentor_rows(*, programme: Programme, year: int) -> QuerySet[ProgrammeRole]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    completed = Mentorship.objects.filter(mentor=OuterRef("pk"),
                                          status=Mentorship.Status.COMPLETED,
                                          ended_on__range=(first, last))
    meetings = Meeting.objects.filter(mentorship__mentor=OuterRef("pk"),
                                      held_on__range=(first, last))
    answers = SurveyAnswer.objects.filter(
        question__is_satisfaction=True, scale_value__isnull=False,
        response__status=SurveyResponse.Status.SUBMITTED,
        response__invitation__campaign__programme=programme,
        response__invitation__campaign__year=year,
        response__invitation__campaign__audience=SurveyTemplate.Audience.MENTEE,
        response__invitation__respondent__memberships__mentorship__mentor=OuterRef("pk"),
    ).order_by().values("response__invitation__campaign__programme")
    chosen = Recognition.objects.filter(role=OuterRef("pk"), year=year,
                                        kind=Recognition.Kind.BEST_MENTOR)
    return (ProgrammeRole.objects
            .filter(programme=programme, role=ProgrammeRole.Role.MENTOR)
            .select_related("person__study_group", "person__employer")
            .annotate(
                pairs_completed=_count(completed, "mentor"),
                goals_reached=_count(completed.filter(outcome__in=GOAL_REACHED), "mentor"),
                meetings_held=_count(meetings, "mentorship__mentor"),
                satisfaction_mean=Subquery(answers.annotate(a=Avg("scale_value")).values("a")[:1]),
                respondents=Coalesce(Subquery(
                    answers.annotate(n=Count("response__invitation__respondent",
                                             distinct=True)).values("n")[:1],
                    output_field=IntegerField()), Value(0)),
                anonymous_answers=Coalesce(Subquery(
                    answers.annotate(n=Count("pk", filter=Q(
                        response__invitation__campaign__anonymous=True))).values("n")[:1],
                    output_field=IntegerField()), Value(0)),
                chosen=Exists(chosen),
            ))


def _result(row: ProgrammeRole, rank: int = 0) -> MentorResult:
    mean = row.satisfaction_mean  # type: ignore[attr-defined]
    shown = mean is not None and (row.respondents >= MIN_RESPONDENTS  # type: ignore[attr-defined]
                                  or not row.anonymous_answers)  # type: ignore[attr-defined]
    return MentorResult(
        role=row, pairs_completed=row.pairs_completed,  # type: ignore[attr-defined]
        goals_reached=row.goals_reached,  # type: ignore[attr-defined]
        meetings=row.meetings_held,  # type: ignore[attr-defined]
        satisfaction=(Decimal(str(mean)).quantize(Decimal("0.1"), ROUND_HALF_UP)
                      if shown else None),
        respondents=row.respondents,  # type: ignore[attr-defined]
        chosen=row.chosen, rank=rank)  # type: ignore[attr-defined]


def _sort_key(r: MentorResult) -> tuple[Any, ...]:
    return (-r.goals_reached, -(r.satisfaction or Decimal(0)), -r.pairs_completed, -r.meetings,
            r.person.last_name, r.person.first_name, r.role.pk)


def best_mentors(*, programme: Programme, year: int,
                 chosen_only: bool = False) -> list[MentorResult]:
    """The programme's mentors who completed a pair or held a meeting in the year (or were
    chosen), ranked: goals reached (achieved or partly), then their mentees' satisfaction,
    pairs completed, meetings held. One query."""
    rows = _mentor_rows(programme=programme, year=year).filter(
        Q(pairs_completed__gt=0) | Q(meetings_held__gt=0) | Q(chosen=True))
    results = sorted((_result(row) for row in rows), key=_sort_key)
    ranked = [replace(r, rank=i) for i, r in enumerate(results, start=1)]
    return [r for r in ranked if r.chosen] if chosen_only else ranked


def mentor_result(*, role: ProgrammeRole, year: int) -> MentorResult:
    """One mentor's figures for the year (rank not computed). One query."""
    return _result(_mentor_rows(programme=role.programme, year=year).get(pk=role.pk))


def mentor_awards(*, role: ProgrammeRole) -> dict[str, Any]:
    """A mentor's training records (of the person, any programme) and this role's rewards,
    newest first; two queries."""
    return {
        "trainings": list(MentorTraining.objects.filter(person_id=role.person_id)
                          .order_by("-held_on", "-pk")),
        "recognitions": list(Recognition.objects.filter(role=role)
                             .order_by("-year", "kind", "-pk")),
    }


def signatories(*, programme: Programme) -> dict[str, Person | None]:
    """The director and the first curator of the programme, for signature blocks."""
    people: dict[str, Person | None] = {"director": None, "curator": None}
    for role in (ProgrammeRole.objects
                 .filter(programme=programme, is_active=True,
                         role__in=[ProgrammeRole.Role.DIRECTOR, ProgrammeRole.Role.CURATOR])
                 .select_related("person").order_by("pk")):
        if people[role.role] is None:
            people[role.role] = role.person
    return people


def is_student_mentor(role: ProgrammeRole) -> bool:
    return role.person.category in (Person.Category.STUDENT, Person.Category.PUPIL)


def grammatical_gender(person: Person) -> str:
    """"female", "male" or "unknown", guessed from the patronymic (letters address people
    as «Уважаемая Анна Сергеевна!»); "unknown" gets a neutral wording."""
    middle = person.middle_name.strip().lower()
    if middle.endswith(("вна", "чна", "кызы", "гызы")):
        return "female"
    if middle.endswith(("ич", "оглы", "улы", "уулу")):
        return "male"
    return "unknown"
