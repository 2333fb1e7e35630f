"""Stage 7 of the yearly cycle: closing a mentorship with its outcome and the reflections of
both sides, and inviting finished mentees into the mentor base.

Writes are atomic and audit-recorded. Closing locks the mentor's role row (as every writer
that changes a mentor's load does, see `services._lock_mentor`) and is idempotent: a second
submit of a completed mentorship changes nothing and reports so.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mentorship.models import User
from mentorship.services import audit_record
from participants.models import Person, ProgrammeRole
from programmes.models import MentoringForm, Programme

from .models import Mentorship, MentorshipMember
from .services import _lock_mentor, _mentor_writer, mentor_add

# Messages that tests match.
REASON_REQUIRED = gettext_lazy(
    "Explain why the goal was not fully achieved: the reason is required unless the goal "
    "is achieved.")
NOT_ACTIVE = gettext_lazy("Only an active pair or group can be closed; this one has ended "
                          "early.")
END_BEFORE_START = gettext_lazy("The end date cannot be before the start (%(start)s).")
END_IN_FUTURE = gettext_lazy("The end date cannot be in the future.")
NOT_COMPLETED = gettext_lazy("A reflection is added after the mentoring is completed.")
REFLECTION_EMPTY = gettext_lazy("Write a few words of reflection.")
NOT_INVITABLE = gettext_lazy(
    "%(name)s cannot be invited: only students and young specialists whose mentoring was "
    "completed with the goal achieved or partly achieved.")

# A finished mentee of these categories may mentor next year.
INVITABLE_CATEGORIES = (Person.Category.STUDENT, Person.Category.YOUNG_SPECIALIST)
GOAL_REACHED = (Mentorship.Outcome.ACHIEVED, Mentorship.Outcome.PARTLY)


def _today() -> dt.date:
    return timezone.localdate()


@_mentor_writer
def mentorship_complete(
    *, mentorship: Mentorship, outcome: str, ended_on: dt.date, reason: str = "",
    mentor_reflection: str = "", acting_user: User | None,
) -> bool:
    """Close an active mentorship: status completed, outcome, end date, reason (required
    unless the goal is achieved) and the mentor's reflection; every active mentee leaves on
    the end date, which frees the mentor's places. Returns False, changing nothing, when the
    mentorship is already completed (a repeated submit). Raises ValidationError if it ended
    early, the reason is missing or the date is out of range."""
    return _complete(mentorship_id=mentorship.pk, mentor_id=mentorship.mentor_id,
                     outcome=outcome, ended_on=ended_on, reason=reason.strip(),
                     mentor_reflection=mentor_reflection.strip(), acting_user=acting_user)


@transaction.atomic
def _complete(*, mentorship_id: int, mentor_id: int, outcome: str, ended_on: dt.date,
              reason: str, mentor_reflection: str, acting_user: User | None) -> bool:
    _lock_mentor(mentor_id)
    mentorship = Mentorship.objects.select_related("programme").get(pk=mentorship_id)
    if mentorship.status == Mentorship.Status.COMPLETED:
        return False
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ValidationError(NOT_ACTIVE)
    if outcome not in Mentorship.Outcome.values:
        raise ValidationError(Mentorship._meta.get_field("outcome").error_messages[
            "invalid_choice"], params={"value": outcome})
    if outcome != Mentorship.Outcome.ACHIEVED and not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    if ended_on < mentorship.started_on:
        raise ValidationError({"ended_on": ValidationError(
            END_BEFORE_START, params={"start": mentorship.started_on.strftime("%d.%m.%Y")})})
    if ended_on > _today():
        raise ValidationError({"ended_on": END_IN_FUTURE})
    mentorship.status = Mentorship.Status.COMPLETED
    mentorship.outcome, mentorship.ended_on = outcome, ended_on
    mentorship.end_reason, mentorship.mentor_reflection = reason, mentor_reflection
    mentorship.full_clean()
    mentorship.save(update_fields=["status", "outcome", "ended_on", "end_reason",
                                   "mentor_reflection", "updated_at"])
    members = list(MentorshipMember.objects.filter(mentorship=mentorship, is_active=True))
    for member in members:
        member.is_active = False
        member.left_on = max(ended_on, member.joined_on)
    MentorshipMember.objects.bulk_update(members, ["is_active", "left_on"])
    audit_record(actor=acting_user, verb="mentorship.completed", target=mentorship,
                 organisation_id=mentorship.programme.organisation_id,
                 changes={"status": [Mentorship.Status.ACTIVE, mentorship.status],
                          "outcome": ["", outcome], "ended_on": [None, ended_on.isoformat()]})
    return True


@transaction.atomic
def mentorship_reflection_add(*, mentorship: Mentorship, mentee: ProgrammeRole, text: str,
                              acting_user: User | None) -> bool:
    """Record a mentee's reflection on a completed mentorship. In a pair the text is the
    reflection (a later submit replaces it); in a group each mentee's text is kept under
    their name. Returns False when nothing changed (the same text again). Raises
    ValidationError if the mentorship is not completed or the text is empty."""
    mentorship = Mentorship.objects.select_for_update().select_related("programme").get(
        pk=mentorship.pk)
    if mentorship.status != Mentorship.Status.COMPLETED:
        raise ValidationError(NOT_COMPLETED)
    text = text.strip()
    if not text:
        raise ValidationError({"text": REFLECTION_EMPTY})
    if mentorship.members.count() > 1:
        label = f"{mentee.person.short_name}: "
        blocks = [b for b in mentorship.mentee_reflection.split("\n\n") if b.strip()]
        mine = label + text
        if mine in blocks:
            return False
        blocks = [b for b in blocks if not b.startswith(label)] + [mine]
        new = "\n\n".join(blocks)
    else:
        new = text
    if new == mentorship.mentee_reflection:
        return False
    before = mentorship.mentee_reflection
    mentorship.mentee_reflection = new
    mentorship.save(update_fields=["mentee_reflection", "updated_at"])
    audit_record(actor=acting_user, verb="mentorship.reflection_added", target=mentorship,
                 organisation_id=mentorship.programme.organisation_id,
                 changes={"mentee_reflection": [before, new]})
    return True


# --------------------------------------------------------------------------- invitations

def finished_mentees_for_invitation(*, programme: Programme) -> QuerySet[MentorshipMember]:
    """Mentees of the programme who stayed to the end of a mentorship completed with the
    goal achieved or partly achieved, students and young specialists only, latest first;
    each annotated with `invited` (they already have a mentor role in the programme). One
    query a page."""
    already = ProgrammeRole.objects.filter(programme=programme, role=ProgrammeRole.Role.MENTOR,
                                           person_id=OuterRef("mentee__person_id"))
    return (MentorshipMember.objects
            .filter(mentorship__programme=programme,
                    mentorship__status=Mentorship.Status.COMPLETED,
                    mentorship__outcome__in=GOAL_REACHED,
                    mentee__person__category__in=INVITABLE_CATEGORIES,
                    mentee__person__anonymised_at__isnull=True,
                    left_on=F("mentorship__ended_on"), left_reason="")
            .select_related("mentee__person__study_group", "mentorship__form",
                            "mentorship__mentor__person")
            .annotate(invited=Exists(already))
            .order_by("-mentorship__ended_on", "mentee__person__last_name", "pk"))


def invitable_forms(*, programme: Programme, person: Person) -> QuerySet[MentoringForm]:
    """The programme's forms in which a person of this category mentors (a finished student
    → «студент–студент»)."""
    return programme.forms.filter(mentor_category=person.category).order_by("order")


@transaction.atomic
def mentee_invite_as_mentor(*, member: MentorshipMember,
                            acting_user: User | None) -> tuple[ProgrammeRole, bool]:
    """Put a finished mentee into the programme's mentor base (capacity 1, the forms that
    match their category) via `services.mentor_add`. Idempotent: returns the role and
    whether it was created now. Raises ValidationError if the mentee is not eligible."""
    eligible = finished_mentees_for_invitation(
        programme=member.mentorship.programme).filter(pk=member.pk).first()
    person = member.mentee.person
    if eligible is None:
        raise ValidationError(NOT_INVITABLE, params={"name": person.short_name})
    programme = member.mentorship.programme
    if eligible.invited:
        role = ProgrammeRole.objects.get(programme=programme, person=person,
                                         role=ProgrammeRole.Role.MENTOR)
        return role, False
    role = mentor_add(programme=programme, person=person, capacity=1, acting_user=acting_user)
    role.forms.add(*invitable_forms(programme=programme, person=person))
    audit_record(actor=acting_user, verb="mentor.invited_from_mentees", target=role,
                 organisation_id=programme.organisation_id,
                 changes={"from_mentorship": [None, member.mentorship_id]})
    return role, True
