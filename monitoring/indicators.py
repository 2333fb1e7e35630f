"""Computed indicator facts: one function per computation named on `Indicator.computation`.

Every function takes the `Figures` of a programme (or of a region) and a calendar year and
returns a `Fact` with its numerator and denominator. `Figures` loads each group of
aggregates once, on first use, with one GROUP BY / conditional-aggregate query covering all
years at once, so the number of queries does not grow with people, mentorships or years.

Definitions (also in README, «Monitoring»):

- A person counts in a year when their mentorship overlaps it: `[started_on, ended_on or
  today]` of the mentorship (for a mentee, `[joined_on, left_on or the mentorship's end or
  today]` of the membership) overlaps 1 January – 31 December of that year.
- On record in a year: `hired_on` (if known) is not after 31 December and `left_on` (if
  known) is not before 1 January of the year.
- Learners: categories student and pupil. Young specialist in year Y: on record and either
  category «young specialist» or a teacher, hired on or after 1 January of Y−3 (0–3 years'
  experience; a young specialist without a hiring date counts).
- Denominators: the headcount entered for the organisation and year (monitoring.Headcount)
  when there is one, else the people on record for that year; the result says which.
- Satisfaction: the mean of the 1–10 answers to questions marked «counts towards
  satisfaction» in submitted responses to the programme's campaigns of that year for that
  audience, ×10, as a percentage; the denominator is the number of respondents; no figure
  with fewer than 5 respondents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import scopes_disabled

from pairing.models import Mentorship, MentorshipMember, MentorshipRequest
from participants.models import Person, ProgrammeRole
from programmes.models import MentoringForm, Organisation, Programme, Region

from .models import (
    Headcount,
    Indicator,
    SurveyAnswer,
    SurveyCampaign,
    SurveyResponse,
    SurveyTemplate,
)

LEARNERS = (Person.Category.STUDENT, Person.Category.PUPIL)
YOUNG_SPECIALIST_YEARS = 3
MIN_RESPONDENTS = 5
ONE_DECIMAL = Decimal("0.1")

# Where a denominator came from.
BASIS_HEADCOUNT = "headcount"
BASIS_RECORDS = "records"
BASIS_MIXED = "mixed"
BASIS_REGION = "region"
BASIS_RESPONDENTS = "respondents"

# What a fact is, for the way it is shown.
KIND_SHARE = "share"
KIND_COUNT = "count"
KIND_SATISFACTION = "satisfaction"


class Status:
    MET = "met"
    AT_RISK = "at_risk"
    NOT_MET = "not_met"
    NO_DATA = "no_data"

    LABELS: dict[str, Promise] = {
        MET: _("met"),
        AT_RISK: _("at risk"),
        NOT_MET: _("not met"),
        NO_DATA: _("no data"),
    }


@dataclass(frozen=True)
class Fact:
    """A fact for one year. `value` is None when there is no figure (no population, too few
    respondents, a year not yet begun)."""

    value: Decimal | None
    kind: str = KIND_SHARE
    numerator: int | None = None
    denominator: int | None = None
    basis: str = ""
    mean_score: Decimal | None = None  # satisfaction only, on the 1–10 scale

    @property
    def has_value(self) -> bool:
        return self.value is not None


NO_FACT = Fact(value=None, kind="")


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator as a percentage with one decimal (half up); None for 0."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(ONE_DECIMAL,
                                                                       ROUND_HALF_UP)


def indicator_status(*, plan: Decimal | None, fact: Decimal | None, direction: str,
                     tolerance_percent: int) -> str:
    """Met when the fact reaches the plan in the indicator's direction; at risk when it
    misses by no more than `tolerance_percent` per cent of the plan; else not met. No data
    without a plan or a fact."""
    if plan is None or fact is None:
        return Status.NO_DATA
    margin = abs(plan) * Decimal(tolerance_percent) / 100
    if direction == Indicator.Direction.LOWER:
        if fact <= plan:
            return Status.MET
        return Status.AT_RISK if fact <= plan + margin else Status.NOT_MET
    if fact >= plan:
        return Status.MET
    return Status.AT_RISK if fact >= plan - margin else Status.NOT_MET


# --------------------------------------------------------------------------- periods


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def on_record_q(year: int, prefix: str = "") -> Q:
    first, last = year_bounds(year)
    return ((Q(**{f"{prefix}hired_on__isnull": True}) | Q(**{f"{prefix}hired_on__lte": last}))
            & (Q(**{f"{prefix}left_on__isnull": True})
               | Q(**{f"{prefix}left_on__gte": first})))


def learner_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}category__in": LEARNERS})


def young_specialist_q(year: int, prefix: str = "") -> Q:
    since = dt.date(year - YOUNG_SPECIALIST_YEARS, 1, 1)
    young = (Q(**{f"{prefix}category": Person.Category.YOUNG_SPECIALIST})
             & (Q(**{f"{prefix}hired_on__isnull": True})
                | Q(**{f"{prefix}hired_on__gte": since})))
    teacher = Q(**{f"{prefix}category": Person.Category.TEACHER,
                   f"{prefix}hired_on__gte": since})
    return on_record_q(year, prefix) & (young | teacher)


def mentorship_overlap_q(year: int, today: dt.date, prefix: str = "") -> Q:
    """The mentorship's [started_on, ended_on or today] overlaps the calendar year."""
    first, last = year_bounds(year)
    ended = Q(**{f"{prefix}ended_on__gte": first})
    if today >= first:
        ended |= Q(**{f"{prefix}ended_on__isnull": True})
    return Q(**{f"{prefix}started_on__lte": last}) & ended


def member_overlap_q(year: int, today: dt.date, prefix: str = "") -> Q:
    """The membership's [joined_on, left_on or the mentorship's end or today] overlaps the
    calendar year."""
    first, last = year_bounds(year)
    still = Q(**{f"{prefix}left_on__isnull": True})
    end = Q(**{f"{prefix}left_on__gte": first}) | (
        still & Q(**{f"{prefix}mentorship__ended_on__gte": first}))
    if today >= first:
        end |= still & Q(**{f"{prefix}mentorship__ended_on__isnull": True})
    return Q(**{f"{prefix}joined_on__lte": last}) & end


def _created_in_q(year: int, prefix: str = "") -> Q:
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    return Q(**{f"{prefix}created_at__gte": start, f"{prefix}created_at__lt": end})


# --------------------------------------------------------------------------- figures

# The figures are counted in SQL written here rather than built by the ORM: Django needs
# ~70 ms of Python to build the same counts as conditional aggregates for five years. Each
# is one query for all years: joined to a small table of the years (`yr`, dates compared as
# in the Q helpers above), or grouped by calendar years and folded here (a date is on or
# before 31 December of Y exactly when its year is at most Y, on or after 1 January of Y
# exactly when its year is at least Y, so this is exact too). The drill-down uses the Q
# helpers; tests check that both agree. Only table names and constant fragments are
# formatted into the SQL (hence `noqa: S608`); every value is a parameter.

# Conditions on a row `s` of one person in one year: the person's category (cat), years
# of hiring and leaving (hy, ly) and the year (y).
_S_ON_RECORD = "(s.hy IS NULL OR s.hy <= s.y) AND (s.ly IS NULL OR s.ly >= s.y)"
_S_LEARNER_ANY = "s.cat IN (%s, %s)"
_S_YOUNG = (f"({_S_ON_RECORD} AND ((s.cat = %s AND (s.hy IS NULL OR s.hy >= s.y - {{n}})) "
            f"OR (s.cat = %s AND s.hy >= s.y - {{n}})))").format(n=YOUNG_SPECIALIST_YEARS)
# The same on a person `p` against the dates of a year `yr` (see `Figures._years_cte`).
_P_ON_RECORD = ("(p.hired_on IS NULL OR p.hired_on <= yr.last_day) "
                "AND (p.left_on IS NULL OR p.left_on >= yr.first_day)")
_P_LEARNER = f"(p.category IN (%s, %s) AND {_P_ON_RECORD})"
_P_YOUNG = (f"({_P_ON_RECORD} AND ((p.category = %s AND (p.hired_on IS NULL "
            "OR p.hired_on >= yr.young_since)) OR (p.category = %s "
            "AND p.hired_on >= yr.young_since)))")
_LEARNER_PARAMS = [str(c) for c in LEARNERS]
_YOUNG_PARAMS = [str(Person.Category.YOUNG_SPECIALIST), str(Person.Category.TEACHER)]


def _table(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _in(ids: Sequence[int]) -> tuple[str, list[int]]:
    if not ids:
        return "(NULL)", []
    return "(" + ", ".join(["%s"] * len(ids)) + ")", list(ids)


def _year_of(column: str) -> tuple[str, list[Any]]:
    """SQL for the calendar year of a date column. On PostgreSQL `date_part` (a float made
    an integer) rather than Django's `EXTRACT`, whose numeric result is twice as slow."""
    if connection.vendor == "postgresql":
        return f"CAST(date_part('year', {column}) AS integer)", []
    sql, params = connection.ops.date_extract_sql("year", column, ())
    return sql, list(params)


def _local_year_of(column: str) -> tuple[str, list[Any]]:
    """SQL for the calendar year of a timestamp column in the current time zone."""
    zone = timezone.get_current_timezone_name()
    if connection.vendor == "postgresql":
        return f"CAST(date_part('year', {column} AT TIME ZONE %s) AS integer)", [zone]
    sql, params = connection.ops.datetime_extract_sql("year", column, (), zone)
    return sql, list(params)


def _person_years() -> tuple[str, list[Any]]:
    """`p.category AS cat, <year hired> AS hy, <year left> AS ly`."""
    hy, hy_params = _year_of("p.hired_on")
    ly, ly_params = _year_of("p.left_on")
    return f"p.category AS cat, {hy} AS hy, {ly} AS ly", [*hy_params, *ly_params]


def _young(category: str, hired: int | None, year: int) -> bool:
    """The Python twin of `young_specialist_q` on calendar years (the person on record)."""
    since = year - YOUNG_SPECIALIST_YEARS
    if category == Person.Category.YOUNG_SPECIALIST:
        return hired is None or hired >= since
    return category == Person.Category.TEACHER and hired is not None and hired >= since


class Figures:
    """The aggregates behind computed facts for some organisations (one college's programme,
    or a region) and years. Each cached property is one GROUP BY query for all years;
    nothing is loaded until a computation asks for it. Aggregates only: raw SQL that returns
    counts, never a person, so it needs no organisation scope."""

    def __init__(self, *, organisation_ids: Sequence[int], years: Iterable[int],
                 region_id: int | None, programme_ids: Sequence[int] | None = None,
                 today: dt.date | None = None) -> None:
        self.organisation_ids = list(organisation_ids)
        self.programme_ids = None if programme_ids is None else list(programme_ids)
        self.years = sorted(set(years))
        self.region_id = region_id
        self.today = today or timezone.localdate()

    @classmethod
    def for_programme(cls, programme: Programme, *, years: Iterable[int] | None = None,
                      today: dt.date | None = None) -> Figures:
        return cls(organisation_ids=[programme.organisation_id],
                   programme_ids=[programme.pk],
                   years=programme.years if years is None else years,
                   region_id=programme.organisation.region_id, today=today)

    @classmethod
    def for_region(cls, region: Region, *, years: Iterable[int],
                   organisation_ids: Sequence[int], today: dt.date | None = None) -> Figures:
        return cls(organisation_ids=organisation_ids, years=years, region_id=region.pk,
                   today=today)

    def programme_q(self, prefix: str = "") -> Q:
        if self.programme_ids is not None:
            return Q(**{f"{prefix}programme_id__in": self.programme_ids})
        return Q(**{f"{prefix}programme__organisation_id__in": self.organisation_ids})

    def started(self, year: int) -> bool:
        return year <= self.today.year

    # ---- SQL

    def _years_cte(self) -> tuple[str, list[Any]]:
        """`WITH yr (y, first_day, last_day, young_since, ref_day, starts_at, ends_at)`:
        per year its bounds, the earliest hiring date of a young specialist, the day
        "active" is measured on (the year's end, today for the current year, none for a
        year not yet begun) and the bounds as moments for timestamps."""
        ops = connection.ops
        tz = timezone.get_current_timezone()
        rows, params = [], []
        for y in self.years:
            first, last = year_bounds(y)
            ref = min(last, self.today) if self.started(y) else None
            rows.append("(%s, %s, %s, %s, %s, %s, %s)")
            params += [
                y, ops.adapt_datefield_value(first), ops.adapt_datefield_value(last),
                ops.adapt_datefield_value(dt.date(y - YOUNG_SPECIALIST_YEARS, 1, 1)),
                ops.adapt_datefield_value(ref if ref is not None else dt.date(1, 1, 1)),
                ops.adapt_datetimefield_value(dt.datetime(y, 1, 1, tzinfo=tz)),
                ops.adapt_datetimefield_value(dt.datetime(y + 1, 1, 1, tzinfo=tz)),
            ]
        cte = ("WITH yr (y, first_day, last_day, young_since, ref_day, starts_at, ends_at) "
               "AS (VALUES " + ", ".join(rows) + ")")
        return cte, params

    def _programme_sql(self, alias: str) -> tuple[str, list[int]]:
        """A condition on `<alias>.programme_id`: the programmes, or all programmes of the
        organisations."""
        if self.programme_ids is not None:
            placeholders, ids = _in(self.programme_ids)
            return f"{alias}.programme_id IN {placeholders}", ids
        placeholders, ids = _in(self.organisation_ids)
        return (f"{alias}.programme_id IN (SELECT id FROM {_table(Programme)} "  # noqa: S608
                f"WHERE organisation_id IN {placeholders})", ids)

    def _rows(self, sql: str, params: list[Any], *, cte: bool = False
              ) -> list[tuple[Any, ...]]:
        """Run a query, prefixed with the table of years (`yr`, see `_years_cte`) when it
        joins to it."""
        if not self.years:
            return []
        prefix, prefix_params = self._years_cte() if cte else ("", [])
        with connection.cursor() as cursor:
            cursor.execute(f"{prefix} {sql}", [*prefix_params, *params])
            return list(cursor.fetchall())

    def _today(self) -> Any:
        return connection.ops.adapt_datefield_value(self.today)

    def _per_year(self, rows: list[tuple[Any, ...]], keys: Sequence[str]) -> dict[str, int]:
        """{f"{key}_{year}": count} from rows (year, count, count, ...); zero if absent."""
        result = {f"{key}_{y}": 0 for key in keys for y in self.years}
        for year, *counts in rows:
            for key, count in zip(keys, counts, strict=True):
                result[f"{key}_{int(year)}"] = int(count or 0)
        return result

    # ---- populations

    @cached_property
    def on_record(self) -> dict[int, dict[str, int]]:
        """Learners and young specialists on record, per organisation and year: one pass
        over the organisations' people, grouped by category and years of hiring and leaving
        (a few hundred groups), folded into years here."""
        placeholders, ids = _in(self.organisation_ids)
        columns, params = _person_years()
        rows = self._rows(
            f"SELECT p.organisation_id, {columns}, COUNT(*) FROM {_table(Person)} p "  # noqa: S608
            f"WHERE p.organisation_id IN {placeholders} AND p.category IN (%s, %s, %s, %s) "
            f"GROUP BY 1, 2, 3, 4",
            [*params, *ids, *_LEARNER_PARAMS, *_YOUNG_PARAMS])
        result: dict[int, dict[str, int]] = {}
        for org_id, category, hired_year, left_year, count in rows:
            counts = result.setdefault(org_id, {})
            hired = None if hired_year is None else int(hired_year)
            left = None if left_year is None else int(left_year)
            for y in self.years:
                if not ((hired is None or hired <= y) and (left is None or left >= y)):
                    continue
                if category in LEARNERS:
                    counts[f"learners_{y}"] = counts.get(f"learners_{y}", 0) + count
                elif _young(category, hired, y):
                    counts[f"young_{y}"] = counts.get(f"young_{y}", 0) + count
        return result

    @cached_property
    def headcounts(self) -> dict[tuple[int, int], Headcount]:
        return {(h.organisation_id, h.year): h for h in Headcount.objects.filter(
            organisation_id__in=self.organisation_ids, year__in=self.years)}

    def population(self, year: int, *, key: str, headcount_field: str) -> tuple[int, str]:
        """The denominator for a year: per organisation the headcount entered for that year
        when there is one, else the people on record; with where it came from."""
        total = 0
        bases: set[str] = set()
        for org_id in self.organisation_ids:
            headcount = self.headcounts.get((org_id, year))
            value = getattr(headcount, headcount_field) if headcount is not None else None
            if value is not None:
                total += value
                bases.add(BASIS_HEADCOUNT)
            else:
                total += self.on_record.get(org_id, {}).get(f"{key}_{year}", 0)
                bases.add(BASIS_RECORDS)
        basis = bases.pop() if len(bases) == 1 else (BASIS_MIXED if bases else BASIS_RECORDS)
        return total, basis

    @cached_property
    def enterprises_in_region(self) -> int:
        if self.region_id is None:
            return 0
        return Organisation.objects.filter(region_id=self.region_id,
                                           kind=Organisation.Kind.EMPLOYER).count()

    # ---- participation

    @cached_property
    def mentees(self) -> dict[str, int]:
        """Distinct learners and young specialists in a mentorship as mentees, per year (a
        membership counts from `joined_on` to `left_on`, else the mentorship's end, else
        today): one row per person and year with what they count as (a hash DISTINCT),
        then sums."""
        where, ids = self._programme_sql("m")
        rows = self._rows(
            f"SELECT s.y, SUM(s.learner), SUM(s.young) FROM (SELECT DISTINCT yr.y, p.id, "  # noqa: S608
            f"CASE WHEN {_P_LEARNER} THEN 1 ELSE 0 END AS learner, "
            f"CASE WHEN {_P_YOUNG} THEN 1 ELSE 0 END AS young "
            f"FROM {_table(MentorshipMember)} mm "
            f"JOIN {_table(Mentorship)} m ON m.id = mm.mentorship_id "
            f"JOIN {_table(ProgrammeRole)} r ON r.id = mm.mentee_id "
            f"JOIN {_table(Person)} p ON p.id = r.person_id "
            f"JOIN yr ON mm.joined_on <= yr.last_day "
            f"AND COALESCE(mm.left_on, m.ended_on, %s) >= yr.first_day "
            f"WHERE {where}) s GROUP BY s.y",
            [*_LEARNER_PARAMS, *_YOUNG_PARAMS, self._today(), *ids], cte=True)
        return self._per_year(rows, ("learners", "young"))

    @cached_property
    def mentors(self) -> dict[str, int]:
        """Distinct learners and employer representatives mentoring, and their enterprises,
        per year (a mentorship counts from `started_on` to `ended_on`, else today)."""
        where, ids = self._programme_sql("m")
        rows = self._rows(
            f"SELECT s.y, SUM(s.learner), SUM(s.employer), "  # noqa: S608
            f"COUNT(DISTINCT CASE WHEN s.employer = 1 THEN s.employer_id END) "
            f"FROM (SELECT DISTINCT yr.y, p.id, p.employer_id, "
            f"CASE WHEN {_P_LEARNER} THEN 1 ELSE 0 END AS learner, "
            f"CASE WHEN p.category = %s THEN 1 ELSE 0 END AS employer "
            f"FROM {_table(Mentorship)} m "
            f"JOIN {_table(ProgrammeRole)} r ON r.id = m.mentor_id "
            f"JOIN {_table(Person)} p ON p.id = r.person_id "
            f"JOIN yr ON m.started_on <= yr.last_day "
            f"AND COALESCE(m.ended_on, %s) >= yr.first_day "
            f"WHERE {where}) s GROUP BY s.y",
            [*_LEARNER_PARAMS, str(Person.Category.EMPLOYER), self._today(), *ids],
            cte=True)
        return self._per_year(rows, ("learners", "employer_reps", "enterprises"))

    @cached_property
    def requests(self) -> dict[str, int]:
        """Distinct mentees who filed a request in a year (withdrawn ones aside) and those of
        them whose request got a pair or group, for learners and young specialists: one row
        per person and year of filing (paired if any of their requests was), then counts."""
        where, ids = self._programme_sql("q")
        person, person_params = _person_years()
        filed, filed_params = _local_year_of("q.created_at")
        placeholders, years = _in(self.years)
        paired = "s.paired = 1"
        rows = self._rows(
            f"SELECT s.y, COUNT(CASE WHEN {_S_LEARNER_ANY} THEN 1 END), "  # noqa: S608
            f"COUNT(CASE WHEN {_S_LEARNER_ANY} AND {paired} THEN 1 END), "
            f"COUNT(CASE WHEN {_S_YOUNG} THEN 1 END), "
            f"COUNT(CASE WHEN {_S_YOUNG} AND {paired} THEN 1 END) "
            f"FROM (SELECT {filed} AS y, p.id AS pid, {person}, "
            f"MAX(CASE WHEN q.status = %s OR EXISTS (SELECT 1 FROM {_table(MentorshipMember)} "
            f"mm WHERE mm.request_id = q.id) THEN 1 ELSE 0 END) AS paired "
            f"FROM {_table(MentorshipRequest)} q "
            f"JOIN {_table(ProgrammeRole)} r ON r.id = q.mentee_id "
            f"JOIN {_table(Person)} p ON p.id = r.person_id "
            f"WHERE q.status <> %s AND {where} GROUP BY 1, 2, 3, 4, 5) s "
            f"WHERE s.y IN {placeholders} GROUP BY s.y",
            [*_LEARNER_PARAMS, *_LEARNER_PARAMS, *_YOUNG_PARAMS, *_YOUNG_PARAMS,
             *filed_params, *person_params, str(MentorshipRequest.Status.MATCHED),
             str(MentorshipRequest.Status.WITHDRAWN), *ids, *years])
        return self._per_year(rows, ("learners_asked", "learners_paired", "young_asked",
                                     "young_paired"))

    @cached_property
    def satisfaction(self) -> dict[tuple[int, str], tuple[int, int, int]]:
        """(year, audience) -> (sum of scores, answers, respondents) of satisfaction
        questions in submitted responses."""
        campaign = "response__invitation__campaign__"
        with scopes_disabled():
            rows = (
                SurveyAnswer.objects.filter(
                    self.programme_q(campaign), question__is_satisfaction=True,
                    scale_value__isnull=False,
                    response__status=SurveyResponse.Status.SUBMITTED,
                    **{f"{campaign}year__in": self.years},
                )
                .values(f"{campaign}year", f"{campaign}audience")
                .annotate(total=Sum("scale_value"), answers=Count("pk"),
                          respondents=Count("response__invitation__respondent_id",
                                            distinct=True))
                .order_by()
            )
            return {(row[f"{campaign}year"], row[f"{campaign}audience"]):
                    (row["total"] or 0, row["answers"], row["respondents"]) for row in rows}

    @cached_property
    def by_form(self) -> list[dict[str, Any]]:
        """Per form: mentorships that worked in each year, started, active at the year's end
        (today for the current year; none for a year not yet begun), completed and ended
        early in it."""
        where, ids = self._programme_sql("m")
        order = connection.ops.quote_name("order")
        rows = self._rows(
            f"SELECT m.form_id, f.code, f.name, f.{order}, yr.y, "  # noqa: S608
            f"COUNT(CASE WHEN m.started_on <= yr.last_day "
            f"AND COALESCE(m.ended_on, %s) >= yr.first_day THEN 1 END), "
            f"COUNT(CASE WHEN m.started_on >= yr.first_day AND m.started_on <= yr.last_day "
            f"THEN 1 END), "
            f"COUNT(CASE WHEN yr.ref_day >= yr.first_day AND m.started_on <= yr.ref_day "
            f"AND (m.ended_on IS NULL OR m.ended_on > yr.ref_day) THEN 1 END), "
            f"COUNT(CASE WHEN m.status = %s AND m.ended_on >= yr.first_day "
            f"AND m.ended_on <= yr.last_day THEN 1 END), "
            f"COUNT(CASE WHEN m.status = %s AND m.ended_on >= yr.first_day "
            f"AND m.ended_on <= yr.last_day THEN 1 END) "
            f"FROM {_table(Mentorship)} m JOIN {_table(MentoringForm)} f ON f.id = m.form_id "
            f"CROSS JOIN yr WHERE {where} "
            f"GROUP BY m.form_id, f.code, f.name, f.{order}, yr.y",
            [self._today(), str(Mentorship.Status.COMPLETED),
             str(Mentorship.Status.ENDED_EARLY), *ids], cte=True)
        forms: dict[int, dict[str, Any]] = {}
        keys = ("worked", "started", "active", "completed", "ended_early")
        for form_id, code, name, position, year, *counts in rows:
            row = forms.setdefault(form_id, {
                "form_id": form_id, "form__code": code, "form__name": name,
                "form__order": position,
                **{f"{key}_{y}": 0 for key in keys for y in self.years}})
            for key, count in zip(keys, counts, strict=True):
                row[f"{key}_{year}"] = int(count or 0)
        return sorted(forms.values(), key=lambda r: (r["form__order"], r["form__name"]))

    @cached_property
    def organisation_forms(self) -> dict[tuple[int, int], dict[int, int]]:
        """(organisation, form) -> {year: mentorships overlapping it}: an organisation
        implements a form in a year when it has one. Grouped by the years mentorships
        start and end, folded into years here."""
        where, ids = self._programme_sql("m")
        first, first_params = _year_of("m.started_on")
        last, last_params = _year_of("COALESCE(m.ended_on, %s)")
        rows = self._rows(
            f"SELECT pr.organisation_id, m.form_id, {first}, {last}, COUNT(*) "  # noqa: S608
            f"FROM {_table(Mentorship)} m JOIN {_table(Programme)} pr ON pr.id = m.programme_id "
            f"WHERE {where} GROUP BY 1, 2, 3, 4",
            [*first_params, *last_params, self._today(), *ids])
        result: dict[tuple[int, int], dict[int, int]] = {}
        for org_id, form_id, first_year, last_year, count in rows:
            counts = result.setdefault((org_id, form_id), {})
            for y in self.years:
                if int(first_year) <= y <= int(last_year):
                    counts[y] = counts.get(y, 0) + count
        return result

    @cached_property
    def survey_stats(self) -> dict[tuple[int, str], tuple[int, int, int]]:
        """(year, audience) -> (campaigns, people invited, responses submitted)."""
        with scopes_disabled():
            rows = (
                SurveyCampaign.objects.filter(self.programme_q(), year__in=self.years)
                .values("year", "audience")
                .annotate(campaigns=Count("pk", distinct=True),
                          invited=Count("invitations", distinct=True),
                          submitted=Count("invitations__response", distinct=True,
                                          filter=Q(invitations__response__status=(
                                              SurveyResponse.Status.SUBMITTED))))
                .order_by()
            )
            return {(row["year"], row["audience"]):
                    (row["campaigns"], row["invited"], row["submitted"]) for row in rows}

    @cached_property
    def organisation_counts(self) -> dict[int, tuple[int, int, int]]:
        """organisation -> (people on record not anonymised, pairs and groups, active
        ones): two GROUP BY queries."""
        with scopes_disabled():
            people = dict(
                Person.objects.filter(organisation_id__in=self.organisation_ids,
                                      anonymised_at__isnull=True)
                .values_list("organisation_id").annotate(n=Count("pk")).order_by()
            )
            mentorships = {
                row["programme__organisation_id"]: (row["total"], row["active"])
                for row in Mentorship.objects.filter(self.programme_q())
                .values("programme__organisation_id")
                .annotate(total=Count("pk"),
                          active=Count("pk", filter=Q(status=Mentorship.Status.ACTIVE)))
                .order_by()
            }
        return {org_id: (people.get(org_id, 0), *mentorships.get(org_id, (0, 0)))
                for org_id in self.organisation_ids}

    def organisations_implementing(self, form_id: int, year: int,
                                   organisation_ids: Iterable[int] | None = None) -> int:
        ids = self.organisation_ids if organisation_ids is None else organisation_ids
        return sum(1 for org_id in ids
                   if self.organisation_forms.get((org_id, form_id), {}).get(year, 0) > 0)


# --------------------------------------------------------------------------- facts


def _share(numerator: int, denominator: int, basis: str) -> Fact:
    return Fact(value=percent(numerator, denominator), kind=KIND_SHARE, numerator=numerator,
                denominator=denominator, basis=basis)


def _count(value: int) -> Fact:
    return Fact(value=Decimal(value), kind=KIND_COUNT, numerator=value)


def share_students_mentees(figures: Figures, year: int) -> Fact:
    """Learners in a mentorship as mentees in the year, of learners (headcount or record)."""
    denominator, basis = figures.population(year, key="learners", headcount_field="students")
    return _share(figures.mentees[f"learners_{year}"], denominator, basis)


def share_students_mentors(figures: Figures, year: int) -> Fact:
    """Learners mentoring in the year, of learners (headcount or record)."""
    denominator, basis = figures.population(year, key="learners", headcount_field="students")
    return _share(figures.mentors[f"learners_{year}"], denominator, basis)


def student_mentors(figures: Figures, year: int) -> Fact:
    """Number of learners mentoring in the year."""
    return _count(figures.mentors[f"learners_{year}"])


def share_young_specialists_mentored(figures: Figures, year: int) -> Fact:
    """Young specialists (0–3 years) in a mentorship as mentees, of young specialists."""
    denominator, basis = figures.population(year, key="young",
                                            headcount_field="young_specialists")
    return _share(figures.mentees[f"young_{year}"], denominator, basis)


def pairs_formed_students(figures: Figures, year: int) -> Fact:
    """Learners who asked for a mentor in the year and got a pair or group, of those who
    asked."""
    return _share(figures.requests[f"learners_paired_{year}"],
                  figures.requests[f"learners_asked_{year}"], BASIS_RECORDS)


def pairs_formed_young_specialists(figures: Figures, year: int) -> Fact:
    """Young specialists who asked in the year and got a pair or group, of those who asked."""
    return _share(figures.requests[f"young_paired_{year}"],
                  figures.requests[f"young_asked_{year}"], BASIS_RECORDS)


def share_enterprises_with_mentors(figures: Figures, year: int) -> Fact:
    """Enterprises whose representatives mentor in the year, of the partner enterprises
    entered in the headcount, else of the employers of the region on record."""
    numerator = figures.mentors[f"enterprises_{year}"]
    total = 0
    entered = False
    if figures.programme_ids is not None:
        for org_id in figures.organisation_ids:
            headcount = figures.headcounts.get((org_id, year))
            if headcount is not None and headcount.partner_enterprises is not None:
                total += headcount.partner_enterprises
                entered = True
    if entered:
        return _share(numerator, total, BASIS_HEADCOUNT)
    return _share(numerator, figures.enterprises_in_region, BASIS_REGION)


def enterprises_with_mentors(figures: Figures, year: int) -> Fact:
    """Number of enterprises whose representatives mentor in the year."""
    return _count(figures.mentors[f"enterprises_{year}"])


def employer_mentors(figures: Figures, year: int) -> Fact:
    """Number of employer representatives mentoring in the year."""
    return _count(figures.mentors[f"employer_reps_{year}"])


def _form_rows(figures: Figures, form_code: str | None) -> list[dict[str, Any]]:
    return [row for row in figures.by_form if form_code in (None, "", row["form__code"])]


def active_mentorships(figures: Figures, year: int, form_code: str | None = None) -> Fact:
    """Pairs and groups active at the end of the year (today for the current year), of one
    form (`active_mentorships:<form code>`) or all."""
    return _count(sum(row[f"active_{year}"] for row in _form_rows(figures, form_code)))


def completed_mentorships(figures: Figures, year: int, form_code: str | None = None) -> Fact:
    """Pairs and groups completed in the year, of one form or all."""
    return _count(sum(row[f"completed_{year}"] for row in _form_rows(figures, form_code)))


def _satisfaction(figures: Figures, year: int, audience: str) -> Fact:
    total, answers, respondents = figures.satisfaction.get((year, audience), (0, 0, 0))
    if respondents < MIN_RESPONDENTS or not answers:
        return Fact(value=None, kind=KIND_SATISFACTION, denominator=respondents,
                    basis=BASIS_RESPONDENTS)
    mean = Decimal(total) / Decimal(answers)
    return Fact(value=(mean * 10).quantize(ONE_DECIMAL, ROUND_HALF_UP),
                kind=KIND_SATISFACTION, denominator=respondents, basis=BASIS_RESPONDENTS,
                mean_score=mean.quantize(Decimal("0.01"), ROUND_HALF_UP))


def mentee_satisfaction(figures: Figures, year: int) -> Fact:
    """Mentees' satisfaction: mean of 1–10 satisfaction answers ×10, % (≥ 5 respondents)."""
    return _satisfaction(figures, year, SurveyTemplate.Audience.MENTEE)


def mentor_satisfaction(figures: Figures, year: int) -> Fact:
    """Mentors' satisfaction: mean of 1–10 satisfaction answers ×10, % (≥ 5 respondents)."""
    return _satisfaction(figures, year, SurveyTemplate.Audience.MENTOR)


def satisfaction_fact(programme: Programme, year: int, audience: str, *,
                      today: dt.date | None = None) -> Fact:
    """Satisfaction of a programme's mentees or mentors (`SurveyTemplate.Audience`) in a
    year, by the formula above; one query. For reuse by the survey pages."""
    figures = Figures.for_programme(programme, years=[year], today=today)
    return _satisfaction(figures, year, audience)


# --------------------------------------------------------------------------- drill-down


def _people(figures: Figures) -> QuerySet[Person]:
    return Person.objects.filter(organisation_id__in=figures.organisation_ids)


def _mentee_people(figures: Figures, year: int, who: Q) -> QuerySet[Person]:
    members = MentorshipMember.objects.filter(
        figures.programme_q("mentorship__"), member_overlap_q(year, figures.today),
    ).values("mentee__person_id")
    return _people(figures).filter(who, pk__in=members)


def _mentor_people(figures: Figures, year: int, who: Q) -> QuerySet[Person]:
    mentorships = Mentorship.objects.filter(
        figures.programme_q(), mentorship_overlap_q(year, figures.today)
    ).values("mentor__person_id")
    return _people(figures).filter(who, pk__in=mentorships)


def _paired_people(figures: Figures, year: int, who: Q) -> QuerySet[Person]:
    paired = MentorshipRequest.objects.filter(
        figures.programme_q(), _created_in_q(year),
        Q(status=MentorshipRequest.Status.MATCHED) | Q(memberships__isnull=False),
    ).exclude(status=MentorshipRequest.Status.WITHDRAWN).values("mentee__person_id")
    return _people(figures).filter(who, pk__in=paired)


def people_learner_mentees(figures: Figures, year: int) -> QuerySet[Person]:
    return _mentee_people(figures, year, learner_q() & on_record_q(year))


def people_learner_mentors(figures: Figures, year: int) -> QuerySet[Person]:
    return _mentor_people(figures, year, learner_q() & on_record_q(year))


def people_young_specialist_mentees(figures: Figures, year: int) -> QuerySet[Person]:
    return _mentee_people(figures, year, young_specialist_q(year))


def people_learners_paired(figures: Figures, year: int) -> QuerySet[Person]:
    return _paired_people(figures, year, learner_q())


def people_young_specialists_paired(figures: Figures, year: int) -> QuerySet[Person]:
    return _paired_people(figures, year, young_specialist_q(year))


def people_employer_mentors(figures: Figures, year: int) -> QuerySet[Person]:
    return _mentor_people(figures, year, Q(category=Person.Category.EMPLOYER))


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Computation:
    name: str
    function: Callable[..., Fact]
    title: Promise
    of_whom: Promise  # "412 of 650 <of_whom>"
    people: Callable[[Figures, int], QuerySet[Person]] | None = None
    takes_form: bool = False

    @property
    def lists_people(self) -> bool:
        """For templates, which would call `people` if they read it."""
        return self.people is not None


COMPUTATIONS: dict[str, Computation] = {c.name: c for c in (
    Computation("share_students_mentees", share_students_mentees,
                _("students who are mentees"), _("students"), people_learner_mentees),
    Computation("share_students_mentors", share_students_mentors,
                _("students who are mentors"), _("students"), people_learner_mentors),
    Computation("student_mentors", student_mentors, _("students who are mentors"),
                _("students"), people_learner_mentors),
    Computation("share_young_specialists_mentored", share_young_specialists_mentored,
                _("young specialists who are mentees"), _("young specialists"),
                people_young_specialist_mentees),
    Computation("pairs_formed_students", pairs_formed_students,
                _("students who asked for a mentor and got a pair or group"),
                _("students who asked"), people_learners_paired),
    Computation("pairs_formed_young_specialists", pairs_formed_young_specialists,
                _("young specialists who asked for a mentor and got a pair or group"),
                _("young specialists who asked"), people_young_specialists_paired),
    Computation("share_enterprises_with_mentors", share_enterprises_with_mentors,
                _("enterprises whose representatives mentor"), _("enterprises"),
                people_employer_mentors),
    Computation("enterprises_with_mentors", enterprises_with_mentors,
                _("enterprises whose representatives mentor"), _("enterprises"),
                people_employer_mentors),
    Computation("employer_mentors", employer_mentors,
                _("employer representatives who mentor"), pgettext_lazy("unit", "people"),
                people_employer_mentors),
    Computation("active_mentorships", active_mentorships,
                _("active pairs and groups at the end of the year"), _("pairs and groups"),
                takes_form=True),
    Computation("completed_mentorships", completed_mentorships,
                _("pairs and groups completed in the year"), _("pairs and groups"),
                takes_form=True),
    Computation("mentee_satisfaction", mentee_satisfaction,
                _("mentees' satisfaction"), _("respondents")),
    Computation("mentor_satisfaction", mentor_satisfaction,
                _("mentors' satisfaction"), _("respondents")),
)}

SATISFACTION_HELP = _(
    "Mean of the 1–10 answers to the questions marked «counts towards satisfaction» in "
    "submitted responses to this year's questionnaires, ×10, in per cent; no figure with "
    "fewer than 5 respondents.")


def computation_for(name: str) -> tuple[Computation | None, str]:
    """The computation named on an indicator (`name` or `name:<form code>`), and its
    argument."""
    base, _sep, arg = name.partition(":")
    return COMPUTATIONS.get(base), arg


def compute(name: str, figures: Figures, year: int) -> Fact:
    """The fact of a named computation for a year; no figure for an unknown name or a year
    that has not begun."""
    computation, arg = computation_for(name)
    if computation is None or not figures.started(year):
        return NO_FACT
    if computation.takes_form:
        return computation.function(figures, year, arg or None)
    return computation.function(figures, year)


def numerator_people(name: str, figures: Figures, year: int) -> QuerySet[Person] | None:
    """The people behind a computed fact's numerator, or None when it is not people."""
    computation, _arg = computation_for(name)
    if computation is None or computation.people is None:
        return None
    return computation.people(figures, year)


def form_catalogue() -> list[MentoringForm]:
    return list(MentoringForm.objects.order_by("order", "name"))


# --------------------------------------------------------------------------- regional


REGIONAL_TOLERANCE_PERCENT = 10
FORM_SHARE_PREFIX = "form_share:"


@dataclass(frozen=True)
class RegionalIndicator:
    """A regional indicator: its fact is computed across the region's organisations; its
    plan is entered by the coordinator (monitoring.RegionalPlan with this `code`)."""

    code: str
    name: str
    unit: str
    form: MentoringForm | None = None


_REGIONAL: tuple[tuple[str, Promise, str], ...] = (
    ("share_students_mentees", _("Share of students (pupils) who are mentees"), "%"),
    ("share_students_mentors", _("Share of students (pupils) who are mentors"), "%"),
    ("share_young_specialists_mentored",
     _("Share of young specialists (0–3 years) who are mentees"), "%"),
    ("enterprises_with_mentors",
     _("Number of enterprises that provided their mentors"), Indicator.Unit.UNITS),
    ("employer_mentors", _("Number of employer representatives who mentor"),
     Indicator.Unit.PEOPLE),
    ("student_mentors", _("Number of students who mentor"), Indicator.Unit.PEOPLE),
    ("mentee_satisfaction", _("Mentees' satisfaction"), "%"),
    ("mentor_satisfaction", _("Mentors' satisfaction"), "%"),
)


def regional_catalogue(forms: Sequence[MentoringForm]) -> list[RegionalIndicator]:
    """The regional indicators: the computed ones above, then for each form the share of
    organisations implementing it."""
    catalogue = [RegionalIndicator(code=code, name=str(name), unit=unit)
                 for code, name, unit in _REGIONAL]
    catalogue += [
        RegionalIndicator(
            code=f"{FORM_SHARE_PREFIX}{form.code}",
            name=str(_("Share of organisations implementing the form «%(form)s»")
                     % {"form": form.name}),
            unit="%", form=form)
        for form in forms
    ]
    return catalogue


def regional_fact(indicator: RegionalIndicator, figures: Figures, year: int) -> Fact:
    """The region's fact for a year: organisations implementing a form of all the region's
    colleges and schools, or the computation of the same name over the whole region."""
    if not figures.started(year):
        return NO_FACT
    if indicator.form is not None:
        count = figures.organisations_implementing(indicator.form.pk, year)
        return _share(count, len(figures.organisation_ids), BASIS_REGION)
    return compute(indicator.code, figures, year)
