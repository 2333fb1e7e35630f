"""Who may see people. An object the user may not see is a 404."""

from __future__ import annotations

from django.http import Http404

from mentorship.access import access_for
from mentorship.models import User

from .models import Person


def person_get_for_user(user: User, pk: int) -> Person:
    """A person the user may see: anyone for an admin, the organisation's people for its
    director and curators, oneself for everybody else. Others are 404."""
    access = access_for(user)
    person = (
        Person.objects.select_related("organisation", "study_group", "specialty", "employer")
        .filter(pk=pk, anonymised_at__isnull=True).first()
    )
    if person is None:
        raise Http404
    if access.is_admin or person.pk == access.person_id:
        return person
    if access.is_staff_of_organisation and person.organisation_id == access.organisation_id:
        return person
    raise Http404
