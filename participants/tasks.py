"""Background work for people: checking and writing large participant imports."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation
from django_scopes import scope, scopes_disabled

from .models import ImportBatch


def _organisation_id(batch_id: int) -> int | None:
    with scopes_disabled():
        return (ImportBatch.objects.filter(pk=batch_id)
                .values_list("organisation_id", flat=True).first())


@shared_task
def import_preview_task(batch_id: int, language: str = "ru") -> None:
    """Check an uploaded import (see `participants.services.import_batch_preview`)."""
    from .services import import_batch_preview

    organisation_id = _organisation_id(batch_id)
    if organisation_id is None:
        return
    with translation.override(language), scope(organisation=[organisation_id]):
        import_batch_preview(batch_id=batch_id)


@shared_task
def import_confirm_task(batch_id: int, acting_user_id: int | None, language: str = "ru"
                        ) -> None:
    """Write a confirmed import (see `participants.services.import_batch_confirm`)."""
    from .services import import_batch_confirm

    organisation_id = _organisation_id(batch_id)
    if organisation_id is None:
        return
    with translation.override(language), scope(organisation=[organisation_id]):
        import_batch_confirm(batch_id=batch_id, acting_user_id=acting_user_id)
