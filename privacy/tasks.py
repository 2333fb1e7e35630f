"""Background work of the privacy app. Tasks take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from .services import subject_archive_build


@shared_task(name="privacy.subject_archive_build", acks_late=True)
def subject_archive_build_task(archive_id: int) -> None:
    """Build a queued subject-access archive (idempotent: see the service)."""
    subject_archive_build(archive_id=archive_id)
