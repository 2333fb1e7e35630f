"""Writes of the privacy app: audit records of logins and downloads, the redaction of an
erased person's traces in the audit trail, subject requests (with the access archive and
erasure), and the incident register."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from functools import partial
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from mentorship.access import access_for
from mentorship.models import AuditEntry, User
from mentorship.pdf import render_pdf
from mentorship.services import audit_record
from participants.anonymise import person_anonymise
from participants.models import Person, ProgrammeRole

from .deadlines import add_working_days
from .models import Incident, SubjectArchive, SubjectRequest

logger = logging.getLogger(__name__)

SUBJECT_LABEL = "Субъект №{id}"
REDACTED = "***"
# Fields of a person that identify them; their values are blanked in the audit trail when
# the person is erased (the field names and dates of change stay).
PERSON_FIELDS = ("last_name", "first_name", "middle_name", "birth_date", "email", "phone",
                 "position", "study_group", "user", "representative_name", "document", "note")

REQUEST_CLOSED = _("This request is already closed.")
REQUEST_NOT_ERASURE = _("Only a request for erasure leads to erasure.")
REQUEST_NO_PERSON = _("The request names no person (already erased?).")
CONFIRMATION_MISMATCH = _("Type the person's last name exactly as shown to confirm.")
ARCHIVE_NOT_ACCESS = _("An archive is produced for a request for access.")
ARCHIVE_RUNNING = _("An archive for this request is already being built.")
ARCHIVE_FAILED = _("The archive could not be built: %(reason)s")
INCIDENT_IN_FUTURE = _("The time of detection cannot be in the future.")
PERSON_ANONYMISED = _("This person's data has already been erased.")

ARCHIVE_STALE_AFTER = dt.timedelta(minutes=30)


# --------------------------------------------------------------------------- audit


def _organisation_of(user: User) -> int | None:
    return access_for(user).organisation_id


def download_record(*, user: User, path: str, disposition: str,
                    ip_address: str | None = None) -> AuditEntry:
    """One audit entry per file a user downloads (called by DownloadAuditMiddleware)."""
    name = disposition.split("filename", 1)[-1].lstrip("*=\"'").rstrip("\"'")[:200]
    return audit_record(actor=user, verb="export.downloaded",
                        organisation_id=_organisation_of(user),
                        changes={"path": [None, path[:300]], "file": [None, name]},
                        ip_address=ip_address)


def login_record(*, user: User | None, username: str, success: bool,
                 ip_address: str | None = None) -> AuditEntry:
    """An audit entry for a login or a failed attempt. A failure against a known username
    is filed under that user's organisation, so their director sees it."""
    if user is None and username:
        user = User.objects.filter(username=username).first()
    organisation_id = _organisation_of(user) if user is not None else None
    return audit_record(
        actor=user if success else None,
        verb="auth.login" if success else "auth.login_failed",
        target=user, organisation_id=organisation_id,
        changes={"username": [None, username[:150]]}, ip_address=ip_address)


def _scrub(value: Any, names: list[str], placeholder: str) -> Any:
    if isinstance(value, str):
        for name in names:
            if name and name in value:
                value = value.replace(name, placeholder)
        return value
    if isinstance(value, list):
        return [_scrub(v, names, placeholder) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, names, placeholder) for k, v in value.items()}
    return value


def audit_redact_person(*, person_id: int, names: list[str]) -> int:
    """See `_audit_redact_person`; runs outside the organisation scope (it is called from
    requests, tasks and commands alike, and touches only this person's rows)."""
    with scopes_disabled():
        return _audit_redact_person(person_id=person_id, names=names)


def _audit_redact_person(*, person_id: int, names: list[str]) -> int:
    """Remove an erased person's identifying values from the change log (django-auditlog):
    entries about the person, their roles and consents lose the values of identifying
    fields and their stored snapshot; any entry whose text shows one of `names` (the
    person's former full and short names) has it replaced by «Субъект №id». Returns the
    number of entries changed. Idempotent."""
    placeholder = SUBJECT_LABEL.format(id=person_id)
    names = sorted({n for n in names if n and len(n) > 3}, key=len, reverse=True)
    person_type_id = ContentType.objects.get_for_model(Person).pk
    own = Q(additional_data__person_id=person_id) | Q(
        content_type_id=person_type_id, object_pk=str(person_id))
    text = Q()
    for name in names:
        text |= Q(object_repr__contains=name) | Q(changes_text__contains=name)
    changed = 0
    for entry in LogEntry.objects.filter(own | text if names else own).iterator():
        is_own = (entry.additional_data or {}).get("person_id") == person_id or (
            entry.object_pk == str(person_id) and entry.content_type_id == person_type_id)
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        if is_own:
            changes = {field: ([REDACTED, REDACTED] if field in PERSON_FIELDS else value)
                       for field, value in changes.items()}
            entry.serialized_data = None
        entry.changes = _scrub(changes, names, placeholder)
        entry.changes_text = _scrub(entry.changes_text, names, placeholder)
        entry.object_repr = placeholder if is_own else _scrub(entry.object_repr, names,
                                                               placeholder)
        entry.save(update_fields=["changes", "changes_text", "object_repr",
                                  "serialized_data"])
        changed += 1
    role_ids = [str(pk) for pk in ProgrammeRole.objects.filter(person_id=person_id)
                .values_list("pk", flat=True)]
    entries = Q(target_type="participants.programmerole", target_id__in=role_ids)
    for name in names:
        entries |= Q(target_repr__contains=name)
    for entry in AuditEntry.objects.filter(entries):
        own_role = entry.target_type == "participants.programmerole"
        entry.target_repr = placeholder if own_role else _scrub(entry.target_repr, names,
                                                                 placeholder)
        entry.save(update_fields=["target_repr"])
        changed += 1
    return changed


# --------------------------------------------------------------------------- requests


def subject_label_for(person: Person) -> str:
    return SUBJECT_LABEL.format(id=person.pk)


@transaction.atomic
def subject_request_create(*, person: Person, kind: str, received_on: dt.date,
                           received_from: str, note: str = "",
                           acting_user: User) -> SubjectRequest:
    """Register a data subject's request; its answer is due in
    settings.PRIVACY_REQUEST_WORKING_DAYS working days after receipt. Raises
    ValidationError for an erased person or invalid fields."""
    if person.anonymised_at is not None:
        raise ValidationError(PERSON_ANONYMISED)
    request = SubjectRequest(
        organisation_id=person.organisation_id, person=person,
        subject_label=subject_label_for(person), kind=kind, received_on=received_on,
        received_from=received_from, note=note, created_by=acting_user,
        deadline=add_working_days(received_on, settings.PRIVACY_REQUEST_WORKING_DAYS))
    request.full_clean()
    request.save()
    audit_record(actor=acting_user, verb="subject_request.created", target=request,
                 organisation_id=request.organisation_id,
                 changes={"kind": [None, kind], "deadline": [None, str(request.deadline)]})
    return request


@transaction.atomic
def subject_request_close(*, request: SubjectRequest, status: str, note: str = "",
                          acting_user: User) -> SubjectRequest:
    """Close an open request as done or refused, today, by the acting user. Raises
    ValidationError if it is already closed."""
    request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise ValidationError(REQUEST_CLOSED)
    request.status = status
    request.done_on = timezone.localdate()
    request.handled_by = acting_user
    if note:
        request.note = f"{request.note}\n{note}".strip()
    request.full_clean()
    request.save(update_fields=["status", "done_on", "handled_by", "note", "updated_at"])
    audit_record(actor=acting_user, verb="subject_request.closed", target=request,
                 organisation_id=request.organisation_id,
                 changes={"status": [SubjectRequest.Status.OPEN, status]})
    return request


# --------------------------------------------------------------------------- archive


@transaction.atomic
def subject_archive_request(*, request: SubjectRequest, acting_user: User) -> SubjectArchive:
    """Queue the access archive of the request's person; it is built in the background
    (privacy.tasks.subject_archive_build_task) after commit. Raises ValidationError for a
    request of another kind, without a person, or with an archive already in progress."""
    from .tasks import subject_archive_build_task

    if request.kind != SubjectRequest.Kind.ACCESS:
        raise ValidationError(ARCHIVE_NOT_ACCESS)
    if request.person_id is None:
        raise ValidationError(REQUEST_NO_PERSON)
    SubjectRequest.objects.select_for_update().filter(pk=request.pk).exists()
    if request.archives.filter(status__in=[SubjectArchive.Status.QUEUED,
                                           SubjectArchive.Status.RUNNING]).exists():
        raise ValidationError(ARCHIVE_RUNNING)
    archive = SubjectArchive.objects.create(request=request, requested_by=acting_user)
    audit_record(actor=acting_user, verb="subject_archive.requested", target=request,
                 organisation_id=request.organisation_id)
    transaction.on_commit(partial(subject_archive_build_task.delay, archive.pk))
    return archive


def subject_archive_build(*, archive_id: int) -> SubjectArchive | None:
    """Build a queued archive. Safe to run twice: the run claims the row with a
    conditional update (a done archive, or one being built by a live run, is left alone);
    the file is written under a new random name. A failure ends in «failed» with a
    readable reason."""
    from .archive import build_subject_archive

    now = timezone.now()
    with scopes_disabled():
        claimed = SubjectArchive.objects.filter(pk=archive_id).filter(
            Q(status=SubjectArchive.Status.QUEUED)
            | Q(status=SubjectArchive.Status.RUNNING, updated_at__lt=now - ARCHIVE_STALE_AFTER)
        ).update(status=SubjectArchive.Status.RUNNING, progress=5, error="", updated_at=now)
        archive = SubjectArchive.objects.select_related("request__person").filter(
            pk=archive_id).first()
        if not claimed or archive is None:
            return archive

        def progress(percent: int) -> None:
            SubjectArchive.objects.filter(pk=archive_id).update(progress=percent,
                                                                updated_at=timezone.now())

        try:
            person = archive.request.person
            if person is None:
                raise ValueError(str(REQUEST_NO_PERSON))
            with translation.override(settings.LANGUAGE_CODE):
                data = build_subject_archive(person=person, progress=progress)
            archive.file.save(f"{secrets.token_hex(16)}.zip", ContentFile(data), save=False)
        except Exception as exc:
            logger.exception("Subject archive %s failed", archive_id)
            archive.status = SubjectArchive.Status.FAILED
            archive.error = str(ARCHIVE_FAILED % {"reason": exc.__class__.__name__})
            archive.finished_at = timezone.now()
            archive.save(update_fields=["status", "error", "finished_at", "updated_at"])
            return archive
        archive.status = SubjectArchive.Status.DONE
        archive.progress = 100
        archive.finished_at = timezone.now()
        archive.save(update_fields=["status", "progress", "file", "finished_at",
                                    "updated_at"])
    return archive


# --------------------------------------------------------------------------- erasure


def erasure_categories() -> list[str]:
    """The categories of personal data destroyed by an erasure (for the page and the act)."""
    return [str(c) for c in (
        _("last name, first name, middle name"), _("date of birth"),
        _("e-mail address and phone number"), _("position and study group"),
        _("user account (login) details"),
        _("scans of consents and the representative's name"),
        _("free-text notes, goals and comments in the mentoring plan, meeting log, "
          "requests and survey answers"),
        _("rows of imported participant lists"),
        _("names in the audit trail"),
    )]


def erasure_kept() -> list[str]:
    return [str(c) for c in (
        _("the organisation, category, course, specialty and dates of hiring and leaving "
          "(without the name: anonymous counts)"),
        _("roles, pairs and groups, numeric survey answers: the indicators of past years "
          "do not change"),
        _("the register entry of this request and this act, with the subject's number only"),
    )]


@transaction.atomic
def subject_erase(*, request: SubjectRequest, confirmation: str,
                  acting_user: User) -> SubjectRequest:
    """Erase (anonymise) the person of an erasure request: `confirmation` must equal the
    person's last name. Calls participants.anonymise.person_anonymise, blanks the person's
    values in the change log, closes the request as done and keeps the act of destruction
    (PDF) with it. Raises ValidationError for a closed request, another kind of request,
    a missing person or a wrong confirmation."""
    # Lock only the request row: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer join that select_related("person") makes.
    request = (SubjectRequest.objects.select_for_update(of=("self",))
               .select_related("person", "organisation").get(pk=request.pk))
    if not request.is_open:
        raise ValidationError(REQUEST_CLOSED)
    if request.kind != SubjectRequest.Kind.ERASURE:
        raise ValidationError(REQUEST_NOT_ERASURE)
    person = request.person
    if person is None:
        raise ValidationError(REQUEST_NO_PERSON)
    if confirmation.strip().casefold() != person.last_name.strip().casefold():
        raise ValidationError({"confirmation": ValidationError(CONFIRMATION_MISMATCH)})
    names = [person.full_name, person.short_name]
    if person.user_id:
        names.append(person.user.get_full_name())
    person_anonymise(person=person, acting_user=acting_user,
                     reason="subject request")
    audit_redact_person(person_id=person.pk, names=names)
    request.status = SubjectRequest.Status.DONE
    request.done_on = timezone.localdate()
    request.handled_by = acting_user
    audit_record(actor=acting_user, verb="subject_request.erased", target=request,
                 organisation_id=request.organisation_id,
                 changes={"status": [SubjectRequest.Status.OPEN, request.status]})
    # The extract from the event log that order No. 179 asks to keep with the act.
    log_rows = list(AuditEntry.objects.select_related("actor").filter(
        Q(target_type="participants.person", target_id=str(person.pk),
          verb="person.anonymised")
        | Q(target_type="privacy.subjectrequest", target_id=str(request.pk))
    ).order_by("created_at", "id"))
    pdf = render_pdf("privacy/pdf/destruction_act.html", {
        "request": request, "organisation": request.organisation,
        "categories": erasure_categories(), "kept": erasure_kept(),
        "acting_user": acting_user, "today": request.done_on, "log_rows": log_rows})
    request.act.save(f"{secrets.token_hex(16)}.pdf", ContentFile(pdf), save=False)
    request.save(update_fields=["status", "done_on", "handled_by", "act", "updated_at"])
    return request


# --------------------------------------------------------------------------- incidents

INCIDENT_FIELDS = ("detected_at", "description", "data_categories", "subjects_count",
                   "measures", "reported_by", "notified_at", "investigation_reported_at")


@transaction.atomic
def incident_save(*, incident: Incident | None, organisation_id: int, data: dict[str, Any],
                  acting_user: User) -> Incident:
    """Create (incident=None) or update an incident of the organisation from cleaned form
    data. Raises ValidationError for a detection time in the future or notices dated
    before detection."""
    if data.get("detected_at") and data["detected_at"] > timezone.now():
        raise ValidationError({"detected_at": ValidationError(INCIDENT_IN_FUTURE)})
    created = incident is None
    if incident is None:
        incident = Incident(organisation_id=organisation_id, created_by=acting_user)
    before = {f: getattr(incident, f) for f in INCIDENT_FIELDS}
    for field in INCIDENT_FIELDS:
        if field in data:
            setattr(incident, field, data[field])
    incident.full_clean()
    incident.save()
    changes = {f: [str(before[f]) if before[f] is not None else None,
                   str(getattr(incident, f)) if getattr(incident, f) is not None else None]
               for f in INCIDENT_FIELDS if before[f] != getattr(incident, f)}
    audit_record(actor=acting_user,
                 verb="incident.created" if created else "incident.updated",
                 target=incident, organisation_id=incident.organisation_id, changes=changes)
    return incident
