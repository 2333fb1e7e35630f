"""Personal-data pages: the audit trail, the data subjects' request register (with the
access archive and erasure), and the incident register. Administrators see and handle
everything; a director reads their own organisation's audit trail and requests and keeps
its incident register; nobody else sees these pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship.files import stored_file_response
from mentorship.forms import attach_errors
from mentorship.types import AppRequest

from . import selectors
from .forms import (
    AuditFilterForm,
    ErasureForm,
    IncidentForm,
    SubjectRequestCloseForm,
    SubjectRequestFilterForm,
    SubjectRequestForm,
)
from .permissions import (
    incident_get_for_user,
    privacy_organisation_for_user,
    privacy_require_admin,
    subject_archive_get_for_user,
    subject_request_get_for_user,
)
from .services import (
    erasure_categories,
    erasure_kept,
    incident_save,
    subject_archive_request,
    subject_erase,
    subject_request_close,
    subject_request_create,
)

PAGE_SIZE = 50


# --------------------------------------------------------------------------- audit


@login_required
def audit(request: AppRequest) -> HttpResponse:
    organisation_id = privacy_organisation_for_user(request.user)
    events = request.GET.get("log") == "events"
    kinds = selectors.event_kinds() if events else selectors.audit_kinds()
    data = request.GET if any(k in request.GET for k in AuditFilterForm.base_fields) else None
    form = AuditFilterForm(data, kinds=kinds, events=events)
    filters = form.cleaned_filters()
    if events:
        qs = selectors.audit_events(organisation_id=organisation_id, filters=filters)
    else:
        qs = selectors.audit_changes(organisation_id=organisation_id, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = ([(entry, selectors.event_lines(entry), selectors.event_title(entry))
             for entry in page] if events
            else [(entry, selectors.change_lines(entry), selectors.kind_name(entry))
                  for entry in page])
    return render(request, "privacy/audit.html", {
        "form": form, "page_obj": page, "rows": rows, "events": events})


# --------------------------------------------------------------------------- requests


@login_required
def request_list(request: AppRequest) -> HttpResponse:
    organisation_id = privacy_organisation_for_user(request.user)
    form = SubjectRequestFilterForm(request.GET or None)
    qs = selectors.subject_request_list(organisation_id=organisation_id,
                                        filters=form.cleaned_filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/request_list.html", {
        "form": form, "page_obj": page, "can_write": request.user.is_superuser})


@login_required
def request_create(request: AppRequest) -> HttpResponse:
    privacy_require_admin(request.user)
    if request.method == "POST":
        form = SubjectRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = subject_request_create(
                    person=data["person_number"], kind=data["kind"],
                    received_on=data["received_on"], received_from=data["received_from"],
                    note=data["note"], acting_user=request.user)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The request is registered; the answer is due "
                                            "on %(date)s.") % {
                    "date": created.deadline.strftime("%d.%m.%Y")})
                return redirect("privacy:request_detail", created.pk)
    else:
        form = SubjectRequestForm(initial={"person_number": request.GET.get("person")})
    return render(request, "privacy/request_form.html", {"form": form})


@login_required
def request_detail(request: AppRequest, pk: int) -> HttpResponse:
    subject_request = subject_request_get_for_user(request.user, pk)
    can_write = request.user.is_superuser
    return render(request, "privacy/request_detail.html", {
        "subject_request": subject_request, "can_write": can_write,
        "archives": list(subject_request.archives.select_related("requested_by")[:10])
        if can_write else [],
        "close_form": SubjectRequestCloseForm()})


@login_required
@require_POST
def request_close(request: AppRequest, pk: int) -> HttpResponse:
    subject_request = subject_request_get_for_user(request.user, pk, write=True)
    form = SubjectRequestCloseForm(request.POST)
    if form.is_valid():
        try:
            subject_request_close(request=subject_request, status=form.cleaned_data["status"],
                                  note=form.cleaned_data["note"], acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The request is closed."))
    else:
        messages.error(request, _("Choose the outcome of the request."))
    return redirect("privacy:request_detail", subject_request.pk)


@login_required
@require_POST
def archive_start(request: AppRequest, pk: int) -> HttpResponse:
    subject_request = subject_request_get_for_user(request.user, pk, write=True)
    try:
        subject_archive_request(request=subject_request, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The archive is being built; it will appear below."))
    return redirect("privacy:request_detail", subject_request.pk)


@login_required
def archive_status(request: AppRequest, pk: int) -> HttpResponse:
    archive = subject_archive_get_for_user(request.user, pk)
    return render(request, "privacy/_archive_row.html", {"archive": archive})


@login_required
def archive_download(request: AppRequest, pk: int) -> FileResponse:
    archive = subject_archive_get_for_user(request.user, pk)
    if archive.status != archive.Status.DONE:
        raise Http404
    name = f"subject-{archive.request.person_id or archive.request_id}-archive.zip"
    return stored_file_response(archive.file, filename=name, content_type="application/zip")


@login_required
def request_erase(request: AppRequest, pk: int) -> HttpResponse:
    subject_request = subject_request_get_for_user(request.user, pk, write=True)
    if (subject_request.kind != subject_request.Kind.ERASURE or not subject_request.is_open
            or subject_request.person is None):
        messages.error(request, _("This request cannot lead to erasure."))
        return redirect("privacy:request_detail", subject_request.pk)
    if request.method == "POST":
        form = ErasureForm(request.POST)
        if form.is_valid():
            try:
                subject_erase(request=subject_request,
                              confirmation=form.cleaned_data["confirmation"],
                              acting_user=request.user)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The person's data is erased; the act of "
                                            "destruction is kept with the request."))
                return redirect("privacy:request_detail", subject_request.pk)
    else:
        form = ErasureForm()
    return render(request, "privacy/request_erase.html", {
        "subject_request": subject_request, "form": form,
        "categories": erasure_categories(), "kept": erasure_kept()})


@login_required
def act_download(request: AppRequest, pk: int) -> FileResponse:
    subject_request = subject_request_get_for_user(request.user, pk)
    return stored_file_response(subject_request.act,
                                filename=f"destruction-act-{subject_request.pk}.pdf")


# --------------------------------------------------------------------------- incidents


@login_required
def incident_list(request: AppRequest) -> HttpResponse:
    organisation_id = privacy_organisation_for_user(request.user)
    page = Paginator(selectors.incident_list(organisation_id=organisation_id),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [selectors.incident_row(incident, now=now) for incident in page]
    return render(request, "privacy/incident_list.html", {"page_obj": page, "rows": rows})


def _incident_form(request: AppRequest, incident: object | None,
                   organisation_id: int | None) -> HttpResponse:
    choose = organisation_id is None and incident is None
    if request.method == "POST":
        form = IncidentForm(request.POST, instance=incident, choose_organisation=choose)
        if form.is_valid():
            target_org = (form.cleaned_data["organisation"].pk if choose
                          else (incident.organisation_id if incident is not None
                                else organisation_id))
            data = {k: v for k, v in form.cleaned_data.items() if k != "organisation"}
            try:
                saved = incident_save(incident=incident, organisation_id=target_org,
                                      data=data, acting_user=request.user)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The incident is saved."))
                return redirect("privacy:incident_edit", saved.pk)
    else:
        initial = {} if incident is not None else {"detected_at": timezone.localtime()}
        form = IncidentForm(instance=incident, initial=initial, choose_organisation=choose)
    row = selectors.incident_row(incident) if incident is not None else None
    return render(request, "privacy/incident_form.html", {
        "form": form, "incident": incident, "row": row})


@login_required
def incident_create(request: AppRequest) -> HttpResponse:
    organisation_id = privacy_organisation_for_user(request.user)
    return _incident_form(request, None, organisation_id)


@login_required
def incident_edit(request: AppRequest, pk: int) -> HttpResponse:
    incident = incident_get_for_user(request.user, pk, write=True)
    return _incident_form(request, incident, incident.organisation_id)
