"""Row faults, each in a real file: the check marks the row as an error with a Russian
message naming the column, and the other rows are unaffected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from participants.models import ImportBatch, Person

from ..conftest import World
from ..factories import PersonFactory
from .importfiles import HEADERS, confirm, csv_bytes, messages_of, outcomes_of, preview, xlsx_bytes

GOOD = ["Орлова", "Вера", "Павловна", "09.01.2006", "orlova@example.ru", "студент", "ПР-21", 2]


@pytest.fixture(autouse=True)
def _russian() -> None:
    translation.activate("ru")


def check_row(world: World, row: list[object], headers: list[str] = HEADERS,
              **kwargs: object) -> list[tuple[str, str]]:
    """Check a file with a good row and the row under test; return the latter's errors."""
    batch = preview(world, xlsx_bytes([GOOD, row], headers), **kwargs)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.error
    assert outcomes_of(batch)[2] == "new"
    return messages_of(batch)[3]


def row(**changes: object) -> list[object]:
    values = dict(zip(("last", "first", "middle", "birth", "email", "category", "group",
                       "course"), ["Лебедев", "Илья", "Олегович", "11.11.2005",
                                   "lebedev@example.ru", "студент", "ПР-21", 2], strict=True))
    values.update(changes)
    return list(values.values())


@pytest.mark.django_db
def test_not_a_date(world: World) -> None:
    [(column, text)] = check_row(world, row(birth="вчера"))
    assert column == "Дата рождения"
    assert "«вчера»" in text and "дд.мм.гггг" in text


@pytest.mark.django_db
def test_impossible_date(world: World) -> None:
    [(column, text)] = check_row(world, row(birth="31.02.2006"))
    assert column == "Дата рождения"
    assert "дата «31.02.2006»" in text


@pytest.mark.django_db
def test_birth_date_in_the_future_is_impossible(world: World) -> None:
    errors = check_row(world, row(birth=dt.date.today() + dt.timedelta(days=30)))  # noqa: DTZ011
    assert [column for column, _text in errors] == ["Дата рождения"]
    assert "дата" in errors[0][1]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["11.11.2005", "11/11/2005", "2005-11-11",
                                   "2005-11-11 00:00:00", dt.date(2005, 11, 11), 38667])
def test_dates_in_every_accepted_form(world: World, value: object) -> None:
    assert check_row(world, row(birth=value)) == []
    confirm(ImportBatch.objects.get(), world.users["curator"])
    assert Person.objects.get(email="lebedev@example.ru").birth_date == dt.date(2005, 11, 11)


@pytest.mark.django_db
def test_dates_in_csv_text(world: World) -> None:
    batch = preview(world, csv_bytes([row(birth="2005-11-11")], encoding="cp1251"),
                    name="x.csv")
    assert outcomes_of(batch) == {2: "new"}


@pytest.mark.django_db
def test_invalid_email(world: World) -> None:
    [(column, text)] = check_row(world, row(email="lebedev@example"))
    assert column == "Электронная почта"
    assert "e-mail «lebedev@example»" in text


@pytest.mark.django_db
def test_unknown_category(world: World) -> None:
    errors = check_row(world, row(category="аспирант"))
    assert errors[0][0] == "Категория"
    assert "«аспирант»" in errors[0][1]
    assert "представитель работодателя" in errors[0][1]


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "category"), [
    ("Студент", "student"), ("педагог", "teacher"), ("Преподаватель", "teacher"),
    ("молодой  специалист", "young_specialist"), ("представитель работодателя", "employer"),
    ("ученик", "pupil"), ("школьник", "pupil")])
def test_category_words(world: World, value: str, category: str) -> None:
    assert check_row(world, row(category=value)) == []
    confirm(ImportBatch.objects.get(), world.users["curator"])
    assert Person.objects.get(email="lebedev@example.ru").category == category


@pytest.mark.django_db
def test_missing_required_field(world: World) -> None:
    [(column, text)] = check_row(world, row(first="  "))
    assert column == "Имя"
    assert "обязательн" in text


@pytest.mark.django_db
def test_neither_email_nor_birth_date(world: World) -> None:
    errors = check_row(world, row(email="", birth=None))
    assert [column for column, _text in errors] == ["Электронная почта"]
    assert "дату рождения" in errors[0][1]


@pytest.mark.django_db
def test_duplicate_email_within_the_file(world: World) -> None:
    [(column, text)] = check_row(world, row(email="ORLOVA@example.ru"))
    assert column == "Электронная почта"
    assert "строке 2" in text and "дважды" in text


@pytest.mark.django_db
def test_duplicate_name_and_birth_date_within_the_file(world: World) -> None:
    [(column, text)] = check_row(world, row(last="орлова", first="ВЕРА", middle="Павловна",
                                            birth="09.01.2006", email=""))
    assert column == "Фамилия"
    assert "строке 2" in text and "дважды" in text


@pytest.mark.django_db
def test_same_email_as_another_person(world: World) -> None:
    PersonFactory(organisation=world.org, last_name="Зайцев", first_name="Борис",
                  middle_name="", email="lebedev@example.ru")
    [(column, text)] = check_row(world, row())
    assert column == "Электронная почта"
    assert "lebedev@example.ru" in text and "Зайцев Б." in text


@pytest.mark.django_db
def test_same_email_in_another_organisation_is_another_person(world: World) -> None:
    PersonFactory(organisation=world.other_org, last_name="Зайцев", first_name="Борис",
                  email="lebedev@example.ru")
    assert check_row(world, row()) == []


@pytest.mark.django_db
def test_course_out_of_range(world: World) -> None:
    [(column, text)] = check_row(world, row(course=9))
    assert column == "Курс"
    assert "1" in text and "6" in text and "9" in text


@pytest.mark.django_db
def test_digits_in_a_name(world: World) -> None:
    [(column, text)] = check_row(world, row(last="Лебедев2"))
    assert column == "Фамилия"
    assert "цифр" in text and "«Лебедев2»" in text


@pytest.mark.django_db
def test_values_trimmed_and_names_normalised(world: World) -> None:
    assert check_row(world, row(last="  СЕМЁНОВА-ВОДКИНА ", first="алёна\u00a0",
                                middle="\tпетровна", email=" Lebedev@Example.RU ",
                                group=" ПР-21 ")) == []
    confirm(ImportBatch.objects.get(), world.users["curator"])
    person = Person.objects.get(email="lebedev@example.ru")
    assert (person.last_name, person.first_name, person.middle_name) == (
        "Семёнова-Водкина", "Алёна", "Петровна")
    assert person.study_group.name == "ПР-21"


@pytest.mark.django_db
def test_mixed_case_names_are_kept_as_written(world: World) -> None:
    assert check_row(world, row(last="МакЛейн", first="Ли")) == []
    confirm(ImportBatch.objects.get(), world.users["curator"])
    assert Person.objects.get(email="lebedev@example.ru").last_name == "МакЛейн"


@pytest.mark.django_db
def test_markup_is_stored_as_text(world: World) -> None:
    headers = [*HEADERS, "Должность"]
    markup = '<script>alert("x")</script>'
    assert check_row(world, [*row(), markup], headers) == []
    confirm(ImportBatch.objects.get(), world.users["curator"])
    assert Person.objects.get(email="lebedev@example.ru").position == markup


@pytest.mark.django_db
def test_apostrophe_of_a_neutralised_formula_is_removed(world: World) -> None:
    headers = [*HEADERS, "Телефон"]
    assert check_row(world, [*row(), "'+7 913 555-00-11"], headers) == []
    confirm(ImportBatch.objects.get(), world.users["curator"])
    assert Person.objects.get(email="lebedev@example.ru").phone == "+7 913 555-00-11"


@pytest.mark.django_db
def test_every_fault_of_a_row_is_reported(world: World) -> None:
    errors = check_row(world, row(birth="32.13.2005", email="@", category="x", course="два"))
    assert [column for column, _text in errors] == [
        "Дата рождения", "Электронная почта", "Категория", "Курс"]
