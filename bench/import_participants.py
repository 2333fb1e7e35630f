"""Participant import speed: preview, confirmed import and unchanged re-import of a realistic
10,000-row xlsx, against the raw limit for the same file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> SECRET_KEY=x \
        .venv/bin/python bench/import_participants.py [--rows 10000]

Migrates the database it is given, builds its own organisations (removed at the end) and
its own file, and prints the figures, then one JSON line:
{"rows": …, "raw_s": …, "import_s": …, "preview_s": …, "reimport_s": …, "peak_mb": …, "db": …}

- raw_s: openpyxl read-only + a dict of study groups + `bulk_create` of the people, no
  validation (the limit an importer cannot beat by much);
- preview_s: the check of the uploaded file (read, parse, validate, compare, record the
  per-row outcome), nothing written;
- import_s: the confirmed import of that checked file into an empty organisation: the file
  is read and checked again against the database under a lock, then everything is written
  in one transaction (people, groups, specialties, employers, competencies, roles, the
  per-row outcome);
- reimport_s: the confirmed import of the same file again (all rows unchanged); its check
  is reported as reimport_preview_s;
- update_s: informative, a confirmed import where every row changes (a new phone);
- import_cold_s / reimport_cold_s: the same confirmed imports without the check's kept rows,
  so the file is read and parsed again (what an import without a preview costs);
- peak_mb: the process's peak resident memory (ru_maxrss).

Wall-clock figures: on a shared machine compare runs at a similar load average (printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from mentorship.models import User  # noqa: E402
from participants import services  # noqa: E402
from participants.models import (  # noqa: E402
    Competency,
    ImportBatch,
    Person,
    ProgrammeRole,
    Specialty,
    StudyGroup,
)
from programmes.models import Organisation, Programme, Region  # noqa: E402

LAST = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
        "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
        "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
        "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов"]
FIRST_M = ["Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья",
           "Кирилл", "Михаил", "Никита", "Матвей", "Роман", "Егор", "Арсений", "Иван"]
FIRST_F = ["Анастасия", "Мария", "Анна", "Виктория", "Екатерина", "Наталья", "Марина",
           "Полина", "Дарья", "Алёна", "Ксения", "Елизавета", "Софья", "Юлия"]
MIDDLE = ["Александров", "Дмитриев", "Сергеев", "Андреев", "Алексеев", "Иванов", "Петров",
          "Михайлов", "Николаев", "Владимиров", "Викторов", "Юрьев"]
SPECIALTIES = ["21.02.15 Открытые горные работы", "21.02.17 Подземная разработка "
               "месторождений полезных ископаемых", "13.02.11 Техническая эксплуатация и "
               "обслуживание электрического и электромеханического оборудования",
               "15.02.12 Монтаж, техническое обслуживание и ремонт промышленного оборудования",
               "23.02.07 Техническое обслуживание и ремонт автотранспортных средств",
               "09.02.07 Информационные системы и программирование",
               "38.02.01 Экономика и бухгалтерский учёт", "08.02.09 Монтаж, наладка и "
               "эксплуатация электрооборудования промышленных и гражданских зданий"]
EMPLOYERS = ["АО «СУЭК-Кузбасс»", "ПАО «Распадская»", "АО «Черниговец»", "ООО «Разрез "
             "Бунгурский»", "АО «Кузбассразрезуголь»", "ООО «Шахта Листвяжная»",
             "ПАО «Кокс»", "ООО «Газпром трансгаз Томск»", "АО «Евраз ЗСМК»",
             "ООО «Сибирская генерирующая компания»"]
COMPETENCIES = ["Горное дело", "Электромонтаж", "Охрана труда", "Геодезия", "1С:Бухгалтерия",
                "Программирование", "Сварочные технологии", "Ремонт автомобилей",
                "Подготовка к демонстрационному экзамену", "Проектная деятельность"]
HEADERS = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Электронная почта", "Телефон",
           "Категория", "Группа", "Курс", "Специальность", "Работодатель", "Должность",
           "Дата приёма на работу", "Роль", "Число наставляемых", "Компетенции"]


def build_rows(count: int, *, seed: int = 4, phone_suffix: str = "") -> list[list[Any]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    rows: list[list[Any]] = []
    groups = [(f"{code}-{year}{n}", 25 - year) for code in ("ГР", "ЭМ", "ТО", "ИС", "БУ")
              for year in (21, 22, 23, 24) for n in (1, 2)]
    for i in range(count):
        female = rng.random() < 0.45
        last = rng.choice(LAST) + ("а" if female else "")
        first = rng.choice(FIRST_F if female else FIRST_M)
        if i % 10 == 0:
            last = f"{last}-{rng.choice(LAST)}" + ("а" if female else "")
        middle = rng.choice(MIDDLE) + ("на" if female else "ич")
        kind = rng.random()
        phone = f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-" \
                f"{rng.randint(10, 99)}{phone_suffix}"
        email = f"p{i}.{rng.randint(100, 999)}@college.example"
        if kind < 0.86:
            group, course = groups[i % len(groups)]
            birth = dt.date(2010 - course - rng.randint(0, 3), rng.randint(1, 12),
                                rng.randint(1, 28))
            role = rng.random()
            rows.append([last, first, middle, birth, email, phone, "студент", group, course,
                         SPECIALTIES[i % len(SPECIALTIES)], None, None, None,
                         "наставляемый" if role < 0.35 else ("наставник" if role < 0.4
                                                             else None),
                         2 if 0.35 <= role < 0.4 else None,
                         rng.choice(COMPETENCIES) if 0.35 <= role < 0.4 else None])
        elif kind < 0.96:
            birth = dt.date(rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28))
            mentor = rng.random() < 0.5
            rows.append([last, first, middle, birth, email, phone,
                         "молодой специалист" if birth.year > 1995 else "преподаватель",
                         None, None, None, None, "преподаватель",
                         dt.date(rng.randint(2000, 2024), 9, 1),
                         "наставник" if mentor else None, rng.randint(2, 5) if mentor else None,
                         "; ".join(rng.sample(COMPETENCIES, 2)) if mentor else None])
        else:
            birth = dt.date(rng.randint(1965, 1995), rng.randint(1, 12), rng.randint(1, 28))
            rows.append([last, first, middle, birth, email, phone,
                         "представитель работодателя", None, None, None,
                         rng.choice(EMPLOYERS), "мастер участка", None, "наставник",
                         rng.randint(1, 4), rng.choice(COMPETENCIES)])
    # Full name + date of birth is a person's key: a repeated pair would rightly be reported
    # as a duplicate, so the generator moves such a birthday by a day.
    seen: set[tuple[Any, ...]] = set()
    for row in rows:
        while (row[0], row[1], row[2], row[3]) in seen:
            row[3] += dt.timedelta(days=1)
        seen.add((row[0], row[1], row[2], row[3]))
    return rows


def build_xlsx(rows: list[list[Any]]) -> bytes:
    """Like a file saved by Excel: shared strings, a dimension, dates as date cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Участники"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    for column in ("D", "M"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD.MM.YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def raw_import(path: Path, organisation: Organisation) -> None:
    """The raw limit: read, a dict of groups, bulk_create; no validation, no roles."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    next(rows)
    groups = {g.name: g.pk for g in StudyGroup.objects.filter(organisation=organisation)}
    people = []
    for row in rows:
        group = row[7]
        if group and group not in groups:
            groups[group] = StudyGroup.objects.create(organisation=organisation, name=group).pk
        birth = row[3]
        people.append(Person(organisation=organisation, last_name=row[0], first_name=row[1],
                             middle_name=row[2] or "",
                             birth_date=birth.date() if birth else None,
                             email=row[4] or "", phone=row[5] or "", category="student",
                             study_group_id=groups.get(group), course=row[8]))
    workbook.close()
    Person.objects.bulk_create(people, batch_size=2000)


def check(condition: bool, detail: Any) -> None:
    if not condition:
        raise SystemExit(f"unexpected outcome: {detail}")


def timed(label: str, func: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    print(f"{label:<28} {elapsed:7.2f} s", flush=True)
    return elapsed, result


def upload_and_check(data: bytes, organisation: Organisation, programme: Programme,
                     user: User) -> ImportBatch:
    batch = services.import_batch_create(
        organisation=organisation, programme=programme, strict=False, acting_user=user,
        upload=SimpleUploadedFile("участники.xlsx", data))
    checked = services.import_batch_preview(batch_id=batch.pk)
    check(checked is not None and checked.status == ImportBatch.Status.PREVIEWED, checked)
    return checked  # type: ignore[return-value]


def confirm(batch: ImportBatch, user: User, *, cold: bool = False) -> ImportBatch:
    """The confirmed import. `cold`: without the check's kept rows, so that the file is read
    and parsed again (what an import without a preview would cost)."""
    if cold:
        services._drop_parsed(batch)
    check(services.import_batch_request_confirm(batch=batch, acting_user=user), batch)
    batch.refresh_from_db()
    check(batch.status == ImportBatch.Status.DONE, (batch.status, batch.error))
    return batch


def new_college(region: Region, name: str) -> tuple[Organisation, Programme]:
    org = Organisation.objects.create(kind="college", name=name, short_name=name,
                                      region=region)
    return org, Programme.objects.create(organisation=org, title="Программа",
                                         start_year=2024, end_year=2028)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    media = tempfile.TemporaryDirectory(prefix="bench-import-")
    settings.MEDIA_ROOT = media.name
    # Everything runs in this process, as with no broker.
    services.IMPORT_SYNC_ROWS = 10**9
    vendor = connection.vendor
    tag = uuid.uuid4().hex[:8]
    rows = build_rows(args.rows)
    data = build_xlsx(rows)
    changed = build_xlsx(build_rows(args.rows, phone_suffix="0"))
    path = Path(media.name) / "bench.xlsx"
    path.write_bytes(data)
    print(f"{args.rows} rows, {len(data) / 1e6:.1f} MB xlsx, database: {vendor}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    with scopes_disabled():
        region, _ = Region.objects.get_or_create(name="Бенчмарк импорта")
        raw_org, _ = new_college(region, f"raw {tag}")
        org, programme = new_college(region, f"Колледж {tag}")
        cold_org, cold_programme = new_college(region, f"Колледж {tag} 2")
        orgs = [raw_org, org, cold_org]
        user = User.objects.create(username=f"bench-{tag}")
        n = args.rows
        try:
            raw_s, _ = timed("raw (read + bulk_create)", lambda: raw_import(path, raw_org))
            preview_s, batch = timed("preview", lambda: upload_and_check(
                data, org, programme, user))
            import_s, batch = timed("confirmed import", lambda: confirm(batch, user))
            check(batch.counts["new"] == n, batch.counts)
            reimport_preview_s, again = timed("re-import: preview", lambda: upload_and_check(
                data, org, programme, user))
            reimport_s, again = timed("re-import: confirm", lambda: confirm(again, user))
            check(again.counts["unchanged"] == n, again.counts)
            cold = upload_and_check(data, cold_org, cold_programme, user)
            import_cold_s, cold = timed("cold confirmed import", lambda: confirm(
                cold, user, cold=True))
            check(cold.counts["new"] == n, cold.counts)
            cold = upload_and_check(data, org, programme, user)
            reimport_cold_s, cold = timed("cold re-import: confirm", lambda: confirm(
                cold, user, cold=True))
            check(cold.counts["unchanged"] == n, cold.counts)
            update_preview_s, upd = timed("update all: preview", lambda: upload_and_check(
                changed, org, programme, user))
            update_s, upd = timed("update all: confirm", lambda: confirm(upd, user))
            check(upd.counts["updated"] == n, upd.counts)
            people = Person.objects.filter(organisation=org).count()
            roles = ProgrammeRole.objects.filter(programme=programme).count()
            check(people == n, people)
        finally:
            ImportBatch.objects.filter(organisation__in=orgs).delete()
            ProgrammeRole.objects.filter(programme__organisation__in=orgs).delete()
            Programme.objects.filter(organisation__in=orgs).delete()
            Person.objects.filter(organisation__in=orgs).delete()
            StudyGroup.objects.filter(organisation__in=orgs).delete()
            Organisation.objects.filter(pk__in=[o.pk for o in orgs]).delete()
            Organisation.objects.filter(region=region, kind="employer",
                                        employees__isnull=True).delete()
            User.objects.filter(pk=user.pk).delete()
            Competency.objects.filter(roles__isnull=True, requests__isnull=True,
                                      name__in=COMPETENCIES).delete()
            Specialty.objects.filter(people__isnull=True, groups__isnull=True,
                                     code__in=[s[:8] for s in SPECIALTIES]).delete()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"roles written: {roles}; raw/import = {raw_s / import_s:.2f}, cold "
          f"{raw_s / import_cold_s:.2f} (goal ≥ 0.7)")
    print(f"preview {preview_s:.2f} s (goal ≤ 5), unchanged re-import {reimport_s:.2f} s, "
          f"cold {reimport_cold_s:.2f} s (goal ≤ 3), peak {peak_mb:.0f} MB (goal ≤ 300)")
    print(json.dumps({
        "rows": n, "raw_s": round(raw_s, 2), "import_s": round(import_s, 2),
        "preview_s": round(preview_s, 2), "reimport_s": round(reimport_s, 2),
        "peak_mb": round(peak_mb),
        "db": "postgresql" if vendor == "postgresql" else vendor,
        "import_cold_s": round(import_cold_s, 2), "reimport_cold_s": round(reimport_cold_s, 2),
        "reimport_preview_s": round(reimport_preview_s, 2),
        "update_preview_s": round(update_preview_s, 2), "update_s": round(update_s, 2),
        "raw_ratio": round(raw_s / import_s, 2),
        "raw_ratio_cold": round(raw_s / import_cold_s, 2),
        "loadavg": round(os.getloadavg()[0], 1),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
