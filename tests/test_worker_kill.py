"""A worker killed in the middle of an import and a report loses nothing and duplicates
nothing when the tasks run again (issue 9, «Operations»).

With a broker and a real worker (CI's `worker` step: PostgreSQL, Redis, CELERY_TASK_ALWAYS_EAGER
off) the test starts a Celery worker of its own, on a Redis database of its own (so CI's
shared worker never sees these messages) with a visibility timeout of a few seconds. It
starts the confirmed import of a file of a few thousand rows and an annual report, SIGKILLs
the worker's whole process group while both are running, starts a second worker, and waits
until Redis redelivers the unacknowledged tasks and both end. Every person must be there
exactly once, the report done with one file, no row left running.

Without a broker (`make test`) the same two interruptions are simulated in-process: the
service is stopped by an exception that, like SIGKILL, bypasses its error handling in the
middle of its work, and the task is then run again as a redelivery would.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import translation

from monitoring import reports as monitoring_reports
from monitoring.models import Report
from monitoring.services import report_render
from monitoring.tasks import report_render_task
from pairing.models import MatchRun
from participants import services as import_services
from participants import tasks as import_tasks
from participants.models import ImportBatch, Person

from .conftest import World
from .participants.importfiles import upload, xlsx_bytes

REPO_ROOT = Path(__file__).resolve().parent.parent
ROWS = 3000
VISIBILITY_TIMEOUT = 3  # seconds; production's default is 3600
# The Redis database of this test's broker: not CI's broker (1) or cache (2).
KILL_BROKER_DB = 13


class WorkerKilled(BaseException):
    """Stands for SIGKILL in-process: not an Exception, so no `except Exception` sees it."""


def _rows(count: int) -> list[list[Any]]:
    return [[f"Перезапусков{chr(1072 + i % 32)}", "Пётр", "Ильич",
             dt.date(2005, 1, 1) + dt.timedelta(days=i % 2000), f"kill{i}@example.ru",
             "студент", f"КР-{i % 7}", 1 + i % 4] for i in range(count)]


def _imported(world: World) -> tuple[int, int]:
    """(people imported by the test, emails held by more than one person)."""
    people = Person.objects.filter(organisation=world.org, email__startswith="kill",
                                   email__endswith="@example.ru")
    duplicates = people.values("email").annotate(n=Count("pk")).filter(n__gt=1).count()
    return people.count(), duplicates


def _previewed_batch(world: World, rows: int) -> ImportBatch:
    batch = import_services.import_batch_create(
        organisation=world.org, programme=None, upload=upload(xlsx_bytes(_rows(rows))),
        strict=False, acting_user=world.users["curator"])
    with translation.override("ru"):
        checked = import_services.import_batch_preview(batch_id=batch.pk)
    assert checked is not None
    assert checked.status == ImportBatch.Status.PREVIEWED, checked.error
    assert checked.counts["new"] == rows
    return checked


def _nothing_left_running() -> None:
    assert not Report.objects.filter(status=Report.Status.RUNNING).exists()
    assert not ImportBatch.objects.filter(status__in=[ImportBatch.Status.IMPORTING,
                                                      ImportBatch.Status.PREVIEWING]).exists()
    assert not MatchRun.objects.filter(status=MatchRun.Status.RUNNING).exists()


def _report_files(media_root: Path) -> list[Path]:
    return sorted((media_root / "reports").rglob("*.pdf"))


# --- the real worker ------------------------------------------------------------------------


def _database_url() -> str:
    """The URL of the database this test uses (CI: the PostgreSQL test database)."""
    db = settings.DATABASES["default"]
    credentials = quote(db.get("USER") or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return (f"postgres://{credentials}@{db.get('HOST') or 'localhost'}:"
            f"{db.get('PORT') or 5432}/{db['NAME']}")


def _kill_broker_url() -> str:
    parts = urlsplit(settings.CELERY_BROKER_URL)
    return urlunsplit(parts._replace(path=f"/{KILL_BROKER_DB}"))


class Worker:
    """A Celery worker subprocess in a process group of its own (SIGKILL takes it whole)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "mentorship", "worker", "-l", "info",
                 "--concurrency", "2", "-P", "prefork", "--without-mingle",
                 "--without-gossip", "-n", f"killtest{time.monotonic_ns()}@%h"],
                cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_factory(tmp_path: Path, settings) -> Iterator[Callable[[], Worker]]:  # type: ignore[no-untyped-def]
    import redis

    broker = _kill_broker_url()
    redis.Redis.from_url(broker).flushdb()
    settings.MEDIA_ROOT = tmp_path / "media"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST_", "DJANGO_"))}
    env.update({"DATABASE_URL": _database_url(), "MEDIA_ROOT": str(tmp_path / "media"),
                "CELERY_BROKER_URL": broker, "CELERY_TASK_ALWAYS_EAGER": "0",
                "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
                "REDIS_URL": settings.REDIS_URL or "", "DEBUG": "0",
                "SECRET_KEY": "worker-kill-test-only", "LOG_LEVEL": "WARNING"})
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(env, tmp_path / "worker.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    redis.Redis.from_url(broker).flushdb()


def _send(task: Any, *args: Any) -> None:
    """Publish to this test's broker (not the suite's)."""
    from mentorship.celery import app

    with app.connection_for_write(_kill_broker_url()) as conn:
        task.apply_async(args, producer=app.amqp.Producer(conn))


def _wait(condition: Callable[[], bool], seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
            pytest.fail(f"Timed out waiting for {what}. Worker log:\n{tail}")
        time.sleep(0.05)


def _started(worker: Worker) -> bool:
    return "ready." in worker.log.read_text(errors="replace") if worker.log.exists() else False


def _real_worker_scenario(world: World, worker_factory: Callable[[], Worker],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    first = worker_factory()
    _wait(lambda: _started(first), 90, "the first worker to start", first.log)
    batch = _previewed_batch(world, ROWS)
    # The view's path: claim the batch (status «importing»), then the task is queued.
    monkeypatch.setattr(import_tasks.import_confirm_task, "delay",
                        lambda *args: _send(import_tasks.import_confirm_task, *args))
    assert import_services.import_batch_request_confirm(batch=batch,
                                                        acting_user=world.users["curator"])

    def import_progress() -> tuple[str, int]:
        return ImportBatch.objects.values_list("status", "progress").get(pk=batch.pk)

    # The confirm has read the rows (60 %) and is writing them in its transaction.
    _wait(lambda: import_progress()[1] >= 60, 120, "the import to start writing", first.log)
    report = Report.objects.create(programme=world.programme, year=world.programme.start_year,
                                   requested_by=world.users["director"])
    _send(report_render_task, report.pk)
    _wait(lambda: 0 < Report.objects.get(pk=report.pk).progress < 100, 60,
          "the report to start rendering", first.log)
    first.kill()
    killed_at = time.monotonic()

    # Both were cut off in the middle: neither finished, nothing of the import is visible.
    status, progress = import_progress()
    assert status == ImportBatch.Status.IMPORTING and 0 < progress < 100, (
        "the import finished before the kill: make ROWS larger")
    assert _imported(world) == (0, 0)
    report.refresh_from_db()
    assert report.status == Report.Status.RUNNING and 0 < report.progress < 100

    # A new worker restores messages unacknowledged for longer than the visibility timeout.
    time.sleep(max(0.0, VISIBILITY_TIMEOUT + 1 - (time.monotonic() - killed_at)))
    second = worker_factory()

    def both_ended() -> bool:
        report.refresh_from_db()
        return (report.status not in (Report.Status.QUEUED, Report.Status.RUNNING)
                and import_progress()[0] not in (ImportBatch.Status.IMPORTING,))

    _wait(both_ended, 240, "the redelivered import and report to end", second.log)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE, batch.error
    assert batch.counts["new"] == ROWS
    assert _imported(world) == (ROWS, 0)
    assert report.status == Report.Status.DONE, report.error
    assert report.file and Path(report.file.path).read_bytes().startswith(b"%PDF")
    assert _report_files(Path(settings.MEDIA_ROOT)) == [Path(report.file.path)]
    _nothing_left_running()
    log = second.log.read_text(errors="replace")
    assert "import_confirm_task" in log and "monitoring.report_render" in log


# --- in-process simulation ------------------------------------------------------------------


def _simulated_scenario(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    batch = _previewed_batch(world, 50)
    # Claim without running: the task is run by hand below.
    monkeypatch.setattr(import_tasks.import_confirm_task, "delay", lambda *args: None)
    monkeypatch.setattr(import_services, "IMPORT_SYNC_ROWS", 0)
    assert import_services.import_batch_request_confirm(batch=batch,
                                                        acting_user=world.users["curator"])
    original_apply = import_services.apply_plan

    def apply_then_die(*args: Any, **kwargs: Any) -> None:
        original_apply(*args, **kwargs)  # every row written inside the transaction...
        raise WorkerKilled  # ...and the process dies before the commit

    monkeypatch.setattr(import_services, "apply_plan", apply_then_die)
    with pytest.raises(WorkerKilled):
        import_tasks.import_confirm_task(batch.pk, world.users["curator"].pk, "ru")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTING
    assert _imported(world) == (0, 0)

    monkeypatch.setattr(import_services, "apply_plan", original_apply)
    import_tasks.import_confirm_task(batch.pk, world.users["curator"].pk, "ru")  # redelivered
    import_tasks.import_confirm_task(batch.pk, world.users["curator"].pk, "ru")  # and again
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE, batch.error
    assert _imported(world) == (50, 0)

    report = Report.objects.create(programme=world.programme, year=world.programme.start_year)
    original_render = monitoring_reports.render_pdf

    def render_then_die(*args: Any, **kwargs: Any) -> bytes:
        raise WorkerKilled

    monkeypatch.setattr(monitoring_reports, "render_pdf", render_then_die)
    with pytest.raises(WorkerKilled):
        report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.RUNNING and 0 < report.progress < 100
    monkeypatch.setattr(monitoring_reports, "render_pdf", original_render)
    # A duplicate that is not a redelivery leaves a report a live run may be rendering...
    assert report_render(report_id=report.pk).status == Report.Status.RUNNING  # type: ignore[union-attr]
    # ...the redelivered task (its worker died) takes it over.
    report_render_task.push_request(delivery_info={"redelivered": True})
    try:
        report_render_task.run(report.pk)
    finally:
        report_render_task.pop_request()
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    assert _report_files(Path(settings.MEDIA_ROOT)) == [Path(report.file.path)]
    # A late duplicate run finds it done and keeps the one file.
    report_render_task.push_request(delivery_info={"redelivered": True})
    try:
        report_render_task.run(report.pk)
    finally:
        report_render_task.pop_request()
    assert _report_files(Path(settings.MEDIA_ROOT)) == [Path(report.file.path)]
    _nothing_left_running()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_and_duplicates_nothing(
        world: World, tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
        request: pytest.FixtureRequest) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    real = not settings.CELERY_TASK_ALWAYS_EAGER and connection.vendor == "postgresql"
    if real:
        _real_worker_scenario(world, request.getfixturevalue("worker_factory"), monkeypatch)
    else:
        _simulated_scenario(world, monkeypatch)


@pytest.mark.django_db
def test_a_redelivered_preview_takes_over_a_check_its_dead_worker_left(
        world: World, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    batch = import_services.import_batch_create(
        organisation=world.org, programme=None, upload=upload(xlsx_bytes(_rows(5))),
        strict=False, acting_user=world.users["curator"])
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.PREVIEWING,
                                                   progress=30)
    # A second, live check is never started twice...
    assert import_services.import_batch_preview(batch_id=batch.pk) is None
    # ...but the redelivered task of a dead worker checks the file again.
    import_tasks.import_preview_task.push_request(delivery_info={"redelivered": True})
    try:
        import_tasks.import_preview_task.run(batch.pk, "ru")
    finally:
        import_tasks.import_preview_task.pop_request()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.error
    assert batch.counts["new"] == 5
