"""Legal deadlines: working days under the Russian production calendar, and the state of an
incident's notices. Plain functions, no database.

The calendar holds the non-working weekdays (public holidays and the days off moved onto
weekdays by the Government's yearly decree) and the Saturdays made working days:
2025 — decree No. 1335 of 04.10.2024; 2026 — the decree of 24.09.2025. For 2027 no decree
was published when this table was written: it holds the holidays of art. 112 of the Labour
Code with the statutory move of a holiday that falls on a weekend to the next weekday.
Update the table when the 2027 decree appears (and add each next year).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

_D = dt.date

NON_WORKING_WEEKDAYS: frozenset[dt.date] = frozenset({
    # 2025
    _D(2025, 1, 1), _D(2025, 1, 2), _D(2025, 1, 3), _D(2025, 1, 6), _D(2025, 1, 7),
    _D(2025, 1, 8), _D(2025, 5, 1), _D(2025, 5, 2), _D(2025, 5, 8), _D(2025, 5, 9),
    _D(2025, 6, 12), _D(2025, 6, 13), _D(2025, 11, 3), _D(2025, 11, 4), _D(2025, 12, 31),
    # 2026
    _D(2026, 1, 1), _D(2026, 1, 2), _D(2026, 1, 5), _D(2026, 1, 6), _D(2026, 1, 7),
    _D(2026, 1, 8), _D(2026, 1, 9), _D(2026, 2, 23), _D(2026, 3, 9), _D(2026, 5, 1),
    _D(2026, 5, 11), _D(2026, 6, 12), _D(2026, 11, 4), _D(2026, 12, 31),
    # 2027 (statutory holidays only, see above)
    _D(2027, 1, 1), _D(2027, 1, 4), _D(2027, 1, 5), _D(2027, 1, 6), _D(2027, 1, 7),
    _D(2027, 1, 8), _D(2027, 2, 23), _D(2027, 3, 8), _D(2027, 5, 3), _D(2027, 5, 10),
    _D(2027, 6, 14), _D(2027, 11, 4),
})
WORKING_SATURDAYS: frozenset[dt.date] = frozenset({_D(2025, 11, 1)})


def is_working_day(day: dt.date) -> bool:
    if day in WORKING_SATURDAYS:
        return True
    return day.weekday() < 5 and day not in NON_WORKING_WEEKDAYS


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (the day of receipt itself does not count)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


# --------------------------------------------------------------------------- incidents

ON_TIME = "on_time"
DUE = "due"
OVERDUE = "overdue"
DONE = "done"

# A notice due within this time is shown as a warning on the home page.
WARN_WITHIN = dt.timedelta(hours=12)


@dataclass(frozen=True)
class NoticeState:
    """One notice of an incident: `state` is done / on_time / due (soon) / overdue."""

    title: str
    deadline: dt.datetime
    sent_at: dt.datetime | None
    state: str
    hours_left: int

    @property
    def needs_attention(self) -> bool:
        return self.state in (DUE, OVERDUE)


NOTICE_TITLES = {
    "notify": _("Notice to Roskomnadzor (24 h)"),
    "investigation": _("Investigation result (72 h)"),
}


def notice_state(*, title: str, deadline: dt.datetime, sent_at: dt.datetime | None,
                 now: dt.datetime) -> NoticeState:
    left = deadline - now
    # Rounded up while time remains: «4 h left» until the last 3 hours begin.
    hours = math.ceil(left.total_seconds() / 3600)
    if sent_at is not None:
        state = DONE
    elif left <= dt.timedelta(0):
        state = OVERDUE
    elif left <= WARN_WITHIN:
        state = DUE
    else:
        state = ON_TIME
    return NoticeState(title=title, deadline=deadline, sent_at=sent_at, state=state,
                       hours_left=hours)
