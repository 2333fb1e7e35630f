"""The year view: stages with dates and status, due this month, overdue, artefacts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from cycle.year import FINISHED, IN_PROGRESS, NOT_STARTED, OVERDUE, stage_status, year_view
from programmes import roadmap
from programmes.models import ActivityExecution
from programmes.services import activity_executions_ensure
from tests.factories import MentorshipFactory
from tests.programmes.roadmap_helpers import build_roadmap

pytestmark = pytest.mark.django_db


def test_stage_status_rules() -> None:
    d = dt.date
    assert stage_status(starts_on=d(2024, 9, 1), ends_on=d(2024, 9, 30), today=d(2024, 8, 1),
                        execution=None) == NOT_STARTED
    assert stage_status(starts_on=d(2024, 9, 1), ends_on=d(2024, 9, 30), today=d(2024, 9, 5),
                        execution=None) == IN_PROGRESS
    assert stage_status(starts_on=d(2024, 9, 1), ends_on=d(2024, 9, 30), today=d(2024, 10, 5),
                        execution=None) == FINISHED


def test_year_view_shows_stages_overdue_and_due_this_month(world) -> None:
    build_roadmap(world.programme)
    view = year_view(programme=world.programme, year=2024, today=dt.date(2024, 10, 10))
    assert [s.stage.number for s in view.stages] == [1, 2, 3, 4, 5, 6, 7]
    stage1 = view.stages[0]
    assert stage1.starts_on == dt.date(2024, 8, 1)
    assert stage1.status == OVERDUE  # 1.1 (Aug–Sep) not done by 30.09
    assert view.stages[3].status == IN_PROGRESS  # Oct–Nov
    assert view.stages[4].status == NOT_STARTED  # Nov
    assert [r.activity.number for r in view.overdue] == ["1.1"]
    assert [r.activity.number for r in view.due_this_month] == ["1.2"]
    assert view.stages[4].links[1].url == reverse("pairing:order_pdf",
                                                  args=[world.programme.pk])


def test_done_stage_activity_finishes_the_stage(world) -> None:
    objs = build_roadmap(world.programme)
    ActivityExecution.objects.filter(activity=objs["activities"]["1.1"]).update(
        status="done", done_on=dt.date(2024, 9, 20))
    view = year_view(programme=world.programme, year=2024, today=dt.date(2024, 10, 10))
    assert view.stages[0].status == FINISHED
    assert view.overdue == []


def test_year_view_query_count_does_not_grow(world, django_assert_num_queries) -> None:
    build_roadmap(world.programme)
    for _ in range(3):
        MentorshipFactory(programme=world.programme)
    activity_executions_ensure(programme=world.programme, academic_year=2024)
    # executions (1), stages + their periods (2), pairs, requests, mentors, campaigns and
    # reports counts (5).
    with django_assert_num_queries(8):
        view = year_view(programme=world.programme, year=2024, today=dt.date(2024, 10, 10))
    assert len(view.stages) == 7
    # The world's two pairs and the three above.
    assert re.search(r"\b5\b", view.stages[5].artefact_count)


def test_year_page_for_the_curator(world) -> None:
    build_roadmap(world.programme)
    client = world.client_for("curator")
    url = reverse("cycle:year", args=[world.programme.pk])
    response = client.get(url + "?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-stage="7"' in html
    assert "2025/2026" in html
    # Opening the year created its records (lazily, once).
    assert ActivityExecution.objects.filter(academic_year=2025).count() == 4
    client.get(url + "?year=2025")
    assert ActivityExecution.objects.filter(academic_year=2025).count() == 4
    # A year outside the programme falls back to the current one.
    fallback = client.get(url + "?year=1999")
    current = roadmap.academic_year_for(world.programme.years)
    assert f'<option value="{current}" selected>' in fallback.content.decode()
    # A way back to the programme.
    assert reverse("programme_detail", args=[world.programme.pk]) in html


YEAR_MATRIX = {"anonymous": 302, "other_curator": 404, "coordinator": 404, "mentee": 403,
               "mentor": 403, "director": 200, "curator": 200, "admin": 200}


@pytest.mark.parametrize("role", sorted(YEAR_MATRIX))
def test_year_page_permissions(world, role: str) -> None:  # noqa: ANN001
    url = reverse("cycle:year", args=[world.programme.pk])
    response = world.client_for(role).get(url)
    assert response.status_code == YEAR_MATRIX[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
