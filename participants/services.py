"""Writes for people: the participant import (upload, preview, confirm).

An import is an `ImportBatch` that moves through its statuses:
uploaded → checking → checked (waiting for confirmation) → importing → imported, or ends as
rejected (a file-level problem, or an error in strict mode) or failed (an internal error).
Each step claims the batch with a conditional UPDATE on its status, so running a step twice
(a double click, a redelivered Celery task) does the work once. A rejected or failed import
writes nothing: the confirmed import runs in one transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mentorship.models import User
from mentorship.services import audit_record
from programmes.models import Organisation, Programme

from .imports.files import FileInfo, FileRefused, inspect_upload
from .imports.plan import ERROR, ImportContext, Plan, plan_rows
from .imports.rows import ParsedFile, dump_parsed, load_parsed, parse_file
from .imports.write import apply_plan, record_rows
from .models import ImportBatch

logger = logging.getLogger(__name__)

# Files with more rows than this are checked and imported by a Celery worker; smaller ones
# in the request (the page answers at once).
IMPORT_SYNC_ROWS = 1000

PROGRAMME_NOT_OF_ORGANISATION = _("The programme belongs to another organisation.")
IMPORT_INTERNAL_ERROR = _("The import stopped because of an internal error; nothing was "
                          "changed. Try again, and tell the administrator if it happens again.")


def import_batch_create(*, organisation: Organisation, programme: Programme | None,
                        upload: UploadedFile, strict: bool, acting_user: User) -> ImportBatch:
    """Store an uploaded spreadsheet as a new import, after the checks that need no row to
    be read (size, type, zip bomb, row limit). Raises ValidationError with the reason when
    the file is refused; nothing is stored then. The file is kept under MEDIA_ROOT with a
    random name and is never served by URL."""
    if programme is not None and programme.organisation_id != organisation.pk:
        raise ValidationError(PROGRAMME_NOT_OF_ORGANISATION)
    try:
        info = inspect_upload(upload, size=upload.size or 0)
    except FileRefused as refusal:
        raise ValidationError(str(refusal)) from None
    upload.seek(0)
    batch = ImportBatch(organisation=organisation, programme=programme, created_by=acting_user,
                        original_name=(upload.name or "")[-255:], strict=strict,
                        total_rows=info.rows)
    with transaction.atomic():
        batch.file.save(f"{uuid.uuid4().hex}.{info.kind}", upload, save=False)
        batch.full_clean()
        batch.save()
        audit_record(actor=acting_user, verb="import.uploaded", target=batch,
                     organisation_id=organisation.pk,
                     changes={"rows": [None, info.rows], "strict": [None, strict]})
    return batch


def _schedule(task: Any, batch: ImportBatch, *args: Any) -> None:
    """Run a step now for a small file, in Celery for a large one. With no broker
    (tests, `make run`) Celery runs it in-process anyway."""
    language = translation.get_language() or "ru"
    if batch.total_rows <= IMPORT_SYNC_ROWS:
        task(batch.pk, *args, language)
    else:
        # The worker must see the committed batch.
        transaction.on_commit(partial(task.delay, batch.pk, *args, language))


def import_batch_start_preview(*, batch: ImportBatch) -> None:
    """Check the uploaded file (now or in the background, see IMPORT_SYNC_ROWS)."""
    from .tasks import import_preview_task

    _schedule(import_preview_task, batch)


def _set_progress(batch_id: int, percent: int) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(progress=max(0, min(percent, 100)))


def _finish(batch_id: int, *, status: str, error: str = "", **fields: Any) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(status=status, error=error, progress=100,
                                                   finished_at=timezone.now(), **fields)


def _read(batch: ImportBatch, progress: Callable[[int], None]) -> tuple[FileInfo, ParsedFile]:
    with batch.file.open("rb") as stored:
        info = inspect_upload(stored, size=batch.file.size)
    return info, parse_file(batch.file.path, info, progress=progress)


def _parsed_name(batch: ImportBatch) -> str:
    return f"{batch.file.name}.checked.json"


def _keep_parsed(batch: ImportBatch, parsed: ParsedFile) -> None:
    """Keep the check's parsed rows (personal data, like the file: same folder, random
    name, never served) so that the confirmed import need not read the file again."""
    storage = batch.file.storage
    name = _parsed_name(batch)
    storage.delete(name)
    storage.save(name, ContentFile(dump_parsed(parsed)))


def _kept_parsed(batch: ImportBatch) -> ParsedFile | None:
    storage = batch.file.storage
    name = _parsed_name(batch)
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as kept:
        return load_parsed(kept.read())


def _drop_parsed(batch: ImportBatch) -> None:
    batch.file.storage.delete(_parsed_name(batch))


def _summary(plan: Plan, parsed: ParsedFile) -> dict[str, Any]:
    return {**plan.counts(), "create": plan.creations(), "header_row": parsed.header_row}


def _strict_rejection(errors: int) -> str:
    return ngettext(
        "Strict mode: %(count)d row has errors, so the whole file was rejected and nothing "
        "was written. Download the error report, fix the row and upload the file again.",
        "Strict mode: %(count)d rows have errors, so the whole file was rejected and nothing "
        "was written. Download the error report, fix the rows and upload the file again.",
        errors) % {"count": errors}


def import_batch_preview(*, batch_id: int, take_over: bool = False) -> ImportBatch | None:
    """Read and check the file, mark every row new / updated / unchanged / error and record
    the outcome; nothing else is written. Returns None when the batch was not waiting for a
    check (already checked or being checked). `take_over=True` (the task was redelivered
    because its worker died) also claims a batch left «being checked»: the check writes
    its outcome in one transaction, so starting it again is safe."""
    claimable = [ImportBatch.Status.UPLOADED]
    if take_over:
        claimable.append(ImportBatch.Status.PREVIEWING)
    claimed = ImportBatch.objects.filter(pk=batch_id, status__in=claimable
                                         ).update(status=ImportBatch.Status.PREVIEWING,
                                                  progress=0, error="")
    if not claimed:
        return None
    batch = ImportBatch.objects.select_related("organisation", "programme").get(pk=batch_id)
    try:
        _info, parsed = _read(batch, lambda p: _set_progress(batch_id, p * 8 // 10))
        ctx = ImportContext.load(organisation=batch.organisation, programme=batch.programme)
        plan = plan_rows(parsed, ctx)
        _set_progress(batch_id, 90)
        summary = _summary(plan, parsed)
        if not (batch.strict and summary[ERROR]):
            _keep_parsed(batch, parsed)
        with transaction.atomic():
            record_rows(batch, plan.rows)
            if batch.strict and summary[ERROR]:
                _finish(batch_id, status=ImportBatch.Status.REJECTED,
                        error=_strict_rejection(summary[ERROR]), counts=summary,
                        total_rows=len(plan.rows))
            else:
                ImportBatch.objects.filter(pk=batch_id).update(
                    status=ImportBatch.Status.PREVIEWED, progress=100, counts=summary,
                    total_rows=len(plan.rows))
    except FileRefused as refusal:
        _finish(batch_id, status=ImportBatch.Status.REJECTED, error=str(refusal))
    except Exception:
        logger.exception("Import %s: the check failed", batch_id)
        _finish(batch_id, status=ImportBatch.Status.FAILED, error=str(IMPORT_INTERNAL_ERROR))
    batch.refresh_from_db()
    return batch


def import_batch_request_confirm(*, batch: ImportBatch, acting_user: User) -> bool:
    """Claim a checked import for writing and start it (now or in Celery). Returns False
    when it was not waiting for confirmation (a second click, or already imported): nothing
    is started then."""
    from .tasks import import_confirm_task

    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED
                                         ).update(status=ImportBatch.Status.IMPORTING,
                                                  progress=0)
    if not claimed:
        return False
    batch.status = ImportBatch.Status.IMPORTING
    _schedule(import_confirm_task, batch, acting_user.pk)
    return True


def import_batch_confirm(*, batch_id: int, acting_user_id: int | None) -> ImportBatch | None:
    """Write a claimed import (status «importing»): every valid row in one transaction; in
    strict mode any error rejects the whole file. The rows are planned again against the
    database as it is now, under a lock on the organisation, so that what changed since the
    check is taken into account. Returns None when the batch is not being imported (a
    redelivered task after the end)."""
    batch = ImportBatch.objects.select_related("organisation", "programme").filter(
        pk=batch_id, status=ImportBatch.Status.IMPORTING).first()
    if batch is None:
        return None
    actor = User.objects.filter(pk=acting_user_id).first() if acting_user_id else None
    try:
        parsed = _kept_parsed(batch)
        if parsed is None:
            _info, parsed = _read(batch, lambda p: _set_progress(batch_id, p * 6 // 10))
        _set_progress(batch_id, 60)
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().filter(
                pk=batch_id, status=ImportBatch.Status.IMPORTING).exists()
            if not locked:
                return None
            Organisation.objects.select_for_update().filter(pk=batch.organisation_id).exists()
            ctx = ImportContext.load(organisation=batch.organisation, programme=batch.programme)
            plan = plan_rows(parsed, ctx)
            summary = _summary(plan, parsed)
            if batch.strict and summary[ERROR]:
                record_rows(batch, plan.rows)
                _finish(batch_id, status=ImportBatch.Status.REJECTED,
                        error=_strict_rejection(summary[ERROR]), counts=summary)
                audit_record(actor=actor, verb="import.rejected", target=batch,
                             organisation_id=batch.organisation_id,
                             changes={"errors": [None, summary[ERROR]]})
            else:
                apply_plan(plan, ctx)
                record_rows(batch, plan.rows)
                _finish(batch_id, status=ImportBatch.Status.DONE, counts=summary,
                        total_rows=len(plan.rows))
                audit_record(actor=actor, verb="import.confirmed", target=batch,
                             organisation_id=batch.organisation_id,
                             changes={k: [None, summary[k]] for k in
                                      ("new", "updated", "unchanged", "error")}
                             | {"created": [None, summary["create"]]})
    except FileRefused as refusal:
        _finish(batch_id, status=ImportBatch.Status.REJECTED, error=str(refusal))
    except Exception:
        logger.exception("Import %s: the import failed", batch_id)
        _finish(batch_id, status=ImportBatch.Status.FAILED, error=str(IMPORT_INTERNAL_ERROR))
    batch.refresh_from_db()
    if batch.status != ImportBatch.Status.IMPORTING:
        _drop_parsed(batch)
    return batch
