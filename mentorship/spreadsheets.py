"""Spreadsheet exports that are safe to open in Excel.

Every export goes through these writers: a text cell that begins with `=`, `+`, `-`, `@`, a
tab or a carriage return is prefixed with an apostrophe so that it is shown as text and never
run as a formula (CSV injection). CSV is written for Russian Excel: UTF-8 with a byte-order
mark and `;` separators.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | Decimal | dt.date | dt.datetime | None


def safe_cell(value: Any) -> Cell:
    """The value as it may go into a cell: numbers and dates unchanged, text neutralised."""
    if value is None or isinstance(value, bool):
        return "" if value is None else ("да" if value else "нет")
    if isinstance(value, int | float | Decimal | dt.date):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_text(safe_cell(v)) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(value: Cell) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return "" if value is None else str(value)


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
               title: str = "Лист1") -> bytes:
    """A one-sheet workbook (openpyxl write-only mode: memory does not grow with rows)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
EXPORT_FORMATS = ("xlsx", "csv")


def spreadsheet_response(*, headers: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str,
                         name: str) -> HttpResponse:
    """An xlsx or csv download named `<name>-<date>.<fmt>`, formula-safe. An unknown format
    is a 404 (it comes from the URL)."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    data = write_xlsx(headers, rows, title=name) if fmt == "xlsx" else write_csv(headers, rows)
    return HttpResponse(data, content_type=XLSX_TYPE if fmt == "xlsx" else CSV_TYPE, headers={
        "Content-Disposition": content_disposition_header(True, f"{name}-{stamp}.{fmt}")})
