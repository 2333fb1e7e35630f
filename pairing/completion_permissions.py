"""Who may close a mentorship and add a reflection. Built on `mentorship_get_for_user`: a
mentorship the user may not see is a 404; one they see but may not act on is a 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from mentorship.access import access_for
from mentorship.models import User
from participants.models import ProgrammeRole

from .models import Mentorship
from .permissions import mentorship_get_for_user
from .work_permissions import can_keep_plan


def mentorship_get_for_closing(user: User, pk: int) -> Mentorship:
    mentorship = mentorship_get_for_user(user, pk)
    if not can_keep_plan(user, mentorship):
        raise PermissionDenied(_("Only the mentor or the curator can close the mentoring."))
    return mentorship


def mentee_role_for_reflection(user: User, pk: int) -> tuple[Mentorship, ProgrammeRole]:
    """The mentorship and the user's own mentee role in it; other viewers get 403."""
    mentorship = mentorship_get_for_user(user, pk)
    access = access_for(user)
    role = None
    if access.person_id is not None:
        role = (ProgrammeRole.objects.select_related("person")
                .filter(memberships__mentorship=mentorship, person_id=access.person_id)
                .first())
    if role is None:
        raise PermissionDenied(_("Only a mentee of this pair or group can add a reflection."))
    return mentorship, role
