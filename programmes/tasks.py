"""Background work of programmes. Tasks take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from .services import activity_executions_ensure_all


@shared_task(name="programmes.activity_executions_ensure")
def activity_executions_ensure_task() -> int:
    """At the start of an academic year: the execution records of every running programme
    (idempotent). Programmes hold no personal data, so no scope is needed."""
    return activity_executions_ensure_all()
