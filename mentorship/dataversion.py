"""The data version: one number that changes with every committed write to the product's
data, read in one indexed query, so that caches of derived pages and figures can be keyed
on it instead of checking the rows they were computed from.

Database triggers keep it, so no code path can forget it: the ORM's `save`, `update`,
`bulk_create` and `delete`, the admin, imports, raw SQL and a `psql` session all move it.
Every table of the product's apps has one, except the logs (`UNTRACKED`), which change on
every request and feed no cached page; and an update of only a user's `last_login` (every
login writes it) does not count.

- PostgreSQL: a row-level constraint trigger, `DEFERRABLE INITIALLY DEFERRED`, runs at
  commit and adds one to the counter once per transaction (a transaction-local setting
  remembers that it did). The counter's row is locked only from the commit's start to its
  end, so writers do not queue behind each other's long transactions, and a reader sees the
  new number exactly when it sees the new data. A statement-level trigger covers TRUNCATE.
- SQLite (development, tests): plain AFTER triggers per row; SQLite has one writer at a time
  anyway. A migration that rebuilds a table drops its triggers, so they are installed again
  after every `migrate` (post_migrate), which also draws a new epoch: code that changed with
  the migration must not be served pages cached by the old code.

`restore` draws a new epoch too: a restored database's counter goes back to an earlier
number that newer cached entries were keyed on.

Tests run inside a transaction that is never committed; `immediate()` makes the triggers
fire at the end of each statement instead (the suite's fixtures call it on PostgreSQL).
"""

# The triggers' SQL is built from table names read from the models, never from input.
# ruff: noqa: S608

from __future__ import annotations

import secrets
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections

# Apps whose tables hold the product's data.
TRACKED_APPS = ("mentorship", "programmes", "participants", "pairing", "monitoring", "cycle",
                "privacy")
# Logs, written on almost every request, that no cached page or figure is derived from; and
# the counter itself.
UNTRACKED = {"mentorship.dataversion", "mentorship.auditentry", "cycle.notificationlog"}
# Columns whose updates alone do not move it: the time of a user's last login is written at
# every login and shown nowhere a cache keeps.
UNTRACKED_COLUMNS = {"mentorship.user": {"last_login"}}

TRIGGER = "mentorship_data_version"
FUNCTION = "mentorship_data_version_bump"


def _table() -> str:
    return apps.get_model("mentorship", "DataVersion")._meta.db_table


def _tracked_models() -> list[Any]:
    models = []
    for app_label in TRACKED_APPS:
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            if (model._meta.label_lower in UNTRACKED or not model._meta.managed
                    or model._meta.proxy):
                continue
            models.append(model)
    return models


def tracked_tables() -> list[str]:
    """The tables whose writes move the version (many-to-many tables included)."""
    return sorted({model._meta.db_table for model in _tracked_models()})


def _update_columns(quote: Any) -> dict[str, str]:
    """For tables with untracked columns: the `UPDATE OF` list of their other columns."""
    lists = {}
    for model in _tracked_models():
        skipped = UNTRACKED_COLUMNS.get(model._meta.label_lower)
        if skipped:
            columns = [field.column for field in model._meta.concrete_fields
                       if field.name not in skipped]
            lists[model._meta.db_table] = ", ".join(quote(column) for column in columns)
    return lists


def _postgresql(cursor: Any, table: str, tables: list[str]) -> None:
    # The flag holds the statement's start: at commit every deferred trigger of the
    # transaction runs within the COMMIT statement, so the counter moves once; when the
    # triggers are immediate (tests), it moves once per statement.
    cursor.execute(f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('mentorship.data_version', true)
                    IS DISTINCT FROM statement_timestamp()::text THEN
                PERFORM set_config('mentorship.data_version', statement_timestamp()::text,
                                   true);
                UPDATE {table} SET number = number + 1 WHERE id = 1;
            END IF;
            RETURN NULL;
        END $$""")
    columns = _update_columns(cursor.db.ops.quote_name)
    for name in tables:
        quoted = cursor.db.ops.quote_name(name)
        update = f"UPDATE OF {columns[name]}" if name in columns else "UPDATE"
        cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}")
        cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_truncate ON {quoted}")
        cursor.execute(f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR {update} OR DELETE "
                       f"ON {quoted} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                       f"EXECUTE FUNCTION {FUNCTION}()")
        cursor.execute(f"CREATE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON {quoted} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()")


def _sqlite(cursor: Any, table: str, tables: list[str]) -> None:
    columns = _update_columns(cursor.db.ops.quote_name)
    for name in tables:
        for event in ("insert", "update", "delete"):
            trigger = cursor.db.ops.quote_name(f"{TRIGGER}_{name}_{event}")
            what = event.upper()
            if event == "update" and name in columns:
                what = f"UPDATE OF {columns[name]}"
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"CREATE TRIGGER {trigger} AFTER {what} ON "
                           f"{cursor.db.ops.quote_name(name)} BEGIN UPDATE {table} "
                           f"SET number = number + 1 WHERE id = 1; END")


def install(using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the counter's row if missing, (re)install the triggers on every tracked table
    and draw a new epoch. Idempotent; run after every `migrate` and `flush`."""
    connection = connections[using]
    table = connection.ops.quote_name(_table())
    tables = tracked_tables()
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        tables = [name for name in tables if name in existing]
        if _table() not in existing:
            return
        cursor.execute(f"INSERT INTO {table} (id, epoch, number) SELECT 1, %s, 0 "
                       f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE id = 1)",
                       [secrets.token_hex(8)])
        if connection.vendor == "postgresql":
            _postgresql(cursor, table, tables)
        elif connection.vendor == "sqlite":
            _sqlite(cursor, table, tables)
    renew(using)


def renew(using: str = DEFAULT_DB_ALIAS) -> None:
    """Draw a new epoch: every entry cached under the old one is out of use."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {connection.ops.quote_name(_table())} SET epoch = %s "
                       f"WHERE id = 1", [secrets.token_hex(8)])


def current(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The version as `epoch:number`, or None when there is no counter (then nothing may
    be cached). One query."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT epoch, number FROM {connection.ops.quote_name(_table())} "
                       f"WHERE id = 1")
        row = cursor.fetchone()
    return f"{row[0]}:{row[1]}" if row else None


def immediate(using: str = DEFAULT_DB_ALIAS) -> None:
    """Make the triggers fire at the end of each statement for the rest of the current
    transaction (PostgreSQL; SQLite's already do)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {TRIGGER} IMMEDIATE")


def installed_after_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate receiver (also sent by `flush`)."""
    install(using)
