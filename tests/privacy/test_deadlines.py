"""Working-day deadline of subject requests and the state of incident notices."""

from __future__ import annotations

import datetime as dt

import pytest

from privacy import deadlines
from privacy.deadlines import add_working_days, is_working_day, notice_state

D = dt.date


@pytest.mark.parametrize(("received", "due"), [
    (D(2026, 3, 2), D(2026, 3, 17)),    # 9 March 2026 is the day off for 8 March (Sunday)
    (D(2026, 4, 3), D(2026, 4, 17)),    # received on a Friday: two plain weeks
    (D(2026, 4, 4), D(2026, 4, 17)),    # received on a Saturday: counting starts on Monday
    (D(2025, 12, 26), D(2026, 1, 21)),  # over the New Year holidays (31.12 – 11.01)
    (D(2025, 10, 31), D(2025, 11, 17)),  # 1 November 2025 was a working Saturday
    (D(2025, 4, 30), D(2025, 5, 20)),   # the May holidays and the days moved onto 2 and 8 May
])
def test_ten_working_days(received: dt.date, due: dt.date) -> None:
    assert add_working_days(received, 10) == due


def test_calendar_edges() -> None:
    assert not is_working_day(D(2026, 6, 12))   # Russia Day, a Friday
    assert not is_working_day(D(2026, 6, 13))   # Saturday
    assert is_working_day(D(2025, 11, 1))       # working Saturday
    assert not is_working_day(D(2025, 11, 3))   # the day off moved from 1 November
    assert is_working_day(D(2026, 6, 15))


def test_notice_states() -> None:
    detected = dt.datetime(2026, 5, 12, 9, 0, tzinfo=dt.UTC)
    deadline = detected + dt.timedelta(hours=24)

    def state(now: dt.datetime, sent: dt.datetime | None = None) -> str:
        return notice_state(title="t", deadline=deadline, sent_at=sent, now=now).state

    assert state(detected + dt.timedelta(hours=1)) == deadlines.ON_TIME
    assert state(detected + dt.timedelta(hours=14)) == deadlines.DUE
    assert state(detected + dt.timedelta(hours=25)) == deadlines.OVERDUE
    assert state(detected + dt.timedelta(hours=30),
                 sent=detected + dt.timedelta(hours=20)) == deadlines.DONE
    left = notice_state(title="t", deadline=deadline, sent_at=None,
                        now=detected + dt.timedelta(hours=20))
    assert left.hours_left == 4
    assert left.needs_attention
