"""`manage.py load_demo [--small]`: the demo organisations, people and logins (password «demo»).

Refused where `DEMO_DATA_ALLOWED` is off (a production deployment). Safe to run again: an
existing demo population is kept, only the logins are checked. The work itself is
`mentorship.demo.demo_load`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scopes_disabled

from mentorship.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_load

REFUSED = ("Загрузка демонстрационных данных запрещена в этой установке "
           "(DEMO_DATA_ALLOWED выключен): демо-логины с паролем «demo» недопустимы "
           "в рабочей системе.")


class Command(BaseCommand):
    help = ("Загружает демонстрационные данные: техникум из seed 002 с эталонной программой и "
            "участниками, второй техникум региона и семь демо-логинов с паролем «demo».")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--small", action="store_true",
                            help="Уменьшенный набор (около 120 и 40 студентов) для браузерных "
                                 "тестов.")

    def handle(self, *args: Any, small: bool = False, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(REFUSED)
        with scopes_disabled():
            summary = demo_load(small=small, stdout=self.stdout)
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Демо-логины (пароль у всех одинаковый):"))
        rows = [("логин", "пароль", "роль", "что видит")] + [
            (login.username, DEMO_PASSWORD, login.role, login.sees) for login in DEMO_LOGINS]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False))
                              + "  " + row[3])
