"""Dates of the roadmap within an academic year: plain functions, no queries.

An academic year is named by the calendar year it starts in (2024 = 2024/25). An activity's
months lie in it as `services.academic_year_months` places them: September–December (and
August, the preparation month) in the first calendar year, January–July in the next.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from .services import academic_year_months

# Overdue, done late: computed, never stored.
OVERDUE = "overdue"


def current_academic_year(today: dt.date | None = None) -> int:
    """The academic year that contains `today` (it starts on 1 September)."""
    today = today or timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def academic_year_for(programme_years: range | list[int], today: dt.date | None = None) -> int:
    """The current academic year kept within a programme's period."""
    years = list(programme_years)
    return min(max(current_academic_year(today), years[0]), years[-1])


def activity_due_on(academic_year: int, months: list[int]) -> dt.date:
    """The last day of the activity's last month in that academic year (all year: 31 August)."""
    return academic_year_months(academic_year, list(months))[1]


def activity_starts_on(academic_year: int, months: list[int]) -> dt.date:
    return academic_year_months(academic_year, list(months))[0]


def execution_is_overdue(*, status: str, academic_year: int, months: list[int],
                         today: dt.date) -> bool:
    """Not done by the end of its last month."""
    return status != "done" and activity_due_on(academic_year, months) < today


def execution_done_late(*, status: str, done_on: dt.date | None, academic_year: int,
                        months: list[int]) -> bool:
    return (status == "done" and done_on is not None
            and done_on > activity_due_on(academic_year, months))


def execution_display_status(*, status: str, academic_year: int, months: list[int],
                             today: dt.date) -> str:
    """planned / in_progress / done, or `OVERDUE` when not done by its due date."""
    if execution_is_overdue(status=status, academic_year=academic_year, months=months,
                            today=today):
        return OVERDUE
    return status


def activity_is_due_in_month(*, academic_year: int, months: list[int], month: dt.date) -> bool:
    """Whether the activity runs in the calendar month of `month` in that academic year."""
    starts_on, ends_on = academic_year_months(academic_year, list(months))
    if not (starts_on <= month <= ends_on):
        return False
    return not months or month.month in months


_YEAR = re.compile(r"\b(20\d\d)\b")


def one_off_academic_year(*, timing: str, months: list[int], default: int) -> int:
    """The academic year a one-off activity falls in: the year its timing names (a run that
    starts in January–July belongs to the academic year before), else `default`."""
    found = _YEAR.search(timing or "")
    if found is None:
        return default
    year = int(found.group(1))
    if months and months[0] < 8:
        return year - 1
    return year
