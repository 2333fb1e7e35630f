"""Who may see and keep a mentorship's plan and meeting log. Seeing follows
`mentorship_get_for_user` (404 otherwise); the mentor, the programme's curators and admins
write; the mentee and the director who only read get 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mentorship import access as roles
from mentorship.access import access_for
from mentorship.models import User
from participants.models import ProgrammeRole

from .models import Meeting, Mentorship, PlanItem
from .permissions import mentorship_get_for_user


def can_keep_plan(user: User, mentorship: Mentorship) -> bool:
    """The mentor of the mentorship, the programme's curator or an admin."""
    access = access_for(user)
    return (access.is_admin
            or mentorship.programme_id in access.programme_ids(roles.CURATOR)
            or (access.person_id is not None
                and mentorship.mentor.person_id == access.person_id))


def mentorship_work_get_for_user(user: User, pk: int, *, write: bool = False) -> Mentorship:
    mentorship = mentorship_get_for_user(user, pk)
    if write and not can_keep_plan(user, mentorship):
        raise PermissionDenied(_("Only the mentor or the curator can change the plan and the "
                                 "meeting log."))
    return mentorship


def plan_item_get_for_user(user: User, pk: int, *, write: bool = False) -> PlanItem:
    mentorship_id = PlanItem.objects.filter(pk=pk).values_list("mentorship_id", flat=True).first()
    if mentorship_id is None:
        raise Http404
    mentorship = mentorship_work_get_for_user(user, mentorship_id, write=write)
    item = PlanItem.objects.get(pk=pk)
    item.mentorship = mentorship
    return item


def meeting_get_for_user(user: User, pk: int, *, write: bool = False) -> Meeting:
    mentorship_id = Meeting.objects.filter(pk=pk).values_list("mentorship_id", flat=True).first()
    if mentorship_id is None:
        raise Http404
    mentorship = mentorship_work_get_for_user(user, mentorship_id, write=write)
    meeting = Meeting.objects.get(pk=pk)
    meeting.mentorship = mentorship
    return meeting


def meeting_get_for_mentee(user: User, pk: int) -> tuple[Meeting, ProgrammeRole]:
    """A meeting of the user's own mentorship and the user's mentee role in it; a staff
    member or the mentor who may see the meeting gets 403, anyone else 404."""
    meeting = meeting_get_for_user(user, pk)
    access = access_for(user)
    role = None
    if access.person_id is not None:
        role = (ProgrammeRole.objects
                .filter(person_id=access.person_id, role=ProgrammeRole.Role.MENTEE,
                        memberships__mentorship_id=meeting.mentorship_id,
                        memberships__is_active=True).first())
    if role is None:
        raise PermissionDenied(_("Only a mentee of this pair or group can do this."))
    return meeting, role
