"""Pages for people: the participant list of a programme and its export, a person's card,
and the participant import (upload, check, confirm, history, downloads)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship.files import stored_file_response
from mentorship.spreadsheets import XLSX_TYPE, spreadsheet_response
from mentorship.types import AppRequest
from programmes.permissions import programme_get_for_user

from .consent_views import consent_person_context
from .forms import ImportRowFilterForm, ImportUploadForm, PersonFilterForm
from .imports.permissions import (
    import_batch_get_for_user,
    import_may_upload,
    import_organisations_for_user,
    import_programmes_for_user,
    import_require_history,
    import_require_upload,
)
from .imports.report import error_report_xlsx, import_template_xlsx
from .imports.selectors import import_batch_list_for_user, import_row_list
from .models import ImportBatch, ImportRow, StudyGroup
from .permissions import person_get_for_user
from .resources import export_people
from .selectors import person_list_for_programme
from .services import (
    import_batch_create,
    import_batch_request_confirm,
    import_batch_start_preview,
)

IMPORT_PAGE_SIZE = 20
IMPORT_ROWS_PAGE_SIZE = 50

PAGE_SIZE = 50


@login_required
def person_list(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    groups = StudyGroup.objects.filter(organisation=programme.organisation).order_by("name")
    form = PersonFilterForm(request.GET or None, groups=groups)
    filters = form.cleaned_filters()
    people = person_list_for_programme(programme=programme, **filters)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "participants/person_list.html",
                  {"programme": programme, "form": form, "page_obj": page})


@login_required
def person_detail(request: AppRequest, pk: int) -> HttpResponse:
    person = person_get_for_user(request.user, pk)
    roles = person.roles.select_related("programme").prefetch_related("competencies", "forms")
    return render(request, "participants/person_detail.html", {
        "person": person,
        "roles": list(roles),
        "consents": list(person.consents.order_by("-signed_on")),
        **consent_person_context(request.user, person),
    })


@login_required
def person_export(request: AppRequest, programme_pk: int, fmt: str) -> HttpResponse:
    """The participant list as on screen (same filters), for the programme's own
    organisation only; the file can be imported back unchanged."""
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    groups = StudyGroup.objects.filter(organisation=programme.organisation).order_by("name")
    form = PersonFilterForm(request.GET or None, groups=groups)
    people = person_list_for_programme(programme=programme, **form.cleaned_filters())
    headers, rows = export_people(people, programme=programme)
    return spreadsheet_response(headers=headers, rows=rows, fmt=fmt, name=_("participants"))


# Import ---------------------------------------------------------------------------------


@login_required
def import_list(request: AppRequest) -> HttpResponse:
    access = import_require_history(request.user)
    page = Paginator(import_batch_list_for_user(request.user), IMPORT_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "participants/import_list.html", {
        "page_obj": page, "may_upload": import_may_upload(access),
        "show_organisation": access.is_admin})


@login_required
def import_new(request: AppRequest) -> HttpResponse:
    import_require_upload(request.user)
    choices = {"organisations": import_organisations_for_user(request.user),
               "programmes": import_programmes_for_user(request.user)}
    if request.method == "POST" and _body_too_large(request):
        # Refused before Django reads the upload to a temporary file.
        messages.error(request, _("The file is larger than %(limit)d MB. Split it into "
                                  "several files.")
                       % {"limit": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
        return render(request, "participants/import_new.html",
                      {"form": ImportUploadForm(**choices)}, status=413)
    form = ImportUploadForm(request.POST or None, request.FILES or None, **choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = import_batch_create(
                organisation=data["organisation"], programme=data["programme"],
                upload=data["file"], strict=data["strict"], acting_user=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            import_batch_start_preview(batch=batch)
            return redirect("participants:import_detail", batch.pk)
    return render(request, "participants/import_new.html", {"form": form})


def _body_too_large(request: AppRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.IMPORT_MAX_BYTES + 64 * 1024  # the form's other fields


@login_required
def import_detail(request: AppRequest, pk: int) -> HttpResponse:
    batch = import_batch_get_for_user(request.user, pk)
    running = batch.status in (ImportBatch.Status.UPLOADED, ImportBatch.Status.PREVIEWING,
                               ImportBatch.Status.IMPORTING)
    if request.htmx and request.GET.get("poll"):
        response = render(request, "participants/import_detail.html#status",
                          {"batch": batch, "running": running})
        if not running:
            response["HX-Refresh"] = "true"
        return response
    access = import_require_history(request.user)
    filter_form = ImportRowFilterForm(request.GET or None)
    outcome = filter_form.cleaned_data["outcome"] if filter_form.is_valid() else ""
    rows = Paginator(import_row_list(batch=batch, outcome=outcome),
                     IMPORT_ROWS_PAGE_SIZE).get_page(request.GET.get("page"))
    may_write = access.is_admin or _may_write(request, batch)
    counts = batch.counts or {}
    return render(request, "participants/import_detail.html", {
        "batch": batch, "running": running, "page_obj": rows, "filter_form": filter_form,
        "outcome": outcome, "may_write": may_write, "counts": counts,
        "create": counts.get("create") or {},
        "importable": counts.get("new", 0) + counts.get("updated", 0)
        + counts.get("unchanged", 0),
        "outcomes": [(value, label, counts.get(value, 0))
                     for value, label in ImportRow.Outcome.choices],
    })


def _may_write(request: AppRequest, batch: ImportBatch) -> bool:
    try:
        import_batch_get_for_user(request.user, batch.pk, write=True)
    except PermissionDenied:
        return False
    return True


@login_required
@require_POST
def import_confirm(request: AppRequest, pk: int) -> HttpResponse:
    batch = import_batch_get_for_user(request.user, pk, write=True)
    if not import_batch_request_confirm(batch=batch, acting_user=request.user):
        messages.info(request, _("This import has already been confirmed."))
    return redirect("participants:import_detail", batch.pk)


@login_required
def import_report(request: AppRequest, pk: int) -> HttpResponse:
    batch = import_batch_get_for_user(request.user, pk, write=True)
    if not batch.rows.filter(outcome=ImportRow.Outcome.ERROR).exists():
        raise Http404
    suffix = _("errors")
    name = f"{Path(batch.original_name).stem or 'import'}-{suffix}.xlsx"
    return HttpResponse(error_report_xlsx(batch=batch), content_type=XLSX_TYPE,
                        headers={"Content-Disposition": content_disposition_header(True, name)})


@login_required
def import_file(request: AppRequest, pk: int) -> FileResponse:
    """The uploaded file, streamed to those who may act on the import (files under
    MEDIA_ROOT are never served by URL)."""
    batch = import_batch_get_for_user(request.user, pk, write=True)
    return stored_file_response(batch.file, filename=batch.original_name)


@login_required
def import_template(request: AppRequest) -> HttpResponse:
    import_require_upload(request.user)
    name = _("participant import template") + ".xlsx"
    return HttpResponse(import_template_xlsx(), content_type=XLSX_TYPE,
                        headers={"Content-Disposition": content_disposition_header(True, name)})

