"""Each computed indicator on a small data set known by hand (see conftest.py), the status
rules, the satisfaction formula and the drill-down agreeing with the counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring import indicators as ind
from monitoring.indicators import Figures, Status, indicator_status
from monitoring.models import (
    Headcount,
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from participants.models import ProgrammeRole

from ..factories import RoleFactory
from .conftest import TODAY, YEARS, College

pytestmark = pytest.mark.django_db


def _figures(college: College, today: dt.date = TODAY) -> Figures:
    return Figures.for_programme(college.programme, today=today)


def _values(name: str, figures: Figures) -> dict[int, tuple[Decimal | None, int | None,
                                                             int | None]]:
    facts = {y: ind.compute(name, figures, y) for y in YEARS}
    return {y: (f.value, f.numerator, f.denominator) for y, f in facts.items()}


def test_share_of_students_as_mentees_counts_overlaps_of_each_year(college: College) -> None:
    # 2021: S1, S2 (M1 from 10.11.2021); 2022: S1, S2 (M1 until 31.05.2022) and S4 (M2 from
    # 31.12.2022, the year's last day); 2023: S4 and S5 (M3 on 01.01.2023 only); 2024: S4,
    # S6, S7 (left 01.03.2024) and S8 (joined 10.01.2024). S10 left on 30.06.2022: 10
    # students on record in 2021–2022, 9 later.
    assert _values("share_students_mentees", _figures(college)) == {
        2021: (Decimal("20.0"), 2, 10), 2022: (Decimal("30.0"), 3, 10),
        2023: (Decimal("22.2"), 2, 9), 2024: (Decimal("44.4"), 4, 9)}


def test_share_of_students_as_mentors(college: College) -> None:
    # S3 mentors M2 from 31.12.2022 on.
    assert _values("share_students_mentors", _figures(college)) == {
        2021: (Decimal("0.0"), 0, 10), 2022: (Decimal("10.0"), 1, 10),
        2023: (Decimal("11.1"), 1, 9), 2024: (Decimal("11.1"), 1, 9)}
    assert ind.compute("student_mentors", _figures(college), 2024).value == 1


def test_share_of_young_specialists_mentored(college: College) -> None:
    # Young: T2 (hired 2020) in 2021–2023, Y1 (hired 2023) from 2023, Y2 (no date) always.
    # Mentored: T2 in 2021 (M5), Y1 in 2023 and 2024 (M6).
    assert _values("share_young_specialists_mentored", _figures(college)) == {
        2021: (Decimal("50.0"), 1, 2), 2022: (Decimal("0.0"), 0, 2),
        2023: (Decimal("33.3"), 1, 3), 2024: (Decimal("50.0"), 1, 2)}


def test_pairs_formed_among_those_who_asked(college: College) -> None:
    # 2021: S1 paired, S9 still waiting; 2022: S4's open request has its membership, S10's
    # withdrawn request does not count. No request in 2023–2024: no figure.
    assert _values("pairs_formed_students", _figures(college)) == {
        2021: (Decimal("50.0"), 1, 2), 2022: (Decimal("100.0"), 1, 1),
        2023: (None, 0, 0), 2024: (None, 0, 0)}
    assert _values("pairs_formed_young_specialists", _figures(college))[2021] == (
        Decimal("100.0"), 1, 1)


def test_enterprises_and_employer_representatives(college: College) -> None:
    figures = _figures(college)
    # E1 (enterprise A) in 2023 only (a one-day mentorship on 01.01.2023), E3 (B) in 2024.
    assert _values("share_enterprises_with_mentors", figures) == {
        2021: (Decimal("0.0"), 0, 4), 2022: (Decimal("0.0"), 0, 4),
        2023: (Decimal("25.0"), 1, 4), 2024: (Decimal("25.0"), 1, 4)}
    assert ind.compute("share_enterprises_with_mentors", figures, 2024).basis == ind.BASIS_REGION
    assert [ind.compute("employer_mentors", figures, y).value for y in YEARS] == [0, 0, 1, 1]
    assert [ind.compute("enterprises_with_mentors", figures, y).value
            for y in YEARS] == [0, 0, 1, 1]


def test_headcount_replaces_records_as_denominator(college: College) -> None:
    Headcount.objects.create(organisation=college.org, year=2024, students=20,
                             young_specialists=5, partner_enterprises=10)
    figures = _figures(college)
    fact = ind.compute("share_students_mentees", figures, 2024)
    assert (fact.value, fact.numerator, fact.denominator, fact.basis) == (
        Decimal("20.0"), 4, 20, ind.BASIS_HEADCOUNT)
    assert ind.compute("share_students_mentees", figures, 2023).basis == ind.BASIS_RECORDS
    assert ind.compute("share_young_specialists_mentored", figures, 2024).denominator == 5
    enterprises = ind.compute("share_enterprises_with_mentors", figures, 2024)
    assert (enterprises.value, enterprises.basis) == (Decimal("10.0"), ind.BASIS_HEADCOUNT)


def test_mentorships_per_form_active_and_completed(college: College) -> None:
    figures = _figures(college)
    assert ind.compute("completed_mentorships", figures, 2021).value == 1  # M5
    assert ind.compute("completed_mentorships:teacher_student", figures, 2022).value == 1
    assert ind.compute("completed_mentorships:teacher_student", figures, 2021).value == 0
    # At the end of 2021: M1 (until 31.05.2022); of 2022: M2 (from 31.12.2022); of 2023: M2
    # and M6; on 15.06.2024: M2, M4, M6.
    assert [ind.compute("active_mentorships", figures, y).value for y in YEARS] == [
        1, 1, 2, 3]
    assert ind.compute("active_mentorships:employer_student", figures, 2024).value == 1
    rows = {r["form__code"]: r for r in figures.by_form}
    assert rows["employer_student"]["ended_early_2023"] == 1
    assert rows["employer_student"]["worked_2023"] == 1
    assert rows["teacher_teacher"]["started_2023"] == 1


def test_a_year_not_yet_begun_has_no_figure(college: College) -> None:
    figures = _figures(college, today=dt.date(2023, 5, 1))
    assert not ind.compute("share_students_mentees", figures, 2024).has_value
    # Open mentorships count only up to today: in May 2023 M2 and nothing more.
    assert ind.compute("share_students_mentees", figures, 2023).numerator == 2


@pytest.mark.parametrize(("name", "people"), [
    ("share_students_mentees", {2021: {"S1", "S2"}, 2024: {"S4", "S6", "S7", "S8"}}),
    ("share_students_mentors", {2022: {"S3"}, 2021: set()}),
    ("share_young_specialists_mentored", {2021: {"T2"}, 2023: {"Y1"}}),
    ("pairs_formed_students", {2021: {"S1"}, 2022: {"S4"}}),
    ("pairs_formed_young_specialists", {2021: {"T2"}}),
    ("share_enterprises_with_mentors", {2023: {"E1"}, 2024: {"E3"}}),
    ("employer_mentors", {2024: {"E3"}}),
])
def test_drilldown_lists_exactly_the_numerator(college: College, name: str,
                                               people: dict[int, set[str]]) -> None:
    figures = _figures(college)
    names = {p.pk: key for key, p in college.people.items()}
    for year, expected in people.items():
        listed = ind.numerator_people(name, figures, year)
        assert listed is not None
        assert {names[p.pk] for p in listed} == expected
    for year in YEARS:
        fact = ind.compute(name, figures, year)
        listed = ind.numerator_people(name, figures, year)
        assert listed is not None
        # Enterprises count companies; the drill-down lists their representatives.
        if name != "share_enterprises_with_mentors":
            assert listed.count() == fact.numerator


def test_figures_take_one_query_per_group_whatever_the_years(college: College) -> None:
    # on record + mentees + mentors + requests + by form + headcounts + employers
    figures = _figures(college)
    with CaptureQueriesContext(connection) as ctx:
        for name in ("share_students_mentees", "share_students_mentors",
                     "share_young_specialists_mentored", "pairs_formed_students",
                     "share_enterprises_with_mentors", "active_mentorships"):
            for year in YEARS:
                ind.compute(name, figures, year)
    assert len(ctx.captured_queries) == 7


# --------------------------------------------------------------------------- status


@pytest.mark.parametrize(("plan", "fact", "direction", "expected"), [
    ("40", "40", "higher", Status.MET),
    ("40", "55.5", "higher", Status.MET),
    ("40", "36", "higher", Status.AT_RISK),  # 10 % of 40 is 4
    ("40", "35.9", "higher", Status.NOT_MET),
    ("20", "10", "lower", Status.MET),  # staff turnover: lower is better
    ("20", "20", "lower", Status.MET),
    ("20", "22", "lower", Status.AT_RISK),
    ("20", "22.1", "lower", Status.NOT_MET),
    ("0", "0", "lower", Status.MET),
    ("0", "1", "lower", Status.NOT_MET),
    ("10", None, "higher", Status.NO_DATA),
    (None, "10", "higher", Status.NO_DATA),
])
def test_status_respects_direction_and_tolerance(plan: str | None, fact: str | None,
                                                 direction: str, expected: str) -> None:
    assert indicator_status(plan=Decimal(plan) if plan is not None else None,
                            fact=Decimal(fact) if fact is not None else None,
                            direction=direction, tolerance_percent=10) == expected


# --------------------------------------------------------------------------- surveys


def _survey(college: College, *, year: int, audience: str, scores: list[tuple[int, int]],
            drafts: int = 0) -> None:
    """A campaign whose respondents each answer two satisfaction questions (and one that
    does not count); `drafts` more respondents only saved a draft."""
    template = SurveyTemplate.objects.create(title="Обратная связь", audience=audience)
    q1, q2 = (SurveyQuestion.objects.create(template=template, position=n, text=f"Вопрос {n}",
                                            type="scale", is_satisfaction=True)
              for n in (1, 2))
    other = SurveyQuestion.objects.create(template=template, position=3, text="Другое",
                                          type="scale")
    campaign = SurveyCampaign.objects.create(
        programme=college.programme, template=template, year=year, audience=audience,
        kind=SurveyCampaign.Kind.EXIT, deadline=dt.date(year, 6, 30))
    kind = (ProgrammeRole.Role.MENTEE if audience == SurveyTemplate.Audience.MENTEE
            else ProgrammeRole.Role.MENTOR)
    for n, (a, b) in enumerate(scores + [(1, 1)] * drafts):
        respondent = RoleFactory(programme=college.programme, role=kind)
        invitation = SurveyInvitation.objects.create(campaign=campaign, respondent=respondent)
        submitted = n < len(scores)
        response = SurveyResponse.objects.create(
            invitation=invitation,
            status=SurveyResponse.Status.SUBMITTED if submitted else SurveyResponse.Status.DRAFT,
            submitted_at=timezone.now() if submitted else None)
        SurveyAnswer.objects.create(response=response, question=q1, scale_value=a)
        SurveyAnswer.objects.create(response=response, question=q2, scale_value=b)
        SurveyAnswer.objects.create(response=response, question=other, scale_value=1)


def test_satisfaction_is_mean_of_answers_times_ten(college: College) -> None:
    # Answers 10, 8, 9, 9, 7, 7, 8, 6, 10, 6: mean 8.0 -> 80.0 %; five respondents; the
    # drafts and the question that does not count are left out.
    _survey(college, year=2024, audience="mentee",
            scores=[(10, 8), (9, 9), (7, 7), (8, 6), (10, 6)], drafts=2)
    fact = ind.satisfaction_fact(college.programme, 2024, "mentee")
    assert (fact.value, fact.denominator, fact.mean_score) == (Decimal("80.0"), 5,
                                                               Decimal("8.00"))
    figures = _figures(college)
    assert ind.compute("mentee_satisfaction", figures, 2024) == fact
    assert not ind.compute("mentor_satisfaction", figures, 2024).has_value


def test_satisfaction_needs_five_respondents(college: College) -> None:
    _survey(college, year=2023, audience="mentor", scores=[(9, 9)] * 4, drafts=3)
    fact = ind.satisfaction_fact(college.programme, 2023, "mentor")
    assert fact.value is None
    assert fact.denominator == 4


def test_satisfaction_rounds_to_one_decimal(college: College) -> None:
    _survey(college, year=2022, audience="mentee",
            scores=[(7, 8), (9, 10), (6, 7), (8, 8), (9, 9), (10, 7)])
    # 98 points in 12 answers: 8.1666… -> 81.7 %
    assert ind.satisfaction_fact(college.programme, 2022, "mentee").value == Decimal("81.7")


def test_computed_reference_indicators_have_functions() -> None:
    from monitoring.services import REFERENCE_COMPUTED

    for name in REFERENCE_COMPUTED.values():
        computation, _arg = ind.computation_for(name)
        assert computation is not None, name


def test_unknown_computation_has_no_figure(college: College) -> None:
    assert ind.compute("no_such_function", _figures(college), 2024) == ind.NO_FACT
