"""Privacy pages: the permission matrix of every view, the audit page's filters and
organisation isolation, query counts of the lists, the erasure and archive journeys and the
home-page warning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from auditlog.context import set_actor
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentorship.models import AuditEntry
from mentorship.services import audit_record
from participants.models import Person
from privacy.models import Incident, SubjectRequest
from tests.conftest import ROLES, World

from . import objects

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


UrlFor = Callable[[World], str]
LIST = (302, 200, 200, 403, 403, 403, 403, 403, 403)
ADMIN_ONLY_PAGE = (302, 200, 403, 403, 403, 403, 403, 403, 403)
READ_OBJECT = (302, 200, 200, 404, 404, 404, 404, 404, 404)
ADMIN_OBJECT = (302, 200, 403, 404, 404, 404, 404, 404, 404)

#                anonymous admin dir cur mentor mentee o_mentee o_cur coord
MATRIX: dict[str, tuple[UrlFor, tuple[int, ...]]] = {
    "audit": (lambda w: reverse("privacy:audit"), LIST),
    "audit-events": (lambda w: reverse("privacy:audit") + "?log=events", LIST),
    "request_list": (lambda w: reverse("privacy:request_list"), LIST),
    "request_create": (lambda w: reverse("privacy:request_create"), ADMIN_ONLY_PAGE),
    "request_detail": (lambda w: reverse("privacy:request_detail",
                                         args=[objects.subject_request(w).pk]), READ_OBJECT),
    "request_erase": (lambda w: reverse("privacy:request_erase", args=[
        objects.subject_request(w, kind="erasure").pk]), ADMIN_OBJECT),
    "act_download": (lambda w: reverse("privacy:act_download",
                                       args=[objects.request_with_act(w).pk]), READ_OBJECT),
    "archive_status": (lambda w: reverse("privacy:archive_status",
                                         args=[objects.done_archive(w).pk]), ADMIN_OBJECT),
    "archive_download": (lambda w: reverse("privacy:archive_download",
                                           args=[objects.done_archive(w).pk]), ADMIN_OBJECT),
    "incident_list": (lambda w: reverse("privacy:incident_list"), LIST),
    "incident_create": (lambda w: reverse("privacy:incident_create"), LIST),
    "incident_edit": (lambda w: reverse("privacy:incident_edit",
                                        args=[objects.incident(w).pk]), READ_OBJECT),
}
CASES = [pytest.param(view, role, expected, id=f"{view}-{role}")
         for view, (_, statuses) in MATRIX.items()
         for role, expected in zip(ROLES, statuses, strict=True)]


@pytest.mark.parametrize(("view", "role", "expected"), CASES)
def test_permission_matrix(world: World, view: str, role: str, expected: int) -> None:
    url = MATRIX[view][0](world)
    response = world.client_for(role).get(url)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "expected"), [
    ("request_close", (302, 302, 403, 404, 404, 404, 404, 404, 404)),
    ("archive_start", (302, 302, 403, 404, 404, 404, 404, 404, 404)),
])
def test_post_only_views(world: World, name: str, expected: tuple[int, ...]) -> None:
    for role, status in zip(ROLES, expected, strict=True):
        request = objects.subject_request(world)
        url = reverse(f"privacy:{name}", args=[request.pk])
        response = world.client_for(role).post(url, {"status": "refused"})
        assert response.status_code == status, role
        if role == "admin":
            assert response["Location"] == reverse("privacy:request_detail",
                                                   args=[request.pk])
        assert world.client_for(role).get(url).status_code in (302, 405, 404, 403)


# --------------------------------------------------------------------------- audit page


def _changes(world: World) -> None:
    with set_actor(world.users["curator"]):
        for key in ("mentee", "other_mentee", "mentor"):
            person = world.people[key]
            person.phone = f"+7 900 {person.pk:03d}"
            person.save()
    with set_actor(world.users["other_curator"]):
        person = world.people["other_curator"]
        person.phone = "+7 999 999-99-99"
        person.save()


def test_director_sees_only_own_organisations_entries(world: World) -> None:
    _changes(world)
    audit_record(actor=world.users["other_curator"], verb="export.downloaded",
                 organisation_id=world.other_org.pk, changes={"path": [None, "/x/"]})
    audit_record(actor=world.users["curator"], verb="export.downloaded",
                 organisation_id=world.org.pk, changes={"path": [None, "/own/"]})
    client = world.client_for("director")
    page = client.get(reverse("privacy:audit")).content.decode()
    assert "+7 900" in page
    assert "+7 999 999-99-99" not in page
    events = client.get(reverse("privacy:audit") + "?log=events").content.decode()
    assert "/own/" in events and "/x/" not in events
    assert "скачивание файла" in events  # the event's Russian name, not its code
    admin_page = world.client_for("admin").get(reverse("privacy:audit")).content.decode()
    assert "+7 999 999-99-99" in admin_page


def test_audit_filters(world: World) -> None:
    _changes(world)
    pair = world.pair
    with set_actor(world.users["admin"]):
        pair.mentor_reflection = "Пара работает слаженно"
        pair.save()
    client = world.client_for("admin")
    url = reverse("privacy:audit")

    def rows(**params: str) -> list[Any]:
        response = client.get(url, params)
        return [entry for entry, _lines, _kind in response.context["rows"]]

    from django.contrib.contenttypes.models import ContentType
    mentorship_type = ContentType.objects.get_for_model(pair)
    assert {e.object_pk for e in rows(kind=str(mentorship_type.pk), action="1")} == {
        str(pair.pk)}
    assert all(e.actor == world.users["admin"] for e in rows(who="admin"))
    by_curators = rows(who="curator")
    assert world.users["curator"] in {e.actor for e in by_curators}
    assert all("curator" in e.actor.username for e in by_curators)
    mentee = world.people["mentee"]
    assert {e.object_pk for e in rows(target=str(mentee.pk), action="1")} == {str(mentee.pk)}
    assert rows(target=mentee.last_name)
    assert rows(action="2") == []
    today = timezone.localdate()
    assert rows(date_from=str(today + dt.timedelta(days=1))) == []
    assert len(rows(date_from=str(today), date_to=str(today))) == len(rows())
    page = client.get(url, {"kind": str(mentorship_type.pk)}).content.decode()
    assert "Пара работает слаженно" in page
    assert "Рефлексия наставника" in page or "рефлексия наставника" in page.lower()

    audit_record(actor=None, verb="auth.login_failed", organisation_id=world.org.pk,
                 changes={"username": [None, "mentee"]})
    events = client.get(url, {"log": "events", "action": "auth.login_failed"})
    assert [e.verb for e, _l, _k in events.context["rows"]] == ["auth.login_failed"]
    other = client.get(url, {"log": "events", "action": "other"})
    assert all(e.verb != "auth.login_failed" for e, _l, _k in other.context["rows"])


def _count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_audit_page_queries_do_not_grow_with_rows(world: World) -> None:
    client = world.client_for("director")
    _changes(world)
    url = reverse("privacy:audit")
    few = _count_queries(client, url)
    few_events = _count_queries(client, url + "?log=events")
    _changes(world)
    for _ in range(3):
        audit_record(actor=world.users["curator"], verb="export.downloaded",
                     organisation_id=world.org.pk)
    assert _count_queries(client, url) == few
    assert _count_queries(client, url + "?log=events") == few_events


# --------------------------------------------------------------------------- requests


def test_request_list_queries_and_overdue_badge(world: World) -> None:
    client = world.client_for("admin")
    url = reverse("privacy:request_list")
    for key in ("mentee", "other_mentee", "mentor"):
        objects.subject_request(world, person_key=key)
    few = _count_queries(client, url)
    SubjectRequest.objects.create(
        organisation=world.other_org, person=world.people["other_curator"],
        subject_label="Субъект №0", kind="access", received_on=dt.date(2026, 1, 12),
        received_from="почтой", deadline=dt.date(2026, 1, 26))
    objects.subject_request(world, kind="erasure")
    assert _count_queries(client, url) == few
    page = client.get(url + "?status=overdue").content.decode()
    assert "просрочен" in page.lower()
    director = world.client_for("director").get(url)
    assert all(r.organisation_id == world.org.pk for r in director.context["page_obj"])


def test_admin_registers_a_request(world: World) -> None:
    client = world.client_for("admin")
    person = world.people["mentee"]
    response = client.post(reverse("privacy:request_create"), {
        "person_number": person.pk, "kind": "access", "received_on": "2026-03-02",
        "received_from": "лично, заявление", "note": ""})
    request = SubjectRequest.objects.get(person=person)
    assert response["Location"] == reverse("privacy:request_detail", args=[request.pk])
    assert request.deadline == dt.date(2026, 3, 17)
    bad = client.post(reverse("privacy:request_create"), {
        "person_number": 999999, "kind": "access", "received_on": "2026-03-02",
        "received_from": "лично"})
    assert bad.status_code == 200
    assert SubjectRequest.objects.count() == 1


def test_archive_journey_and_download_is_recorded(world: World,
                                                  django_capture_on_commit_callbacks: Any
                                                  ) -> None:
    client = world.client_for("admin")
    request = objects.subject_request(world)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:archive_start", args=[request.pk]))
    archive = request.archives.get()
    row = client.get(reverse("privacy:archive_status", args=[archive.pk])).content.decode()
    assert "archive-download" in row
    response = client.get(reverse("privacy:archive_download", args=[archive.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert AuditEntry.objects.filter(verb="export.downloaded",
                                     actor=world.users["admin"]).exists()


def test_erasure_journey(world: World) -> None:
    client = world.client_for("admin")
    request = objects.subject_request(world, kind="erasure")
    person = world.people["mentee"]
    url = reverse("privacy:request_erase", args=[request.pk])
    page = client.get(url).content.decode()
    assert person.full_name in page
    wrong = client.post(url, {"confirmation": "неверно"})
    assert wrong.status_code == 200
    assert "фамилию" in wrong.content.decode().lower()
    response = client.post(url, {"confirmation": person.last_name})
    assert response["Location"] == reverse("privacy:request_detail", args=[request.pk])
    request.refresh_from_db()
    assert request.status == "done" and request.act
    assert Person.objects.get(pk=person.pk).anonymised_at is not None
    detail = client.get(reverse("privacy:request_detail", args=[request.pk])).content
    assert person.last_name not in detail.decode()
    act = client.get(reverse("privacy:act_download", args=[request.pk]))
    assert act.status_code == 200


# --------------------------------------------------------------------------- incidents


def test_incident_list_queries(world: World) -> None:
    client = world.client_for("director")
    url = reverse("privacy:incident_list")
    for hours in (1, 30, 80):
        Incident.objects.create(organisation=world.org,
                                detected_at=timezone.now() - dt.timedelta(hours=hours),
                                description=f"Инцидент {hours}", data_categories="ФИО")
    few = _count_queries(client, url)
    for hours in (2, 3, 4):
        Incident.objects.create(organisation=world.org,
                                detected_at=timezone.now() - dt.timedelta(hours=hours),
                                description=f"Инцидент {hours}", data_categories="ФИО")
    Incident.objects.create(organisation=world.other_org, detected_at=timezone.now(),
                            description="Чужой инцидент", data_categories="ФИО")
    assert _count_queries(client, url) == few
    page = client.get(url).content.decode()
    assert "Чужой инцидент" not in page
    assert "просрочен" in page.lower()


def test_director_records_an_incident(world: World) -> None:
    client = world.client_for("director")
    detected = timezone.localtime() - dt.timedelta(hours=1)
    response = client.post(reverse("privacy:incident_create"), {
        "detected_at": detected.strftime("%Y-%m-%dT%H:%M"),
        "description": "Список группы отправлен не тому адресату",
        "data_categories": "ФИО, группа", "subjects_count": "25"})
    incident = Incident.objects.get()
    assert response["Location"] == reverse("privacy:incident_edit", args=[incident.pk])
    assert incident.organisation == world.org
    future = client.post(reverse("privacy:incident_create"), {
        "detected_at": (detected + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "description": "x", "data_categories": "ФИО"})
    assert future.status_code == 200
    assert Incident.objects.count() == 1


def test_home_warns_of_near_and_missed_deadlines(world: World) -> None:
    Incident.objects.create(organisation=world.org,
                            detected_at=timezone.now() - dt.timedelta(hours=20),
                            description="Утечка", data_categories="ФИО")
    director = world.client_for("director").get(reverse("home")).content.decode()
    assert 'id="privacy-warnings"' in director
    admin = world.client_for("admin").get(reverse("home")).content.decode()
    assert 'id="privacy-warnings"' in admin
    other = world.client_for("curator").get(reverse("home")).content.decode()
    assert 'id="privacy-warnings"' not in other


def test_menu_offers_the_registers_to_admin_and_director(world: World) -> None:
    for role, offered in (("admin", True), ("director", True), ("curator", False),
                          ("mentee", False)):
        nav = world.client_for(role).get(reverse("home")).context["nav_items"]
        urls = {c["url"] for item in nav for c in item.get("children", [item])}
        assert (reverse("privacy:audit") in urls) is offered, role
