"""Who may see mentorships. An object the user may not see is a 404."""

from __future__ import annotations

from django.http import Http404

from mentorship import access as roles
from mentorship.access import access_for
from mentorship.models import User

from .models import Mentorship


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
