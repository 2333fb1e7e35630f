"""Whole-file faults and the file formats colleges send: refused before any row is read,
encodings, separators, header variants."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from participants.models import ImportBatch, Person
from participants.services import import_batch_create

from ..conftest import World
from .importfiles import HEADERS, csv_bytes, messages_of, outcomes_of, preview, upload, xlsx_bytes

ROW = ["Петрова", "Анна", "Сергеевна", dt.date(2006, 5, 17), "petrova@example.ru", "студент",
       "ПР-21", 2]


@pytest.fixture(autouse=True)
def _russian() -> None:
    translation.activate("ru")


def refused(world: World, data: bytes, name: str = "students.xlsx") -> str:
    with pytest.raises(ValidationError) as caught:
        import_batch_create(organisation=world.org, programme=None, upload=upload(data, name),
                            strict=False, acting_user=world.users["curator"])
    assert not ImportBatch.objects.exists()  # nothing stored, nothing recorded
    return " ".join(caught.value.messages)


@pytest.mark.django_db
def test_file_over_the_size_limit_is_refused(world: World) -> None:
    data = xlsx_bytes([ROW] * 20)
    with override_settings(IMPORT_MAX_BYTES=len(data) - 1):
        message = refused(world, data)
    assert "больше" in message and "МБ" in message


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_file_over_the_row_limit_is_refused(world: World, kind: str) -> None:
    rows = [[*ROW[:4], f"p{i}@example.ru", *ROW[5:]] for i in range(6)]
    data = xlsx_bytes(rows) if kind == "xlsx" else csv_bytes(rows)
    with override_settings(IMPORT_MAX_ROWS=5):
        message = refused(world, data, f"students.{kind}")
    assert "6" in message and "5" in message


@pytest.mark.django_db
def test_row_limit_counts_only_rows_with_content(world: World) -> None:
    with override_settings(IMPORT_MAX_ROWS=5):
        batch = preview(world, xlsx_bytes([ROW]))
    assert batch.status == ImportBatch.Status.PREVIEWED


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "name"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "list.pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.xlsx"),
    (b"\x00\x01\x02\x03binary\x00garbage" * 10, "data.csv"),
])
def test_not_a_spreadsheet_is_refused(world: World, data: bytes, name: str) -> None:
    assert "не электронная таблица" in refused(world, data, name)


@pytest.mark.django_db
def test_a_zip_that_is_not_a_workbook_is_refused(world: World) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "не электронная таблица" in refused(world, buffer.getvalue(), "letter.xlsx")


@pytest.mark.django_db
def test_old_xls_is_refused_with_advice(world: World) -> None:
    message = refused(world, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls")
    assert ".xlsx" in message


@pytest.mark.django_db
def test_zip_bomb_is_refused_before_it_is_unpacked(world: World) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row>" + b" " * 30_000_000)
    data = buffer.getvalue()
    assert len(data) < 100_000
    assert "zip-бомб" in refused(world, data, "bomb.xlsx")


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_encodings_and_separators(world: World, encoding: str, delimiter: str) -> None:
    rows = [["Пётр", "Семёнов", "Ёжиков", "17.05.2006", "semenov@example.ru", "студент",
             "ПР-21", "2"]]
    headers = ["Имя", "Фамилия", "Отчество", *HEADERS[3:]]
    batch = preview(world, csv_bytes(rows, headers, encoding=encoding,
                                         delimiter=delimiter), name="list.csv")
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.error
    assert outcomes_of(batch) == {2: "new"}
    assert batch.rows.get().label == "Семёнов Пётр Ёжиков"


@pytest.mark.django_db
@pytest.mark.parametrize("email_header", ["Е-mail", "E-mail", "Email", "EMAIL",
                                          "Электронная почта", "эл. почта"])
def test_header_variants_are_recognised(world: World, email_header: str) -> None:
    headers = ["  ФАМИЛИЯ ", "имя", "Отчество", "Дата  рождения", email_header, "Категория",
               "№ группы", "Курс"]
    batch = preview(world, xlsx_bytes([ROW], headers))
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.error
    assert outcomes_of(batch) == {2: "new"}


@pytest.mark.django_db
def test_full_name_in_one_column(world: World) -> None:
    headers = ["№ п/п", "ФИО", "Дата рождения", "Категория"]
    rows = [[1, "мамедов рашид алиевич оглы", "01.02.2007", "студент"],
            [2, "Кузнецова Ольга", "03.04.2007", "студент"]]
    batch = preview(world, xlsx_bytes(rows, headers))
    assert outcomes_of(batch) == {2: "new", 3: "new"}
    assert [r.label for r in batch.rows.order_by("number")] == [
        "Мамедов Рашид Алиевич оглы", "Кузнецова Ольга"]


@pytest.mark.django_db
def test_unknown_header_is_named_and_nothing_is_read(world: World) -> None:
    headers = [*HEADERS, "Хобби"]
    batch = preview(world, xlsx_bytes([[*ROW, "шахматы"]], headers))
    assert batch.status == ImportBatch.Status.REJECTED
    assert "«Хобби»" in batch.error
    assert not batch.rows.exists()


@pytest.mark.django_db
def test_missing_required_column_is_named(world: World) -> None:
    headers = ["Фамилия", "Имя", "Дата рождения"]
    batch = preview(world, xlsx_bytes([ROW[:2] + [ROW[3]]], headers))
    assert batch.status == ImportBatch.Status.REJECTED
    assert "«Категория»" in batch.error


@pytest.mark.django_db
def test_title_rows_above_the_header_are_skipped(world: World) -> None:
    title = [["Список обучающихся ГПОУ «Горный техникум»"], [], ["на 01.09.2024"]]
    batch = preview(world, xlsx_bytes([ROW], title_rows=title))
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.error
    assert outcomes_of(batch) == {5: "new"}


@pytest.mark.django_db
def test_empty_rows_are_skipped(world: World) -> None:
    other = ["Орлова", "Вера", "", dt.date(2006, 1, 9), "orlova@example.ru", "студент"]
    batch = preview(world, xlsx_bytes([ROW, [None] * 8, ["", " "], other]))
    assert outcomes_of(batch) == {2: "new", 5: "new"}


@pytest.mark.django_db
def test_file_is_kept_under_a_random_name(world: World) -> None:
    batch = preview(world, xlsx_bytes([ROW]), name="Список студентов.xlsx")
    assert batch.original_name == "Список студентов.xlsx"
    assert "Список" not in batch.file.name
    assert batch.file.name.startswith("imports/") and batch.file.name.endswith(".xlsx")
    assert not Person.objects.filter(email="petrova@example.ru").exists()
    assert messages_of(batch) == {2: []}
