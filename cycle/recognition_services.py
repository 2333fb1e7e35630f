"""Writes for recognition: a mentor's training records, rewards per year, and the curator's
choice of the year's best mentors. Atomic, validated, audit-recorded; a repeated submit
never duplicates a row (the database's unique constraint backs the checks)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mentorship.models import User
from mentorship.services import audit_record
from participants.models import MentorTraining, ProgrammeRole, Recognition

from .recognition import recognition_years

# Messages that tests match.
RECOGNITION_EXISTS = gettext_lazy(
    "%(name)s already has «%(kind)s» for %(year)s.")
YEAR_OUT_OF_PROGRAMME = gettext_lazy("The year must be within the programme's period "
                                     "(%(first)s–%(last)s).")
TRAINING_IN_FUTURE = gettext_lazy("A training cannot be recorded before it takes place.")


def _check_year(role: ProgrammeRole, year: int) -> None:
    years = recognition_years(role.programme)
    if year not in years:
        raise ValidationError({"year": ValidationError(YEAR_OUT_OF_PROGRAMME, params={
            "first": years[0], "last": years[-1]})})


@transaction.atomic
def training_save(*, role: ProgrammeRole, title: str, kind: str, held_on: dt.date, hours: int,
                  training: MentorTraining | None = None,
                  acting_user: User | None) -> MentorTraining:
    """Add (or change, when `training` is given) a training record of the mentor's person.
    A mentor role of that person with no training date gets this one, so the matcher's
    "trained mentors only" rule sees it."""
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": TRAINING_IN_FUTURE})
    created = training is None
    training = training or MentorTraining(person_id=role.person_id)
    before = {"title": training.title, "held_on": str(training.held_on or ""),
              "hours": training.hours}
    training.title, training.kind = title.strip(), kind.strip()
    training.held_on, training.hours = held_on, hours
    training.full_clean()
    training.save()
    ProgrammeRole.objects.filter(person_id=role.person_id, role=ProgrammeRole.Role.MENTOR,
                                 trained_on__isnull=True).update(trained_on=held_on)
    after = {"title": training.title, "held_on": str(held_on), "hours": hours}
    audit_record(actor=acting_user,
                 verb="training.added" if created else "training.updated", target=training,
                 organisation_id=role.programme.organisation_id,
                 changes={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return training


@transaction.atomic
def training_delete(*, role: ProgrammeRole, training: MentorTraining,
                    acting_user: User | None) -> None:
    audit_record(actor=acting_user, verb="training.deleted", target=training,
                 organisation_id=role.programme.organisation_id,
                 changes={"title": [training.title, None]})
    training.delete()


@transaction.atomic
def recognition_add(*, role: ProgrammeRole, kind: str, year: int,
                    given_on: dt.date | None = None, order_number: str = "",
                    order_date: dt.date | None = None, note: str = "",
                    acting_user: User | None) -> Recognition:
    """Record a reward for a mentor's year. Raises ValidationError for a year outside the
    programme, a bonus without the director's order number and date, or a reward of the same
    kind already recorded for that year."""
    _check_year(role, year)
    if Recognition.objects.filter(role=role, year=year, kind=kind).exists():
        raise ValidationError(RECOGNITION_EXISTS, params={
            "name": role.person.short_name, "kind": Recognition.Kind(kind).label,
            "year": year})
    recognition = Recognition(role=role, kind=kind, year=year, given_on=given_on,
                              order_number=order_number.strip(), order_date=order_date,
                              note=note.strip())
    recognition.full_clean()
    recognition.save()
    audit_record(actor=acting_user, verb="recognition.added", target=recognition,
                 organisation_id=role.programme.organisation_id,
                 changes={"kind": [None, kind], "year": [None, year]})
    return recognition


@transaction.atomic
def recognition_delete(*, recognition: Recognition, acting_user: User | None) -> None:
    audit_record(actor=acting_user, verb="recognition.deleted", target=recognition,
                 organisation_id=recognition.role.programme.organisation_id,
                 changes={"kind": [recognition.kind, None], "year": [recognition.year, None]})
    recognition.delete()


@transaction.atomic
def best_mentor_set(*, role: ProgrammeRole, year: int, chosen: bool,
                    acting_user: User | None) -> bool:
    """Mark (or unmark) a mentor as one of the year's best, stored as a Recognition of kind
    "best mentor". Idempotent: returns whether anything changed."""
    _check_year(role, year)
    if chosen:
        recognition, created = Recognition.objects.get_or_create(
            role=role, year=year, kind=Recognition.Kind.BEST_MENTOR)
        if created:
            audit_record(actor=acting_user, verb="recognition.best_mentor_chosen",
                         target=recognition, organisation_id=role.programme.organisation_id,
                         changes={"year": [None, year]})
        return created
    existing = Recognition.objects.filter(role=role, year=year,
                                          kind=Recognition.Kind.BEST_MENTOR).first()
    if existing is None:
        return False
    audit_record(actor=acting_user, verb="recognition.best_mentor_unchosen", target=existing,
                 organisation_id=role.programme.organisation_id,
                 changes={"year": [year, None]})
    existing.delete()
    return True
