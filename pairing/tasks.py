"""Background work of pairing. Tasks take ids and call a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation
from django_scopes import scopes_disabled

from .services import match_run_execute, mentorship_notify_members


@shared_task(name="pairing.match_run", acks_late=True)
def match_run_task(run_id: int) -> None:
    """Run a queued matcher run (idempotent: see `services.match_run_execute`)."""
    with scopes_disabled():
        match_run_execute(run_id=run_id)


@shared_task(name="pairing.mentorship_notify", acks_late=True)
def mentorship_notify_task(mentorship_id: int, member_ids: list[int], language: str) -> int:
    """E-mail the mentor and the new mentees of a mentorship."""
    with scopes_disabled(), translation.override(language):
        return mentorship_notify_members(mentorship_id=mentorship_id, member_ids=member_ids)
