"""Snapshots of the monitoring aggregates, kept in the cache under the data version.

Computing the figures behind the facts (`indicators.Figures`: people on record, mentees,
mentors, requests, satisfaction, mentorships by form, organisations implementing each form)
takes a handful of GROUP BY queries over every person, mentorship and survey answer of an
organisation or a region. They change far less often than the pages are opened, so the
figures are kept in the Django cache (Redis in production, local memory in development)
under a key made of:

- the scope (organisations, programmes, years) and the day they are computed for (a
  mentorship with no end date counts until today);
- the data version (`mentorship.dataversion`): one number that database triggers move with
  every committed write to the product's tables, read in one indexed query whatever the
  size of the data.

Any insert, delete or update changes the version, so the next page load computes and stores
a new snapshot: nothing is ever stale, whichever code path (service, admin, import,
`QuerySet.update`, `bulk_update`, raw SQL) wrote the data. (An earlier fingerprint summed
the rows the figures read: exact per scope, but one pass over every row on each load.)

Small tables read live on every load (indicators, plans, entered facts, headcounts, the
roadmap, the forms' names) are not in the snapshot. The periodic task
`monitoring.snapshots_warm` computes the snapshots ahead of the first visitor: at night for
the new day, and every few minutes for what imports and other writes changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence

from django.core.cache import cache
from django.utils import timezone

from mentorship import dataversion
from programmes.models import MentoringForm, Programme, Region

from .indicators import Figures

# Bump when what a snapshot holds or how a figure is computed changes.
VERSION = 2
TIMEOUT = 3 * 24 * 60 * 60

# What each kind of page reads from its figures.
PROGRAMME_FIGURES = ("on_record", "enterprises_in_region", "mentees", "mentors", "requests",
                     "satisfaction", "by_form", "survey_stats")
REGION_FIGURES = ("on_record", "mentees", "mentors", "satisfaction",
                  "organisation_forms", "organisation_counts")


# --------------------------------------------------------------------------- snapshots


def _key(figures: Figures, names: Sequence[str], data: str) -> str:
    scope = (VERSION, tuple(names), tuple(figures.organisation_ids),
             None if figures.programme_ids is None else tuple(figures.programme_ids),
             tuple(figures.years), figures.region_id, figures.today.isoformat(),
             timezone.get_current_timezone_name(), data)
    digest = hashlib.sha256(repr(scope).encode()).hexdigest()
    return f"monitoring:figures:{digest}"


def load(figures: Figures, names: Sequence[str]) -> Figures:
    """Fill `figures` with the aggregates `names` from the snapshot under the data version,
    computing and storing the snapshot when there is none. One query on a hit (the
    version); the aggregates' queries too on a miss. Returns `figures`."""
    version = dataversion.current()
    if version is None:
        return figures
    key = _key(figures, names, version)
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
    time and twice: an up-to-date snapshot costs the version's query only. Returns how
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
