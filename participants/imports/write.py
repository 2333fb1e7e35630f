"""Writing a planned import: in bulk, inside the caller's transaction.

Query count does not depend on the number of rows beyond batching: one insert per 2,000 new
people, one update per 1,000 changed people that change the same columns, a few statements
for the groups, specialties, employers and competencies to create, and the roles.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from programmes.models import Organisation

from ..models import (
    Competency,
    ImportBatch,
    ImportRow,
    Person,
    ProgrammeRole,
    Specialty,
    StudyGroup,
)
from ..resources import normalise_key
from .plan import ERROR, NEW, ImportContext, Pending, Plan, PlannedRow

BATCH = 2000


def insert(model: type[models.Model], records: Sequence[dict[str, Any]], *,
           need_ids: bool = False) -> list[int]:
    """Insert rows given as {attname: value} dicts (other columns take their defaults) and
    return their ids when `need_ids`. On PostgreSQL this is COPY, with the ids taken from
    the table's sequence first: about three times faster than `bulk_create` for thousands
    of rows, and no model instance is built. Like `bulk_create`: no `save()`, no signals."""
    if not records:
        return []
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    if connection.vendor != "postgresql":
        objs = model._default_manager.bulk_create([model(**r) for r in records],
                                                  batch_size=BATCH)
        return [obj.pk for obj in objs]
    now = timezone.now()
    defaults: list[tuple[str, Any, bool]] = []
    for f in fields:
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        default = now if auto else (None if f.null and not f.has_default() else f.get_default())
        defaults.append((f.attname, default, isinstance(f, models.JSONField)))
    table = connection.ops.quote_name(meta.db_table)
    columns = [f.column for f in fields]
    ids: list[int] = []
    with connection.cursor() as cursor:
        if need_ids:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, len(records)])
            ids = [pk for (pk,) in cursor.fetchall()]
            columns = [meta.pk.column, *columns]
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for index, record in enumerate(records):
                values = [_db_value(record.get(name, default), is_json)
                          for name, default, is_json in defaults]
                copy.write_row([ids[index], *values] if need_ids else values)
    return ids


def update(model: type[models.Model], fields: Sequence[str],
           records: Sequence[dict[str, Any]]) -> None:
    """Set `fields` (attnames) on the rows whose `pk` the records give. On PostgreSQL the
    values are copied into a temporary table and applied in one UPDATE … FROM; elsewhere
    `bulk_update`."""
    if not records:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update([model(**r) for r in records], list(fields),
                                           batch_size=1000)
        return
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    columns = [by_attname[name].column for name in fields]
    qn = connection.ops.quote_name
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    temp = qn(f"import_update_{meta.db_table}")
    selected = ", ".join([pk, *(qn(c) for c in columns)])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "  # noqa: S608
                       f"SELECT {selected} FROM {table} LIMIT 0")
        with cursor.cursor.copy(f"COPY {temp} ({selected}) FROM STDIN") as copy:
            for record in records:
                copy.write_row([record["pk"], *(record[name] for name in fields)])
        assignments = ", ".join(f"{qn(c)} = t.{qn(c)}" for c in columns)
        cursor.execute(f"UPDATE {table} SET {assignments} FROM {temp} t "  # noqa: S608
                       f"WHERE {table}.{pk} = t.{pk}")
        cursor.execute(f"DROP TABLE {temp}")


def _db_value(value: Any, is_json: bool) -> Any:
    if is_json and value is not None:
        return json.dumps(value, ensure_ascii=False)
    return value


def row_messages(row: PlannedRow) -> list[dict[str, str]]:
    messages = [{"kind": "error", "column": column, "text": text}
                for column, text in row.errors]
    if row.changed:
        messages.append({"kind": "change", "column": "", "text": ", ".join(row.changed)})
    return messages


def record_rows(batch: ImportBatch, rows: Iterable[PlannedRow]) -> None:
    """Replace the batch's per-row outcomes."""
    ImportRow.objects.filter(batch=batch).delete()
    insert(ImportRow, [{"batch_id": batch.pk, "number": row.number, "outcome": row.outcome,
                        "messages": row_messages(row), "person_id": row.person_id,
                        "label": row.label} for row in rows])


class _Resolver:
    """Creates what the plan says is missing and maps Pending markers to ids."""

    def __init__(self, plan: Plan, ctx: ImportContext) -> None:
        self.ids: dict[tuple[str, str], int] = {}
        org = ctx.organisation
        if plan.new_groups:
            StudyGroup.objects.bulk_create(
                [StudyGroup(organisation=org, name=name, course=course)
                 for name, course in plan.new_groups.values()], ignore_conflicts=True)
            for pk, name in StudyGroup.objects.filter(organisation=org).values_list(
                    "pk", "name"):
                self.ids[("group", normalise_key(name))] = pk
        if plan.new_specialties:
            Specialty.objects.bulk_create(
                [Specialty(code=code, name=name) for code, name in
                 plan.new_specialties.items()], ignore_conflicts=True)
            for pk, code in Specialty.objects.filter(
                    code__in=list(plan.new_specialties)).values_list("pk", "code"):
                self.ids[("specialty", code)] = pk
        if plan.new_employers:
            Organisation.objects.bulk_create(
                [Organisation(kind=Organisation.Kind.EMPLOYER, name=name, short_name=name,
                              region_id=org.region_id, city=org.city)
                 for name in plan.new_employers.values()], ignore_conflicts=True)
            for pk, name in Organisation.objects.filter(region_id=org.region_id).values_list(
                    "pk", "short_name"):
                self.ids[("employer", normalise_key(name))] = pk
        if plan.new_competencies:
            Competency.objects.bulk_create(
                [Competency(name=name) for name in plan.new_competencies.values()],
                ignore_conflicts=True)
            for pk, name in Competency.objects.values_list("pk", "name"):
                self.ids[("competency", normalise_key(name))] = pk

    def __call__(self, value: Any) -> Any:
        if isinstance(value, Pending):
            return self.ids[(value.kind, value.key)]
        return value


def apply_plan(plan: Plan, ctx: ImportContext) -> None:
    """Write every row that is not an error. Sets `person_id` on new rows."""
    resolve = _Resolver(plan, ctx)
    now = timezone.now()
    org_id = ctx.organisation.pk

    new_rows = [row for row in plan.rows if row.outcome == NEW]
    ids = insert(Person, [{"organisation_id": org_id,
                           **{name: resolve(value) for name, value in row.values.items()}}
                          for row in new_rows], need_ids=True)
    for row, pk in zip(new_rows, ids, strict=True):
        row.person_id = pk

    by_fields: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in plan.rows:
        if row.outcome == ERROR or row.outcome == NEW or not row.values:
            continue
        fields = tuple(sorted(row.values))
        by_fields[fields].append({"pk": row.person_id, "updated_at": now,
                                  **{name: resolve(v) for name, v in row.values.items()}})
    for fields, records in by_fields.items():
        update(Person, [*fields, "updated_at"], records)

    if ctx.programme is not None:
        _apply_roles(plan, ctx, resolve, now)


def _apply_roles(plan: Plan, ctx: ImportContext, resolve: _Resolver, now: Any) -> None:
    programme_id = ctx.programme.pk if ctx.programme is not None else None
    created: list[dict[str, Any]] = []
    created_competencies: list[list[int] | None] = []
    updated: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    competencies: dict[int, list[int]] = {}
    for row in plan.rows:
        if row.outcome == ERROR:
            continue
        for op in row.role_ops:
            ids = ([resolve(c) for c in op.competencies] if op.competencies is not None
                   else None)
            if op.role_id is None:
                created.append({"programme_id": programme_id, "person_id": row.person_id,
                                "role": op.role, "capacity": op.capacity, "is_active": True})
                created_competencies.append(ids)
                continue
            if op.capacity is not None or op.activate:
                updated[op.capacity is not None].append(
                    {"pk": op.role_id, "is_active": True, "updated_at": now,
                     "capacity": op.capacity})
            if ids is not None:
                competencies[op.role_id] = ids
    role_ids = insert(ProgrammeRole, created, need_ids=True)
    for role_id, ids in zip(role_ids, created_competencies, strict=True):
        if ids is not None:
            competencies[role_id] = ids
    update(ProgrammeRole, ["is_active", "capacity", "updated_at"], updated[True])
    update(ProgrammeRole, ["is_active", "updated_at"], updated[False])
    if competencies:
        through = ProgrammeRole.competencies.through
        through.objects.filter(programmerole_id__in=list(competencies)).delete()
        insert(through, [{"programmerole_id": role_id, "competency_id": competency_id}
                         for role_id, ids in competencies.items() for competency_id in set(ids)])
