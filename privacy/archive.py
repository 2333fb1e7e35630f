"""The subject-access archive: everything the product holds about one person, as a ZIP of
`data.json` (every row, by kind), `data.xlsx` (one sheet per kind, with Russian column
names) and their files (consent scans, evidence they uploaded).

Rows are gathered across apps by following the person's own links only (their roles,
the mentorships they are mentor or mentee of, their survey invitations, the audit entries
about them or made by their login), so nothing of another person is included except what
the person's own rows point at (e.g. the mentor's name on their mentorship).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import Any

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers import serialize
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from mentorship.models import AuditEntry
from mentorship.spreadsheets import safe_cell
from participants.models import Person


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def collect(person: Person) -> dict[str, list[models.Model]]:
    """The person's rows by kind (model label). Read-only; scopes must be disabled."""
    role_ids = list(_model("participants.ProgrammeRole").objects.filter(person=person)
                    .values_list("pk", flat=True))
    mentorship_ids = set(_model("pairing.MentorshipMember").objects.filter(
        mentee_id__in=role_ids).values_list("mentorship_id", flat=True))
    mentorship_ids |= set(_model("pairing.Mentorship").objects.filter(
        mentor_id__in=role_ids).values_list("pk", flat=True))
    invitation_ids = list(_model("monitoring.SurveyInvitation").objects.filter(
        respondent_id__in=role_ids).values_list("pk", flat=True))
    user_id = person.user_id

    person_type = ContentType.objects.get_for_model(Person)
    log_filter = (Q(content_type=person_type, object_pk=str(person.pk))
                  | Q(additional_data__person_id=person.pk))
    if user_id:
        log_filter |= Q(actor_id=user_id)
    audit_filter = (Q(target_type="participants.person", target_id=str(person.pk))
                    | Q(target_type="participants.programmerole",
                        target_id__in=[str(pk) for pk in role_ids]))
    request_ids = list(_model("privacy.SubjectRequest").objects.filter(person=person)
                       .values_list("pk", flat=True))
    audit_filter |= Q(target_type="privacy.subjectrequest",
                      target_id__in=[str(pk) for pk in request_ids])
    if user_id:
        audit_filter |= Q(actor_id=user_id) | Q(target_type="mentorship.user",
                                                target_id=str(user_id))

    rows: dict[str, Iterable[models.Model]] = {
        "participants.person": [person],
        "participants.programmerole": _model("participants.ProgrammeRole").objects.filter(
            pk__in=role_ids),
        "participants.consent": _model("participants.Consent").objects.filter(person=person),
        "participants.mentortraining": _model("participants.MentorTraining").objects.filter(
            person=person),
        "participants.recognition": _model("participants.Recognition").objects.filter(
            role_id__in=role_ids),
        "privacy.subjectrequest": _model("privacy.SubjectRequest").objects.filter(
            person=person),
        "pairing.mentorshiprequest": _model("pairing.MentorshipRequest").objects.filter(
            mentee_id__in=role_ids),
        "pairing.mentorship": _model("pairing.Mentorship").objects.filter(
            pk__in=mentorship_ids),
        "pairing.mentorshipmember": _model("pairing.MentorshipMember").objects.filter(
            mentorship_id__in=mentorship_ids, mentee_id__in=role_ids),
        "pairing.planitem": _model("pairing.PlanItem").objects.filter(
            mentorship_id__in=mentorship_ids),
        "pairing.meeting": _model("pairing.Meeting").objects.filter(
            mentorship_id__in=mentorship_ids),
        "monitoring.surveyinvitation": _model("monitoring.SurveyInvitation").objects.filter(
            pk__in=invitation_ids),
        "monitoring.surveyresponse": _model("monitoring.SurveyResponse").objects.filter(
            invitation_id__in=invitation_ids),
        "monitoring.surveyanswer": _model("monitoring.SurveyAnswer").objects.filter(
            response__invitation_id__in=invitation_ids),
        "auditlog.logentry": LogEntry.objects.filter(log_filter).order_by("timestamp"),
        "mentorship.auditentry": AuditEntry.objects.filter(audit_filter).order_by(
            "created_at"),
    }
    if user_id:
        rows["monitoring.indicatorfact"] = _model("monitoring.IndicatorFact").objects.filter(
            entered_by_id=user_id).exclude(evidence="")
        rows["programmes.activityexecution"] = _model(
            "programmes.ActivityExecution").objects.filter(responsible_id=user_id).exclude(
            evidence="")
    return {label: list(items) for label, items in rows.items()}


def _files(rows: dict[str, list[models.Model]]) -> list[tuple[str, models.fields.files.FieldFile]]:
    found = []
    for label, items in rows.items():
        for obj in items:
            for field in obj._meta.concrete_fields:
                if isinstance(field, models.FileField):
                    value = getattr(obj, field.name)
                    if value:
                        name = f"files/{label}-{obj.pk}-{PurePath(value.name).name}"
                        found.append((name, value))
    return found


def _sheet_rows(items: list[models.Model]) -> tuple[list[str], list[list[Any]]]:
    if not items:
        return [], []
    fields = list(items[0]._meta.concrete_fields)
    headers = [str(f.verbose_name) for f in fields]
    body = []
    for obj in items:
        row = []
        for field in fields:
            value = getattr(obj, field.attname)
            if isinstance(value, dict | list):
                value = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
            elif field.choices and value is not None:
                value = getattr(obj, f"get_{field.name}_display")()
            row.append(value)
        body.append(row)
    return headers, body


def _workbook(rows: dict[str, list[models.Model]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    titles: set[str] = set()
    for items in rows.values():
        if not items:
            continue
        title = re.sub(r"[\[\]:*?/\\]", " ", str(items[0]._meta.verbose_name_plural))[:28]
        if title in titles:
            title = f"{title[:25]} {len(titles)}"
        titles.add(title)
        sheet = workbook.create_sheet(title=title)
        headers, body = _sheet_rows(items)
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=safe_cell(header))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in body:
            sheet.append([safe_cell(v) for v in row])
    if not workbook.worksheets:
        workbook.create_sheet(title="—")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_subject_archive(*, person: Person,
                          progress: Callable[[int], None] = lambda p: None) -> bytes:
    """The ZIP bytes of the person's archive (see the module docstring)."""
    rows = collect(person)
    progress(40)
    data = {label: json.loads(serialize("json", items)) for label, items in rows.items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(
            {"subject": person.pk, "rows": data}, ensure_ascii=False, indent=1,
            cls=DjangoJSONEncoder))
        progress(60)
        archive.writestr("data.xlsx", _workbook(rows))
        progress(80)
        for name, file in _files(rows):
            try:
                with file.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except FileNotFoundError:
                archive.writestr(f"{name}.missing.txt", "Файл не найден в хранилище.")
    progress(95)
    return buffer.getvalue()
