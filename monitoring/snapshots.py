"""Snapshots of the monitoring aggregates, kept in the cache under a fingerprint of their data.

Computing the figures behind the facts (`indicators.Figures`: people on record, mentees,
mentors, requests, satisfaction, mentorships by form, organisations implementing each form)
takes a handful of GROUP BY queries over every person, mentorship and survey answer of an
organisation or a region. They change far less often than the pages are opened, so the
figures are kept in the Django cache (Redis in production, local memory in development)
under a key made of:

- the scope (organisations, programmes, years) and the day they are computed for (a
  mentorship with no end date counts until today);
- a fingerprint of the rows the figures read, taken by ONE query over the scope's rows (on
  PostgreSQL their count and the sums of the ids of the transactions and commands that
  wrote them, see `_checksum`; elsewhere sums of the columns read): people, programme
  roles, mentorships, memberships, requests, survey campaigns, invitations, responses,
  answers and questions, and the number of employers in the region.

Any insert, delete or update of such a row changes the fingerprint, so the next page load
computes and stores a new snapshot: nothing is ever stale, whichever code path (service,
admin, import, `QuerySet.update`, `bulk_update`) wrote the data. Cheaper fingerprints
(counts and the latest `updated_at`) would miss writes: memberships have no `updated_at`,
and several services save with `update_fields` or `QuerySet.update` without it.

Small tables read live on every load (indicators, plans, entered facts, headcounts, the
roadmap, the forms' names) are not in the snapshot. The periodic task
`monitoring.snapshots_warm` computes the snapshots ahead of the first visitor: at night for
the new day, and every few minutes for what imports and other writes changed.
"""

# The fingerprint's SQL is assembled here from table names and constant fragments only;
# every value is a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import TextChoices
from django.utils import timezone

from pairing.models import Mentorship, MentorshipMember, MentorshipRequest
from participants.models import Person, ProgrammeRole
from programmes.models import MentoringForm, Organisation, Programme, Region

from .indicators import Figures, _in, _local_year_of, _table, _year_of
from .models import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)

# Bump when what a snapshot holds or how a figure is computed changes.
VERSION = 1
TIMEOUT = 3 * 24 * 60 * 60
NULL = -999_999  # stands for a missing value in the sums

# What each kind of page reads from its figures.
PROGRAMME_FIGURES = ("on_record", "enterprises_in_region", "mentees", "mentors", "requests",
                     "satisfaction", "by_form", "survey_stats")
REGION_FIGURES = ("on_record", "mentees", "mentors", "satisfaction",
                  "organisation_forms", "organisation_counts")


# --------------------------------------------------------------------------- fingerprint


def _day(column: str) -> str:
    """An integer day number of a date column."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) AS INTEGER)"


def _code(column: str, choices: type[TextChoices]) -> tuple[str, list[Any]]:
    """A choice column as its position among the choices (0 for anything else)."""
    whens = " ".join(f"WHEN %s THEN {n}" for n in range(1, len(choices.values) + 1))
    return f"CASE {column} {whens} ELSE 0 END", [str(v) for v in choices.values]


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _checksum(alias: str, source: str, source_params: list[Any],
              columns: Sequence[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """A one-row derived table summing up the rows of `source` (aliased `alias`).

    On PostgreSQL: their count and the sums of their `xmin` and `cmin`, the ids of the
    transaction and of the command within it that wrote each row version. Every insert or
    update writes a new version stamped with a newer transaction id (or, within the reading
    transaction itself, a later command id) and every delete lowers the count, so any write
    to any column moves it, at the price of one pass over the rows computing nothing.

    Elsewhere (SQLite: development and tests): the count and sum of the ids, and for each
    of `columns` (the ones the figures read) a plain and an id-weighted sum, so that two
    changes cancelling out in one sum show in the other."""
    if connection.vendor == "postgresql":
        return (f"(SELECT COUNT(*), SUM(CAST(CAST({alias}.xmin AS text) AS BIGINT)), "
                f"SUM(CAST(CAST({alias}.cmin AS text) AS BIGINT)) "
                f"FROM {source}) {alias}_sum", list(source_params))
    weight = f"({alias}.id %% 1009 + 1)"  # %% is the modulo once parameters are bound
    select = ["COUNT(*)", f"SUM(CAST({alias}.id AS BIGINT))"]
    params: list[Any] = []
    for expression, expression_params in columns:
        value = f"CAST(COALESCE({expression}, {NULL}) AS BIGINT)"
        select += [f"SUM({value})", f"SUM({value} * {weight})"]
        params += [*expression_params, *expression_params]
    return f"(SELECT {', '.join(select)} FROM {source}) {alias}_sum", [*params, *source_params]


def fingerprint(figures: Figures) -> tuple[Any, ...]:
    """The fingerprint of the data behind `figures` (see the module's docstring): one
    query."""
    orgs_sql, org_ids = _in(figures.organisation_ids)
    if figures.programme_ids is not None:
        programmes_sql, programme_params = _in(figures.programme_ids)
    else:
        programmes_sql = (f"(SELECT id FROM {_table(Programme)} "
                          f"WHERE organisation_id IN {orgs_sql})")
        programme_params = list(org_ids)
    hired, hired_params = _year_of("p.hired_on")
    left, left_params = _year_of("p.left_on")
    filed, filed_params = _local_year_of("q.created_at")
    tables = [
        _checksum("p", f"{_table(Person)} p WHERE p.organisation_id IN {orgs_sql}", org_ids, [
            _code("p.category", Person.Category), (hired, hired_params), (left, left_params),
            ("p.employer_id", []), ("p.organisation_id", []),
            (_flag("p.anonymised_at IS NULL"), []),
        ]),
        _checksum("r", f"{_table(ProgrammeRole)} r WHERE r.programme_id IN {programmes_sql}",
                  programme_params, [("r.person_id", [])]),
        _checksum("m", f"{_table(Mentorship)} m WHERE m.programme_id IN {programmes_sql}",
                  programme_params, [
                      ("m.programme_id", []), ("m.form_id", []), ("m.mentor_id", []),
                      (_day("m.started_on"), []), (_day("m.ended_on"), []),
                      _code("m.status", Mentorship.Status)]),
        _checksum("mm", f"{_table(MentorshipMember)} mm WHERE mm.mentorship_id IN "
                        f"(SELECT id FROM {_table(Mentorship)} WHERE programme_id IN "
                        f"{programmes_sql})", programme_params, [
                      ("mm.mentorship_id", []), ("mm.mentee_id", []), ("mm.request_id", []),
                      (_day("mm.joined_on"), []), (_day("mm.left_on"), [])]),
        _checksum("q", f"{_table(MentorshipRequest)} q WHERE q.programme_id IN "
                       f"{programmes_sql}", programme_params, [
                      ("q.mentee_id", []), _code("q.status", MentorshipRequest.Status),
                      (filed, filed_params)]),
        _checksum("c", f"{_table(SurveyCampaign)} c WHERE c.programme_id IN "
                       f"{programmes_sql}", programme_params, [
                      ("c.programme_id", []), ("c.template_id", []), ("c.year", []),
                      _code("c.audience", SurveyTemplate.Audience)]),
        _checksum("i", f"{_table(SurveyInvitation)} i WHERE i.campaign_id IN "
                       f"(SELECT id FROM {_table(SurveyCampaign)} WHERE programme_id IN "
                       f"{programmes_sql})", programme_params,
                  [("i.campaign_id", []), ("i.respondent_id", [])]),
        _checksum("s", f"{_table(SurveyResponse)} s JOIN {_table(SurveyInvitation)} si "
                       f"ON si.id = s.invitation_id WHERE si.campaign_id IN "
                       f"(SELECT id FROM {_table(SurveyCampaign)} WHERE programme_id IN "
                       f"{programmes_sql})", programme_params,
                  [("s.invitation_id", []), _code("s.status", SurveyResponse.Status)]),
        _checksum("a", f"{_table(SurveyAnswer)} a JOIN {_table(SurveyResponse)} ar "
                       f"ON ar.id = a.response_id JOIN {_table(SurveyInvitation)} ai "
                       f"ON ai.id = ar.invitation_id WHERE ai.campaign_id IN "
                       f"(SELECT id FROM {_table(SurveyCampaign)} WHERE programme_id IN "
                       f"{programmes_sql})", programme_params,
                  [("a.response_id", []), ("a.question_id", []), ("a.scale_value", [])]),
        _checksum("sq", f"{_table(SurveyQuestion)} sq", [],
                  [(_flag("sq.is_satisfaction"), []), ("sq.template_id", [])]),
    ]
    sources = ", ".join(sql for sql, _params in tables)
    params = [param for _sql, table_params in tables for param in table_params]
    employers = (f"(SELECT COUNT(*) FROM {_table(Organisation)} "
                 f"WHERE region_id = %s AND kind = %s)")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {employers}, * FROM {sources}",
                       [figures.region_id, str(Organisation.Kind.EMPLOYER), *params])
        row = cursor.fetchone()
    return tuple(int(value or 0) for value in row)


# --------------------------------------------------------------------------- snapshots


def _key(figures: Figures, names: Sequence[str], data: tuple[Any, ...]) -> str:
    scope = (VERSION, tuple(names), tuple(figures.organisation_ids),
             None if figures.programme_ids is None else tuple(figures.programme_ids),
             tuple(figures.years), figures.region_id, figures.today.isoformat(),
             timezone.get_current_timezone_name(), data)
    digest = hashlib.sha256(repr(scope).encode()).hexdigest()
    return f"monitoring:figures:{digest}"


def load(figures: Figures, names: Sequence[str]) -> Figures:
    """Fill `figures` with the aggregates `names` from the snapshot under their data's
    fingerprint, computing and storing the snapshot when there is none. One query on a hit;
    the fingerprint and the aggregates' queries on a miss. Returns `figures`."""
    key = _key(figures, names, fingerprint(figures))
    stored = cache.get(key)
    if stored is not None:
        figures.__dict__.update(stored)
        return figures
    values = {name: getattr(figures, name) for name in names}
    cache.set(key, values, TIMEOUT)
    return figures


def relabel_forms(figures: Figures, forms: Iterable[MentoringForm]) -> None:
    """Put the forms' current codes, names and order on the snapshot's rows by form (the
    catalogue is read live, the counts come from the snapshot)."""
    catalogue = {form.pk: form for form in forms}
    rows = []
    for row in figures.by_form:
        form = catalogue.get(row["form_id"])
        if form is not None:
            row = {**row, "form__code": form.code, "form__name": form.name,
                   "form__order": form.order}
        rows.append(row)
    figures.__dict__["by_form"] = sorted(rows, key=lambda r: (r["form__order"],
                                                              r["form__name"]))


def programme_figures(programme: Programme, *, today: dt.date | None = None) -> Figures:
    """The figures of a programme over all its years, from its snapshot, with the forms'
    current codes and names (one query more)."""
    figures = load(Figures.for_programme(programme, today=today), PROGRAMME_FIGURES)
    relabel_forms(figures, MentoringForm.objects.all())
    return figures


def region_figures(region: Region, *, years: Iterable[int], organisation_ids: Sequence[int],
                   today: dt.date | None = None) -> Figures:
    """The figures of a region's organisations for some years, from their snapshot."""
    return load(Figures.for_region(region, years=years, organisation_ids=organisation_ids,
                                   today=today), REGION_FIGURES)


def snapshots_warm(*, today: dt.date | None = None) -> int:
    """Compute the snapshots the dashboards and regional roll-ups will ask for today (those
    of programmes running this year or last year, and of every region with organisations),
    so that the first visitor after a night or an import does not wait. Safe to run any
    time and twice: an up-to-date snapshot costs its fingerprint query only. Returns how
    many scopes it went through."""
    from django_scopes import scopes_disabled

    from .selectors import region_rollup, region_years

    today = today or timezone.localdate()
    done = 0
    with scopes_disabled():
        for programme in (Programme.objects.filter(start_year__lte=today.year,
                                                   end_year__gte=today.year - 1)
                          .select_related("organisation").order_by("pk")):
            programme_figures(programme, today=today)
            done += 1
        for region in Region.objects.filter(organisations__isnull=False).distinct():
            selectable = region_years(region=region, today=today)
            year = today.year if today.year in selectable else selectable[-1]
            region_rollup(region=region, year=year, selectable_years=selectable, today=today)
            done += 1
    return done
