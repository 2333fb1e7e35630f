"""Writes for consents to personal-data processing: recording a signed consent (a scan or a
paper original), its revocation, and the daily anonymisation of people whose consent was
revoked long enough ago or who left the organisation beyond the retention period.

The signer follows the age bands (settings.CONSENT_AGE_BANDS, see
`participants.selectors.consent_required_signer`) on the day of signing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorship.models import User
from mentorship.services import audit_record

from .anonymise import person_anonymise
from .models import Consent, Person
from .selectors import consent_required_signer, years_before

CONSENT_MAX_BYTES = 10 * 1024 * 1024

CONSENT_WRONG_SIGNER = _(
    "On %(day)s this person is %(band)s, so the consent must be signed by: %(signer)s.")
CONSENT_BAND_UNKNOWN_AGE = _("of unknown age (treated as a minor)")
CONSENT_BAND_CHILD = _("under %(age)s")
CONSENT_BAND_TEEN = _("from %(first)s to %(last)s years old")
CONSENT_BAND_ADULT = _("%(age)s or older")
CONSENT_REPRESENTATIVE_REQUIRED = _("Enter the full name of the parent or legal "
                                    "representative who signed.")
CONSENT_SCAN_OR_NUMBER = _("Attach the signed scan or enter the number of the paper "
                           "consent.")
CONSENT_SIGNED_IN_FUTURE = _("The consent cannot be signed in the future.")
CONSENT_VALID_BEFORE_SIGNED = _("The consent cannot end before it was signed.")
CONSENT_DUPLICATE = _("This consent (same date, signer and number) is already recorded.")
CONSENT_FILE_TOO_BIG = _("The file is larger than 10 MB. Scan it at a lower resolution or "
                         "as a PDF.")
CONSENT_FILE_TYPE = _("Only a PDF, JPEG or PNG file can be attached; this file is not one of "
                      "them (its content was checked, not only its name).")
CONSENT_PERSON_ANONYMISED = _("This person's data has been anonymised.")
CONSENT_NOTHING_TO_REVOKE = _("This person has no consent in force to revoke.")
CONSENT_REVOKED_IN_FUTURE = _("A revocation cannot be dated in the future.")
CONSENT_REVOKED_BEFORE_SIGNED = _("The revocation cannot be dated before the consent was "
                                  "signed (%(day)s).")

# Content signatures of the accepted scan types, and the names they may carry.
_SIGNATURES = (
    (b"%PDF-", "pdf", {".pdf"}),
    (b"\xff\xd8\xff", "jpg", {".jpg", ".jpeg"}),
    (b"\x89PNG\r\n\x1a\n", "png", {".png"}),
)


def consent_band_label(*, birth_date: dt.date | None, on: dt.date) -> str:
    """The person's age band on a day, in words («from 14 to 17 years old»)."""
    first, second = (int(x) for x in settings.CONSENT_AGE_BANDS)
    if birth_date is None:
        return str(CONSENT_BAND_UNKNOWN_AGE)
    if birth_date > years_before(on, first):
        return str(CONSENT_BAND_CHILD) % {"age": first}
    if birth_date > years_before(on, second):
        return str(CONSENT_BAND_TEEN) % {"first": first, "last": second - 1}
    return str(CONSENT_BAND_ADULT) % {"age": second}


def consent_scan_kind(upload: UploadedFile) -> str:
    """The scan's type ("pdf", "jpg", "png") judged by its first bytes and its name, or a
    ValidationError if it is too big or not one of them."""
    if (upload.size or 0) > CONSENT_MAX_BYTES:
        raise ValidationError(CONSENT_FILE_TOO_BIG, code="too_big")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    name = (upload.name or "").lower()
    suffix = name[name.rfind("."):] if "." in name else ""
    for signature, kind, suffixes in _SIGNATURES:
        if head.startswith(signature) and suffix in suffixes:
            return kind
    raise ValidationError(CONSENT_FILE_TYPE, code="file_type")


def _check_signer(person: Person, signer: str, signed_on: dt.date) -> None:
    required = consent_required_signer(birth_date=person.birth_date, on=signed_on)
    if signer != required:
        raise ValidationError(
            {"signer": ValidationError(CONSENT_WRONG_SIGNER, code="wrong_signer", params={
                "day": signed_on.strftime("%d.%m.%Y"),
                "band": consent_band_label(birth_date=person.birth_date, on=signed_on),
                "signer": Consent.Signer(required).label})})


@transaction.atomic
def consent_record(*, person: Person, signer: str, signed_on: dt.date,
                   representative_name: str = "", number: str = "",
                   valid_until: dt.date | None = None, document: UploadedFile | None = None,
                   acting_user: User) -> Consent:
    """Record a signed consent: with its scan (PDF, JPEG or PNG up to 10 MB, checked by
    content; stored under a random name, served only through a permission-checked view) or
    as a paper original with its number. The signer must be the one the person's age band
    needs on the day of signing. Raises ValidationError (field errors where a field is at
    fault). The same consent recorded twice (date, signer, number) is refused."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_at is not None:
        raise ValidationError(CONSENT_PERSON_ANONYMISED)
    today = timezone.localdate()
    errors: dict[str, ValidationError] = {}
    if signed_on > today:
        errors["signed_on"] = ValidationError(CONSENT_SIGNED_IN_FUTURE)
    if valid_until is not None and valid_until < signed_on:
        errors["valid_until"] = ValidationError(CONSENT_VALID_BEFORE_SIGNED)
    if signer != Consent.Signer.SELF and not representative_name.strip():
        errors["representative_name"] = ValidationError(CONSENT_REPRESENTATIVE_REQUIRED)
    if document is None and not number.strip():
        errors["number"] = ValidationError(CONSENT_SCAN_OR_NUMBER)
    kind = ""
    if document is not None:
        try:
            kind = consent_scan_kind(document)
        except ValidationError as refusal:
            errors["document"] = refusal
    if errors:
        raise ValidationError(errors)
    _check_signer(person, signer, signed_on)
    if Consent.objects.filter(person=person, signed_on=signed_on, signer=signer,
                              number=number.strip()).exists():
        raise ValidationError(CONSENT_DUPLICATE, code="duplicate")
    consent = Consent(person=person, signer=signer, signed_on=signed_on,
                      representative_name=representative_name.strip()
                      if signer != Consent.Signer.SELF else "",
                      number=number.strip(), valid_until=valid_until, recorded_by=acting_user)
    if document is not None:
        consent.document.save(f"{uuid.uuid4().hex}.{kind}", document, save=False)
    consent.full_clean()
    consent.save()
    audit_record(actor=acting_user, verb="consent.recorded", target=consent,
                 organisation_id=person.organisation_id,
                 changes={"signer": [None, signer],
                          "signed_on": [None, signed_on.isoformat()],
                          "number": [None, consent.number],
                          "valid_until": [None, valid_until.isoformat() if valid_until
                                          else None],
                          "scan": [None, bool(kind)]})
    return consent


@transaction.atomic
def consent_revoke(*, person: Person, revoked_on: dt.date, acting_user: User) -> list[Consent]:
    """Record the revocation of the person's consent: every consent of theirs not revoked
    yet is revoked on that day (a revocation withdraws consent to the processing, whatever
    paper it was given on). From that day they are not paired, surveyed or e-mailed. Raises
    ValidationError when nothing is in force or the date is impossible. Returns the
    consents revoked."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if revoked_on > timezone.localdate():
        raise ValidationError({"revoked_on": ValidationError(CONSENT_REVOKED_IN_FUTURE)})
    open_consents = list(Consent.objects.select_for_update()
                         .filter(person=person, revoked_on__isnull=True).order_by("signed_on"))
    if not open_consents:
        raise ValidationError(CONSENT_NOTHING_TO_REVOKE, code="nothing")
    latest_signed = max(c.signed_on for c in open_consents)
    if revoked_on < latest_signed:
        raise ValidationError({"revoked_on": ValidationError(
            CONSENT_REVOKED_BEFORE_SIGNED, params={"day": latest_signed.strftime("%d.%m.%Y")})})
    for consent in open_consents:
        consent.revoked_on = revoked_on
        consent.revoked_by = acting_user
        consent.full_clean()
        consent.save(update_fields=["revoked_on", "revoked_by", "updated_at"])
        audit_record(actor=acting_user, verb="consent.revoked", target=consent,
                     organisation_id=person.organisation_id,
                     changes={"revoked_on": [None, revoked_on.isoformat()]})
    return open_consents


@dataclass(frozen=True)
class HousekeepingResult:
    revoked: int
    retention: int


def people_due_for_anonymisation(*, today: dt.date) -> tuple[list[int], list[int]]:
    """Ids of people to anonymise on a day: (consent revoked at least
    CONSENT_REVOKED_ERASE_DAYS ago and no consent in force since, people who left the
    organisation more than RETENTION_YEARS ago). Three queries."""
    cutoff = today - dt.timedelta(days=int(settings.CONSENT_REVOKED_ERASE_DAYS))
    live = Person.objects.filter(anonymised_at__isnull=True)
    revoked = list(live.filter(Exists(Consent.objects.filter(
        person=OuterRef("pk"), revoked_on__lte=cutoff))).values_list("pk", flat=True))
    # A consent not revoked (or revoked after the cutoff) means the person came back; it
    # covers any consent in force today, and a newer paper is dealt with on its own
    # revocation.
    renewed = set(Consent.objects.filter(person_id__in=revoked).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=cutoff)).values_list("person_id",
                                                                          flat=True))
    left_before = years_before(today, int(settings.RETENTION_YEARS))
    retention = list(live.filter(left_on__lt=left_before).values_list("pk", flat=True))
    due_revoked = [pk for pk in revoked if pk not in renewed]
    return due_revoked, [pk for pk in retention if pk not in set(due_revoked)]


def people_anonymise_due(*, today: dt.date | None = None) -> HousekeepingResult:
    """Daily: anonymise (see `participants.anonymise.person_anonymise`) the people whose
    consent was revoked CONSENT_REVOKED_ERASE_DAYS or more days ago (152-ФЗ art. 21 p. 5)
    and those who left more than RETENTION_YEARS ago. Each person in their own transaction;
    safe to run twice (an anonymised person is no longer due). Runs across organisations:
    the caller disables the organisation scope."""
    today = today or timezone.localdate()
    revoked, retention = people_due_for_anonymisation(today=today)
    for ids, reason in ((revoked, "consent revoked"), (retention, "retention period over")):
        for person in Person.objects.filter(pk__in=ids).order_by("pk"):
            person_anonymise(person=person, acting_user=None, reason=reason)
    return HousekeepingResult(revoked=len(revoked), retention=len(retention))
