"""Background work of monitoring: rendering reports, warming the figures' snapshots. Tasks
take ids and call a service."""

from __future__ import annotations

from celery import Task, shared_task

from .services import report_render
from .snapshots import snapshots_warm


@shared_task(name="monitoring.report_render", acks_late=True, bind=True)
def report_render_task(self: Task, report_id: int) -> None:
    """Render a queued report (idempotent: see `services.report_render`). A redelivered
    message means the worker that ran it died (acks_late: it was never acknowledged), so
    the report it left «running» is taken over."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    report_render(report_id=report_id, take_over=redelivered)


@shared_task(name="monitoring.snapshots_warm")
def snapshots_warm_task() -> int:
    """Compute today's snapshots of the dashboards' and roll-ups' figures ahead of their
    visitors (periodic; see `snapshots.snapshots_warm`)."""
    return snapshots_warm()
