"""A large matcher run goes to Celery and the board polls its progress. In CI this also
runs against a real worker (marker `worker`): the test polls the database for the outcome."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from pairing import views
from pairing.models import MatchRun, MatchSuggestion

from .conftest import Scene


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_large_run_goes_to_celery_and_the_board_follows_it(
        scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(3):
        scene.mentee_with_request(comps=("Адаптация",))
    monkeypatch.setattr(views, "INLINE_RUN_LIMIT", 0)  # every run is "large"
    client = scene.world.client_for("curator")
    programme = scene.world.programme
    response = client.post(reverse("pairing:run_start", args=[programme.pk]),
                           {"form": scene.ts.pk})
    assert response.status_code == 302
    run = MatchRun.objects.get(programme=programme)
    deadline = time.monotonic() + 90
    while run.status not in (MatchRun.Status.DONE, MatchRun.Status.FAILED):
        assert time.monotonic() < deadline, f"the run is still {run.status}"
        time.sleep(0.2)
        run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE, run.error
    assert run.progress == 100
    assert MatchSuggestion.objects.filter(run=run).count() == 4  # 3 new + the paired mentee
    status_url = reverse("pairing:run_status", args=[run.pk])
    polled = client.get(f"{status_url}?polling=1", HTTP_HX_REQUEST="true")
    assert polled.status_code == 204
    assert polled["HX-Redirect"].endswith(f"?form={scene.ts.pk}&run={run.pk}")


@pytest.mark.django_db
def test_a_running_run_shows_its_progress(scene: Scene) -> None:
    run = MatchRun.objects.create(programme=scene.world.programme, form=scene.ts,
                                  status=MatchRun.Status.RUNNING, progress=42)
    client = scene.world.client_for("curator")
    panel = client.get(reverse("pairing:run_status", args=[run.pk]) + "?polling=1",
                       HTTP_HX_REQUEST="true").content.decode()
    assert 'value="42"' in panel and "hx-trigger=\"every 1s\"" in panel
    board = client.get(reverse("pairing:board", args=[scene.world.programme.pk])
                       + f"?form={scene.ts.pk}").content.decode()
    assert 'id="run-panel"' in board and 'value="42"' in board
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.FAILED,
                                              error="Подбор остановлен из-за ошибки")
    failed = client.get(reverse("pairing:board", args=[scene.world.programme.pk])
                        + f"?form={scene.ts.pk}").content.decode()
    assert "Подбор остановлен из-за ошибки" in failed and "every 1s" not in failed
