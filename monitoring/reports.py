"""The annual monitoring report of a programme, as PDF.

Title page, passport, the indicator table for all years with statuses, plan-vs-fact charts
(the dashboard's SVG), roadmap execution for the year, mentorships by form, survey results
and the signatures block. Rendered by WeasyPrint through `mentorship.pdf.render_pdf` (the
shipped DejaVu fonts embedded, only static files fetched), from a Celery task.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.pdf import render_pdf
from participants.models import ProgrammeRole
from programmes.models import ProgrammeForm
from programmes.selectors import programme_version_latest
from programmes.services import PASSPORT_FIELDS

from . import charts
from .models import Report
from .selectors import IndicatorLine, programme_dashboard

TEMPLATE = "monitoring/pdf/annual_report.html"


def _chart(line: IndicatorLine) -> str:
    cells = line.cells
    if not any(c.value is not None for c in cells):
        return ""
    return charts.plan_fact_chart(
        [c.year for c in cells], [c.plan for c in cells], [c.value for c in cells],
        [c.status for c in cells], label=line.indicator.name, plan_label=_("plan"),
        fact_label=_("fact"), unit=line.indicator.get_unit_display(), width=520, height=170)


def annual_report_context(*, report: Report) -> dict[str, Any]:
    """What the annual report shows, read in a fixed number of queries (the dashboard's,
    plus the programme's forms and the people who sign)."""
    programme = report.programme
    dashboard = programme_dashboard(programme=programme, year=report.year)
    signatories = {
        role.role: role.person.full_name
        for role in ProgrammeRole.objects.filter(
            programme=programme, is_active=True,
            role__in=[ProgrammeRole.Role.DIRECTOR, ProgrammeRole.Role.CURATOR],
        ).select_related("person").order_by("role", "pk")
    }
    charted = [(line, _chart(line)) for line in dashboard.lines]
    version = programme_version_latest(programme=programme)
    return {
        "report": report,
        "programme": programme,
        # The approved version's passport is what the report quotes, not the live draft.
        "version": version,
        "passport": version.snapshot["passport"] if version is not None else {
            name: getattr(programme, name) for name in (*PASSPORT_FIELDS, "start_year",
                                                        "end_year")},
        "organisation": programme.organisation,
        "year": report.year,
        "dashboard": dashboard,
        "charts": [(line, svg) for line, svg in charted if svg],
        "forms": list(ProgrammeForm.objects.filter(programme=programme)
                      .select_related("form").order_by("order")),
        "director_name": signatories.get(ProgrammeRole.Role.DIRECTOR, ""),
        "curator_name": signatories.get(ProgrammeRole.Role.CURATOR, ""),
        "generated_on": timezone.localdate(),
    }


def render_annual_report(*, report: Report,
                         progress: Callable[[int], None] | None = None) -> bytes:
    """PDF bytes of the annual report; `progress` hears the percentage as work advances."""
    def say(percent: int) -> None:
        if progress is not None:
            progress(percent)

    say(10)
    context = annual_report_context(report=report)
    say(40)
    pdf = render_pdf(TEMPLATE, context)
    say(95)
    return pdf
