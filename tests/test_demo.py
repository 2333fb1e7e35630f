"""The demo data (`manage.py load_demo`): its size, every form both active and completed, the
seven logins, idempotence, the reduced set for browser tests, and the production guard.

The full demo is loaded once for the module (and loaded again to check the re-run) inside a
transaction that is rolled back at the end, so no other test sees it. The tests that need an
empty database come first in the file: the module fixture stays in place from its first use
to the end of the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.test import RequestFactory, override_settings
from django_scopes import scopes_disabled

from mentorship.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoSummary, demo_load
from mentorship.models import User
from pairing.models import Mentorship, MentorshipMember
from participants.models import Person, ProgrammeRole
from programmes.models import Organisation, Programme, RegionalCoordinator
from programmes.reference import seed_002

FORMS = ("teacher_teacher", "teacher_student", "employer_student", "student_student")
# Hashing «demo» with the production hasher costs about a second per login; the behaviour
# under test (every login authenticates with «demo») does not depend on the algorithm.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def row_counts() -> dict[str, int]:
    with scopes_disabled():
        return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def seed_college() -> Organisation:
    return Organisation.objects.get(short_name=seed_002.ORGANISATION["short_name"])


def other_college() -> Organisation:
    return Organisation.objects.get(short_name="ГПОУ ППЭТ")


def mentorship_kinds(programme: Programme) -> set[tuple[str, str]]:
    """(form code, active|past) for every mentorship of the programme."""
    rows = Mentorship.objects.filter(programme=programme).values_list("form__code", "status")
    return {(code, "active" if status == "active" else "past") for code, status in rows}


def authenticates(username: str) -> bool:
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=DEMO_PASSWORD) is not None


# --------------------------------------------------------------------------- empty database


def test_command_refuses_when_demo_data_is_not_allowed(db: None) -> None:
    with override_settings(DEMO_DATA_ALLOWED=False), pytest.raises(
        CommandError, match="DEMO_DATA_ALLOWED"
    ):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.filter(username="admin").exists()
    assert not Person.objects.exists()


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
def test_small_demo_for_browser_tests(db: None) -> None:
    out = StringIO()
    call_command("load_demo", "--small", stdout=out)

    output = out.getvalue()
    assert all(login.username in output for login in DEMO_LOGINS)
    assert Person.objects.filter(organisation=seed_college(), category="student").count() == 120
    assert Person.objects.filter(organisation=other_college(), category="student").count() == 40
    programme = Programme.objects.get(organisation=seed_college())
    assert mentorship_kinds(programme) == {(f, k) for f in FORMS for k in ("active", "past")}
    assert all(authenticates(login.username) for login in DEMO_LOGINS)
    mentor = Person.objects.get(user__username="mentor")
    assert Mentorship.objects.filter(
        mentor__person=mentor, status="active",
        members__mentee__person__user__username="mentee").exists()


# --------------------------------------------------------------------------- the full demo


@dataclass
class Loaded:
    first: DemoSummary
    again: DemoSummary
    counts_after_first: dict[str, int]
    counts_after_again: dict[str, int]


@pytest.fixture(scope="module")
def full_demo(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[Loaded]:
    with (django_db_blocker.unblock(), scopes_disabled(),
          override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic()):
        first = demo_load()
        counts_after_first = row_counts()
        again = demo_load()
        yield Loaded(first, again, counts_after_first, row_counts())
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_full_demo_population(full_demo: Loaded) -> None:
    college = seed_college()
    people = Person.objects.filter(organisation=college)
    assert 780 <= people.filter(category="student").count() <= 820
    assert people.filter(category__in=("teacher", "young_specialist")).count() == 60
    assert people.filter(category="young_specialist").count() == 12
    reps = people.filter(category="employer")
    assert reps.count() == 25
    enterprises = Organisation.objects.filter(pk__in=reps.values("employer"))
    assert enterprises.count() == 8
    assert set(enterprises.values_list("kind", "region")) == {("employer", college.region_id)}
    assert 140 <= Person.objects.filter(organisation=other_college(),
                                        category="student").count() <= 160
    assert full_demo.first.created


@pytest.mark.django_db
def test_full_demo_has_every_form_active_and_completed(full_demo: Loaded) -> None:
    programme = Programme.objects.get(organisation=seed_college())
    assert mentorship_kinds(programme) == {(f, k) for f in FORMS for k in ("active", "past")}
    groups = Mentorship.objects.filter(programme=programme).annotate(n=Count("members"))
    assert groups.filter(n__gte=2).exists()
    assert not MentorshipMember.objects.filter(
        ~Q(form=F("mentorship__form"))
        | Q(is_active=True, mentorship__status__in=("completed", "ended_early"))
        | Q(is_active=False, mentorship__status="active")).exists()
    other = Programme.objects.get(organisation=other_college())
    assert len({code for code, kind in mentorship_kinds(other) if kind == "active"}) >= 2


@pytest.mark.django_db
def test_full_demo_keeps_the_reference_programme(full_demo: Loaded) -> None:
    programme = Programme.objects.get(organisation=seed_college())
    assert programme.title == seed_002.PROGRAMME["title"]
    assert (programme.start_year, programme.end_year) == (2020, 2024)
    assert programme.indicators.count() == (len(seed_002.RESULT_INDICATORS)
                                            + len(seed_002.EFFICIENCY_INDICATORS))
    assert programme.activities.count() == sum(len(s["activities"]) for s in seed_002.ROADMAP)


@pytest.mark.django_db
def test_every_demo_login_authenticates_with_demo(full_demo: Loaded) -> None:
    assert all(authenticates(login.username) for login in DEMO_LOGINS)
    users = {u.username: u for u in User.objects.filter(
        username__in=[login.username for login in DEMO_LOGINS])}
    assert all(u.first_name and u.last_name for u in users.values())
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert RegionalCoordinator.objects.filter(user=users["coordinator"],
                                              region=seed_college().region).exists()
    roles = set(ProgrammeRole.objects.filter(person__user__in=users.values()).values_list(
        "person__user__username", "role", "programme__organisation__short_name"))
    college, other = seed_college().short_name, other_college().short_name
    assert {("director", "director", college), ("curator", "curator", college),
            ("mentor", "mentor", college), ("mentee", "mentee", college),
            ("curator2", "curator", other)} <= roles
    mentor_pairs = Mentorship.objects.filter(mentor__person__user=users["mentor"],
                                             form__code="teacher_student", status="active")
    assert mentor_pairs.count() >= 2
    assert mentor_pairs.filter(members__mentee__person__user=users["mentee"]).exists()


@pytest.mark.django_db
def test_running_the_demo_again_changes_no_counts(full_demo: Loaded) -> None:
    assert not full_demo.again.created
    assert full_demo.counts_after_again == full_demo.counts_after_first
