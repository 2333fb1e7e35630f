"""Periodic e-mails of the follow-up (scheduled in mentorship/celery.py)."""

from __future__ import annotations

from celery import shared_task

from .notifications import curator_digests_send, mentor_reminders_send


@shared_task
def curator_digests_task() -> int:
    """The curators' weekly digest; safe to run twice (claims in NotificationLog)."""
    return curator_digests_send()


@shared_task
def mentor_reminders_task() -> int:
    """Reminders to mentors with no recent meeting, at most once a week each."""
    return mentor_reminders_send()
