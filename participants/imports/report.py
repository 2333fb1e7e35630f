"""Spreadsheets about imports: the template to fill in and the error report to fix."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mentorship.spreadsheets import write_xlsx

from ..models import ImportBatch, ImportRow
from ..resources import PersonResource
from .files import inspect_upload, read_rows


def import_template_xlsx() -> bytes:
    """The import template: the columns with Russian headers and one example row."""
    resource = PersonResource()
    return write_xlsx(resource.export_headers(), [resource.template_example()],
                      title=_("Participants"))


def error_report_xlsx(*, batch: ImportBatch) -> bytes:
    """The rows of the file that were not imported, as they were, with the file's header,
    a first column with the row number and a last column with what is wrong. Both extra
    columns are ignored by the importer, so the fixed report can be uploaded again."""
    messages: dict[int, str] = {}
    for number, row_messages in ImportRow.objects.filter(
            batch=batch, outcome=ImportRow.Outcome.ERROR).values_list("number", "messages"):
        messages[number] = "; ".join(
            f"«{m['column']}»: {m['text']}" if m.get("column") else m["text"]
            for m in row_messages if m.get("kind") == "error")
    header_row = int(batch.counts.get("header_row") or 1)
    header: list[Any] = []
    rows: list[list[Any]] = []
    with batch.file.open("rb") as stored:
        info = inspect_upload(stored, size=batch.file.size)
    for number, row in enumerate(read_rows(batch.file.path, info), start=1):
        if number == header_row:
            header = list(row)
        elif number in messages:
            rows.append([number, *row])
    width = max([len(header), *(len(r) - 1 for r in rows)], default=0)
    header += [""] * (width - len(header))
    padded = [r + [None] * (width + 1 - len(r)) + [messages[r[0]]] for r in rows]
    return write_xlsx([_("Row"), *header, _("Errors")], padded, title=_("Errors"))
