"""Background work of monitoring: rendering reports. Tasks take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from .services import report_render


@shared_task(name="monitoring.report_render", acks_late=True)
def report_render_task(report_id: int) -> None:
    """Render a queued report (idempotent: see `services.report_render`)."""
    report_render(report_id=report_id)
