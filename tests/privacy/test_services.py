"""Subject requests: the access archive holds the person's rows and files and nothing of
another person; erasure anonymises, closes the request and keeps the act of destruction;
incidents are saved with their audit record."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from typing import Any

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader

from mentorship.models import AuditEntry
from monitoring.models import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from participants.models import Consent, Person, ProgrammeRole
from privacy.models import SubjectArchive, SubjectRequest
from privacy.services import (
    CONFIRMATION_MISMATCH,
    REQUEST_CLOSED,
    incident_save,
    subject_archive_request,
    subject_erase,
    subject_request_close,
    subject_request_create,
)
from tests.conftest import World
from tests.factories import ConsentFactory, MeetingFactory, PlanItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _request(world: World, kind: str, key: str = "mentee") -> SubjectRequest:
    return subject_request_create(person=world.people[key], kind=kind,
                                  received_on=dt.date(2026, 3, 2), received_from="лично",
                                  acting_user=world.users["admin"])


def _survey_answer(world: World, role: ProgrammeRole, text: str) -> SurveyAnswer:
    template, _ = SurveyTemplate.objects.get_or_create(organisation=world.org, title="Анкета",
                                                       audience="mentee")
    question, _ = SurveyQuestion.objects.get_or_create(template=template, position=1,
                                                       defaults={"text": "Что понравилось?",
                                                                 "type": "text"})
    campaign, _ = SurveyCampaign.objects.get_or_create(
        programme=world.programme, template=template, year=2024, audience="mentee",
        kind="exit", defaults={"deadline": dt.date(2030, 1, 1)})
    invitation = SurveyInvitation.objects.create(campaign=campaign, respondent=role)
    response = SurveyResponse.objects.create(invitation=invitation)
    return SurveyAnswer.objects.create(response=response, question=question, text_value=text)


def test_request_deadline_is_ten_working_days(world: World) -> None:
    request = _request(world, "access")
    assert request.deadline == dt.date(2026, 3, 17)
    assert request.subject_label == f"Субъект №{world.people['mentee'].pk}"
    assert AuditEntry.objects.filter(verb="subject_request.created",
                                     organisation_id=world.org.pk).exists()


def test_archive_holds_the_persons_rows_and_files_and_nobody_elses(
        world: World, django_capture_on_commit_callbacks: Any) -> None:
    mentee = world.people["mentee"]
    other = world.people["other_mentee"]
    consent = ConsentFactory(person=mentee)
    consent.document.save("scan.pdf", ContentFile(b"%PDF-1.4 mentee scan"), save=True)
    other_consent = ConsentFactory(person=other, number="OTHER-1")
    other_consent.document.save("other.pdf", ContentFile(b"%PDF-1.4 other"), save=True)
    PlanItemFactory(mentorship=world.pair, title="План наставляемого")
    MeetingFactory(mentorship=world.pair, topic="Встреча пары")
    MeetingFactory(mentorship=world.other_pair, topic="Чужая встреча")
    mentee_role = ProgrammeRole.objects.get(person=mentee)
    other_role = ProgrammeRole.objects.get(person=other)
    _survey_answer(world, mentee_role, "Ответ наставляемого")
    _survey_answer(world, other_role, "Чужой ответ")
    with set_actor(world.users["curator"]):
        mentee.phone = "+7 911 111-11-11"
        mentee.save()
        other.phone = "+7 922 222-22-22"
        other.save()

    request = _request(world, "access")
    with django_capture_on_commit_callbacks(execute=True):
        archive = subject_archive_request(request=request, acting_user=world.users["admin"])
    archive.refresh_from_db()  # built eagerly after commit
    assert archive.status == SubjectArchive.Status.DONE, archive.error
    assert archive.progress == 100

    with zipfile.ZipFile(archive.file.open("rb")) as zf:
        names = zf.namelist()
        data = json.loads(zf.read("data.json"))
        blob = zf.read("data.json").decode()
        files = {n: zf.read(n) for n in names if n.startswith("files/")}
        workbook = zf.read("data.xlsx")
    rows = data["rows"]
    assert data["subject"] == mentee.pk
    assert rows["participants.person"][0]["fields"]["last_name"] == mentee.last_name
    assert [r["pk"] for r in rows["participants.programmerole"]] == [mentee_role.pk]
    assert [r["pk"] for r in rows["participants.consent"]] == [consent.pk]
    assert [r["fields"]["title"] for r in rows["pairing.planitem"]] == ["План наставляемого"]
    assert [r["fields"]["topic"] for r in rows["pairing.meeting"]] == ["Встреча пары"]
    assert [r["fields"]["text_value"] for r in rows["monitoring.surveyanswer"]] == [
        "Ответ наставляемого"]
    assert [r["pk"] for r in rows["pairing.mentorshiprequest"]] == [world.request_.pk]
    assert [r["pk"] for r in rows["privacy.subjectrequest"]] == [request.pk]
    assert any(e["fields"]["changes"].get("phone") == ["", "+7 911 111-11-11"]
               for e in rows["auditlog.logentry"])
    assert any(e["fields"]["verb"] == "subject_request.created"
               for e in rows["mentorship.auditentry"])
    assert list(files.values()) == [b"%PDF-1.4 mentee scan"]
    # Nothing of the other person.
    for marker in ("OTHER-1", "Чужая встреча", "Чужой ответ", "+7 922 222-22-22",
                   other.last_name + " " + other.first_name):
        assert marker not in blob
    assert workbook.startswith(b"PK")


def test_archive_is_only_for_access_requests_and_not_twice_at_once(world: World) -> None:
    with pytest.raises(ValidationError):
        subject_archive_request(request=_request(world, "erasure"),
                                acting_user=world.users["admin"])
    request = _request(world, "access")
    SubjectArchive.objects.create(request=request)  # queued, not built
    with pytest.raises(ValidationError):
        subject_archive_request(request=request, acting_user=world.users["admin"])


def test_erasure_anonymises_closes_and_keeps_the_act(world: World) -> None:
    mentee = world.people["mentee"]
    full_name, last_name = mentee.full_name, mentee.last_name
    with set_actor(world.users["curator"]):
        mentee.phone = "+7 933 333-33-33"
        mentee.save()
    request = _request(world, "erasure")

    with pytest.raises(ValidationError) as wrong:
        subject_erase(request=request, confirmation="Иной", acting_user=world.users["admin"])
    assert str(CONFIRMATION_MISMATCH) in str(wrong.value)
    mentee.refresh_from_db()
    assert mentee.anonymised_at is None

    subject_erase(request=request, confirmation=last_name.lower(),
                  acting_user=world.users["admin"])
    request.refresh_from_db()
    mentee.refresh_from_db()
    assert mentee.anonymised_at is not None
    assert mentee.last_name != last_name
    assert request.status == SubjectRequest.Status.DONE
    assert request.done_on == timezone.localdate()
    assert request.handled_by == world.users["admin"]
    text = "".join(page.extract_text() for page in PdfReader(request.act.open("rb")).pages)
    assert "Акт" in text or "АКТ" in text
    assert f"Субъект №{mentee.pk}" in text
    assert "179" in text
    assert "Выгрузка из журнала" in text and "person.anonymised" in text
    assert last_name not in text
    for entry in LogEntry.objects.all():
        logged = f"{entry.object_repr} {entry.changes} {entry.changes_text}"
        assert full_name not in logged and "+7 933 333-33-33" not in logged
    with pytest.raises(ValidationError) as again:
        subject_erase(request=request, confirmation=last_name,
                      acting_user=world.users["admin"])
    assert str(REQUEST_CLOSED) in str(again.value)


def test_any_anonymisation_blanks_the_change_log(world: World) -> None:
    """Revocation and retention anonymise through participants.anonymise directly; the
    change log loses the name all the same."""
    from participants.anonymise import person_anonymise

    person = world.people["other_mentee"]
    full_name = person.full_name
    with set_actor(world.users["curator"]):
        person.phone = "+7 944 444-44-44"
        person.save()
    person_anonymise(person=person, acting_user=None, reason="retention")
    for entry in LogEntry.objects.all():
        logged = f"{entry.object_repr} {entry.changes} {entry.changes_text}"
        assert full_name not in logged and "+7 944 444-44-44" not in logged


def test_erasure_keeps_past_counts(world: World) -> None:
    request = _request(world, "erasure")
    people = Person.objects.filter(organisation=world.org).count()
    roles = ProgrammeRole.objects.filter(programme=world.programme).count()
    subject_erase(request=request, confirmation=world.people["mentee"].last_name,
                  acting_user=world.users["admin"])
    assert Person.objects.filter(organisation=world.org).count() == people
    assert ProgrammeRole.objects.filter(programme=world.programme).count() == roles


def test_closing_a_request(world: World) -> None:
    request = _request(world, "rectification")
    subject_request_close(request=request, status="done", note="Исправлено",
                          acting_user=world.users["admin"])
    request.refresh_from_db()
    assert request.status == "done" and request.done_on is not None
    with pytest.raises(ValidationError):
        subject_request_close(request=request, status="refused",
                              acting_user=world.users["admin"])


def test_incident_save_validates_and_is_audited(world: World) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError):
        incident_save(incident=None, organisation_id=world.org.pk,
                      data={"detected_at": now + dt.timedelta(hours=1), "description": "x",
                            "data_categories": "ФИО"}, acting_user=world.users["director"])
    incident = incident_save(incident=None, organisation_id=world.org.pk,
                             data={"detected_at": now - dt.timedelta(hours=3),
                                   "description": "Письмо ушло не тому адресату",
                                   "data_categories": "ФИО, телефон"},
                             acting_user=world.users["director"])
    assert incident.notify_deadline == incident.detected_at + dt.timedelta(hours=24)
    with pytest.raises(ValidationError):
        incident_save(incident=incident, organisation_id=world.org.pk,
                      data={"notified_at": now - dt.timedelta(hours=5)},
                      acting_user=world.users["director"])
    incident.refresh_from_db()
    incident_save(incident=incident, organisation_id=world.org.pk,
                  data={"notified_at": now}, acting_user=world.users["director"])
    assert AuditEntry.objects.filter(verb="incident.updated", target_id=str(incident.pk),
                                     organisation_id=world.org.pk).exists()
    assert Consent.objects.count() == 0
