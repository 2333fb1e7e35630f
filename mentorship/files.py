"""Streaming stored files. Uploaded and generated files are never served from a public URL:
a view checks permission, then hands the file over with `stored_file_response`."""

from __future__ import annotations

import mimetypes

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def stored_file_response(file: FieldFile, *, filename: str, content_type: str | None = None,
                         as_attachment: bool = True) -> FileResponse:
    """A response streaming `file` under `filename`. 404 when the field is empty or the file
    has gone from storage (a restore without media, a manual clean-up), never a 500. The
    content type is guessed from `filename` when not given."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(
        handle, as_attachment=as_attachment, filename=filename,
        content_type=content_type or mimetypes.guess_type(filename)[0]
        or "application/octet-stream")
