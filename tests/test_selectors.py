"""Query counts of lists and home pages do not grow with the data (at least three rows, so
an N+1 would show)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pairing.selectors import mentorship_list_for_user, request_list_for_programme
from participants.selectors import person_list_for_programme

from .conftest import World
from .factories import MemberFactory, MentorshipFactory, PersonFactory, RequestFactory


def _grow(world: World, n: int) -> None:
    for _ in range(n):
        PersonFactory(organisation=world.org)
        m = MentorshipFactory(programme=world.programme)
        MemberFactory(mentorship=m)
        MemberFactory(mentorship=m)
        RequestFactory(programme=world.programme)


def _count(fn) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_person_list_queries_constant(world: World) -> None:
    # people + their roles in the programme
    def run() -> None:
        for person in person_list_for_programme(programme=world.programme):
            _ = (person.study_group, person.programme_roles)
    small = _count(run)
    _grow(world, 4)
    assert _count(run) == small == 2


@pytest.mark.django_db
def test_mentorship_list_queries_constant(world: World) -> None:
    # mentorships with form and mentor person + members with mentee persons
    curator = world.users["curator"]

    def run() -> None:
        for m in mentorship_list_for_user(user=curator, programme=world.programme):
            _ = (m.form.name, m.mentor.person.full_name,
                 [x.mentee.person.full_name for x in m.members.all()])
    run()  # warms the user's access cache (2 queries, once per request)
    small = _count(run)
    _grow(world, 4)
    assert _count(run) == small == 2


@pytest.mark.django_db
def test_request_list_queries_constant(world: World) -> None:
    # requests with form and mentee person and group + competencies
    def run() -> None:
        for r in request_list_for_programme(programme=world.programme):
            _ = (r.form.name, r.mentee.person.study_group, list(r.competencies.all()))
    small = _count(run)
    _grow(world, 4)
    assert _count(run) == small == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["curator", "director", "mentor", "mentee", "coordinator",
                                  "admin"])
def test_home_queries_constant(world: World, role: str) -> None:
    client = world.client_for(role)
    url = reverse("home")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _grow(world, 4)
    client.get(url)  # the figures' snapshot of the new data (monitoring.snapshots)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["participants:list", "pairing:mentorship_list",
                                  "pairing:request_list"])
def test_list_pages_queries_constant(world: World, name: str) -> None:
    client = world.client_for("curator")
    url = reverse(name, args=[world.programme.pk])
    _grow(world, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(world, 4)
    client.get(url)  # the figures' snapshot of the new data (monitoring.snapshots)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
