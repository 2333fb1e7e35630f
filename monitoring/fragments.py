"""Pieces of monitoring pages rendered once for everyone allowed to see them and kept under
the data version (mentorship.pagecache.cached_fragment): the dashboard's body is the same
for the director, the curators and the admin of a programme, but for the headcount link."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from mentorship.access import Access
from mentorship.pagecache import cached_fragment
from programmes.models import Programme

from .forms import YearFilterForm
from .selectors import programme_dashboard


def dashboard_html(*, programme: Programme, year: int, access: Access) -> SafeString:
    """The programme dashboard's body for a year (the year switcher, statuses, indicator
    tables with sparklines, pairs by form, surveys, the roadmap's overdue activities)."""
    show_headcount = access.is_admin or "director" in access.roles

    def render() -> str:
        return render_to_string("monitoring/_dashboard.html", {
            "programme": programme, "year": year, "show_headcount": show_headcount,
            "dashboard": programme_dashboard(programme=programme, year=year),
            "year_form": YearFilterForm(initial={"year": year}, years=programme.years)})

    return cached_fragment("monitoring.dashboard", (programme.pk, year, show_headcount),
                           render)
