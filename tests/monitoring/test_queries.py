"""Query counts of the monitoring pages do not grow with the data (two data sizes, at least
three rows of everything listed), and the reference programme's plan values are shown
exactly."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring.models import (
    Headcount,
    IndicatorFact,
    Report,
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from monitoring.services import indicators_create_from_reference
from participants.models import Person, ProgrammeRole
from programmes.reference import seed_002
from programmes.services import programme_create_from_reference

from ..factories import (
    MemberFactory,
    MentorshipFactory,
    PersonFactory,
    RequestFactory,
    RoleFactory,
    form,
)
from .conftest import Monitored

pytestmark = pytest.mark.django_db


def _grow(m: Monitored, n: int) -> None:
    """n more of everything the dashboard counts: people, pairs and groups of two forms,
    requests, survey answers, employer mentors, entered facts, reports."""
    programme = m.world.programme
    template = SurveyTemplate.objects.create(title=f"Анкета {n}", audience="mentee")
    question = SurveyQuestion.objects.create(template=template, position=1, text="Довольны?",
                                             type="scale", is_satisfaction=True)
    campaign = SurveyCampaign.objects.create(programme=programme, template=template, year=2026,
                                             audience="mentee", kind="exit",
                                             deadline=dt.date(2026, 6, 1))
    for i in range(n):
        PersonFactory(organisation=programme.organisation)
        ms = MentorshipFactory(programme=programme, started_on=dt.date(2025, 2, 1))
        member = MemberFactory(mentorship=ms)
        MemberFactory(mentorship=ms)
        RequestFactory(programme=programme, mentee=member.mentee)
        employer = RoleFactory(programme=programme, role=ProgrammeRole.Role.MENTOR,
                               person=PersonFactory(organisation=programme.organisation,
                                                    category=Person.Category.EMPLOYER))
        ms2 = MentorshipFactory(programme=programme, form=form("employer_student"),
                                mentor=employer, started_on=dt.date(2026, 1, 10))
        MemberFactory(mentorship=ms2)
        invitation = SurveyInvitation.objects.create(campaign=campaign, respondent=member.mentee)
        response = SurveyResponse.objects.create(invitation=invitation, status="submitted",
                                                 submitted_at=timezone.now())
        SurveyAnswer.objects.create(response=response, question=question, scale_value=8)
        Report.objects.create(programme=programme, year=2025 + i % 2)
    IndicatorFact.objects.get_or_create(indicator=m.turnover, year=2025 + n % 3,
                                        defaults={"value": Decimal(n)})
    Headcount.objects.get_or_create(organisation=programme.organisation, year=2024 + n,
                                    defaults={"students": 100 * n})


def _queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("name", "role"), [
    ("dashboard", "director"), ("home", "director"), ("indicator", "curator"),
    ("drilldown", "curator"), ("reports", "director"), ("region", "coordinator"),
    ("home", "coordinator"),
])
def test_page_queries_do_not_grow_with_the_data(monitored: Monitored, name: str,
                                                role: str, settings: Any) -> None:
    # What rendering the page costs: the page cache (tests/test_pagecache.py) is off.
    settings.PAGE_CACHE_SECONDS = 0
    programme = monitored.world.programme
    urls = {
        "dashboard": reverse("monitoring:dashboard", args=[programme.pk]) + "?year=2026",
        "home": reverse("home"),
        "indicator": reverse("monitoring:indicator", args=[programme.pk, monitored.computed.pk]),
        "drilldown": reverse("monitoring:drilldown",
                             args=[programme.pk, monitored.computed.pk, 2026]),
        "reports": reverse("monitoring:reports", args=[programme.pk]),
        "region": reverse("monitoring:region"),
    }
    client = monitored.world.client_for(role)
    _grow(monitored, 3)
    # The first load after a change computes the figures' snapshot; later loads read it
    # (monitoring.snapshots). Neither count grows with the data.
    cold = _queries(client, urls[name])
    small = _queries(client, urls[name])
    _grow(monitored, 12)
    assert _queries(client, urls[name]) == cold
    assert _queries(client, urls[name]) == small


def test_dashboard_query_count(monitored: Monitored, settings: Any) -> None:
    # session, user, the user's person and roles (access), current programme (navigation),
    # programme; the data version (the figures themselves come from the cache: people on
    # record, mentees, mentors, requests, satisfaction, by form, survey campaigns, employers
    # of the region); the forms' names, indicators, plans, entered facts, headcounts;
    # roadmap activities and their executions; today's stages. (Rendering: the page cache
    # is off.)
    settings.PAGE_CACHE_SECONDS = 0
    client = monitored.world.client_for("director")
    url = reverse("monitoring:dashboard", args=[monitored.world.programme.pk])
    client.get(url)
    assert _queries(client, url) <= 19


# --------------------------------------------------------------------------- seed 002


def _plan_cell(html: str, group: str, number: int) -> str:
    row = re.search(rf'<tr data-indicator="{number}" data-group="{group}">(.*?)</tr>', html,
                    re.S)
    assert row, (group, number)
    cell = re.search(r'<td class="num plan-cell[^"]*">(.*?)(?:<div|</td>)', row.group(1), re.S)
    assert cell
    return cell.group(1).strip()


def test_reference_programme_plan_values_are_shown_exactly(monitored: Monitored) -> None:
    world = monitored.world
    programme = programme_create_from_reference(organisation=world.org, data=seed_002)
    indicators_create_from_reference(programme=programme, data=seed_002)
    client = world.client_for("admin")
    url = reverse("monitoring:dashboard", args=[programme.pk])
    for year in range(2020, 2025):
        html = client.get(f"{url}?year={year}").content.decode()
        for group, rows in (("result", seed_002.RESULT_INDICATORS),
                            ("efficiency", seed_002.EFFICIENCY_INDICATORS)):
            for row in rows:
                assert _plan_cell(html, group, row["number"]) == str(row["values"][year]), (
                    group, row["number"], year)
        # The baseline year of the result indicators is marked as such.
        if year == 2020:
            assert "базовое" in html.lower()
