"""Reading uploaded spreadsheets safely.

`inspect_upload` runs before anything else and before any row is read into memory: it refuses
files over the size limit, files that are not xlsx or csv, xlsx archives that unpack to far
more than their size (zip bombs) and files over the row limit. Only then `read_rows` streams
the rows: openpyxl in read-only mode for xlsx, the csv module for text, with the encoding
(UTF-8 with or without BOM, Windows-1251) and the separator (`;`, `,` or tab) detected.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

XLSX = "xlsx"
CSV = "csv"

# An xlsx sheet compresses about ten times; a hundred times is already suspicious for a
# part of more than a megabyte, and nothing we accept unpacks to more than this in total.
MAX_RATIO = 100
RATIO_CHECK_FROM = 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/][^>]*>")


class FileRefused(Exception):  # noqa: N818 - a refusal, not a programming error
    """The file cannot be imported; the message says why, in the user's language."""


@dataclass(frozen=True)
class FileInfo:
    kind: str
    rows: int  # data rows at most (the header row not counted)
    encoding: str = ""
    delimiter: str = ""


def max_rows() -> int:
    return int(settings.IMPORT_MAX_ROWS)


def max_bytes() -> int:
    return int(settings.IMPORT_MAX_BYTES)


def _too_many_rows(rows: int) -> FileRefused:
    return FileRefused(
        _("The file has %(rows)d rows; at most %(limit)d rows can be imported at once. "
          "Split it into several files.") % {"rows": rows, "limit": max_rows()})


def inspect_upload(source: IO[bytes], *, size: int) -> FileInfo:
    """Check a file before any row is read. Raises FileRefused with a readable message."""
    if size > max_bytes():
        raise FileRefused(
            _("The file is larger than %(limit)d MB. Split it into several files.")
            % {"limit": max_bytes() // (1024 * 1024)})
    if size == 0:
        raise FileRefused(_("The file is empty."))
    source.seek(0)
    head = source.read(8)
    source.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _inspect_xlsx(source)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(_("This is an old Excel file (.xls). Save it as .xlsx (Excel "
                            "workbook) or .csv and upload it again."))
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"GIF8", b"\x1f\x8b", b"Rar!",
                        b"7z\xbc\xaf")):
        raise FileRefused(_("This is not a spreadsheet. Upload an .xlsx or .csv file."))
    return _inspect_csv(source)


def _inspect_xlsx(source: IO[bytes]) -> FileInfo:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise FileRefused(_("The file is damaged: it cannot be opened as an .xlsx "
                            "workbook.")) from None
    with archive:
        entries = archive.infolist()
        names = {e.filename for e in entries}
        if "xl/workbook.xml" not in names:
            raise FileRefused(_("This is not a spreadsheet. Upload an .xlsx or .csv file."))
        total = 0
        for entry in entries:
            total += entry.file_size
            compressed = max(entry.compress_size, 1)
            if entry.file_size > RATIO_CHECK_FROM and entry.file_size / compressed > MAX_RATIO:
                raise FileRefused(_("The file unpacks to far more than its size and looks "
                                    "like a zip bomb; it was not opened."))
        if total > MAX_UNPACKED_BYTES:
            raise FileRefused(_("The file unpacks to far more than its size and looks "
                                "like a zip bomb; it was not opened."))
        sheet = _first_sheet_path(archive)
        if sheet not in names:
            raise FileRefused(_("The workbook has no sheet to import."))
        rows = _count_sheet_rows(archive, sheet)
    data_rows = max(rows - 1, 0)
    if data_rows > max_rows():
        raise _too_many_rows(data_rows)
    return FileInfo(kind=XLSX, rows=data_rows)


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The part name of the workbook's first sheet (the one openpyxl reads first)."""
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    # Python's expat refuses entity expansion bombs; the parts are small and their unpacked
    # size was checked above.
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
        sheet = workbook.find(f"{ns_main}sheets/{ns_main}sheet")
        rel_id = sheet.get(f"{ns_rel}id") if sheet is not None else None
        rels = ElementTree.fromstring(  # noqa: S314
            archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        raise FileRefused(_("The file is damaged: it cannot be opened as an .xlsx "
                            "workbook.")) from None
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise FileRefused(_("The workbook has no sheet to import."))


def _count_sheet_rows(archive: zipfile.ZipFile, sheet: str) -> int:
    """Rows of a sheet that hold something, counted on the compressed stream in chunks
    (memory stays flat whatever the sheet's size); empty `<row/>` elements are not counted.
    Stops as soon as the limit is passed."""
    count = 0
    tail = b""
    limit = max_rows() + 1
    with archive.open(sheet) as stream:
        while chunk := stream.read(1024 * 1024):
            data = tail + chunk
            cut = data.rfind(b"<")
            data, tail = (data[:cut], data[cut:]) if cut >= 0 else (data, b"")
            for match in _ROW_TAG.finditer(data):
                if not match.group().endswith(b"/>"):
                    count += 1
            if count > limit:
                break
    if tail:
        count += sum(1 for m in _ROW_TAG.finditer(tail) if not m.group().endswith(b"/>"))
    return count


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "utf-8"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("cp1251"), "cp1251"
    except UnicodeDecodeError:
        raise FileRefused(_("The file's encoding is not recognised. Save it as CSV UTF-8 "
                            "or as .xlsx.")) from None


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: _count_outside_quotes(first, d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _count_outside_quotes(line: str, delimiter: str) -> int:
    inside = False
    count = 0
    for ch in line:
        if ch == '"':
            inside = not inside
        elif ch == delimiter and not inside:
            count += 1
    return count


def _inspect_csv(source: IO[bytes]) -> FileInfo:
    data = source.read()
    source.seek(0)
    if b"\x00" in data[:4096]:
        raise FileRefused(_("This is not a spreadsheet. Upload an .xlsx or .csv file."))
    text, encoding = _decode(data)
    if not text.strip():
        raise FileRefused(_("The file is empty."))
    delimiter = _delimiter(text)
    lines = sum(1 for line in text.splitlines() if line.strip())
    data_rows = max(lines - 1, 0)
    if data_rows > max_rows():
        raise _too_many_rows(data_rows)
    return FileInfo(kind=CSV, rows=data_rows, encoding=encoding, delimiter=delimiter)


def read_rows(path: Path | str, info: FileInfo) -> Iterator[list[Any]]:
    """The rows of the file's first sheet, each a list of cell values (text, numbers,
    datetimes for Excel date cells, None), streamed. Never yields more than the row limit
    plus the header and a few title rows."""
    limit = max_rows() + 11
    if info.kind == XLSX:
        yield from _read_xlsx(path, limit)
    else:
        yield from _read_csv(path, info, limit)


def _read_xlsx(path: Path | str, limit: int) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise FileRefused(_("The file is damaged: it cannot be opened as an .xlsx "
                            "workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        # Read-only sheets trust the <dimension> element; some writers get it wrong.
        sheet.reset_dimensions()
        for count, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if count > limit:
                raise _too_many_rows(count)
            yield list(row)
    finally:
        workbook.close()


def _read_csv(path: Path | str, info: FileInfo, limit: int) -> Iterator[list[Any]]:
    with open(path, encoding=info.encoding or "utf-8-sig", newline="") as stream:
        reader = csv.reader(stream, delimiter=info.delimiter or ";")
        for count, row in enumerate(reader, start=1):
            if count > limit:
                raise _too_many_rows(count)
            yield list(row)
