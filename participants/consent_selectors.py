"""Reads for consents: the register of a programme's organisation (status per person, with
filters), the people whose revoked consent leaves an active mentorship to deal with, and
what the printed consent form needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme

from .models import Consent, Person, ProgrammeRole, StudyGroup
from .selectors import consent_required_signer, consent_valid_q

STATUS_VALID = "valid"
STATUS_MISSING = "missing"
STATUS_REVOKED = "revoked"
STATUS_EXPIRING = "expiring"
STATUS_FLAGGED = "flagged"

STATUS_CHOICES = [
    (STATUS_MISSING, _("missing (no consent in force)")),
    (STATUS_VALID, _("in force")),
    (STATUS_REVOKED, _("revoked")),
    (STATUS_EXPIRING, _("ends before the programme does")),
    (STATUS_FLAGGED, _("revoked, still in an active pair or group")),
]


def programme_end(programme: Programme) -> dt.date:
    """The last day of the programme's period (its years are calendar years)."""
    return dt.date(programme.end_year, 12, 31)


def _in_active_mentorship_q(programme: Programme) -> Q:
    """People who mentor, or are an active mentee of, an active pair or group of the
    programme (reverse relations: this app does not import pairing). Two `IN` subqueries
    over the programme's roles: one OR over both joins would multiply the rows."""
    mentoring = ProgrammeRole.objects.filter(
        programme=programme, mentorships_as_mentor__status="active").values("person_id")
    mentored = ProgrammeRole.objects.filter(
        programme=programme, memberships__is_active=True,
        memberships__mentorship__status="active").values("person_id")
    return Q(pk__in=mentoring) | Q(pk__in=mentored)


def consent_register(*, programme: Programme, on: dt.date, status: str = "",
                     category: str = "", group_id: int | None = None, search: str = ""
                     ) -> QuerySet[Person]:
    """The organisation's people (not anonymised) with `has_consent` (a consent in force on
    the day), `was_revoked` and `consent_list` (their consents, newest first), filtered by
    status, category, study group and name. Two queries for a page: the people and their
    consents."""
    valid = Consent.objects.filter(consent_valid_q(on=on), person=OuterRef("pk"))
    revoked = Consent.objects.filter(person=OuterRef("pk"), revoked_on__lte=on)
    qs = (
        Person.objects.filter(organisation=programme.organisation, anonymised_at__isnull=True)
        .select_related("study_group")
        .annotate(has_consent=Exists(valid), was_revoked=Exists(revoked))
        .prefetch_related(Prefetch("consents", queryset=Consent.objects.order_by(
            "-signed_on", "-pk"), to_attr="consent_list"))
    )
    if status == STATUS_VALID:
        qs = qs.filter(has_consent=True)
    elif status == STATUS_MISSING:
        qs = qs.filter(has_consent=False, was_revoked=False)
    elif status == STATUS_REVOKED:
        qs = qs.filter(has_consent=False, was_revoked=True)
    elif status == STATUS_EXPIRING:
        lasting = valid.filter(Q(valid_until__isnull=True)
                               | Q(valid_until__gt=programme_end(programme)))
        qs = qs.filter(has_consent=True).exclude(Exists(lasting))
    elif status == STATUS_FLAGGED:
        qs = qs.filter(_in_active_mentorship_q(programme), has_consent=False,
                       was_revoked=True)
    if category:
        qs = qs.filter(category=category)
    if group_id:
        qs = qs.filter(study_group_id=group_id)
    for word in search.split()[:3]:
        qs = qs.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word)
                       | Q(middle_name__icontains=word))
    return qs.order_by("last_name", "first_name", "middle_name", "pk")


def consent_flagged_count(*, programme: Programme, on: dt.date) -> int:
    """How many people of the programme have revoked their consent (none in force now)
    while still in an active pair or group. One query."""
    return consent_register(programme=programme, on=on, status=STATUS_FLAGGED).count()


def consent_revoked_person_ids(*, person_ids: Iterable[int], on: dt.date) -> set[int]:
    """Those of the given people whose consent has been revoked and who have none in force
    on the day (for the warning on a pair's page). One query."""
    ids = list(person_ids)
    valid = Consent.objects.filter(consent_valid_q(on=on), person=OuterRef("person_id"))
    return set(Consent.objects.filter(person_id__in=ids, revoked_on__lte=on)
               .exclude(Exists(valid)).values_list("person_id", flat=True))


@dataclass(frozen=True)
class ConsentFormSheet:
    """One printed form: the person, who must sign, and whether the representative's and
    the person's own lines are needed."""

    person: Person
    signer: str
    representative_lines: bool
    own_lines: bool
    age_unknown: bool


def consent_form_sheets(*, people: Iterable[Person], on: dt.date) -> list[ConsentFormSheet]:
    sheets = []
    for person in people:
        signer = consent_required_signer(birth_date=person.birth_date, on=on)
        sheets.append(ConsentFormSheet(
            person=person, signer=signer,
            representative_lines=signer != Consent.Signer.SELF,
            own_lines=signer != Consent.Signer.REPRESENTATIVE,
            age_unknown=person.birth_date is None))
    return sheets


def consent_group_people(*, group: StudyGroup) -> QuerySet[Person]:
    """The group's people to print forms for (not anonymised), by name. One query."""
    return (Person.objects.filter(study_group=group, anonymised_at__isnull=True)
            .select_related("study_group", "specialty")
            .order_by("last_name", "first_name", "middle_name", "pk"))


def consent_export_rows(people: Iterable[Any]) -> Iterable[list[Any]]:
    """Rows of the register export (the people come from `consent_register`)."""
    status_label = dict(STATUS_CHOICES)
    for person in people:
        latest = person.consent_list[0] if person.consent_list else None
        if person.has_consent:
            status = status_label[STATUS_VALID]
        elif person.was_revoked:
            status = status_label[STATUS_REVOKED]
        else:
            status = status_label[STATUS_MISSING]
        yield [
            person.full_name, person.get_category_display(),
            person.study_group.name if person.study_group else "", str(status),
            latest.get_signer_display() if latest else "",
            latest.representative_name if latest else "",
            latest.signed_on if latest else None, latest.number if latest else "",
            latest.valid_until if latest else None, latest.revoked_on if latest else None,
        ]


def consent_revoked_in_mentorship(mentorship: Any) -> list[Person]:
    """The mentor and active mentees of an active mentorship (members prefetched with their
    people) who have revoked their consent, for the warning on the pair page. One query,
    none for a mentorship that has ended."""
    if mentorship.status != "active":
        return []
    people = [mentorship.mentor.person, *(m.mentee.person for m in mentorship.members.all()
                                          if m.is_active)]
    revoked = consent_revoked_person_ids(person_ids=[p.pk for p in people],
                                         on=timezone.localdate())
    return [p for p in people if p.pk in revoked]
