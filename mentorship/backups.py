"""Backups of the database and the uploaded files, and their restore.

A backup is one folder `BACKUP_DIR/backup-YYYYMMDD-HHMMSS/` holding
`database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite: a
consistent copy through sqlite3's backup API), `media.tar.gz` (everything under MEDIA_ROOT)
and `manifest.json` (engine, time, file names). It is written under a temporary name and
renamed when complete, so an interrupted backup never looks like a good one; after a
successful backup only the newest BACKUP_KEEP are kept.

Restore replaces the database's contents (`pg_restore --clean --if-exists`, or the SQLite
backup API in the other direction) and the contents of MEDIA_ROOT. Used by the management
commands `backup` and `restore`; the compose service `backup` runs the first daily.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

from . import dataversion

PREFIX = "backup-"
PARTIAL_SUFFIX = ".partial"
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason for the operator."""


@dataclass(frozen=True)
class Backup:
    path: Path
    engine: str
    created_at: str
    media_files: int


def _engine(alias: str = "default") -> str:
    engine = settings.DATABASES[alias]["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"Unsupported database engine for backups: {engine}")


def _pg_env(alias: str = "default") -> dict[str, str]:
    """libpq's environment for the database: the password never appears on a command line."""
    db = settings.DATABASES[alias]
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        value = db.get(key)
        if value:
            env[variable] = str(value)
        else:
            env.pop(variable, None)
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_archive(target: Path) -> int:
    root = _media_root()
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=str(path.relative_to(root)), recursive=False)
                    count += 1
    return count


def backups_list(directory: Path | None = None) -> list[Path]:
    """Complete backups in the folder, oldest first (the names sort by time)."""
    directory = Path(directory or settings.BACKUP_DIR)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir()
                  if p.is_dir() and p.name.startswith(PREFIX)
                  and not p.name.endswith(PARTIAL_SUFFIX) and (p / MANIFEST).is_file())


def backup_create(*, directory: Path | None = None, keep: int | None = None) -> Backup:
    """Back up the default database and MEDIA_ROOT into a new timestamped folder, then
    delete the oldest complete backups beyond `keep` (BACKUP_KEEP). Raises BackupError when
    the dump fails; the partial folder is removed then and older backups stay untouched."""
    directory = Path(directory or settings.BACKUP_DIR)
    keep = settings.BACKUP_KEEP if keep is None else keep
    engine = _engine()
    directory.mkdir(parents=True, exist_ok=True)
    now = timezone.localtime()
    name = f"{PREFIX}{now:%Y%m%d-%H%M%S}"
    final = directory / name
    suffix = 1
    while final.exists():
        suffix += 1
        final = directory / f"{name}-{suffix}"
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    partial.mkdir()
    try:
        if engine == "postgresql":
            database_file = PG_DUMP
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={partial / PG_DUMP}"], _pg_env())
        else:
            database_file = SQLITE_COPY
            source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
            copy = sqlite3.connect(partial / SQLITE_COPY)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
        media_files = _media_archive(partial / MEDIA_ARCHIVE)
        manifest = {"engine": engine, "created_at": now.isoformat(),
                    "database": database_file, "media": MEDIA_ARCHIVE,
                    "media_files": media_files}
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if keep > 0:
        for old in backups_list(directory)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    return Backup(path=final, engine=engine, created_at=manifest["created_at"],
                  media_files=media_files)


def backup_read(path: Path) -> Backup:
    """The backup at `path`, checked to be complete. Raises BackupError otherwise."""
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} is not a complete backup: {exc}") from None
    for part in (manifest.get("database"), manifest.get("media")):
        if not part or not (path / part).is_file():
            raise BackupError(f"{path} is not a complete backup: {part} is missing")
    return Backup(path=path, engine=manifest["engine"], created_at=manifest["created_at"],
                  media_files=int(manifest.get("media_files", 0)))


def _restore_media(archive_path: Path) -> None:
    root = _media_root()
    root.mkdir(parents=True, exist_ok=True)
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    with tarfile.open(archive_path, "r:gz") as archive:
        # The "data" filter refuses absolute paths, "..", links out of the folder, devices.
        archive.extractall(root, filter="data")


def backup_restore(*, path: Path) -> Backup:
    """Replace the database's contents and MEDIA_ROOT's with the backup at `path`.
    Raises BackupError when the backup is incomplete, was made from another database
    engine, or the restore tool fails."""
    backup = backup_read(path)
    engine = _engine()
    if backup.engine != engine:
        raise BackupError(f"The backup is of a {backup.engine} database; this installation "
                          f"uses {engine}.")
    connections.close_all()
    if engine == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", f"--dbname={_pg_env()['PGDATABASE']}",
              str(backup.path / PG_DUMP)], _pg_env())
    else:
        source = sqlite3.connect(backup.path / SQLITE_COPY)
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    _restore_media(backup.path / MEDIA_ARCHIVE)
    # The counter went back with the data: a new epoch keeps caches from serving what they
    # stored under its later numbers (and an older backup gets the triggers).
    dataversion.install()
    return backup
