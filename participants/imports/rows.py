"""From file rows to parsed rows: the header row, the column map, every cell parsed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from ..resources import CellError, HeaderMap, PersonResource, cell_text
from .files import FileInfo, FileRefused, read_rows

HEADER_SEARCH_ROWS = 10
Progress = Callable[[int], None]


@dataclass
class ParsedRow:
    number: int  # as Excel numbers the row
    values: dict[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)

    @property
    def label(self) -> str:
        parts = (self.values.get("last_name"), self.values.get("first_name"),
                 self.values.get("middle_name"))
        return " ".join(p for p in parts if p)[:300]


@dataclass
class ParsedFile:
    header_map: HeaderMap
    header_row: int
    rows: list[ParsedRow]


def _is_blank(row: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _header_problem(header_map: HeaderMap) -> str:
    known = ", ".join(f"«{name}»" for name in _known_columns())
    if header_map.unknown:
        names = ", ".join(f"«{h}»" for h in header_map.unknown)
        return _("The file has columns that are not recognised: %(names)s. Rename or remove "
                 "them. Recognised columns: %(known)s.") % {"names": names, "known": known}
    if header_map.duplicated:
        names = ", ".join(f"«{h}»" for h in header_map.duplicated)
        return _("The same information is given in two columns: %(names)s. Keep one of "
                 "them.") % {"names": names}
    names = ", ".join(f"«{h}»" for h in header_map.missing)
    return _("Required columns are missing: %(names)s. Recognised columns: %(known)s.") % {
        "names": names, "known": known}


def _known_columns() -> list[str]:
    columns = PersonResource.column_names()
    return [str(columns[name]) for name in (*PersonResource.EXPORT_FIELDS, "full_name")]


def parse_file(path: Path | str, info: FileInfo, *, progress: Progress | None = None
               ) -> ParsedFile:
    """Read and parse the whole file. Raises FileRefused when the header row is missing or
    has unknown, repeated or missing columns (nothing else is read then)."""
    stream = iter(read_rows(path, info))
    header_map: HeaderMap | None = None
    header_row = 0
    candidates: list[tuple[int, list[Any]]] = []
    consumed = 0
    for number, row in enumerate(stream, start=1):
        consumed = number
        if _is_blank(row):
            if number > HEADER_SEARCH_ROWS:
                break
            continue
        candidates.append((number, row))
        if PersonResource.header_score(row) >= 2 or len(candidates) >= HEADER_SEARCH_ROWS:
            break
    if not candidates:
        raise FileRefused(_("The file has no rows."))
    header_row, header = next(((n, r) for n, r in candidates
                               if PersonResource.header_score(r) >= 2), candidates[0])
    header_map = PersonResource.map_headers(header)
    if header_map.unknown or header_map.duplicated or header_map.missing:
        raise FileRefused(_header_problem(header_map))
    # Rows read while looking for the header that come after it are data rows.
    pending = [(n, r) for n, r in candidates if n > header_row]
    rows: list[ParsedRow] = []
    parse = _row_parser(header_map)
    total = max(info.rows, 1)
    step = max(total // 10, 500)

    def data() -> Iterable[tuple[int, list[Any]]]:
        yield from pending
        yield from enumerate(stream, start=consumed + 1)

    for number, row in data():
        if _is_blank(row):
            continue
        rows.append(parse(number, row))
        if progress is not None and len(rows) % step == 0:
            progress(min(100, len(rows) * 100 // total))
    return ParsedFile(header_map=header_map, header_row=header_row, rows=rows)


def _row_parser(header_map: HeaderMap) -> Callable[[int, list[Any]], ParsedRow]:
    fields = PersonResource.fields
    columns = [(index, name, fields[name].widget, header_map.headers[index])
               for index, name in sorted(header_map.columns.items())]
    by_full_name = "full_name" in header_map.fields
    required = [(name, header_map.header_of("full_name" if by_full_name and name != "category"
                                            else name))
                for name in ("last_name", "first_name", "category")]
    has_email = "email" in header_map.fields
    has_birth = "birth_date" in header_map.fields
    identity_header = header_map.header_of("email") if has_email else (
        header_map.header_of("birth_date"))

    def parse(number: int, row: list[Any]) -> ParsedRow:
        values: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        width = len(row)
        for index, name, widget, header in columns:
            if index >= width:
                continue
            cell = row[index]
            if cell is None or cell == "":
                continue
            try:
                value = widget.clean(cell)
            except CellError as error:
                errors.append((header, str(error)))
                continue
            if name == "full_name":
                last, first, middle = value
                values["last_name"], values["first_name"] = last, first
                if middle:
                    values["middle_name"] = middle
            elif value or value == 0:
                values[name] = value
        failed = {column for column, _message in errors}
        for name, header in required:
            if not values.get(name) and header not in failed:
                errors.append((header, _("required, but empty")))
        if not values.get("email") and not values.get("birth_date") and not (
                {header_map.header_of("email"), header_map.header_of("birth_date")}
                & failed):
            if has_email or has_birth:
                errors.append((identity_header, _(
                    "give the e-mail or the date of birth: without either the person cannot "
                    "be recognised on the next import")))
            else:
                errors.append((str(PersonResource.column_names()["email"]), _(
                    "the file needs an e-mail or a date of birth column: without either "
                    "people cannot be recognised on the next import")))
        return ParsedRow(number=number, values=values, errors=errors)

    return parse


def raw_label(row: list[Any]) -> str:
    return " ".join(cell_text(v) for v in row[:3] if v not in (None, ""))[:300]


# The check's result is kept next to the upload so that the confirmed import does not read
# and parse the file again. Plain JSON: nothing in it is executed when it is read back.
_DATE_VALUES = ("birth_date", "hired_on")
_TUPLE_VALUES = ("specialty", "roles", "competencies")
PARSED_FORMAT = 1


def dump_parsed(parsed: ParsedFile) -> bytes:
    def encode(values: dict[str, Any]) -> dict[str, Any]:
        return {k: (v.isoformat() if k in _DATE_VALUES else v) for k, v in values.items()}

    return json.dumps({
        "format": PARSED_FORMAT,
        "header_row": parsed.header_row,
        "headers": parsed.header_map.headers,
        "columns": {str(k): v for k, v in parsed.header_map.columns.items()},
        "rows": [[r.number, encode(r.values), r.errors] for r in parsed.rows],
    }, ensure_ascii=False).encode()


def load_parsed(data: bytes) -> ParsedFile | None:
    """The kept check, or None when it is of another format or damaged."""
    try:
        raw = json.loads(data)
        if raw.get("format") != PARSED_FORMAT:
            return None
        header_map = HeaderMap(columns={int(k): v for k, v in raw["columns"].items()},
                               headers=list(raw["headers"]))
        rows = []
        for number, values, errors in raw["rows"]:
            for key in _DATE_VALUES:
                if key in values:
                    values[key] = dt.date.fromisoformat(values[key])
            for key in _TUPLE_VALUES:
                if key in values:
                    values[key] = tuple(values[key])
            rows.append(ParsedRow(number=number, values=values,
                                  errors=[(c, m) for c, m in errors]))
        return ParsedFile(header_map=header_map, header_row=raw["header_row"], rows=rows)
    except (ValueError, KeyError, TypeError):
        return None
