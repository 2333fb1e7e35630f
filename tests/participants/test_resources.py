"""The spreadsheet format: whatever a cell holds, a widget either refuses it with a message
or returns a value the model accepts (so bulk writes need no per-row full_clean); the
template imports cleanly; an export imports back unchanged."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from participants.models import ImportBatch, Person
from participants.resources import CellError, PersonResource

from ..conftest import World
from .importfiles import confirm, outcomes_of, preview

CELLS = st.one_of(st.none(), st.text(max_size=400), st.integers(-10**6, 10**7),
                  st.floats(allow_nan=False, allow_infinity=False),
                  st.dates(dt.date(1800, 1, 1), dt.date(2200, 1, 1)),
                  st.sampled_from(["студент", "Педагог", "наставник, куратор", "ПР-21",
                                   "21.02.15 Горное дело", "ivan@example.ru", "31.02.2006",
                                   "2006-02-28", "+7 913 000-00-00", "'=1+1", "<b>x</b>"]))
MODEL_FIELDS = ("last_name", "first_name", "middle_name", "birth_date", "email", "phone",
                "category", "course", "position", "hired_on")


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(MODEL_FIELDS), value=CELLS)
def test_a_parsed_cell_passes_the_model_field(name: str, value: object) -> None:
    widget = PersonResource.fields[name].widget
    try:
        cleaned = widget.clean(value)
    except CellError as error:
        assert str(error)
        return
    if cleaned in (None, ""):
        return
    Person._meta.get_field(name).clean(cleaned, None)
    if name == "course":
        assert 1 <= cleaned <= 6  # the database's check constraint


@settings(max_examples=200, deadline=None)
@given(value=CELLS)
def test_list_cells_give_names_the_models_accept(value: object) -> None:
    for name, limit in (("competencies", 200), ("roles", 20)):
        try:
            cleaned = PersonResource.fields[name].widget.clean(value)
        except CellError:
            continue
        assert all(0 < len(item) <= limit for item in cleaned)


@pytest.mark.django_db
def test_people_written_by_an_import_pass_full_clean(world: World) -> None:
    rows = [["ИВАНОВ", "иван", "", "1.2.2006", " Ivan@Example.RU", "студент", "ПР-1", 1.0],
            ["Петрова-Водкина", "Анна", "Ильинична", dt.datetime(2005, 5, 5),  # noqa: DTZ001
             "", "Школьник", "7А", None]]
    from .importfiles import xlsx_bytes

    confirm(preview(world, xlsx_bytes(rows)), world.users["curator"])
    for person in Person.objects.filter(organisation=world.org, last_name__in=[
            "Иванов", "Петрова-Водкина"]):
        person.full_clean()
    assert Person.objects.filter(last_name__in=["Иванов", "Петрова-Водкина"]).count() == 2


@pytest.mark.django_db
def test_template_has_russian_headers_and_imports_cleanly(world: World) -> None:
    response = world.client_for("curator").get(reverse("participants:import_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["Фамилия", "Имя", "Отчество", "Дата рождения", "Электронная почта"]
    assert {"Категория", "Группа", "Роль", "Число наставляемых", "Компетенции"} <= set(headers)
    batch = preview(world, response.content, programme=world.programme)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.error
    assert outcomes_of(batch) == {2: "new"}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imports_back_unchanged(world: World, fmt: str) -> None:
    mentor = world.pair.mentor
    mentor.competencies.create(name="Горное дело")
    world.people["mentee"].phone = "+7 913 111-22-33"  # formula-like: neutralised on export
    world.people["mentee"].save()
    url = reverse("participants:export", args=[world.programme.pk, fmt])
    response = world.client_for("curator").get(url)
    assert response.status_code == 200
    batch = preview(world, response.content, name=f"export.{fmt}", programme=world.programme)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.error
    assert set(outcomes_of(batch).values()) == {"unchanged"}
    assert batch.total_rows == Person.objects.filter(organisation=world.org).count()
