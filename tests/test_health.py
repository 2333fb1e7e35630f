"""/health/ reports each part; the compose healthcheck relies on its status code."""

from __future__ import annotations

import pytest
from django.test import Client

from mentorship import health


@pytest.mark.django_db
def test_health_embedded_setup_is_ok() -> None:
    response = Client(HTTP_HOST="127.0.0.1").get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"] in ("ok", "not configured")


@pytest.mark.django_db
def test_health_is_503_when_the_database_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "_database", lambda: health.ERROR)
    response = Client(HTTP_HOST="127.0.0.1").get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"


@pytest.mark.django_db
def test_health_reports_a_missing_worker_without_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "_broker_and_worker", lambda: (health.OK, health.ERROR))
    response = Client(HTTP_HOST="127.0.0.1").get("/health/")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == "error"


@pytest.mark.worker
@pytest.mark.django_db
def test_health_sees_the_real_worker_when_a_broker_is_configured(settings) -> None:  # type: ignore[no-untyped-def]
    checks = Client(HTTP_HOST="127.0.0.1").get("/health/").json()["checks"]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        assert (checks["broker"], checks["worker"]) == ("not configured", "not configured")
    else:  # CI's worker step: Redis broker and a running worker
        assert (checks["broker"], checks["worker"]) == ("ok", "ok")
