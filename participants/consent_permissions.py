"""Who may see and record consents: the organisation's director and curators see them (and
admins everywhere); only curators and admins record, revoke and print. Anyone else: 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mentorship import access as roles
from mentorship.access import access_for
from mentorship.models import User

from .models import Consent, Person


def _authorise(user: User, organisation_id: int, *, write: bool) -> None:
    access = access_for(user)
    if access.is_admin:
        return
    if not access.is_staff_of_organisation or access.organisation_id != organisation_id:
        raise Http404
    if write and not access.has(roles.CURATOR):
        raise PermissionDenied(_("Only a curator can record or revoke consents."))


def consent_person_get_for_user(user: User, pk: int, *, write: bool = False) -> Person:
    """A person (not anonymised) whose consents the user may see, or change with `write`."""
    person = (Person.objects.select_related("organisation", "study_group")
              .filter(pk=pk, anonymised_at__isnull=True).first())
    if person is None:
        raise Http404
    _authorise(user, person.organisation_id, write=write)
    return person


def consent_get_for_user(user: User, pk: int, *, write: bool = False) -> Consent:
    consent = (Consent.objects.select_related("person__organisation")
               .filter(pk=pk, person__anonymised_at__isnull=True).first())
    if consent is None:
        raise Http404
    _authorise(user, consent.person.organisation_id, write=write)
    return consent


def consent_may_write(user: User, organisation_id: int) -> bool:
    try:
        _authorise(user, organisation_id, write=True)
    except (Http404, PermissionDenied):
        return False
    return True


def consent_may_read(user: User, organisation_id: int) -> bool:
    try:
        _authorise(user, organisation_id, write=False)
    except (Http404, PermissionDenied):
        return False
    return True
