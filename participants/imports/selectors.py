"""Reads for imports."""

from __future__ import annotations

from django.db.models import QuerySet

from mentorship.access import access_for
from mentorship.models import User

from ..models import ImportBatch, ImportRow


def import_batch_list_for_user(user: User) -> QuerySet[ImportBatch]:
    """Imports the user may see, newest first: every one for an admin, their
    organisation's for a curator or director. One query per page (plus the count)."""
    access = access_for(user)
    qs = ImportBatch.objects.select_related("organisation", "programme", "created_by")
    if not access.is_admin:
        qs = qs.filter(organisation_id=access.organisation_id)
    return qs.order_by("-created_at", "-pk")


def import_row_list(*, batch: ImportBatch, outcome: str = "") -> QuerySet[ImportRow]:
    qs = ImportRow.objects.filter(batch=batch)
    if outcome in ImportRow.Outcome.values:
        qs = qs.filter(outcome=outcome)
    return qs.order_by("number")
