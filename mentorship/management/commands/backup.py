"""`manage.py backup [--dir PATH] [--keep N]`: back up the database and the uploaded files.

Writes `BACKUP_DIR/backup-YYYYMMDD-HHMMSS/` and keeps the newest BACKUP_KEEP backups. The work
itself is `mentorship.backups.backup_create`; restore with `manage.py restore <folder> --yes`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentorship.backups import BackupError, backup_create


class Command(BaseCommand):
    help = ("Создаёт резервную копию базы данных и загруженных файлов в папке BACKUP_DIR "
            "и оставляет последние BACKUP_KEEP копий.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", dest="directory", type=Path, default=None,
                            help="Папка для резервных копий (по умолчанию BACKUP_DIR).")
        parser.add_argument("--keep", type=int, default=None,
                            help="Сколько последних копий хранить (по умолчанию BACKUP_KEEP; "
                                 "0 — не удалять старые).")

    def handle(self, *args: Any, directory: Path | None = None, keep: int | None = None,
               **options: Any) -> None:
        try:
            backup = backup_create(directory=directory, keep=keep)
        except BackupError as exc:
            raise CommandError(f"Резервная копия не создана: {exc}") from None
        self.stdout.write(self.style.SUCCESS(
            f"Резервная копия создана: {backup.path} (база: {backup.engine}, "
            f"файлов: {backup.media_files})."))
        self.stdout.write(str(backup.path))
