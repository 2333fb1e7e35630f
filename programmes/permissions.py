"""Who may see and change programmes. An object the user may not see is a 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mentorship import access as roles
from mentorship.access import access_for
from mentorship.models import User

from .models import ActivityExecution, Programme


def programme_get_for_user(user: User, pk: int, *, write: bool = False,
                           staff_only: bool = False) -> Programme:
    """The programme if the user takes part in it (any role), else 404. `staff_only` narrows
    reading to its director and curators and `write` to its curators (and admins): a
    participant outside those roles gets 403."""
    access = access_for(user)
    programme = Programme.objects.select_related("organisation").filter(pk=pk).first()
    if programme is None:
        raise Http404
    if access.is_admin:
        return programme
    allowed = access.programme_ids(*access.programmes.keys())
    if programme.pk not in allowed:
        raise Http404
    staff = programme.pk in access.programme_ids(roles.DIRECTOR, roles.CURATOR)
    if staff_only and not staff:
        raise PermissionDenied(_("This page is for the programme's director and curators."))
    if write and programme.pk not in access.programme_ids(roles.CURATOR):
        raise PermissionDenied(_("Only the programme's curator can change this."))
    return programme


def programme_can_edit(user: User, programme: Programme) -> bool:
    """Whether the user may change the programme (its curators and admins): for showing
    edit links on pages the `write` check of `programme_get_for_user` guards."""
    access = access_for(user)
    return access.is_admin or programme.pk in access.programme_ids(roles.CURATOR)


def programme_get_for_approval(user: User, pk: int) -> Programme:
    """The programme if the user is its director (or an admin); its other participants get
    403, anyone else 404."""
    programme = programme_get_for_user(user, pk)
    access = access_for(user)
    if not access.is_admin and programme.pk not in access.programme_ids(roles.DIRECTOR):
        raise PermissionDenied(_("Only the programme's director can approve it."))
    return programme


def execution_get_for_user(user: User, pk: int, *, write: bool = False) -> ActivityExecution:
    """A roadmap execution record: the programme's director and curators read it, its
    curators (and admins) change it; other participants get 403, anyone else 404."""
    execution = (ActivityExecution.objects
                 .select_related("activity__programme__organisation", "activity__task",
                                 "responsible")
                 .filter(pk=pk).first())
    if execution is None:
        raise Http404
    programme_get_for_user(user, execution.activity.programme_id, write=write, staff_only=True)
    return execution
