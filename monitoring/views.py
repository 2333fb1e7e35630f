"""Monitoring pages: the programme dashboard, an indicator with its history and manual
facts, the drill-down behind a computed fact, spreadsheet export, annual PDF reports and the
regional roll-up. The regional pages show aggregates only: no person, ever."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship.access import access_for
from mentorship.files import stored_file_response
from mentorship.forms import attach_errors
from mentorship.pagecache import cached_page
from mentorship.spreadsheets import spreadsheet_response
from mentorship.types import AppRequest
from programmes.models import Region

from . import charts
from .forms import FactForm, HeadcountForm, RegionalPlanForm, ReportForm, YearFilterForm
from .fragments import dashboard_html
from .models import Headcount, IndicatorFact
from .permissions import (
    fact_get_for_user,
    indicator_get_for_user,
    programme_get_for_monitoring,
    region_get_for_user,
    report_get_for_user,
)
from .selectors import (
    drilldown_people,
    indicator_export_rows,
    indicator_history,
    indicator_line,
    indicator_lines,
    parse_year,
    programme_default_year,
    region_rollup,
    region_years,
    regional_plan_codes,
    report_list_for_programme,
)
from .services import (
    HEADCOUNT_FIELDS,
    headcount_set,
    indicator_fact_clear,
    indicator_fact_set,
    regional_plan_set,
    report_request,
)

PAGE_SIZE = 50
REPORTS_PAGE_SIZE = 20
HISTORY_PAGE_SIZE = 20


# --------------------------------------------------------------------------- dashboard


@login_required
@cached_page
def dashboard(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_monitoring(request.user, programme_pk)
    year = parse_year(request.GET.get("year"), years=programme.years,
                      default=programme_default_year(programme))
    context = {"programme": programme,
               "dashboard_html": dashboard_html(programme=programme, year=year,
                                                access=access_for(request.user))}
    return render(request, "monitoring/dashboard.html", context)


@login_required
def indicator_export(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_monitoring(request.user, programme_pk)
    lines = indicator_lines(programme=programme, year=programme_default_year(programme),
                            sparklines=False)
    headers, rows = indicator_export_rows(programme=programme, lines=lines)
    return spreadsheet_response(headers=headers, rows=rows, fmt="xlsx",
                                name=f"indicators-{programme.start_year}-{programme.end_year}")


# --------------------------------------------------------------------------- indicator


@login_required
def indicator_detail(request: AppRequest, programme_pk: int, pk: int) -> HttpResponse:
    programme = programme_get_for_monitoring(request.user, programme_pk)
    indicator = indicator_get_for_user(request.user, programme, pk)
    default = programme_default_year(programme)
    year = parse_year(request.GET.get("year") or request.POST.get("year"),
                      years=programme.years, default=default)
    if request.method == "POST":
        form = FactForm(request.POST, request.FILES, years=programme.years)
        if form.is_valid():
            data = form.cleaned_data
            try:
                indicator_fact_set(
                    indicator=indicator, year=data["year"], value=data["value"],
                    numerator=data["numerator"], denominator=data["denominator"],
                    evidence=data["evidence"], evidence_link=data["evidence_link"],
                    comment=data["comment"], acting_user=request.user)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The fact for %(year)s is saved.")
                                 % {"year": data["year"]})
                url = reverse("monitoring:indicator", args=[programme.pk, indicator.pk])
                return redirect(f"{url}?year={data['year']}")
    else:
        stored = IndicatorFact.objects.filter(indicator=indicator, year=year).first()
        form = FactForm(initial=FactForm.initial_for(stored, year), years=programme.years)
    line = indicator_line(programme=programme, indicator=indicator, year=year)
    history = Paginator(indicator_history(indicator=indicator), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page"))
    chart = charts.plan_fact_chart(
        [c.year for c in line.cells], [c.plan for c in line.cells],
        [c.value for c in line.cells], [c.status for c in line.cells],
        label=indicator.name, plan_label=_("plan"), fact_label=_("fact"),
        unit=indicator.get_unit_display())
    return render(request, "monitoring/indicator_detail.html", {
        "programme": programme, "indicator": indicator, "line": line, "year": year,
        "form": form, "page_obj": history, "chart": chart,
    })


@login_required
@require_POST
def fact_clear(request: AppRequest, programme_pk: int, pk: int, year: int) -> HttpResponse:
    programme = programme_get_for_monitoring(request.user, programme_pk)
    indicator = indicator_get_for_user(request.user, programme, pk)
    indicator_fact_clear(indicator=indicator, year=year, acting_user=request.user)
    messages.success(request, _("The fact for %(year)s is removed.") % {"year": year})
    url = reverse("monitoring:indicator", args=[programme.pk, indicator.pk])
    return redirect(f"{url}?year={year}")


@login_required
def evidence_download(request: AppRequest, pk: int) -> FileResponse:
    fact = fact_get_for_user(request.user, pk)
    ext = PurePath(fact.evidence.name).suffix
    name = f"evidence-{fact.indicator.group}-{fact.indicator.number}-{fact.year}{ext}"
    return stored_file_response(fact.evidence, filename=name)


@login_required
def drilldown(request: AppRequest, programme_pk: int, pk: int, year: int) -> HttpResponse:
    programme = programme_get_for_monitoring(request.user, programme_pk)
    indicator = indicator_get_for_user(request.user, programme, pk)
    if year not in programme.years:
        raise Http404
    people = drilldown_people(programme=programme, indicator=indicator, year=year)
    if people is None:
        raise Http404
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    line = indicator_line(programme=programme, indicator=indicator, year=year)
    return render(request, "monitoring/drilldown.html", {
        "programme": programme, "indicator": indicator, "year": year, "page_obj": page,
        "line": line})


# --------------------------------------------------------------------------- headcount


@login_required
def headcount(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_monitoring(request.user, programme_pk, headcount=True)
    year = parse_year(request.GET.get("year") or request.POST.get("year"),
                      years=programme.years, default=programme_default_year(programme))
    if request.method == "POST":
        form = HeadcountForm(request.POST, years=programme.years)
        if form.is_valid():
            data = form.cleaned_data
            try:
                headcount_set(organisation=programme.organisation, year=data["year"],
                              acting_user=request.user,
                              **{name: data[name] for name in HEADCOUNT_FIELDS})
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The headcount for %(year)s is saved.")
                                 % {"year": data["year"]})
                url = reverse("monitoring:dashboard", args=[programme.pk])
                return redirect(f"{url}?year={data['year']}")
    else:
        current = Headcount.objects.filter(organisation=programme.organisation,
                                           year=year).first()
        initial = {"year": year, **{name: getattr(current, name) if current else None
                                    for name in HEADCOUNT_FIELDS}}
        form = HeadcountForm(initial=initial, years=programme.years)
    rows = list(Headcount.objects.filter(organisation=programme.organisation,
                                         year__in=programme.years).order_by("year"))
    return render(request, "monitoring/headcount.html",
                  {"programme": programme, "form": form, "headcounts": rows})


# --------------------------------------------------------------------------- reports


@login_required
def report_list(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_monitoring(request.user, programme_pk)
    default = programme_default_year(programme)
    if request.method == "POST":
        form = ReportForm(request.POST, years=programme.years)
        if form.is_valid():
            try:
                report_request(programme=programme, year=form.cleaned_data["year"],
                               acting_user=request.user,
                               language=translation.get_language())
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return redirect("monitoring:reports", programme.pk)
    else:
        form = ReportForm(initial={"year": default}, years=programme.years)
    page = Paginator(report_list_for_programme(programme=programme),
                     REPORTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring/reports.html",
                  {"programme": programme, "form": form, "page_obj": page})


@login_required
def report_status(request: AppRequest, pk: int) -> HttpResponse:
    report = report_get_for_user(request.user, pk)
    return render(request, "monitoring/_report_row.html", {"report": report})


@login_required
def report_download(request: AppRequest, pk: int) -> FileResponse:
    report = report_get_for_user(request.user, pk)
    if report.status != report.Status.DONE:
        raise Http404
    return stored_file_response(report.file, filename=f"monitoring-report-{report.year}.pdf")


# --------------------------------------------------------------------------- region


def _region_context(request: AppRequest, region: Region) -> dict[str, object]:
    selectable = region_years(region=region)
    today_year = timezone.localdate().year
    year = parse_year(request.GET.get("year"), years=selectable,
                      default=today_year if today_year in selectable else selectable[-1])
    rollup = region_rollup(region=region, year=year, selectable_years=selectable)
    return {
        "region": region,
        "rollup": rollup,
        "year_form": YearFilterForm(initial={"year": year}, years=selectable),
        "plan_form": _plan_form(region, selectable, initial={"year": year}),
        "organisations": rollup.overview,
    }


def _plan_form(region: Region, selectable: list[int], data: QueryDict | None = None,
               **kwargs: object) -> RegionalPlanForm:
    """Plans may be entered from the first year of the region's programmes to four years
    ahead."""
    years = list(range(selectable[0], selectable[-1] + 5))
    return RegionalPlanForm(data, codes=regional_plan_codes(region=region), years=years,
                            **kwargs)


@login_required
@cached_page
def region(request: AppRequest) -> HttpResponse:
    region_obj = region_get_for_user(request.user)
    return render(request, "monitoring/region.html", _region_context(request, region_obj))


@login_required
@require_POST
def region_plan(request: AppRequest) -> HttpResponse:
    region_obj = region_get_for_user(request.user)
    form = _plan_form(region_obj, region_years(region=region_obj), request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            regional_plan_set(region=region_obj, code=data["code"], year=data["year"],
                              value=data["value"], acting_user=request.user)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The regional plan is saved."))
            return redirect(f"{reverse('monitoring:region')}?year={data['year']}")
    context = _region_context(request, region_obj)
    context["plan_form"] = form
    return render(request, "monitoring/region.html", context, status=400)
