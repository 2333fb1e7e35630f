"""The data version (mentorship.dataversion): every committed write to the product's data
moves it, whatever wrote it; logs do not; the epoch changes when the counter could go back.

The suite's transactions never commit, so on PostgreSQL the triggers are made immediate for
each test (conftest); the tests marked `transaction=True` run with the production setting
(deferred to commit)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

from mentorship import dataversion
from mentorship.models import AuditEntry, DataVersion, User
from participants.models import Person

from .conftest import World
from .factories import PersonFactory


def _number() -> int:
    version = dataversion.current()
    assert version is not None
    return int(version.split(":")[1])


def _epoch() -> str:
    version = dataversion.current()
    assert version is not None
    return version.split(":")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("write", [
    pytest.param(lambda p: p.save(), id="save"),
    pytest.param(lambda p: Person.objects.filter(pk=p.pk).update(last_name="Петров"),
                 id="queryset-update"),
    pytest.param(lambda p: Person.objects.bulk_update([p], ["last_name"]), id="bulk-update"),
    pytest.param(lambda p: Person.objects.bulk_create(
        [Person(organisation=p.organisation, last_name="Новый", first_name="Иван")]),
                 id="bulk-create"),
    pytest.param(lambda p: p.delete(), id="delete"),
])
def test_every_kind_of_write_moves_the_version(world: World,
                                                 write: Callable[[Person], object]) -> None:
    person = PersonFactory(organisation=world.org)
    before = _number()
    write(person)
    assert _number() > before


@pytest.mark.django_db
def test_raw_sql_and_many_to_many_writes_move_it(world: World) -> None:
    before = _number()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Person._meta.db_table} SET last_name = %s WHERE id = %s",  # noqa: S608
                       ["Сидоров", world.people["mentor"].pk])
    assert _number() > before
    user = world.users["mentor"]
    group = apps.get_model("auth", "Group").objects.create(name="g")
    before = _number()
    user.groups.add(group)  # mentorship_user_groups: an auto-created table
    assert _number() > before


@pytest.mark.django_db
def test_logs_do_not_move_it(world: World) -> None:
    before = _number()
    AuditEntry.objects.create(verb="test", target_repr="—")
    assert _number() == before


def test_every_table_of_the_product_is_tracked_but_the_logs() -> None:
    tables = set(dataversion.tracked_tables())
    for label in dataversion.TRACKED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            expected = model._meta.label_lower not in dataversion.UNTRACKED
            assert (model._meta.db_table in tables) is expected, model._meta.label
    assert User._meta.db_table in tables
    assert "mentorship_user_groups" in tables
    assert AuditEntry._meta.db_table not in tables


@pytest.mark.django_db
def test_every_tracked_table_has_its_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT DISTINCT event_object_table FROM information_schema.triggers "
                           "WHERE trigger_name = %s", [dataversion.TRIGGER])
        else:
            cursor.execute("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                           "AND name LIKE %s", [f"{dataversion.TRIGGER}%"])
        with_triggers = {row[0] for row in cursor.fetchall()}
    assert with_triggers == set(dataversion.tracked_tables())


@pytest.mark.django_db
def test_install_is_idempotent_and_draws_a_new_epoch() -> None:
    epoch, number = _epoch(), _number()
    dataversion.install()
    dataversion.install()
    assert DataVersion.objects.count() == 1
    assert _epoch() != epoch
    assert _number() == number


@pytest.mark.django_db(transaction=True)
def test_moves_once_per_transaction_at_commit(world: World) -> None:
    """The production setting: on PostgreSQL the counter moves at commit, once however many
    rows the transaction wrote; a reader never sees the new number before the data. SQLite's
    triggers move it with each row, inside the transaction."""
    before = _number()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET CONSTRAINTS {dataversion.TRIGGER} DEFERRED")
        for n in range(3):
            PersonFactory(organisation=world.org, last_name=f"Пакетов{n}")
        inside = _number()
    after = _number()
    if connection.vendor == "postgresql":
        assert inside == before
        assert after == before + 1
    else:
        assert inside == after >= before + 3


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_it_alone(world: World) -> None:
    before = _number()
    with pytest.raises(RuntimeError), transaction.atomic():
        PersonFactory(organisation=world.org)
        raise RuntimeError
    assert _number() == before


@pytest.mark.django_db(transaction=True)
def test_flush_keeps_a_counter_under_a_new_epoch() -> None:
    epoch = _epoch()
    call_command("flush", "--noinput", verbosity=0)
    assert DataVersion.objects.count() == 1
    assert _epoch() != epoch


@pytest.mark.django_db
def test_a_login_does_not_move_it_but_a_change_of_the_user_does(world: World) -> None:
    from django.contrib.auth.models import update_last_login

    user = world.users["mentor"]
    before = _number()
    update_last_login(None, user)  # what every login writes
    assert _number() == before
    user.first_name = "Другое"
    user.save()
    assert _number() > before
