"""Writes of the pairs' work (stage 6): the individual plan and the meeting log.

The mentor and the programme's curators keep both; a mentee confirms a meeting and may say,
once a meeting has been held, that the pair is not a good fit. Who may call what is decided
by `pairing.work_permissions`; these functions check the business rules only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorship.models import User
from mentorship.services import audit_record
from participants.models import ProgrammeRole

from .models import Meeting, Mentorship, PlanItem

MENTORSHIP_CLOSED = _("The pair or group has been closed; its plan and meetings can no longer "
                      "be changed.")
MEETING_IN_FUTURE = _("The log is for meetings that have taken place: the date cannot be "
                      "later than today.")
MEETING_BEFORE_START = _("The meeting cannot be earlier than the start of the mentorship "
                         "(%(date)s).")
MEETING_DUPLICATE = _("This meeting is already in the log.")
ATTENDEE_NOT_IN_PAIR = _("Only the mentor and the mentees of this pair or group can be marked "
                         "as present.")
NOT_A_MEMBER = _("Only a mentee of this pair or group can do this.")
MEETING_NOT_HELD = _("You can say the pair is not a good fit only after a meeting has taken "
                     "place.")

PLAN_FIELDS = ("kind", "title", "description", "due_on", "status")
MEETING_FIELDS = ("held_on", "format", "meeting_type", "duration_minutes", "topic", "notes")


def _today() -> dt.date:
    return timezone.localdate()


def _lock_active(mentorship: Mentorship) -> Mentorship:
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if locked.status != Mentorship.Status.ACTIVE:
        raise ValidationError(MENTORSHIP_CLOSED, code="closed")
    return locked


def _organisation_id(mentorship: Mentorship) -> int:
    return Mentorship.objects.filter(pk=mentorship.pk).values_list(
        "programme__organisation_id", flat=True).get()


def _done_on(status: str, previous_status: str | None, previous_done_on: dt.date | None
             ) -> dt.date | None:
    if status != PlanItem.Status.DONE:
        return None
    if previous_status == PlanItem.Status.DONE and previous_done_on:
        return previous_done_on
    return _today()


def _names(roles: Iterable[ProgrammeRole]) -> str:
    """Who attended, for the audit log: the people's names in order."""
    return ", ".join(sorted(str(role.person) for role in roles))


def _changes(obj: object, before: dict[str, object], fields: Iterable[str]) -> dict[str, list]:
    changes = {}
    for name in fields:
        after = getattr(obj, name)
        if before[name] != after:
            changes[name] = [str(before[name]) if before[name] is not None else None,
                             str(after) if after is not None else None]
    return changes


# --------------------------------------------------------------------------- plan


@transaction.atomic
def plan_item_create(
    *, mentorship: Mentorship, title: str, kind: str = PlanItem.Kind.TASK,
    description: str = "", due_on: dt.date | None = None,
    status: str = PlanItem.Status.PLANNED, acting_user: User,
) -> PlanItem:
    """Append a goal or task to the end of an active mentorship's plan. Raises
    ValidationError (MENTORSHIP_CLOSED or a field error). Audited."""
    mentorship = _lock_active(mentorship)
    last = PlanItem.objects.filter(mentorship=mentorship).aggregate(m=Max("position"))["m"]
    item = PlanItem(mentorship=mentorship, kind=kind, title=title.strip(),
                    description=description.strip(), due_on=due_on, status=status,
                    done_on=_done_on(status, None, None), position=(last or 0) + 1)
    item.full_clean()
    item.save()
    audit_record(actor=acting_user, verb="plan_item.created", target=item,
                 organisation_id=_organisation_id(mentorship),
                 changes={"title": [None, item.title], "status": [None, item.status]})
    return item


@transaction.atomic
def plan_item_update(
    *, item: PlanItem, title: str, kind: str, description: str = "",
    due_on: dt.date | None = None, status: str, acting_user: User,
) -> PlanItem:
    """Change a plan item; marking it done records today's date (kept if it was done
    already), any other status clears it. Saving the same values again changes nothing."""
    _lock_active(item.mentorship)
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    before = {name: getattr(item, name) for name in PLAN_FIELDS}
    item.done_on = _done_on(status, item.status, item.done_on)
    item.kind, item.title, item.description = kind, title.strip(), description.strip()
    item.due_on, item.status = due_on, status
    item.full_clean()
    changes = _changes(item, before, PLAN_FIELDS)
    if changes:
        item.save(update_fields=[*PLAN_FIELDS, "done_on", "updated_at"])
        audit_record(actor=acting_user, verb="plan_item.updated", target=item,
                     organisation_id=_organisation_id(item.mentorship), changes=changes)
    return item


def plan_item_set_status(*, item: PlanItem, status: str, acting_user: User) -> PlanItem:
    """The one-tap status change of the pair page (e.g. «done»)."""
    return plan_item_update(item=item, title=item.title, kind=item.kind,
                            description=item.description, due_on=item.due_on, status=status,
                            acting_user=acting_user)


@transaction.atomic
def plan_item_delete(*, item: PlanItem, acting_user: User) -> None:
    """Remove a plan item of an active mentorship. Deleting one already gone is a no-op."""
    _lock_active(item.mentorship)
    organisation_id = _organisation_id(item.mentorship)
    deleted, _rows = PlanItem.objects.filter(pk=item.pk).delete()
    if deleted:
        audit_record(actor=acting_user, verb="plan_item.deleted", target=item,
                     organisation_id=organisation_id, changes={"title": [item.title, None]})


@transaction.atomic
def plan_item_move(*, item: PlanItem, direction: str, acting_user: User) -> PlanItem:
    """Move an item one place up or down ("up" / "down") in its plan. The plan is renumbered
    1..n first, so equal or missing positions never block a move; at either end it stays."""
    mentorship = _lock_active(item.mentorship)
    items = list(PlanItem.objects.filter(mentorship=mentorship)
                 .order_by("position", "due_on", "id"))
    index = next(i for i, row in enumerate(items) if row.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    changed = []
    for position, row in enumerate(items, start=1):
        if row.position != position:
            row.position = position
            changed.append(row)
    PlanItem.objects.bulk_update(changed, ["position"])
    moved = next(row for row in items if row.pk == item.pk)
    if changed:
        audit_record(actor=acting_user, verb="plan_item.moved", target=moved,
                     organisation_id=_organisation_id(mentorship),
                     changes={"position": [item.position, moved.position]})
    return moved


# --------------------------------------------------------------------------- meetings


def _check_meeting(mentorship: Mentorship, held_on: dt.date,
                   attendees: list[ProgrammeRole]) -> None:
    if held_on > _today():
        raise ValidationError(MEETING_IN_FUTURE, code="future")
    if held_on < mentorship.started_on:
        raise ValidationError(MEETING_BEFORE_START, code="before_start",
                              params={"date": mentorship.started_on.strftime("%d.%m.%Y")})
    allowed = {mentorship.mentor_id, *mentorship.members.values_list("mentee_id", flat=True)}
    if any(role.pk not in allowed for role in attendees):
        raise ValidationError(ATTENDEE_NOT_IN_PAIR, code="attendee")


@transaction.atomic
def meeting_create(
    *, mentorship: Mentorship, held_on: dt.date, topic: str,
    meeting_type: str = Meeting.Type.REGULAR, format: str = Meeting.Format.IN_PERSON,  # noqa: A002
    duration_minutes: int = 45, notes: str = "", attendees: Iterable[ProgrammeRole] = (),
    acting_user: User,
) -> Meeting:
    """Log a meeting that has taken place (date not after today, not before the start) with
    who attended (the mentor and the mentees of this mentorship only). A second identical
    submission (same date, type and topic) raises MEETING_DUPLICATE instead of a copy."""
    mentorship = _lock_active(mentorship)
    attendees = list(attendees)
    _check_meeting(mentorship, held_on, attendees)
    topic = topic.strip()
    # Compared in Python: SQLite folds the case of ASCII letters only.
    same_day = Meeting.objects.filter(mentorship=mentorship, held_on=held_on,
                                      meeting_type=meeting_type).values_list("topic", flat=True)
    if any(other.casefold() == topic.casefold() for other in same_day):
        raise ValidationError(MEETING_DUPLICATE, code="duplicate")
    meeting = Meeting(mentorship=mentorship, held_on=held_on, topic=topic,
                      meeting_type=meeting_type, format=format,
                      duration_minutes=duration_minutes, notes=notes.strip(),
                      created_by=acting_user)
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(attendees)
    audit_record(actor=acting_user, verb="meeting.created", target=meeting,
                 organisation_id=_organisation_id(mentorship),
                 changes={"held_on": [None, held_on.isoformat()], "topic": [None, topic]})
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, held_on: dt.date, topic: str, meeting_type: str,
    format: str, duration_minutes: int, notes: str = "",  # noqa: A002
    attendees: Iterable[ProgrammeRole] = (), acting_user: User,
) -> Meeting:
    """Correct a logged meeting, by the same rules as `meeting_create`."""
    mentorship = _lock_active(meeting.mentorship)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    attendees = list(attendees)
    _check_meeting(mentorship, held_on, attendees)
    before = {name: getattr(meeting, name) for name in MEETING_FIELDS}
    attended = list(meeting.attendees.select_related("person").order_by("pk"))
    meeting.held_on, meeting.topic, meeting.meeting_type = held_on, topic.strip(), meeting_type
    meeting.format, meeting.duration_minutes = format, duration_minutes
    meeting.notes = notes.strip()
    meeting.full_clean()
    changes = _changes(meeting, before, MEETING_FIELDS)
    meeting.save(update_fields=[*MEETING_FIELDS, "updated_at"])
    meeting.attendees.set(attendees)
    if {role.pk for role in attended} != {role.pk for role in attendees}:
        changes["attendees"] = [_names(attended), _names(attendees)]
    if changes:
        audit_record(actor=acting_user, verb="meeting.updated", target=meeting,
                     organisation_id=_organisation_id(mentorship), changes=changes)
    return meeting


@transaction.atomic
def meeting_delete(*, meeting: Meeting, acting_user: User) -> None:
    """Remove a meeting logged by mistake. Deleting one already gone is a no-op."""
    _lock_active(meeting.mentorship)
    organisation_id = _organisation_id(meeting.mentorship)
    deleted, _rows = Meeting.objects.filter(pk=meeting.pk).delete()
    if deleted:
        audit_record(actor=acting_user, verb="meeting.deleted", target=meeting,
                     organisation_id=organisation_id,
                     changes={"held_on": [meeting.held_on.isoformat(), None]})


def _check_member(meeting: Meeting, mentee: ProgrammeRole) -> None:
    if not meeting.mentorship.members.filter(mentee=mentee, is_active=True).exists():
        raise ValidationError(NOT_A_MEMBER, code="not_member")


@transaction.atomic
def meeting_confirm(*, meeting: Meeting, mentee: ProgrammeRole, acting_user: User) -> Meeting:
    """A mentee confirms that the meeting took place. Idempotent: confirming again keeps the
    first time. Raises NOT_A_MEMBER for anyone but an active mentee of the mentorship."""
    _check_member(meeting, mentee)
    updated = Meeting.objects.filter(pk=meeting.pk, confirmed_by_mentee_at__isnull=True).update(
        confirmed_by_mentee_at=timezone.now(), updated_at=timezone.now())
    meeting.refresh_from_db()
    if updated:
        audit_record(actor=acting_user, verb="meeting.confirmed", target=meeting,
                     organisation_id=_organisation_id(meeting.mentorship))
    return meeting


@transaction.atomic
def meeting_flag_not_a_good_fit(
    *, meeting: Meeting, mentee: ProgrammeRole, comment: str = "", acting_user: User,
) -> Meeting:
    """A mentee says, after a meeting that has taken place, that the pair is not a good fit,
    with an optional comment. The curator sees it among the pairs at risk. Saying it again
    only updates the comment."""
    _check_member(meeting, mentee)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.held_on > _today():
        raise ValidationError(MEETING_NOT_HELD, code="not_held")
    before = [meeting.not_a_good_fit, meeting.not_a_good_fit_comment]
    meeting.not_a_good_fit = True
    meeting.not_a_good_fit_comment = comment.strip()
    meeting.full_clean()
    meeting.save(update_fields=["not_a_good_fit", "not_a_good_fit_comment", "updated_at"])
    audit_record(actor=acting_user, verb="meeting.not_a_good_fit", target=meeting,
                 organisation_id=_organisation_id(meeting.mentorship),
                 changes={"not_a_good_fit": [before, [True, meeting.not_a_good_fit_comment]]})
    return meeting
