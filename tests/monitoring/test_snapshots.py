"""The figures' snapshots (monitoring.snapshots): a later load reads them in one query, and
any change of the data behind them shows on the very next load, whatever wrote it (services,
or `QuerySet.update`, which touches no `updated_at`). On the college of conftest.py, measured
on 15.06.2024: in 2024 four of nine students are mentees (S4, S6, S7, S8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring import indicators as ind
from monitoring import snapshots
from monitoring.indicators import Figures
from monitoring.models import (
    Headcount,
    Indicator,
    IndicatorFact,
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from monitoring.selectors import programme_dashboard, region_rollup
from monitoring.tasks import snapshots_warm_task
from pairing.models import MentorshipMember
from participants.models import Person, ProgrammeRole
from programmes.models import MentoringForm

from ..factories import MemberFactory, MentorshipFactory, PersonFactory, RoleFactory, form
from .conftest import TODAY, College

pytestmark = pytest.mark.django_db


def _figures(college: College) -> Figures:
    return snapshots.programme_figures(college.programme, today=TODAY)


def _mentees(college: College, year: int = 2024) -> tuple[Decimal | None, int | None,
                                                           int | None]:
    fact = ind.compute("share_students_mentees", _figures(college), year)
    return fact.value, fact.numerator, fact.denominator


def _mentee_role(college: College, key: str) -> ProgrammeRole:
    return college.roles.get(f"{key}:mentee") or RoleFactory(programme=college.programme,
                                                            person=college.people[key])


def _queries(fn: object) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()  # type: ignore[operator]
    return len(ctx.captured_queries)


def test_a_later_load_reads_the_snapshot(college: College) -> None:
    cold = _queries(lambda: _figures(college))
    # The data version, each figure, the forms' names.
    assert cold == 1 + len(snapshots.PROGRAMME_FIGURES) + 1
    assert _queries(lambda: _figures(college)) == 2  # the data version and the forms' names
    # The same figures as computed directly.
    direct = Figures.for_programme(college.programme, today=TODAY)
    cached = _figures(college)
    for name in snapshots.PROGRAMME_FIGURES:
        assert getattr(cached, name) == getattr(direct, name), name
    assert _mentees(college) == (Decimal("44.4"), 4, 9)


def test_another_day_is_another_snapshot(college: College) -> None:
    # A mentorship without an end counts until today: the next day needs its own figures.
    _figures(college)
    assert _queries(lambda: snapshots.programme_figures(
        college.programme, today=TODAY + dt.timedelta(days=1))) > 1


def test_a_new_mentorship_shows_at_once(college: College) -> None:
    assert _mentees(college) == (Decimal("44.4"), 4, 9)
    ms = MentorshipFactory(programme=college.programme, form=form("teacher_student"),
                           mentor=college.roles["T1:mentor"], started_on=dt.date(2024, 3, 1))
    MemberFactory(mentorship=ms, mentee=_mentee_role(college, "S9"))
    assert _mentees(college) == (Decimal("55.6"), 5, 9)


def test_an_ended_membership_shows_at_once_even_written_by_a_bare_update(
        college: College) -> None:
    assert _mentees(college) == (Decimal("44.4"), 4, 9)
    # S4 leaves M2 on 30.06.2023: no longer a mentee in 2024. MentorshipMember has no
    # updated_at and QuerySet.update sends no signal: the data version still moves.
    MentorshipMember.objects.filter(mentorship=college.mentorships["M2"],
                                    mentee__person=college.people["S4"]).update(
        is_active=False, left_on=dt.date(2023, 6, 30))
    assert _mentees(college) == (Decimal("33.3"), 3, 9)
    assert _mentees(college, 2023) == (Decimal("22.2"), 2, 9)


def test_a_person_changed_by_a_bare_update_shows_at_once(college: College) -> None:
    assert _mentees(college) == (Decimal("44.4"), 4, 9)
    Person.objects.filter(pk=college.people["S1"].pk).update(category=Person.Category.TEACHER)
    assert _mentees(college) == (Decimal("50.0"), 4, 8)
    PersonFactory(organisation=college.org)  # one more student on record
    assert _mentees(college) == (Decimal("44.4"), 4, 9)


def _campaign(college: College) -> tuple[SurveyCampaign, SurveyQuestion]:
    template = SurveyTemplate.objects.create(title="Анкета", audience="mentee")
    question = SurveyQuestion.objects.create(template=template, position=1, text="Довольны?",
                                             type="scale", is_satisfaction=True)
    campaign = SurveyCampaign.objects.create(programme=college.programme, template=template,
                                             year=2024, audience="mentee", kind="exit",
                                             deadline=dt.date(2024, 6, 1))
    return campaign, question


def _respond(college: College, campaign: SurveyCampaign, question: SurveyQuestion, key: str,
             score: int) -> SurveyResponse:
    invitation = SurveyInvitation.objects.create(campaign=campaign,
                                                 respondent=_mentee_role(college, key))
    response = SurveyResponse.objects.create(invitation=invitation, status="submitted",
                                             submitted_at=timezone.now())
    SurveyAnswer.objects.create(response=response, question=question, scale_value=score)
    return response


def test_a_new_or_changed_survey_answer_shows_at_once(college: College) -> None:
    def satisfaction() -> Decimal | None:
        return ind.compute("mentee_satisfaction", _figures(college), 2024).value

    campaign, question = _campaign(college)
    responses = [_respond(college, campaign, question, f"S{n}", 8) for n in range(1, 5)]
    assert satisfaction() is None  # four respondents: fewer than five, no figure
    _respond(college, campaign, question, "S5", 10)
    assert satisfaction() == Decimal("84.0")  # (8 × 4 + 10) / 5 × 10
    SurveyAnswer.objects.filter(response=responses[0]).update(scale_value=3)
    assert satisfaction() == Decimal("74.0")
    SurveyResponse.objects.filter(pk=responses[1].pk).update(status="draft")
    assert satisfaction() is None


def test_a_new_headcount_and_a_manual_fact_show_at_once(college: College) -> None:
    indicator = Indicator.objects.create(
        programme=college.programme, group=Indicator.Group.EFFICIENCY, number=1,
        name="Доля обучающихся в роли наставляемого", unit="%", baseline_year=2021,
        source=Indicator.Source.COMPUTED, computation="share_students_mentees")

    def selected() -> tuple[Decimal | None, str]:
        line = programme_dashboard(programme=college.programme, year=2024, today=TODAY).lines[0]
        return line.selected.value, line.selected.source

    assert selected() == (Decimal("44.4"), "computed")
    Headcount.objects.create(organisation=college.org, year=2024, students=20)
    assert selected() == (Decimal("20.0"), "computed")
    IndicatorFact.objects.create(indicator=indicator, year=2024, value=Decimal(61))
    assert selected() == (Decimal(61), "manual")


def test_the_regional_roll_up_shows_changes_at_once(college: College) -> None:
    region = college.org.region

    def rollup() -> tuple[int | None, int]:
        r = region_rollup(region=region, year=2024, selectable_years=[2023, 2024], today=TODAY)
        line = next(line for line in r.indicators
                    if line.indicator.code == "share_students_mentees")
        college_row = next(row for row in r.overview if row.organisation_id == college.org.pk)
        return line.cells[-1].fact.numerator, college_row.people

    assert rollup() == (4, 17)
    # A later load reads the snapshot: organisations, forms, the data version, regional
    # plans, headcounts.
    assert _queries(rollup) == 5
    MentorshipMember.objects.filter(mentorship=college.mentorships["M2"],
                                    mentee__person=college.people["S4"]).update(
        left_on=dt.date(2023, 6, 30))
    PersonFactory(organisation=college.org)
    assert rollup() == (3, 18)


def test_the_warm_task_computes_todays_snapshots(college: College) -> None:
    today = timezone.localdate()
    programme = college.programme
    programme.end_year = today.year
    programme.save(update_fields=["end_year"])
    assert snapshots_warm_task.delay().get() >= 2  # the programme and its region
    # The dashboard's figures for today are ready: the data version and the forms' names.
    assert _queries(lambda: snapshots.programme_figures(programme)) == 2


def test_forms_renamed_in_the_catalogue_show_at_once(college: College) -> None:
    def names() -> list[str]:
        return [row.name for row in programme_dashboard(programme=college.programme,
                                                        year=2024, today=TODAY).forms]

    assert "Наставник – ученик" not in names()
    MentoringForm.objects.filter(code="student_student").update(name="Наставник – ученик")
    assert "Наставник – ученик" in names()
