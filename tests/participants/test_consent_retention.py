"""The daily task: people whose consent was revoked CONSENT_REVOKED_ERASE_DAYS ago and those
who left more than RETENTION_YEARS ago are anonymised, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mentorship.celery import app
from mentorship.models import AuditEntry
from participants.consent_services import people_anonymise_due
from participants.models import Person
from participants.tasks import people_anonymise_due_task

from ..factories import ConsentFactory, PersonFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


def _anonymised(*people: Person) -> list[bool]:
    return [Person.objects.get(pk=p.pk).anonymised_at is not None for p in people]


def test_revoked_consents_are_anonymised_after_the_legal_period(settings: Any) -> None:
    settings.CONSENT_REVOKED_ERASE_DAYS = 30
    due = PersonFactory()
    ConsentFactory(person=due, signed_on=dt.date(2025, 9, 1), revoked_on=TODAY
                   - dt.timedelta(days=30))
    recent = PersonFactory()
    ConsentFactory(person=recent, signed_on=dt.date(2025, 9, 1), revoked_on=TODAY
                   - dt.timedelta(days=29))
    came_back = PersonFactory()
    ConsentFactory(person=came_back, signed_on=dt.date(2025, 9, 1),
                   revoked_on=dt.date(2025, 10, 1))
    ConsentFactory(person=came_back, signed_on=dt.date(2025, 11, 1))
    never = PersonFactory()  # no consent yet: not a revocation

    result = people_anonymise_due(today=TODAY)

    assert (result.revoked, result.retention) == (1, 0)
    assert _anonymised(due, recent, came_back, never) == [True, False, False, False]


def test_retention_anonymises_people_who_left_long_ago_once(settings: Any) -> None:
    settings.RETENTION_YEARS = 5
    old = PersonFactory(left_on=dt.date(2021, 5, 31), category="teacher")
    boundary = PersonFactory(left_on=dt.date(2021, 6, 1))
    staying = PersonFactory(left_on=None)

    first = people_anonymise_due(today=TODAY)
    assert (first.revoked, first.retention) == (0, 1)
    assert _anonymised(old, boundary, staying) == [True, False, False]
    old.refresh_from_db()
    assert old.category == "teacher" and old.left_on == dt.date(2021, 5, 31)

    again = people_anonymise_due(today=TODAY)
    assert (again.revoked, again.retention) == (0, 0)
    assert AuditEntry.objects.filter(verb="person.anonymised").count() == 1


def test_the_task_is_scheduled_daily_and_runs_across_organisations(settings: Any) -> None:
    schedule = app.conf.beat_schedule["people-anonymise-due"]
    assert schedule["task"] == "participants.tasks.people_anonymise_due_task"
    today = timezone.localdate()
    settings.RETENTION_YEARS = 1
    people = [PersonFactory(left_on=today - dt.timedelta(days=800)) for _ in range(3)]
    assert people_anonymise_due_task.delay().get() == {"revoked": 0, "retention": 3}
    assert people_anonymise_due_task.delay().get() == {"revoked": 0, "retention": 0}
    assert all(_anonymised(*people))
