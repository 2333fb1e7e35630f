"""The audit trail: every kind of change is recorded by django-auditlog with its actor,
before/after values and organisation; logins, failed logins and downloads are recorded as
events; an erased person's name leaves the log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from mentorship.models import AuditEntry
from monitoring.models import Indicator, IndicatorFact
from pairing.models import Mentorship
from participants.models import Consent, Person, ProgrammeRole
from privacy.services import audit_redact_person
from tests.conftest import World
from tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db


def _entries(obj: object) -> list[LogEntry]:
    return list(LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk))
        .order_by("timestamp", "id"))


def test_every_kind_of_change_is_recorded_with_actor_and_before_after(world: World) -> None:
    admin = world.users["admin"]
    person = world.people["mentee"]
    old_name = person.last_name
    with set_actor(admin):
        person.last_name = "Новикова"
        person.save()
        consent = ConsentFactory(person=person)
        consent.number = "17"
        consent.save()
        role = ProgrammeRole.objects.get(person=world.people["mentor"], role="mentor")
        role.capacity = 5
        role.save()
        pair = world.pair
        pair.status = Mentorship.Status.COMPLETED
        pair.ended_on = dt.date(2025, 5, 30)
        pair.save()
        indicator = Indicator.objects.create(programme=world.programme, group="result",
                                             number=1, name="Доля", unit="%",
                                             baseline_year=2024)
        fact = IndicatorFact.objects.create(indicator=indicator, year=2024, value=Decimal(40))
        fact.value = Decimal(55)
        fact.save()
        programme = world.programme
        old_title = programme.title
        programme.title = "Новое название"
        programme.save()
        consent_pk = consent.pk
        consent.delete()

    person_update = _entries(person)[-1]
    assert person_update.action == LogEntry.Action.UPDATE
    assert person_update.actor == admin
    assert person_update.changes["last_name"] == [old_name, "Новикова"]
    assert person_update.additional_data == {"organisation_id": world.org.pk,
                                             "person_id": person.pk}

    consent_log = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Consent), object_pk=str(consent_pk)
    ).order_by("timestamp", "id")
    assert [e.action for e in consent_log] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE,
                                               LogEntry.Action.DELETE]
    assert consent_log[1].changes["number"] == ["", "17"]
    assert all(e.actor == admin for e in consent_log)

    assert _entries(role)[-1].changes["capacity"] == [3, 5]
    assert _entries(pair)[-1].changes["status"] == ["active", "completed"]
    assert _entries(pair)[-1].additional_data["organisation_id"] == world.org.pk
    fact_entries = _entries(fact)
    assert fact_entries[0].action == LogEntry.Action.CREATE
    assert [Decimal(v) for v in fact_entries[-1].changes["value"]] == [40, 55]
    assert fact_entries[-1].additional_data["organisation_id"] == world.org.pk
    assert _entries(programme)[-1].changes["title"] == [old_title, "Новое название"]
    assert _entries(programme)[-1].actor == admin


def test_the_actor_comes_from_the_request(world: World) -> None:
    curator = world.users["curator"]
    person = world.people["other_mentee"]

    def view(request: object) -> HttpResponse:
        Person.objects.filter(pk=person.pk).first()
        person.phone = "+7 900 000-00-00"
        person.save()
        return HttpResponse()

    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.7")
    request.user = curator
    AuditlogMiddleware(view)(request)
    entry = _entries(person)[-1]
    assert entry.actor == curator
    assert entry.remote_addr == "10.0.0.7"
    assert entry.changes["phone"] == ["", "+7 900 000-00-00"]


def test_logins_and_failed_logins_are_recorded(world: World) -> None:
    user = world.users["curator"]
    user.set_password("верный-пароль-2026")
    user.save()
    client = Client(HTTP_HOST="127.0.0.1")
    client.post(reverse("login"), {"username": "curator", "password": "неверный"})
    failed = AuditEntry.objects.get(verb="auth.login_failed")
    assert failed.actor is None
    assert failed.changes == {"username": [None, "curator"]}
    assert failed.organisation_id == world.org.pk
    response = client.post(reverse("login"), {"username": "curator",
                                              "password": "верный-пароль-2026"})
    assert response.status_code == 302
    ok = AuditEntry.objects.get(verb="auth.login")
    assert ok.actor == user
    assert ok.organisation_id == world.org.pk


def test_downloads_are_recorded(world: World) -> None:
    client = world.client_for("director")
    url = reverse("participants:export", kwargs={"programme_pk": world.programme.pk,
                                                 "fmt": "csv"})
    assert client.get(url).status_code == 200
    entry = AuditEntry.objects.get(verb="export.downloaded")
    assert entry.actor == world.users["director"]
    assert entry.organisation_id == world.org.pk
    assert entry.changes["path"] == [None, url]
    assert entry.changes["file"][1].endswith(".csv")


def test_redaction_removes_the_name_from_the_log(world: World) -> None:
    person = world.people["other_mentee"]
    full_name = person.full_name
    with set_actor(world.users["admin"]):
        person.email = "new@example.ru"
        person.last_name = "Прежняя"
        person.save()
    ProgrammeRole.objects.get(person=person).save()
    audit_redact_person(person_id=person.pk, names=[full_name, "Прежняя"])
    for entry in LogEntry.objects.all():
        text = f"{entry.object_repr} {entry.changes} {entry.changes_text}"
        assert "Прежняя" not in text
        assert full_name not in text
    update = _entries(person)[-1]
    assert update.changes["email"] == ["***", "***"]
    assert update.object_repr == f"Субъект №{person.pk}"


def test_dates_do_not_shift(world: World) -> None:
    """A date field's change is kept as the date itself (no timezone shift)."""
    person = world.people["mentee"]
    person.birth_date = dt.date(2006, 1, 1)
    person.save()
    assert _entries(person)[-1].changes["birth_date"] == ["2005-03-14", "2006-01-01"]


@pytest.mark.django_db
def test_event_changes_are_shown_with_russian_names(world: World) -> None:
    from mentorship.services import audit_record
    from privacy.selectors import event_lines

    audit_record(actor=world.users["mentor"], verb="meeting.updated", target=world.pair,
                 organisation_id=world.org.pk,
                 changes={"status": ["active", "completed"], "attendees": ["А", "Б"],
                          "filters": [None, {"status": "valid"}], "custom_key": [None, 3]})
    entry = AuditEntry.objects.get(verb="meeting.updated")
    with translation.override("ru"):
        lines = {line.field: (line.before, line.after) for line in event_lines(entry)}
    assert lines["статус"] == ("active", "completed")  # the pair's field
    assert lines["присутствовали"] == ("А", "Б")
    assert lines["фильтры"] == ("", "status: valid")
    assert lines["custom_key"] == ("", "3")  # unknown: as recorded
    page = world.client_for("admin").get(reverse("privacy:audit") + "?log=events")
    assert "присутствовали" in page.content.decode()
