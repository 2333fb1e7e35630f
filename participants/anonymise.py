"""Anonymisation of a person (152-ФЗ: after a revocation, at the end of the retention period,
or on the subject's request).

What identifies the person goes: names, date of birth, contacts, position, notes, the user
account, consent scans and the representative's name, import rows with their raw data, and
free text about them in pairing and surveys. What counts stays: the person row with its
organisation, category, course, specialty, employer and hiring/leaving dates, the roles,
mentorships, memberships, requests and numeric survey answers, so that every past
indicator value is unchanged (the computations in `monitoring.indicators` read only these).

Pairing and survey rows belong to apps above this one; they are reached through the app
registry (`apps.get_model`) rather than imported, so the dependency direction of the apps
holds (participants never imports pairing or monitoring).
"""

from __future__ import annotations

import uuid

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from mentorship.models import AuditEntry, User
from mentorship.services import audit_record

from .models import Consent, ImportRow, Person, ProgrammeRole, Recognition

# Shown where the name was. The number is the row id, meaningless outside the product.
ANONYMISED_LAST_NAME = pgettext_lazy("anonymised person", "Deleted")
ANONYMISED_FIRST_NAME = pgettext_lazy("anonymised person", "Data subject No. %(id)s")
# Kept in a consent where a representative signed (the row must name someone).
ANONYMISED_REPRESENTATIVE = pgettext_lazy("anonymised representative", "deleted")


def _placeholder_name(person: Person) -> tuple[str, str]:
    return str(ANONYMISED_LAST_NAME), str(ANONYMISED_FIRST_NAME) % {"id": person.pk}


def _detach_user(person: Person) -> None:
    """Deactivate and strip the linked login; it no longer points at the person."""
    if person.user_id is None:
        return
    user = User.objects.select_for_update().get(pk=person.user_id)
    person.user = None
    person.save(update_fields=["user", "updated_at"])
    user.username = f"anonymised-{user.pk}-{uuid.uuid4().hex[:8]}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()


def _clear_consents(person: Person) -> None:
    """Delete consent scans and the representative's name; keep dates and numbers (they
    show the processing was lawful while it lasted)."""
    for consent in Consent.objects.filter(person=person):
        changed = []
        if consent.document:
            consent.document.delete(save=False)
            changed.append("document")
        if consent.representative_name:
            consent.representative_name = str(ANONYMISED_REPRESENTATIVE)
            changed.append("representative_name")
        if changed:
            consent.save(update_fields=[*changed, "updated_at"])


def _clear_pairing_text(person: Person, role_ids: list[int]) -> None:
    MentorshipRequest = apps.get_model("pairing", "MentorshipRequest")  # noqa: N806
    Mentorship = apps.get_model("pairing", "Mentorship")  # noqa: N806
    MentorshipMember = apps.get_model("pairing", "MentorshipMember")  # noqa: N806
    Meeting = apps.get_model("pairing", "Meeting")  # noqa: N806
    PlanItem = apps.get_model("pairing", "PlanItem")  # noqa: N806
    Exclusion = apps.get_model("pairing", "Exclusion")  # noqa: N806

    MentorshipRequest.objects.filter(mentee_id__in=role_ids).update(goal="")
    MentorshipMember.objects.filter(mentee_id__in=role_ids).update(left_reason="")
    as_mentee = list(MentorshipMember.objects.filter(mentee_id__in=role_ids)
                     .values_list("mentorship_id", flat=True))
    # The mentee's own words and the notes about their work with the mentor.
    Mentorship.objects.filter(pk__in=as_mentee).update(mentee_reflection="", end_reason="")
    Meeting.objects.filter(mentorship_id__in=as_mentee).update(notes="")
    PlanItem.objects.filter(mentorship_id__in=as_mentee).update(description="")
    Mentorship.objects.filter(mentor_id__in=role_ids).update(mentor_reflection="")
    Exclusion.objects.filter(mentor_id__in=role_ids).update(reason="")
    Exclusion.objects.filter(mentee_id__in=role_ids).update(reason="")


def _clear_survey_text(role_ids: list[int]) -> None:
    SurveyAnswer = apps.get_model("monitoring", "SurveyAnswer")  # noqa: N806
    SurveyAnswer.objects.filter(response__invitation__respondent_id__in=role_ids
                                ).exclude(text_value="").update(text_value="")


def _clear_audit_names(person: Person, placeholder: str) -> None:
    """Entries about the person keep what was done and when, not the name they showed."""
    consent_ids = [str(pk) for pk in Consent.objects.filter(person=person)
                   .values_list("pk", flat=True)]
    AuditEntry.objects.filter(target_type="participants.person",
                              target_id=str(person.pk)).update(target_repr=placeholder)
    if consent_ids:
        AuditEntry.objects.filter(target_type="participants.consent",
                                  target_id__in=consent_ids).update(target_repr=placeholder)


@transaction.atomic
def person_anonymise(*, person: Person, acting_user: User | None, reason: str) -> None:
    """Replace everything that identifies the person by a placeholder, keeping what the
    indicators count (see the module docstring). Idempotent: an already anonymised person
    is left alone. `reason` is a short code or phrase for the audit log (e.g. «revoked»,
    «retention», «subject request»); it must not contain personal data. Deletes the
    consent scans from storage."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_at is not None:
        return
    role_ids = list(ProgrammeRole.objects.filter(person=person).values_list("pk", flat=True))

    _detach_user(person)
    _clear_consents(person)
    ImportRow.objects.filter(person=person).delete()
    _clear_pairing_text(person, role_ids)
    _clear_survey_text(role_ids)
    ProgrammeRole.objects.filter(pk__in=role_ids).update(note="")
    Recognition.objects.filter(role_id__in=role_ids).update(note="")

    last_name, first_name = _placeholder_name(person)
    person.last_name = last_name
    person.first_name = first_name
    person.middle_name = ""
    person.birth_date = None
    person.email = ""
    person.phone = ""
    person.position = ""
    # A small group's name with the course and specialty would point at the person; no
    # indicator reads the group (course and specialty stay for the counts).
    person.study_group = None
    person.anonymised_at = timezone.now()
    # No full_clean(): only blanking and placeholders happen here, and an old row that
    # breaks a newer rule must still be anonymised.
    person.save(update_fields=["last_name", "first_name", "middle_name", "birth_date",
                               "email", "phone", "position", "study_group", "anonymised_at",
                               "updated_at"])
    _clear_audit_names(person, person.full_name)

    audit_record(actor=acting_user, verb="person.anonymised", target=person,
                 organisation_id=person.organisation_id,
                 changes={"reason": [None, reason[:200]]})
