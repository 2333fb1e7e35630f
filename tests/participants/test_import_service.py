"""The import services: preview writes nothing, confirm writes all valid rows at once,
re-import changes nothing, strict mode, a second confirm, roles, what gets created, large
files in Celery, failures."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.utils import translation

from mentorship.models import AuditEntry
from participants import services
from participants.models import (
    Competency,
    ImportBatch,
    ImportRow,
    Person,
    ProgrammeRole,
    Specialty,
    StudyGroup,
)
from programmes.models import Organisation

from ..conftest import World
from ..factories import PersonFactory, RoleFactory
from .importfiles import (
    HEADERS,
    confirm,
    messages_of,
    outcomes_of,
    preview,
    upload,
    xlsx_bytes,
)

ROWS = [
    ["Орлова", "Вера", "Павловна", dt.date(2006, 1, 9), "orlova@example.ru", "студент",
     "ПР-21", 2],
    ["Лебедев", "Илья", "Олегович", "11.11.2005", "lebedev@example.ru", "студент", "ПР-21", 2],
    ["Тихонова", "Дарья", "", "05.05.2004", "", "студент", "ПР-31", 3],
]
ROLE_HEADERS = ["Фамилия", "Имя", "Дата рождения", "Электронная почта", "Категория",
                "Работодатель", "Роль", "Число наставляемых", "Компетенции"]


@pytest.fixture(autouse=True)
def _russian() -> None:
    translation.activate("ru")


def people_of(world: World) -> set[str]:
    return set(Person.objects.filter(organisation=world.org).values_list("email", flat=True))


@pytest.mark.django_db
def test_preview_writes_nothing_but_the_outcome(world: World) -> None:
    before = Person.objects.count(), StudyGroup.objects.count()
    batch = preview(world, xlsx_bytes([*ROWS, ["Без", "Категории", "", "01.01.2005",
                                                "x@example.ru", "", "", None]]))
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert (Person.objects.count(), StudyGroup.objects.count()) == before
    assert outcomes_of(batch) == {2: "new", 3: "new", 4: "new", 5: "error"}
    assert batch.counts["new"] == 3 and batch.counts["error"] == 1
    assert batch.counts["create"]["groups"] == ["ПР-21", "ПР-31"]


@pytest.mark.django_db
def test_confirm_writes_valid_rows_and_records_each(world: World) -> None:
    bad = ["Без", "Категории", "", "01.01.2005", "x@example.ru", "", "", None]
    batch = confirm(preview(world, xlsx_bytes([*ROWS, bad])), world.users["curator"])
    assert batch.status == ImportBatch.Status.DONE and batch.finished_at is not None
    orlova = Person.objects.get(email="orlova@example.ru")
    assert orlova.organisation == world.org
    assert orlova.study_group.name == "ПР-21" and orlova.study_group.course == 2
    assert orlova.birth_date == dt.date(2006, 1, 9)
    assert Person.objects.filter(organisation=world.org, last_name="Тихонова").exists()
    assert not Person.objects.filter(email="x@example.ru").exists()
    rows = {r.number: r for r in batch.rows.all()}
    assert rows[2].person == orlova and rows[5].person is None
    assert rows[5].outcome == ImportRow.Outcome.ERROR
    entry = AuditEntry.objects.get(verb="import.confirmed")
    assert entry.actor == world.users["curator"] and entry.target_id == str(batch.pk)
    assert entry.changes["new"] == [None, 3]


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(world: World) -> None:
    data = xlsx_bytes(ROWS)
    confirm(preview(world, data), world.users["curator"])
    stamps = dict(Person.objects.filter(organisation=world.org).values_list("pk", "updated_at"))
    groups = StudyGroup.objects.count()
    again = confirm(preview(world, data), world.users["curator"])
    assert outcomes_of(again) == {2: "unchanged", 3: "unchanged", 4: "unchanged"}
    assert dict(Person.objects.filter(organisation=world.org).values_list(
        "pk", "updated_at")) == stamps
    assert StudyGroup.objects.count() == groups


@pytest.mark.django_db
def test_rows_update_people_in_place_and_nobody_is_deleted(world: World) -> None:
    confirm(preview(world, xlsx_bytes(ROWS)), world.users["curator"])
    ids = dict(Person.objects.filter(organisation=world.org).values_list("email", "pk"))
    changed = [["Орлова", "Вера", "Павловна", dt.date(2006, 1, 9), "orlova@example.ru",
                "студент", "ПР-31", 3],
               # Found by name + date of birth; the e-mail is added.
               ["Тихонова", "Дарья", "", "05.05.2004", "tikhonova@example.ru", "студент",
                "ПР-31", 3]]
    batch = confirm(preview(world, xlsx_bytes(changed)), world.users["curator"])
    assert outcomes_of(batch) == {2: "updated", 3: "updated"}
    orlova = Person.objects.get(email="orlova@example.ru")
    assert orlova.pk == ids["orlova@example.ru"]
    assert (orlova.study_group.name, orlova.course) == ("ПР-31", 3)
    tikhonova = Person.objects.get(email="tikhonova@example.ru")
    assert tikhonova.pk == ids[""]
    # Lebedev is not in the second file and stays; so do the world's people.
    assert Person.objects.filter(pk=ids["lebedev@example.ru"]).exists()
    assert world.people["mentee"].email in people_of(world)
    [change] = batch.rows.get(number=2).messages
    assert change["kind"] == "change"
    assert "Группа" in change["text"] and "Курс" in change["text"]


@pytest.mark.django_db
def test_empty_cells_do_not_erase(world: World) -> None:
    confirm(preview(world, xlsx_bytes(ROWS)), world.users["curator"])
    sparse = [["Орлова", "Вера", None, None, "orlova@example.ru", "студент", None, None]]
    batch = confirm(preview(world, xlsx_bytes(sparse)), world.users["curator"])
    assert outcomes_of(batch) == {2: "unchanged"}
    orlova = Person.objects.get(email="orlova@example.ru")
    assert (orlova.middle_name, orlova.birth_date, orlova.study_group.name) == (
        "Павловна", dt.date(2006, 1, 9), "ПР-21")


@pytest.mark.django_db
def test_existing_person_is_matched_case_insensitively_by_email(world: World) -> None:
    person = world.people["mentee"]
    row = [person.last_name.upper(), person.first_name, person.middle_name,
           person.birth_date, person.email.upper(), "студент", None, None]
    batch = confirm(preview(world, xlsx_bytes([row])), world.users["curator"])
    assert outcomes_of(batch) == {2: "unchanged"}
    assert batch.rows.get().person == person


@pytest.mark.django_db
def test_strict_mode_rejects_the_whole_file(world: World) -> None:
    bad = ["Без", "Категории", "", "01.01.2005", "x@example.ru", "", "", None]
    batch = preview(world, xlsx_bytes([*ROWS, bad]), strict=True)
    assert batch.status == ImportBatch.Status.REJECTED
    assert "1" in batch.error and batch.counts["error"] == 1
    assert not services.import_batch_request_confirm(batch=batch,
                                                     acting_user=world.users["curator"])
    assert not (people_of(world) & {"orlova@example.ru", "lebedev@example.ru"})
    assert not StudyGroup.objects.filter(name="ПР-21").exists()
    assert outcomes_of(batch)[5] == "error"  # the error report has something to show


@pytest.mark.django_db
def test_strict_mode_without_errors_imports(world: World) -> None:
    batch = confirm(preview(world, xlsx_bytes(ROWS), strict=True), world.users["curator"])
    assert batch.status == ImportBatch.Status.DONE
    assert {"orlova@example.ru", "lebedev@example.ru"} <= people_of(world)


@pytest.mark.django_db
def test_strict_mode_rejects_at_confirm_what_changed_since_the_check(world: World) -> None:
    batch = preview(world, xlsx_bytes(ROWS), strict=True)
    assert batch.status == ImportBatch.Status.PREVIEWED
    # Meanwhile somebody else is entered with Lebedev's e-mail.
    PersonFactory(organisation=world.org, last_name="Зайцев", first_name="Борис",
                  email="lebedev@example.ru")
    batch = confirm(batch, world.users["curator"])
    assert batch.status == ImportBatch.Status.REJECTED
    assert "orlova@example.ru" not in people_of(world)
    assert outcomes_of(batch)[3] == "error"


@pytest.mark.django_db
def test_confirm_takes_changes_since_the_check_into_account(world: World) -> None:
    batch = preview(world, xlsx_bytes(ROWS))
    PersonFactory(organisation=world.org, last_name="Орлова", first_name="Вера",
                  middle_name="Павловна", birth_date=dt.date(2006, 1, 9),
                  email="orlova@example.ru")
    batch = confirm(batch, world.users["curator"])
    assert outcomes_of(batch)[2] == "updated"
    assert Person.objects.filter(email="orlova@example.ru").count() == 1


@pytest.mark.django_db
def test_a_second_confirm_does_not_import_twice(world: World) -> None:
    batch = preview(world, xlsx_bytes(ROWS))
    user = world.users["curator"]
    assert services.import_batch_request_confirm(batch=batch, acting_user=user)
    count = Person.objects.count()
    assert not services.import_batch_request_confirm(batch=batch, acting_user=user)
    # A redelivered task finds the batch no longer importing.
    assert services.import_batch_confirm(batch_id=batch.pk, acting_user_id=user.pk) is None
    assert services.import_batch_preview(batch_id=batch.pk) is None
    assert Person.objects.count() == count
    assert AuditEntry.objects.filter(verb="import.confirmed").count() == 1


@pytest.mark.django_db
def test_confirm_reads_the_file_again_when_the_check_is_not_kept(world: World) -> None:
    batch = preview(world, xlsx_bytes(ROWS))
    kept = services._parsed_name(batch)
    assert batch.file.storage.exists(kept)
    services._drop_parsed(batch)
    batch = confirm(batch, world.users["curator"])
    assert batch.counts["new"] == 3
    assert not batch.file.storage.exists(kept)
    assert batch.file.storage.exists(batch.file.name)  # the upload itself is kept


@pytest.mark.django_db
def test_roles_with_capacity_and_competencies(world: World) -> None:
    rows = [["Смирнов", "Олег", "10.10.1975", "smirnov@example.ru", "преподаватель", "",
             "наставник", 3, "Горное дело; Охрана труда"],
            ["Кравец", "Инна", "01.03.1980", "kravets@example.ru", "представитель работодателя",
             "АО «Черниговец»", "Наставник, куратор", "2", "Геодезия"],
            ["Фомин", "Пётр", "02.02.2007", "fomin@example.ru", "студент", "", "наставляемый",
             None, None]]
    batch = preview(world, xlsx_bytes(rows, ROLE_HEADERS), programme=world.programme)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.error
    assert batch.counts["create"]["employers"] == ["АО «Черниговец»"]
    assert batch.counts["create"]["competencies"] == ["Геодезия", "Горное дело",
                                                      "Охрана труда"]
    assert not Organisation.objects.filter(short_name="АО «Черниговец»").exists()
    confirm(batch, world.users["curator"])
    smirnov = ProgrammeRole.objects.get(programme=world.programme, role="mentor",
                                        person__email="smirnov@example.ru")
    assert smirnov.capacity == 3
    assert {c.name for c in smirnov.competencies.all()} == {"Горное дело", "Охрана труда"}
    kravets = Person.objects.get(email="kravets@example.ru")
    assert kravets.employer.kind == Organisation.Kind.EMPLOYER
    assert kravets.employer.region == world.org.region
    assert set(kravets.roles.values_list("role", flat=True)) == {"mentor", "curator"}
    assert ProgrammeRole.objects.get(person__email="fomin@example.ru").role == "mentee"
    # The same file again changes nothing; a new capacity updates the role in place.
    again = confirm(preview(world, xlsx_bytes(rows, ROLE_HEADERS), programme=world.programme),
                    world.users["curator"])
    assert set(outcomes_of(again).values()) == {"unchanged"}
    rows[0][7] = 4
    rows[0][8] = "Горное дело"
    changed = confirm(preview(world, xlsx_bytes(rows, ROLE_HEADERS),
                              programme=world.programme), world.users["curator"])
    assert outcomes_of(changed) == {2: "updated", 3: "unchanged", 4: "unchanged"}
    smirnov.refresh_from_db()
    assert smirnov.capacity == 4
    assert [c.name for c in smirnov.competencies.all()] == ["Горное дело"]
    assert Competency.objects.filter(name="Охрана труда").exists()


@pytest.mark.django_db
def test_an_inactive_role_is_activated(world: World) -> None:
    person = PersonFactory(organisation=world.org, email="old@example.ru",
                           birth_date=dt.date(2005, 1, 1))
    role = RoleFactory(programme=world.programme, person=person, is_active=False)
    row = [person.last_name, person.first_name, "01.01.2005", "old@example.ru", "студент", "",
           "наставляемый", None, None]
    batch = confirm(preview(world, xlsx_bytes([row], ROLE_HEADERS), programme=world.programme),
                    world.users["curator"])
    assert outcomes_of(batch) == {2: "updated"}
    role.refresh_from_db()
    assert role.is_active


@pytest.mark.django_db
def test_role_faults(world: World) -> None:
    rows = [["Смирнов", "Олег", "10.10.1975", "smirnov@example.ru", "преподаватель", "",
             "наставник", None, None],
            ["Фомин", "Пётр", "02.02.2007", "fomin@example.ru", "студент", "", "наставляемый",
             2, None],
            ["Белов", "Ян", "02.02.2007", "belov@example.ru", "студент", "", "староста",
             None, None]]
    batch = preview(world, xlsx_bytes(rows, ROLE_HEADERS), programme=world.programme)
    errors = messages_of(batch)
    assert [c for c, _t in errors[2]] == ["Число наставляемых"]
    assert [c for c, _t in errors[3]] == ["Число наставляемых"]
    assert "наставник" in errors[3][0][1]
    assert [c for c, _t in errors[4]] == ["Роль"] and "«староста»" in errors[4][0][1]


@pytest.mark.django_db
def test_roles_without_a_programme_are_refused(world: World) -> None:
    rows = [["Фомин", "Пётр", "02.02.2007", "fomin@example.ru", "студент", "", "наставляемый",
             None, None]]
    batch = preview(world, xlsx_bytes(rows, ROLE_HEADERS))
    assert batch.status == ImportBatch.Status.REJECTED
    assert "программ" in batch.error


@pytest.mark.django_db
def test_specialty_by_code_existing_or_new(world: World) -> None:
    Specialty.objects.create(code="21.02.15", name="Открытые горные работы")
    headers = [*HEADERS, "Специальность"]
    rows = [[*ROWS[0], "21.02.15"], [*ROWS[1], "09.02.07 Информационные системы и "
                                               "программирование"], [*ROWS[2], "99.99.99"]]
    batch = preview(world, xlsx_bytes(rows, headers))
    assert batch.counts["create"]["specialties"] == [
        "09.02.07 Информационные системы и программирование"]
    assert [c for c, _t in messages_of(batch)[4]] == ["Специальность"]
    confirm(batch, world.users["curator"])
    assert Person.objects.get(email="orlova@example.ru").specialty.code == "21.02.15"
    assert Person.objects.get(email="lebedev@example.ru").specialty.name.startswith(
        "Информационные")


@pytest.mark.django_db
def test_nothing_is_written_when_the_import_fails(world: World,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    batch = preview(world, xlsx_bytes(ROWS))

    def broken(plan: Any, ctx: Any) -> None:
        Person.objects.create(organisation=world.org, last_name="Полу", first_name="Запись",
                              category="student", email="half@example.ru")
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "apply_plan", broken)
    batch = confirm(batch, world.users["curator"])
    assert batch.status == ImportBatch.Status.FAILED
    assert "ничего" in batch.error
    assert "half@example.ru" not in people_of(world)
    assert "orlova@example.ru" not in people_of(world)


@pytest.mark.django_db
def test_large_files_are_checked_and_imported_in_celery(
        world: World, monkeypatch: pytest.MonkeyPatch,
        django_capture_on_commit_callbacks: Any) -> None:
    from participants import tasks

    monkeypatch.setattr(services, "IMPORT_SYNC_ROWS", 2)
    queued: list[str] = []
    for task in (tasks.import_preview_task, tasks.import_confirm_task):
        original = task.delay
        monkeypatch.setattr(task, "delay", lambda *a, _o=original, _n=task.name: (
            queued.append(_n), _o(*a))[1])
    batch = services.import_batch_create(organisation=world.org, programme=None,
                                         upload=upload(xlsx_bytes(ROWS)), strict=False,
                                         acting_user=world.users["curator"])
    assert batch.total_rows == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.import_batch_start_preview(batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.progress) == (ImportBatch.Status.PREVIEWED, 100)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.import_batch_request_confirm(batch=batch,
                                                     acting_user=world.users["curator"])
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert [name.rsplit(".", 1)[-1] for name in queued] == ["import_preview_task",
                                                            "import_confirm_task"]


def _wait_for(batch_id: int, statuses: set[str], seconds: float = 60) -> ImportBatch:
    deadline = time.monotonic() + seconds
    while True:
        batch = ImportBatch.objects.get(pk=batch_id)
        if batch.status in statuses or time.monotonic() > deadline:
            return batch
        time.sleep(0.5)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_large_import_runs_on_the_worker(world: World) -> None:
    rows = [[f"Студентов{chr(1072 + i % 32)}", "Иван", "Иванович", dt.date(2006, 1, 1)
             + dt.timedelta(days=i), f"s{i}@example.ru", "студент", f"ПР-{i % 5}", 1]
            for i in range(services.IMPORT_SYNC_ROWS + 5)]
    batch = services.import_batch_create(organisation=world.org, programme=None,
                                         upload=upload(xlsx_bytes(rows)), strict=False,
                                         acting_user=world.users["curator"])
    try:
        services.import_batch_start_preview(batch=batch)
        batch = _wait_for(batch.pk, {"previewed", "rejected", "failed"})
        assert batch.status == ImportBatch.Status.PREVIEWED, batch.error
        assert services.import_batch_request_confirm(batch=batch,
                                                     acting_user=world.users["curator"])
        batch = _wait_for(batch.pk, {"done", "rejected", "failed"})
        assert batch.status == ImportBatch.Status.DONE, batch.error
        assert Person.objects.filter(organisation=world.org,
                                     email__endswith="@example.ru",
                                     email__startswith="s").count() == len(rows)
    finally:
        services._drop_parsed(batch)
        batch.file.delete(save=False)
