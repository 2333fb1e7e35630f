"""Building real import files in tests: xlsx (openpyxl) and csv in a chosen encoding."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

HEADERS = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Электронная почта", "Категория",
           "Группа", "Курс"]


def xlsx_bytes(rows: Sequence[Sequence[Any]], headers: Sequence[Any] | None = HEADERS,
               *, title_rows: Sequence[Sequence[Any]] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in title_rows:
        sheet.append(list(row))
    if headers is not None:
        sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], headers: Sequence[Any] | None = HEADERS, *,
              encoding: str = "utf-8-sig", delimiter: str = ";") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if headers is not None:
        writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def upload(data: bytes, name: str = "students.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def preview(world: Any, data: bytes, *, name: str = "students.xlsx", programme: Any = None,
            strict: bool = False, organisation: Any = None, user: Any = None) -> Any:
    """Upload and check a file through the services (as the world's curator, into the
    world's college by default); returns the checked batch."""
    from participants.services import import_batch_create, import_batch_preview

    organisation = organisation or world.org
    user = user or world.users["curator"]
    batch = import_batch_create(organisation=organisation, programme=programme,
                                upload=upload(data, name), strict=strict, acting_user=user)
    return import_batch_preview(batch_id=batch.pk)


def confirm(batch: Any, user: Any) -> Any:
    from participants.services import import_batch_request_confirm

    assert import_batch_request_confirm(batch=batch, acting_user=user)
    batch.refresh_from_db()
    return batch


def messages_of(batch: Any) -> dict[int, list[tuple[str, str]]]:
    """Row number -> [(column, text)] of the errors the check found."""
    return {row.number: [(m["column"], m["text"]) for m in row.messages
                         if m["kind"] == "error"]
            for row in batch.rows.order_by("number")}


def outcomes_of(batch: Any) -> dict[int, str]:
    return dict(batch.rows.order_by("number").values_list("number", "outcome"))
