"""Status and overdue rules of roadmap executions across the academic-year boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from programmes.roadmap import (
    OVERDUE,
    academic_year_for,
    activity_due_on,
    activity_is_due_in_month,
    current_academic_year,
    execution_display_status,
    execution_done_late,
    execution_is_overdue,
    one_off_academic_year,
)

D = dt.date


@pytest.mark.parametrize(("months", "due"), [
    ([9, 10], D(2024, 10, 31)),
    ([5, 6], D(2025, 6, 30)),
    ([12, 1], D(2025, 1, 31)),
    ([8, 9], D(2024, 9, 30)),
    ([], D(2025, 8, 31)),
    ([6, 9], D(2025, 9, 30)),
])
def test_due_date_within_the_academic_year(months: list[int], due: dt.date) -> None:
    assert activity_due_on(2024, months) == due


def test_autumn_activity_is_overdue_in_november_but_spring_one_is_not() -> None:
    today = D(2024, 11, 15)
    assert execution_is_overdue(status="planned", academic_year=2024, months=[9, 10],
                                today=today)
    assert not execution_is_overdue(status="planned", academic_year=2024, months=[5, 6],
                                    today=today)


def test_december_to_january_is_due_at_the_end_of_january() -> None:
    assert not execution_is_overdue(status="in_progress", academic_year=2024, months=[12, 1],
                                    today=D(2025, 1, 31))
    assert execution_is_overdue(status="in_progress", academic_year=2024, months=[12, 1],
                                today=D(2025, 2, 1))


def test_spring_activity_becomes_overdue_in_the_next_calendar_year() -> None:
    assert execution_display_status(status="planned", academic_year=2024, months=[5, 6],
                                    today=D(2025, 7, 1)) == OVERDUE
    assert execution_display_status(status="planned", academic_year=2024, months=[5, 6],
                                    today=D(2025, 6, 30)) == "planned"


def test_done_is_never_overdue_but_done_late_is_flagged() -> None:
    assert execution_display_status(status="done", academic_year=2024, months=[9, 10],
                                    today=D(2025, 3, 1)) == "done"
    assert execution_done_late(status="done", done_on=D(2024, 12, 2), academic_year=2024,
                               months=[9, 10])
    assert not execution_done_late(status="done", done_on=D(2024, 10, 31), academic_year=2024,
                                   months=[9, 10])


def test_whole_year_activity_is_overdue_only_after_august() -> None:
    assert not execution_is_overdue(status="planned", academic_year=2024, months=[],
                                    today=D(2025, 8, 31))
    assert execution_is_overdue(status="planned", academic_year=2024, months=[],
                                today=D(2025, 9, 1))


def test_due_this_month() -> None:
    assert activity_is_due_in_month(academic_year=2024, months=[12, 1], month=D(2025, 1, 10))
    assert not activity_is_due_in_month(academic_year=2024, months=[12, 1],
                                        month=D(2024, 11, 10))
    # Same calendar month, wrong academic year.
    assert not activity_is_due_in_month(academic_year=2023, months=[9], month=D(2024, 9, 5))
    assert activity_is_due_in_month(academic_year=2024, months=[], month=D(2025, 3, 1))


def test_current_academic_year_turns_on_1_september() -> None:
    assert current_academic_year(D(2025, 8, 31)) == 2024
    assert current_academic_year(D(2025, 9, 1)) == 2025
    assert academic_year_for(range(2020, 2025), D(2026, 11, 23)) == 2024
    assert academic_year_for(range(2024, 2029), D(2023, 10, 1)) == 2024


def test_one_off_activity_year_comes_from_its_timing() -> None:
    assert one_off_academic_year(timing="Сентябрь 2022", months=[9], default=2020) == 2022
    assert one_off_academic_year(timing="Март 2023", months=[3], default=2020) == 2022
    assert one_off_academic_year(timing="Однократно", months=[3], default=2020) == 2020
