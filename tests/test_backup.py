"""Backup and restore (`manage.py backup` / `manage.py restore`): a full round trip.

The round trip runs `manage.py` in subprocesses against a database of its own, never the
test database the suite uses: on SQLite (`make test`) a file in tmp_path; on PostgreSQL (the
CI step with DATABASE_URL set) a scratch database created here and dropped at the end. The
demo data is loaded (rows of every important model), files are added under MEDIA_ROOT, a
snapshot of every row of every table and every file is taken, then: backup, wipe (flush and
delete the files), restore, and the snapshot must be identical.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from mentorship import backups

REPO_ROOT = Path(__file__).resolve().parent.parent

# Printed by the snapshot script as JSON: {"rows": {label: [count, digest]}, "files": {...}}.
SNAPSHOT = """
import hashlib, json, sys
from pathlib import Path
from django.apps import apps
from django.conf import settings
from django.db import connection
from django_scopes import scopes_disabled

tables = set(connection.introspection.table_names())
rows = {}
with scopes_disabled():
    for model in apps.get_models():
        # The data version's epoch is drawn anew by a restore (compared apart).
        if model._meta.db_table not in tables or model._meta.label == "mentorship.DataVersion":
            continue
        values = list(model._base_manager.order_by("pk").values_list())
        digest = hashlib.sha256(repr(values).encode()).hexdigest()
        rows[model._meta.label] = [len(values), digest]
root = Path(settings.MEDIA_ROOT)
files = {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
         for p in sorted(root.rglob("*")) if p.is_file()} if root.is_dir() else {}
from mentorship import dataversion
sys.stdout.write(json.dumps({"rows": rows, "files": files, "version": dataversion.current()}))
"""

# Files as the product stores them: a rendered report (a row pointing at its file) and an
# upload under a nested folder with a Cyrillic name.
ADD_FILES = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_scopes import scopes_disabled
from monitoring.models import Report
from programmes.models import Programme

with scopes_disabled():
    programme = Programme.objects.order_by("pk").first()
    report = Report(programme=programme, year=2025, status=Report.Status.DONE, progress=100)
    report.file.save("annual.pdf", ContentFile(b"%PDF-1.7 report bytes"), save=True)
default_storage.save("imports/2025/Список группы ИС-21.xlsx", ContentFile("строки".encode()))
"""

# Models whose rows the round trip must find again; each has rows after load_demo.
IMPORTANT = ("mentorship.User", "mentorship.AuditEntry", "programmes.Organisation",
             "programmes.Programme", "participants.Person", "participants.ProgrammeRole",
             "participants.Consent", "pairing.Mentorship", "pairing.MentorshipMember",
             "pairing.PlanItem", "pairing.Meeting", "monitoring.IndicatorPlan",
             "monitoring.SurveyResponse", "monitoring.SurveyAnswer", "monitoring.Report")


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


def _snapshot(env: dict[str, str]) -> dict:
    return json.loads(_manage(env, "shell", "--no-imports", "-c", SNAPSHOT))


def _environment(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.update({"DATABASE_URL": database_url, "MEDIA_ROOT": str(tmp_path / "media"),
                "BACKUP_DIR": str(tmp_path / "backups"), "BACKUP_KEEP": "14",
                "DEBUG": "0", "HTTPS": "0", "SECRET_KEY": "backup-test-only",
                "DEMO_DATA_ALLOWED": "1", "REDIS_URL": "", "CELERY_BROKER_URL": "",
                "LOG_LEVEL": "ERROR"})
    return env


@pytest.fixture
def scratch_database(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL of the same engine as the suite's, for a database of the test's own."""
    db = settings.DATABASES["default"]
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
        return
    import psycopg

    name = f"backup_roundtrip_{uuid.uuid4().hex[:12]}"
    params = {"host": db.get("HOST") or None, "port": db.get("PORT") or None,
              "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(db.get("USER") or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or 5432
    try:
        yield f"postgres://{credentials}@{host}:{port}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_wipe_restore_finds_every_row_and_file(tmp_path: Path,
                                                      scratch_database: str) -> None:
    env = _environment(tmp_path, scratch_database)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "load_demo", "--small")
    _manage(env, "shell", "--no-imports", "-c", ADD_FILES)
    before = _snapshot(env)
    empty = [label for label in IMPORTANT if before["rows"][label][0] == 0]
    assert not empty, f"no rows to back up in {empty}"
    assert len(before["files"]) == 2

    _manage(env, "backup")
    [made] = backups.backups_list(tmp_path / "backups")
    assert {p.name for p in made.iterdir()} >= {"manifest.json", "media.tar.gz"}

    _manage(env, "flush", "--noinput")
    for path in sorted((tmp_path / "media").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    wiped = _snapshot(env)
    assert wiped["files"] == {}
    assert all(wiped["rows"][label][0] == 0 for label in IMPORTANT)

    # Without --yes nothing is touched.
    refused = subprocess.run([sys.executable, "manage.py", "restore", str(made)], cwd=REPO_ROOT,
                             env=env, capture_output=True, text=True, timeout=120, check=False)
    assert refused.returncode != 0
    assert "--yes" in refused.stderr
    assert _snapshot(env) == wiped

    _manage(env, "restore", str(made), "--yes")
    after = _snapshot(env)
    assert after["files"] == before["files"]
    differing = sorted(label for label in before["rows"]
                       if after["rows"].get(label) != before["rows"][label])
    assert differing == []
    # Caches keyed on the data version cannot serve what they stored before the restore.
    assert after["version"].split(":")[0] != before["version"].split(":")[0]


def test_backup_keeps_the_newest_and_ignores_partial_folders(
        tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Rotation and the completeness check, without a database dump (stubbed)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "a").mkdir(parents=True)
    (tmp_path / "media" / "a" / "f.txt").write_text("x")
    monkeypatch.setattr(backups, "_engine", lambda alias="default": "postgresql")

    def fake_run(command: list[str], env: dict[str, str]) -> None:
        Path(command[-1].removeprefix("--file=")).write_bytes(b"dump")

    monkeypatch.setattr(backups, "_run", fake_run)
    folder = tmp_path / "backups"
    (folder / "backup-20000101-000000.partial").mkdir(parents=True)
    made = [backups.backup_create(directory=folder, keep=2) for _ in range(3)]
    kept = backups.backups_list(folder)
    assert kept == [made[1].path, made[2].path]
    assert made[2].media_files == 1
    assert backups.backup_read(made[2].path).engine == "postgresql"
    (made[2].path / "media.tar.gz").unlink()
    with pytest.raises(backups.BackupError):
        backups.backup_read(made[2].path)


def test_a_failed_dump_leaves_no_backup_behind(
        tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(backups, "_engine", lambda alias="default": "postgresql")

    def failing_run(command: list[str], env: dict[str, str]) -> None:
        raise backups.BackupError("pg_dump failed (1): connection refused")

    monkeypatch.setattr(backups, "_run", failing_run)
    with pytest.raises(backups.BackupError):
        backups.backup_create(directory=tmp_path / "backups", keep=2)
    assert list((tmp_path / "backups").iterdir()) == []
