"""Who may see the privacy registers. Administrators see every organisation's; a
director sees (reads) their own organisation's; nobody else sees them: other roles get
403 on the register pages and 404 on any object of them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mentorship import access as roles
from mentorship.access import access_for
from mentorship.models import User

from .models import Incident, SubjectArchive, SubjectRequest


def privacy_organisation_for_user(user: User) -> int | None:
    """None for an administrator (every organisation), the director's organisation id for
    a director; 403 for anyone else."""
    access = access_for(user)
    if access.is_admin:
        return None
    if access.has(roles.DIRECTOR) and access.organisation_id is not None:
        return access.organisation_id
    raise PermissionDenied(_("This page is for administrators and directors."))


def privacy_require_admin(user: User) -> None:
    if not access_for(user).is_admin:
        raise PermissionDenied(_("Only an administrator handles personal data requests."))


def _visible(user: User, organisation_id: int) -> bool:
    access = access_for(user)
    return access.is_admin or (access.has(roles.DIRECTOR)
                               and access.organisation_id == organisation_id)


def subject_request_get_for_user(user: User, pk: int, *,
                                 write: bool = False) -> SubjectRequest:
    """A request the user may see (admin, or the director of its organisation), else 404;
    a director asking to change it gets 403."""
    request = (SubjectRequest.objects.select_related("person", "organisation", "handled_by",
                                                     "created_by")
               .filter(pk=pk).first())
    if request is None or not _visible(user, request.organisation_id):
        raise Http404
    if write:
        privacy_require_admin(user)
    return request


def subject_archive_get_for_user(user: User, pk: int) -> SubjectArchive:
    """An archive: administrators only (a director gets 403, anyone else 404)."""
    archive = (SubjectArchive.objects.select_related("request", "requested_by")
               .filter(pk=pk).first())
    if archive is None or not _visible(user, archive.request.organisation_id):
        raise Http404
    privacy_require_admin(user)
    return archive


def incident_get_for_user(user: User, pk: int, *, write: bool = False) -> Incident:
    """An incident of the user's organisation (or any, for an admin), else 404. Directors
    record and update their organisation's incidents too: they answer for the notices."""
    incident = Incident.objects.select_related("organisation").filter(pk=pk).first()
    if incident is None or not _visible(user, incident.organisation_id):
        raise Http404
    return incident
