"""`manage.py restore PATH --yes`: restore the database and the uploaded files from a backup.

Replaces the whole database content and everything under MEDIA_ROOT with the backup made by
`manage.py backup`. Without `--yes` it only describes the backup and changes nothing. Stop
the web application and the workers first. The work itself is
`mentorship.backups.backup_restore`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentorship.backups import BackupError, backup_read, backup_restore


class Command(BaseCommand):
    help = ("Восстанавливает базу данных и загруженные файлы из резервной копии "
            "(папки, созданной командой backup). Текущие данные заменяются; "
            "требуется подтверждение --yes.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Папка резервной копии.")
        parser.add_argument("--yes", action="store_true",
                            help="Подтверждаю замену текущих данных данными копии.")

    def handle(self, *args: Any, path: Path, yes: bool = False, **options: Any) -> None:
        try:
            backup = backup_read(path)
        except BackupError as exc:
            raise CommandError(f"Восстановление невозможно: {exc}") from None
        if not yes:
            raise CommandError(
                f"Копия от {backup.created_at} (база: {backup.engine}, файлов: "
                f"{backup.media_files}). Восстановление заменит все текущие данные и файлы; "
                "остановите веб-приложение и фоновые задачи и повторите команду с --yes.")
        try:
            backup_restore(path=path)
        except BackupError as exc:
            raise CommandError(f"Восстановление не выполнено: {exc}") from None
        self.stdout.write(self.style.SUCCESS(
            f"Данные восстановлены из копии {backup.path} от {backup.created_at}."))
