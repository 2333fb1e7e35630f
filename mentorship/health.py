"""Health of the parts the product runs on, for `/health/` and the compose healthcheck."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection

OK = "ok"
ERROR = "error"
NOT_CONFIGURED = "not configured"


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "down"
        return ERROR
    return OK


def _cache() -> str:
    try:
        cache.set("health-check", "1", 5)
        return OK if cache.get("health-check") == "1" else ERROR
    except Exception:  # noqa: BLE001
        return ERROR


def _broker_and_worker() -> tuple[str, str]:
    if not settings.CELERY_BROKER_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        return NOT_CONFIGURED, NOT_CONFIGURED
    from mentorship.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001
        return ERROR, ERROR
    try:
        replies = app.control.inspect(timeout=1.0).ping()
    except Exception:  # noqa: BLE001
        replies = None
    return OK, OK if replies else ERROR


def health_checks() -> dict[str, str]:
    broker, worker = _broker_and_worker()
    return {"database": _database(), "cache": _cache(), "broker": broker, "worker": worker}
