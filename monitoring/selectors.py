"""Reads for indicators, dashboards, reports and the regional roll-up.

Every reader here runs a fixed number of queries whatever the number of people,
mentorships, answers or years: computed facts come from `indicators.Figures` (one aggregate
query per group of figures, all years at once) and everything else is fetched in one query
per table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, Min, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_scopes import scopes_disabled

from mentorship.models import AuditEntry
from participants.models import Person
from programmes.models import (
    Activity,
    ActivityExecution,
    MentoringForm,
    Organisation,
    Programme,
    Region,
    StagePeriod,
)
from programmes.services import academic_year_months

from . import charts, snapshots
from .indicators import (
    FORM_SHARE_PREFIX,
    KIND_COUNT,
    KIND_SHARE,
    NO_FACT,
    REGIONAL_TOLERANCE_PERCENT,
    Computation,
    Fact,
    Figures,
    RegionalIndicator,
    Status,
    computation_for,
    compute,
    form_catalogue,
    indicator_status,
    numerator_people,
    percent,
    regional_catalogue,
    regional_fact,
)
from .models import (
    Indicator,
    IndicatorFact,
    IndicatorPlan,
    RegionalPlan,
    Report,
    SurveyTemplate,
)


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


# --------------------------------------------------------------------------- years


def programme_default_year(programme: Programme, *, today: dt.date | None = None) -> int:
    """The year a programme's pages show first: this calendar year, kept within the
    programme's period."""
    year = (today or timezone.localdate()).year
    return min(max(year, programme.start_year), programme.end_year)


def parse_year(value: str | None, *, years: range | list[int], default: int) -> int:
    """A year from a query string, if it is one of `years`; else `default`."""
    try:
        year = int(value or "")
    except ValueError:
        return default
    return year if year in years else default


# --------------------------------------------------------------------------- indicators

SOURCE_MANUAL = "manual"
SOURCE_COMPUTED = "computed"
BASIS_ENTERED = "entered"


@dataclass(frozen=True)
class YearFact:
    """One indicator in one year: plan (the baseline value in the baseline year), the fact
    shown (an entered one wins over the computation), where it came from and its status."""

    year: int
    plan: Decimal | None
    is_baseline: bool
    fact: Fact
    source: str
    stored: IndicatorFact | None
    computed: Fact
    status: str

    @property
    def value(self) -> Decimal | None:
        return self.fact.value

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status])


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator
    computation: Computation | None
    cells: list[YearFact]
    selected: YearFact
    sparkline: SafeString | str = ""

    @property
    def can_drill_down(self) -> bool:
        return (self.computation is not None and self.computation.people is not None
                and self.selected.computed.has_value)

    @property
    def of_whom(self) -> str:
        return str(self.computation.of_whom) if self.computation else ""


def _entered_fact(stored: IndicatorFact) -> Fact:
    kind = KIND_SHARE if stored.denominator else KIND_COUNT
    return Fact(value=stored.value, kind=kind, numerator=stored.numerator,
                denominator=stored.denominator, basis=BASIS_ENTERED)


def indicator_lines(*, programme: Programme, year: int, figures: Figures | None = None,
                    indicators: list[Indicator] | None = None,
                    sparklines: bool = True) -> list[IndicatorLine]:
    """Every indicator of a programme (or the given ones) with plan, fact and status for
    each programme year and the selected `year`. Three queries (indicators, plans, entered
    facts) plus the figures the computed indicators need."""
    years = list(programme.years)
    figures = figures or snapshots.programme_figures(programme)
    if indicators is None:
        indicators = list(Indicator.objects.filter(programme=programme)
                          .order_by("group", "number"))
    ids = [ind.pk for ind in indicators]
    plans = {(p.indicator_id, p.year): p.value
             for p in IndicatorPlan.objects.filter(indicator_id__in=ids)}
    stored = {(f.indicator_id, f.year): f
              for f in IndicatorFact.objects.filter(indicator_id__in=ids)
              .select_related("entered_by")}
    lines = []
    for ind in indicators:
        computation = computation_for(ind.computation)[0] if ind.computation else None
        cells = []
        for y in years:
            is_baseline = y == ind.baseline_year and ind.baseline_value is not None
            plan = ind.baseline_value if is_baseline else plans.get((ind.pk, y))
            entered = stored.get((ind.pk, y))
            computed = (compute(ind.computation, figures, y)
                        if ind.source == Indicator.Source.COMPUTED else NO_FACT)
            if entered is not None:
                fact, source = _entered_fact(entered), SOURCE_MANUAL
            elif computed.has_value or computed.kind:
                fact, source = computed, SOURCE_COMPUTED
            else:
                fact, source = NO_FACT, ""
            cells.append(YearFact(
                year=y, plan=plan, is_baseline=is_baseline, fact=fact, source=source,
                stored=entered, computed=computed,
                status=indicator_status(plan=plan, fact=fact.value, direction=ind.direction,
                                        tolerance_percent=programme.tolerance_percent),
            ))
        selected = next((c for c in cells if c.year == year), cells[-1]) if cells else None
        if selected is None:
            continue
        spark: SafeString | str = ""
        if sparklines:
            spark = charts.sparkline([c.plan for c in cells], [c.value for c in cells],
                                     label=_("%(name)s: plan and fact by year")
                                     % {"name": ind.name[:80]})
        lines.append(IndicatorLine(indicator=ind, computation=computation, cells=cells,
                                   selected=selected, sparkline=spark))
    return lines


def indicator_line(*, programme: Programme, indicator: Indicator, year: int) -> IndicatorLine:
    """One indicator's line, for its own page."""
    return indicator_lines(programme=programme, year=year, indicators=[indicator],
                           sparklines=False)[0]


def indicator_history(*, indicator: Indicator) -> QuerySet[AuditEntry]:
    """Entries of the audit log about an indicator's facts, newest first."""
    return (AuditEntry.objects.filter(target_type=indicator._meta.label_lower,
                                      target_id=str(indicator.pk))
            .select_related("actor").order_by("-created_at", "-pk"))


def drilldown_people(*, programme: Programme, indicator: Indicator, year: int,
                     today: dt.date | None = None) -> QuerySet[Person] | None:
    """The people behind a computed fact's numerator for a year (one query per page), or
    None when the indicator is not computed over people."""
    if indicator.source != Indicator.Source.COMPUTED:
        return None
    figures = Figures.for_programme(programme, years=[year], today=today)
    people = numerator_people(indicator.computation, figures, year)
    if people is None:
        return None
    return (people.select_related("study_group", "employer")
            .order_by("last_name", "first_name", "middle_name", "pk"))


# --------------------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class FormRow:
    name: str
    code: str
    worked: int
    started: int
    active: int
    completed: int
    ended_early: int


@dataclass(frozen=True)
class SurveyRow:
    audience: str
    label: str
    campaigns: int
    invited: int
    submitted: int
    satisfaction: Fact

    @property
    def response_rate(self) -> Decimal | None:
        return percent(self.submitted, self.invited)


@dataclass(frozen=True)
class RoadmapItem:
    activity: Activity
    due_on: dt.date
    status: str
    status_label: str
    done_on: dt.date | None
    overdue: bool


@dataclass
class Dashboard:
    programme: Programme
    year: int
    years: list[int]
    today: dt.date
    result: list[IndicatorLine]
    efficiency: list[IndicatorLine]
    learners: int
    learners_basis: str
    young_specialists: int
    young_specialists_basis: str
    counts: dict[str, int]
    forms: list[FormRow]
    forms_chart: SafeString | str
    surveys: list[SurveyRow]
    roadmap: list[RoadmapItem]
    stages: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> list[RoadmapItem]:
        return [item for item in self.roadmap if item.overdue]

    @property
    def lines(self) -> list[IndicatorLine]:
        return self.result + self.efficiency

    @property
    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Status.LABELS, 0)
        for line in self.lines:
            counts[line.selected.status] += 1
        return counts


def form_rows(figures: Figures, year: int) -> list[FormRow]:
    return [FormRow(name=row["form__name"], code=row["form__code"],
                    worked=row[f"worked_{year}"], started=row[f"started_{year}"],
                    active=row[f"active_{year}"], completed=row[f"completed_{year}"],
                    ended_early=row[f"ended_early_{year}"])
            for row in figures.by_form]


def forms_chart(rows: list[FormRow], year: int) -> SafeString | str:
    if not rows:
        return ""
    return charts.hbar_chart(
        [(row.name, (row.active, row.completed, row.ended_early)) for row in rows],
        [pgettext("pairs", "active"), pgettext("pairs", "completed"),
         pgettext("pairs", "ended early")],
        label=_("Pairs and groups by form, %(year)s") % {"year": year})


def survey_rows(*, programme: Programme, year: int, figures: Figures) -> list[SurveyRow]:
    """Per audience: campaigns of the year, people invited, responses submitted and the
    satisfaction fact, from the figures (`Figures.survey_stats`, `Figures.satisfaction`)."""
    rows = []
    for audience, label in SurveyTemplate.Audience.choices:
        campaigns, invited, submitted = figures.survey_stats.get((year, audience), (0, 0, 0))
        name = "mentee_satisfaction" if audience == SurveyTemplate.Audience.MENTEE \
            else "mentor_satisfaction"
        rows.append(SurveyRow(audience=audience, label=str(label), campaigns=campaigns,
                              invited=invited, submitted=submitted,
                              satisfaction=compute(name, figures, year)))
    return rows


def roadmap_for_year(*, programme: Programme, year: int,
                     today: dt.date | None = None) -> list[RoadmapItem]:
    """The roadmap's activities in the academic year that starts in `year`, each with its
    due date (the end of its last month), its execution status and whether it is overdue
    (due before today and not done). Two queries."""
    today = today or timezone.localdate()
    activities = list(Activity.objects.filter(programme=programme).order_by("position"))
    executions = {e.activity_id: e for e in ActivityExecution.objects.filter(
        activity__programme=programme, academic_year=year)}
    planned = ActivityExecution.Status.PLANNED
    labels = dict(ActivityExecution.Status.choices)
    items = []
    for activity in activities:
        due_on = academic_year_months(year, list(activity.months))[1]
        execution = executions.get(activity.pk)
        status = execution.status if execution else planned
        items.append(RoadmapItem(
            activity=activity, due_on=due_on, status=status, status_label=str(labels[status]),
            done_on=execution.done_on if execution else None,
            overdue=due_on < today and status != ActivityExecution.Status.DONE,
        ))
    return items


def programme_dashboard(*, programme: Programme, year: int,
                        today: dt.date | None = None) -> Dashboard:
    """Everything the programme dashboard (and the annual report) shows for a year, in a
    fixed number of queries: the computed figures come from the programme's snapshot
    (`snapshots`), the rest (indicators, plans, entered facts, headcounts, forms, roadmap)
    is read live."""
    today = today or timezone.localdate()
    figures = snapshots.programme_figures(programme, today=today)
    lines = indicator_lines(programme=programme, year=year, figures=figures)
    started = figures.started(year)
    learners, learners_basis = figures.population(year, key="learners",
                                                  headcount_field="students")
    young, young_basis = figures.population(year, key="young",
                                            headcount_field="young_specialists")
    counts = {
        "learner_mentees": figures.mentees[f"learners_{year}"] if started else 0,
        "young_mentees": figures.mentees[f"young_{year}"] if started else 0,
        "learner_mentors": figures.mentors[f"learners_{year}"] if started else 0,
        "employer_mentors": figures.mentors[f"employer_reps_{year}"] if started else 0,
        "enterprises": figures.mentors[f"enterprises_{year}"] if started else 0,
    }
    forms = form_rows(figures, year)
    counts["active"] = sum(row.active for row in forms)
    counts["worked"] = sum(row.worked for row in forms)
    stages = [
        period.stage.name for period in StagePeriod.objects.filter(
            stage__programme=programme, starts_on__lte=today, ends_on__gte=today,
        ).select_related("stage").order_by("stage__number")
    ] if year == programme_default_year(programme, today=today) else []
    return Dashboard(
        programme=programme, year=year, years=list(programme.years), today=today,
        result=[line for line in lines if line.indicator.group == Indicator.Group.RESULT],
        efficiency=[line for line in lines
                    if line.indicator.group == Indicator.Group.EFFICIENCY],
        learners=learners, learners_basis=learners_basis, young_specialists=young,
        young_specialists_basis=young_basis, counts=counts, forms=forms,
        forms_chart=forms_chart(forms, year),
        surveys=survey_rows(programme=programme, year=year, figures=figures),
        roadmap=roadmap_for_year(programme=programme, year=year, today=today),
        stages=stages,
    )


def indicator_export_rows(*, programme: Programme,
                          lines: list[IndicatorLine]) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of the indicator table (plan, fact and status for each year) for a
    spreadsheet."""
    years = list(programme.years)
    headers = [_("Group"), _("No."), _("Indicator"), _("Unit"), _("Better when")]
    for y in years:
        headers += [_("Plan %(year)s") % {"year": y}, _("Fact %(year)s") % {"year": y},
                    _("Status %(year)s") % {"year": y}]
    headers.append(_("Source of the fact"))
    rows = []
    for line in lines:
        ind = line.indicator
        row: list[Any] = [ind.get_group_display(), ind.number, ind.name, ind.get_unit_display(),
                          ind.get_direction_display()]
        for cell in line.cells:
            row += [cell.plan, cell.value, cell.status_label]
        row.append(ind.get_source_display())
        rows.append(row)
    return headers, rows


def report_list_for_programme(*, programme: Programme) -> QuerySet[Report]:
    return (Report.objects.filter(programme=programme).select_related("requested_by")
            .order_by("-created_at", "-pk"))


# --------------------------------------------------------------------------- region


@dataclass(frozen=True)
class Coverage:
    """Organisations implementing a form of all organisations, with the share."""

    count: int
    total: int

    @property
    def share(self) -> Decimal | None:
        return percent(self.count, self.total)


@dataclass(frozen=True)
class MunicipalityRow:
    name: str
    organisations: int
    cells: list[Coverage]


@dataclass(frozen=True)
class RegionalCell:
    year: int
    plan: Decimal | None
    fact: Fact
    status: str

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status])


@dataclass(frozen=True)
class RegionalLine:
    indicator: RegionalIndicator
    cells: list[RegionalCell]


@dataclass
class RegionRollup:
    region: Region
    year: int
    years: list[int]  # the dynamics: up to five years ending with `year`
    selectable_years: list[int]
    forms: list[Any]
    rows: list[MunicipalityRow]
    total: MunicipalityRow
    dynamics: list[tuple[Any, list[Coverage]]]
    indicators: list[RegionalLine]
    organisations: int
    chart: SafeString | str = ""
    overview: list[OrganisationCounts] = field(default_factory=list)


def region_years(*, region: Region, today: dt.date | None = None) -> list[int]:
    """Years the roll-up can show: from the first year of the region's programmes to this
    year (or the last programme year, whichever is later). One query."""
    today = today or timezone.localdate()
    span = Programme.objects.filter(organisation__region=region).aggregate(
        first=Min("start_year"), last=Max("end_year"))
    first = span["first"] or today.year
    last = max(today.year, first) if span["last"] is None else max(min(span["last"],
                                                                       today.year), first)
    return list(range(first, last + 1))


def region_rollup(*, region: Region, year: int, selectable_years: list[int],
                  today: dt.date | None = None) -> RegionRollup:
    """The regional roll-up for a year: per municipality and for the region, organisations
    (colleges and schools) and how many implement each form, with shares; the same for the
    region over up to five years; regional indicators, plan against fact. Aggregates only,
    in a fixed number of queries."""
    today = today or timezone.localdate()
    years = [y for y in selectable_years if year - 4 <= y <= year] or [year]
    organisations = list(
        Organisation.objects.filter(region=region).exclude(kind=Organisation.Kind.EMPLOYER)
        .select_related("municipality").order_by("municipality__name", "short_name"))
    org_ids = [o.pk for o in organisations]
    figures = snapshots.region_figures(region, years=years, organisation_ids=org_ids,
                                       today=today)
    all_forms = form_catalogue()
    used_forms = {form_id for (_org, form_id) in figures.organisation_forms}
    forms = [f for f in all_forms if f.pk in used_forms] or [
        f for f in all_forms if f.level == MentoringForm.Level.COLLEGE]
    plans = {(p.code, p.year): p.value
             for p in RegionalPlan.objects.filter(region=region, year__in=years)}
    planned_codes = {code for code, _year in plans}
    indicator_forms = [f for f in all_forms
                       if f in forms or f"{FORM_SHARE_PREFIX}{f.code}" in planned_codes]

    by_municipality: dict[str, list[int]] = {}
    for org in organisations:
        name = org.municipality.name if org.municipality else _("Regional organisations")
        by_municipality.setdefault(name, []).append(org.pk)

    def row(name: str, ids: list[int]) -> MunicipalityRow:
        return MunicipalityRow(name=name, organisations=len(ids), cells=[
            Coverage(count=figures.organisations_implementing(form.pk, year, ids),
                     total=len(ids)) for form in forms])

    rows = [row(name, ids) for name, ids in sorted(by_municipality.items())]
    total = row(region.name, org_ids)
    dynamics = [(form, [Coverage(count=figures.organisations_implementing(form.pk, y),
                                 total=len(org_ids)) for y in years]) for form in forms]

    catalogue = regional_catalogue(indicator_forms)
    with scopes_disabled():
        indicator_rows = []
        for indicator in catalogue:
            cells = []
            for y in years:
                plan = plans.get((indicator.code, y))
                fact = regional_fact(indicator, figures, y)
                cells.append(RegionalCell(year=y, plan=plan, fact=fact, status=indicator_status(
                    plan=plan, fact=fact.value, direction=Indicator.Direction.HIGHER,
                    tolerance_percent=REGIONAL_TOLERANCE_PERCENT)))
            indicator_rows.append(RegionalLine(indicator=indicator, cells=cells))
    chart = charts.share_chart(
        [(form.name, cell.count, cell.total) for form, cell in zip(forms, total.cells,
                                                                    strict=True)],
        label=_("Organisations implementing each form, %(year)s") % {"year": year},
    ) if org_ids else ""
    counts = figures.organisation_counts
    overview = [
        OrganisationCounts(
            organisation_id=o.pk, name=o.short_name, kind=o.get_kind_display(),
            municipality=o.municipality.name if o.municipality else "",
            people=counts[o.pk][0], mentorships=counts[o.pk][1],
            active_mentorships=counts[o.pk][2])
        for o in sorted(organisations, key=lambda o: o.short_name)
    ]
    return RegionRollup(region=region, year=year, years=years,
                        selectable_years=selectable_years, forms=forms, rows=rows, total=total,
                        dynamics=dynamics, indicators=indicator_rows,
                        organisations=len(org_ids), chart=chart, overview=overview)


def regional_plan_codes(*, region: Region) -> list[tuple[str, str]]:
    """(code, name) of the regional indicators a coordinator may plan."""
    return [(ind.code, ind.name) for ind in regional_catalogue(form_catalogue())]
