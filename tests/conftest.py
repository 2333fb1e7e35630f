"""Shared fixtures: a small world of two colleges with one user per role.

Test bodies run with organisation scopes disabled so they can read any row; requests made
through the test client still go through ScopeMiddleware, which sets the real scope. A test
marked `scopes_enabled` runs without that convenience.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from mentorship.models import User
from pairing.models import Mentorship, MentorshipRequest
from participants.models import Person, ProgrammeRole
from programmes.models import Organisation, Programme, RegionalCoordinator

from .factories import (
    MemberFactory,
    MentorshipFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    RegionFactory,
    RequestFactory,
    RoleFactory,
    UserFactory,
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "scopes_enabled: run the test body without disabling organisation scopes")


class NetworkCallError(RuntimeError):
    """A test tried to reach a host other than this machine."""


_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def _is_local(address: object) -> bool:
    if not isinstance(address, tuple):  # a Unix socket path
        return True
    host = str(address[0])
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True, scope="session")
def _no_network_beyond_localhost() -> Iterator[None]:
    """Personal data never leaves the college's server, so the suite proves the product
    needs no outside service: any connection to a host other than this machine fails the
    test that made it (PostgreSQL, Redis, the live server and the browser are local)."""
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def guarded(original: Any) -> Any:
        def call(self: socket.socket, address: Any) -> Any:
            if not _is_local(address):
                raise NetworkCallError(f"Network call beyond localhost in a test: {address!r}")
            return original(self, address)
        return call

    connect, connect_ex = guarded(original_connect), guarded(original_connect_ex)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = original_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _data_version(request: pytest.FixtureRequest) -> None:
    """Each database test starts under an epoch of its own (rolled-back tests leave the
    counter where it was, so numbers repeat from test to test and would find another test's
    cached pages), and on PostgreSQL the data version's triggers fire at each statement:
    the test's transaction never commits (mentorship.dataversion)."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = ("transactional_db" in names or "live_server" in names
                     or (marker is not None and marker.kwargs.get("transaction")))
    if "db" not in names and marker is None and not transactional:
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from mentorship import dataversion

    dataversion.immediate()
    dataversion.renew()


@pytest.fixture(autouse=True)
def _scopes(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("scopes_enabled"):
        yield
        return
    with scopes_disabled():
        yield


@dataclass
class World:
    org: Organisation
    other_org: Organisation
    programme: Programme
    other_programme: Programme
    users: dict[str, User]
    people: dict[str, Person]
    pair: Mentorship  # mentor + mentee
    other_pair: Mentorship  # another mentor + other_mentee, same college
    foreign_pair: Mentorship  # in the other college
    request_: MentorshipRequest
    # More objects of the first college, created by tests that need them.
    extra: dict[str, Any] = field(default_factory=dict)

    def client_for(self, role: str) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


def _person_with_user(username: str, organisation: Organisation, **kwargs: object) -> Person:
    user = UserFactory(username=username)
    return PersonFactory(organisation=organisation, user=user, **kwargs)


@pytest.fixture
def world(db: None) -> World:
    region = RegionFactory()
    org = OrganisationFactory(region=region, short_name="Горный техникум")
    other_org = OrganisationFactory(region=region, short_name="Промышленный техникум")
    programme = ProgrammeFactory(organisation=org)
    other_programme = ProgrammeFactory(organisation=other_org)

    people: dict[str, Person] = {}
    people["director"] = _person_with_user("director", org, category=Person.Category.TEACHER)
    people["curator"] = _person_with_user("curator", org, category=Person.Category.TEACHER)
    people["mentor"] = _person_with_user("mentor", org, category=Person.Category.TEACHER)
    people["mentee"] = _person_with_user("mentee", org)
    people["other_mentee"] = _person_with_user("other_mentee", org)
    people["other_curator"] = _person_with_user("other_curator", other_org,
                                                category=Person.Category.TEACHER)
    for role in ("director", "curator"):
        RoleFactory(programme=programme, person=people[role], role=role)
    RoleFactory(programme=other_programme, person=people["other_curator"], role="curator")

    mentor_role = RoleFactory(programme=programme, person=people["mentor"],
                              role=ProgrammeRole.Role.MENTOR)
    mentee_role = RoleFactory(programme=programme, person=people["mentee"])
    request_ = RequestFactory(programme=programme, mentee=mentee_role)
    pair = MentorshipFactory(programme=programme, mentor=mentor_role)
    MemberFactory(mentorship=pair, mentee=mentee_role, request=request_)

    other_mentee_role = RoleFactory(programme=programme, person=people["other_mentee"])
    other_pair = MentorshipFactory(programme=programme)
    MemberFactory(mentorship=other_pair, mentee=other_mentee_role)
    foreign_pair = MentorshipFactory(programme=other_programme)
    MemberFactory(mentorship=foreign_pair)

    users = {key: person.user for key, person in people.items()}
    # Names no fake person can have, so "no person's name on the page" tests are exact.
    users["admin"] = UserFactory(username="admin", is_superuser=True, is_staff=True,
                                 first_name="Админ", last_name="Системный")
    users["coordinator"] = UserFactory(username="coordinator", first_name="Координатор",
                                       last_name="Региональный")
    RegionalCoordinator.objects.create(user=users["coordinator"], region=region)
    return World(org=org, other_org=other_org, programme=programme,
                 other_programme=other_programme, users=users, people=people, pair=pair,
                 other_pair=other_pair, foreign_pair=foreign_pair, request_=request_)


ROLES = ("anonymous", "admin", "director", "curator", "mentor", "mentee", "other_mentee",
         "other_curator", "coordinator")
