"""Reads for indicators and the regional roll-up."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django_scopes import scopes_disabled

from programmes.models import Organisation, Programme, Region

from .models import Indicator, IndicatorFact, IndicatorPlan


@dataclass(frozen=True)
class IndicatorCell:
    year: int
    plan: Decimal | None  # the baseline value in the baseline year
    fact: Decimal | None
    is_baseline: bool


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    cells: list[IndicatorCell]  # one per programme year


def indicator_table_for_programme(*, programme: Programme) -> dict[str, object]:
    """Indicators of a programme with baseline, plan and stored facts for every year, in
    three queries whatever the number of indicators."""
    years = list(programme.years)
    indicators = list(Indicator.objects.filter(programme=programme).order_by("group", "number"))
    plans: dict[tuple[int, int], Decimal] = {
        (p.indicator_id, p.year): p.value
        for p in IndicatorPlan.objects.filter(indicator__programme=programme)
    }
    facts: dict[tuple[int, int], Decimal] = {
        (f.indicator_id, f.year): f.value
        for f in IndicatorFact.objects.filter(indicator__programme=programme)
    }
    rows: dict[str, list[IndicatorRow]] = {Indicator.Group.RESULT: [],
                                           Indicator.Group.EFFICIENCY: []}
    for ind in indicators:
        cells = []
        for year in years:
            is_baseline = year == ind.baseline_year and ind.baseline_value is not None
            cells.append(IndicatorCell(
                year=year,
                plan=ind.baseline_value if is_baseline else plans.get((ind.pk, year)),
                fact=facts.get((ind.pk, year)),
                is_baseline=is_baseline,
            ))
        rows[ind.group].append(IndicatorRow(indicator=ind, cells=cells))
    return {"years": years, "result": rows[Indicator.Group.RESULT],
            "efficiency": rows[Indicator.Group.EFFICIENCY]}


@dataclass(frozen=True)
class OrganisationCounts:
    organisation_id: int
    name: str
    kind: str
    municipality: str
    people: int
    mentorships: int
    active_mentorships: int


def region_overview(*, region: Region) -> list[OrganisationCounts]:
    """Organisations of a region (colleges and schools) with counts only: people on record
    and mentorships. Aggregates across organisations, so it reads outside any organisation
    scope; it returns no person. Two aggregate queries."""
    from pairing.models import Mentorship
    from participants.models import Person

    organisations = list(
        Organisation.objects.filter(region=region)
        .exclude(kind=Organisation.Kind.EMPLOYER)
        .select_related("municipality").order_by("short_name")
    )
    ids = [o.pk for o in organisations]
    with scopes_disabled():
        people = dict(
            Person.objects.filter(organisation_id__in=ids, anonymised_at__isnull=True)
            .values_list("organisation_id").annotate(n=Count("pk")).order_by()
        )
        mentorships = {
            row["programme__organisation_id"]: row
            for row in Mentorship.objects.filter(programme__organisation_id__in=ids)
            .values("programme__organisation_id")
            .annotate(total=Count("pk"),
                      active=Count("pk", filter=Q(status=Mentorship.Status.ACTIVE)))
            .order_by()
        }
    return [
        OrganisationCounts(
            organisation_id=o.pk, name=o.short_name, kind=o.get_kind_display(),
            municipality=o.municipality.name if o.municipality else "",
            people=people.get(o.pk, 0),
            mentorships=mentorships.get(o.pk, {}).get("total", 0),
            active_mentorships=mentorships.get(o.pk, {}).get("active", 0),
        )
        for o in organisations
    ]
