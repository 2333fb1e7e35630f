"""Who may import participants and see imports. An import the user may not see is a 404;
one they may see but not act on is a 403.

- admins: every organisation (they choose it when uploading);
- curators: their own organisation, roles only for a programme they curate;
- directors: their organisation's import history, read-only (no files, no confirmation).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorship import access as roles
from mentorship.access import Access, access_for
from mentorship.models import User
from programmes.models import Organisation, Programme

from ..models import ImportBatch

# The navigation item (mentorship.context_processors) to the import pages.
IMPORT_NAV_TITLE = gettext_lazy("Import")


def import_may_view_history(access: Access) -> bool:
    return access.is_admin or (access.organisation_id is not None and (
        access.has(roles.CURATOR) or access.has(roles.DIRECTOR)))


def import_may_upload(access: Access) -> bool:
    return access.is_admin or (access.organisation_id is not None
                               and access.has(roles.CURATOR))


def import_require_history(user: User) -> Access:
    access = access_for(user)
    if not import_may_view_history(access):
        raise PermissionDenied(_("Imports are for administrators, curators and directors."))
    return access


def import_require_upload(user: User) -> Access:
    access = access_for(user)
    if not import_may_upload(access):
        raise PermissionDenied(_("Only administrators and curators can import participants."))
    return access


def import_organisations_for_user(user: User) -> QuerySet[Organisation]:
    """Organisations the user may import people into."""
    access = access_for(user)
    qs = Organisation.objects.exclude(kind=Organisation.Kind.EMPLOYER).order_by("short_name")
    if access.is_admin:
        return qs
    if import_may_upload(access):
        return qs.filter(pk=access.organisation_id)
    return qs.none()


def import_programmes_for_user(user: User) -> QuerySet[Programme]:
    """Programmes the user may import roles into: any for an admin, the curated ones for a
    curator."""
    access = access_for(user)
    qs = Programme.objects.select_related("organisation").order_by(
        "organisation__short_name", "-start_year", "title")
    if access.is_admin:
        return qs
    return qs.filter(pk__in=access.programme_ids(roles.CURATOR),
                     organisation_id=access.organisation_id)


def import_batch_get_for_user(user: User, pk: int, *, write: bool = False) -> ImportBatch:
    """An import the user may see: an admin any, a curator or director their
    organisation's. `write` (confirm, download the files) is for admins and the
    organisation's curators (of the import's programme, when it has one)."""
    access = access_for(user)
    batch = (ImportBatch.objects.select_related("organisation", "programme", "created_by")
             .filter(pk=pk).first())
    if batch is None:
        raise Http404
    if access.is_admin:
        return batch
    if not import_may_view_history(access) or batch.organisation_id != access.organisation_id:
        raise Http404
    if write:
        curated = access.programme_ids(roles.CURATOR)
        if not access.has(roles.CURATOR) or (
                batch.programme_id is not None and batch.programme_id not in curated):
            raise PermissionDenied(_("Only the organisation's curators and administrators "
                                     "can do this with an import."))
    return batch
