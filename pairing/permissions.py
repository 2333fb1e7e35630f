"""Who may see and change pairing objects. An object the user may not see is a 404; one
they may see but not change is a 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mentorship import access as roles
from mentorship.access import access_for
from mentorship.models import User
from participants.models import ProgrammeRole
from programmes.models import Programme

from .models import (
    Exclusion,
    MatchRun,
    MatchSuggestion,
    Mentorship,
    MentorshipMember,
    MentorshipRequest,
)


def mentorship_get_for_user(user: User, pk: int) -> Mentorship:
    """A mentorship the user may see: the programme's director, curators and admins see all;
    the mentor and the mentees see their own. Anyone else gets 404."""
    access = access_for(user)
    mentorship = (
        Mentorship.objects.select_related("programme__organisation", "form", "mentor__person")
        .filter(pk=pk).first()
    )
    if mentorship is None:
        raise Http404
    if access.is_admin or mentorship.programme_id in access.programme_ids(roles.DIRECTOR,
                                                                         roles.CURATOR):
        return mentorship
    if access.person_id is not None and (
        mentorship.mentor.person_id == access.person_id
        or mentorship.members.filter(mentee__person_id=access.person_id).exists()
    ):
        return mentorship
    raise Http404


def _staff_programme_ids(user: User) -> tuple[bool, frozenset[int], frozenset[int]]:
    access = access_for(user)
    return (access.is_admin, access.programme_ids(roles.DIRECTOR, roles.CURATOR),
            access.programme_ids(roles.CURATOR))


def _authorise_staff(user: User, programme_id: int, *, write: bool) -> None:
    """Staff of the programme may read, its curators (and admins) write; a director who
    may read but not write gets 403, anyone else 404."""
    is_admin, staff, curators = _staff_programme_ids(user)
    if is_admin:
        return
    if programme_id not in staff:
        raise Http404
    if write and programme_id not in curators:
        raise PermissionDenied(_("Only the programme's curator can change this."))


def run_get_for_user(user: User, pk: int, *, write: bool = False) -> MatchRun:
    run = MatchRun.objects.select_related("programme__organisation", "form").filter(
        pk=pk).first()
    if run is None:
        raise Http404
    _authorise_staff(user, run.programme_id, write=write)
    return run


def suggestion_get_for_user(user: User, pk: int, *, write: bool = False) -> MatchSuggestion:
    suggestion = (MatchSuggestion.objects
                  .select_related("run__programme__organisation", "run__form", "request",
                                  "mentee__person", "mentor__person")
                  .filter(pk=pk).first())
    if suggestion is None:
        raise Http404
    _authorise_staff(user, suggestion.run.programme_id, write=write)
    return suggestion


def mentor_get_for_user(user: User, pk: int, *, write: bool = False) -> ProgrammeRole:
    """A mentor role of a programme: its staff read, its curators change it."""
    role = (ProgrammeRole.objects.select_related("programme__organisation", "person")
            .filter(pk=pk, role=ProgrammeRole.Role.MENTOR).first())
    if role is None:
        raise Http404
    _authorise_staff(user, role.programme_id, write=write)
    return role


def member_get_for_user(user: User, pk: int, *, write: bool = False) -> MentorshipMember:
    member = (MentorshipMember.objects
              .select_related("mentorship__programme__organisation", "mentorship__form",
                              "mentorship__mentor__person", "mentee__person")
              .filter(pk=pk).first())
    if member is None:
        raise Http404
    _authorise_staff(user, member.mentorship.programme_id, write=write)
    return member


def exclusion_get_for_user(user: User, pk: int, *, write: bool = False) -> Exclusion:
    exclusion = Exclusion.objects.select_related("programme").filter(pk=pk).first()
    if exclusion is None:
        raise Http404
    _authorise_staff(user, exclusion.programme_id, write=write)
    return exclusion


def request_get_for_user(user: User, pk: int, *, write: bool = False) -> MentorshipRequest:
    """A request: the programme's staff read it and its curators change it; the mentee
    reads and changes their own. Anyone else gets 404."""
    request = (MentorshipRequest.objects
               .select_related("programme__organisation", "form", "mentee__person")
               .filter(pk=pk).first())
    if request is None:
        raise Http404
    access = access_for(user)
    if access.person_id is not None and request.mentee.person_id == access.person_id:
        return request
    _authorise_staff(user, request.programme_id, write=write)
    return request


def mentee_role_for_user(user: User, programme: Programme) -> ProgrammeRole:
    """The user's own mentee role in the programme; 403 for a participant without one."""
    access = access_for(user)
    role = None
    if access.person_id is not None:
        role = (ProgrammeRole.objects.select_related("person__study_group")
                .filter(programme=programme, person_id=access.person_id,
                        role=ProgrammeRole.Role.MENTEE, is_active=True).first())
    if role is None:
        raise PermissionDenied(_("This page is for the programme's mentees."))
    return role
