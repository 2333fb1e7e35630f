"""Background work for people: checking and writing large participant imports; the daily
anonymisation after a revocation or the retention period."""

from __future__ import annotations

from celery import Task, shared_task
from django.utils import translation
from django_scopes import scope, scopes_disabled

from .models import ImportBatch


def _organisation_id(batch_id: int) -> int | None:
    with scopes_disabled():
        return (ImportBatch.objects.filter(pk=batch_id)
                .values_list("organisation_id", flat=True).first())


@shared_task(bind=True)
def import_preview_task(self: Task, batch_id: int, language: str = "ru") -> None:
    """Check an uploaded import (see `participants.services.import_batch_preview`). A
    redelivered message means the worker that ran it died: the check it left unfinished
    is started again."""
    from .services import import_batch_preview

    organisation_id = _organisation_id(batch_id)
    if organisation_id is None:
        return
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    with translation.override(language), scope(organisation=[organisation_id]):
        import_batch_preview(batch_id=batch_id, take_over=redelivered)


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


@shared_task
def people_anonymise_due_task() -> dict[str, int]:
    """Daily (Celery beat): anonymise people whose consent was revoked long enough ago or
    who left beyond the retention period (see
    `participants.consent_services.people_anonymise_due`). Safe to run twice."""
    from .consent_services import people_anonymise_due

    with scopes_disabled():
        result = people_anonymise_due()
    return {"revoked": result.revoked, "retention": result.retention}
