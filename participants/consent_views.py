"""Pages for consents to personal-data processing: the register of a programme's
organisation and its export, printable prefilled forms (per person or per study group),
recording a signed consent (scan or paper), revoking, and the scan's download."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from mentorship.files import stored_file_response
from mentorship.forms import attach_errors
from mentorship.pdf import render_pdf
from mentorship.services import audit_record
from mentorship.spreadsheets import spreadsheet_response
from mentorship.types import AppRequest
from programmes.models import Programme
from programmes.permissions import programme_get_for_user

from .consent_forms import ConsentFilterForm, ConsentRecordForm, ConsentRevokeForm
from .consent_permissions import (
    consent_get_for_user,
    consent_may_read,
    consent_may_write,
    consent_person_get_for_user,
)
from .consent_selectors import (
    consent_export_rows,
    consent_flagged_count,
    consent_form_sheets,
    consent_group_people,
    consent_register,
    programme_end,
)
from .consent_services import consent_band_label, consent_record, consent_revoke
from .models import Consent, Person, StudyGroup
from .selectors import consent_required_signer, consented_person_ids

PAGE_SIZE = 50


def _groups(programme: Programme) -> QuerySet[StudyGroup]:
    return StudyGroup.objects.filter(organisation=programme.organisation).order_by("name")


def _next_or(request: AppRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


@login_required
def consent_register_view(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    today = timezone.localdate()
    form = ConsentFilterForm(request.GET or None, groups=_groups(programme))
    people = consent_register(programme=programme, on=today, **form.cleaned_filters())
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    group = form.cleaned_data.get("group") if form.is_bound and form.is_valid() else None
    return render(request, "participants/consent/register.html", {
        "programme": programme, "form": form, "page_obj": page, "group": group,
        "flagged": consent_flagged_count(programme=programme, on=today),
        "programme_end": programme_end(programme),
        "may_write": consent_may_write(request.user, programme.organisation_id),
    })


@login_required
def consent_export(request: AppRequest, programme_pk: int, fmt: str) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    form = ConsentFilterForm(request.GET or None, groups=_groups(programme))
    filters = form.cleaned_filters()
    people = consent_register(programme=programme, on=timezone.localdate(), **filters)
    response = spreadsheet_response(
        headers=[_("Full name"), _("Category"), _("Group"), _("Consent"), _("Signed by"),
                 _("Representative"), _("Signed on"), _("Number"), _("Valid until"),
                 _("Revoked on")],
        rows=consent_export_rows(people.iterator(chunk_size=500)), fmt=fmt,
        name=_("consents"))
    audit_record(actor=request.user, verb="consent.exported", target=programme,
                 organisation_id=programme.organisation_id,
                 changes={"format": [None, fmt],
                          "filters": [None, {k: v for k, v in filters.items() if v}]})
    response.already_audited = True  # privacy.middleware: one record of this download
    return response


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    return HttpResponse(content, content_type="application/pdf", headers={
        "Content-Disposition": content_disposition_header(False, name)})


def _render_forms(programme: Programme, people: list[Person]) -> bytes:
    today = timezone.localdate()
    return render_pdf("participants/pdf/consent_forms.html", {
        "programme": programme, "organisation": programme.organisation,
        "sheets": consent_form_sheets(people=people, on=today),
        "period_end": programme_end(programme), "today": today,
        "erase_days": settings.CONSENT_REVOKED_ERASE_DAYS,
    })


@login_required
def consent_form_person(request: AppRequest, programme_pk: int, person_pk: int
                        ) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    person = (Person.objects.select_related("study_group", "specialty")
              .filter(pk=person_pk, organisation=programme.organisation,
                      anonymised_at__isnull=True).first())
    if person is None:
        raise Http404
    return _pdf_response(_render_forms(programme, [person]),
                         f"{_('consent')}-{person.last_name}.pdf")


@login_required
def consent_form_group(request: AppRequest, programme_pk: int, group_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    group = StudyGroup.objects.filter(pk=group_pk, organisation=programme.organisation).first()
    if group is None:
        raise Http404
    people = list(consent_group_people(group=group))
    if not people:
        messages.info(request, _("There is nobody in this group to print a form for."))
        return redirect("participants:consent_register", programme.pk)
    return _pdf_response(_render_forms(programme, people), f"{_('consents')}-{group.name}.pdf")


@login_required
def consent_new(request: AppRequest, pk: int) -> HttpResponse:
    person = consent_person_get_for_user(request.user, pk, write=True)
    today = timezone.localdate()
    required = consent_required_signer(birth_date=person.birth_date, on=today)
    form = ConsentRecordForm(request.POST or None, request.FILES or None,
                             required_signer=required)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_record(person=person, signer=data["signer"], signed_on=data["signed_on"],
                           representative_name=data["representative_name"],
                           number=data["number"], valid_until=data["valid_until"],
                           document=data["document"], acting_user=request.user)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The consent has been recorded."))
            return redirect(_next_or(request, reverse("participants:detail", args=[person.pk])))
    return render(request, "participants/consent/record.html", {
        "person": person, "form": form, "required": Consent.Signer(required).label,
        "band": consent_band_label(birth_date=person.birth_date, on=today),
        "next": _next_or(request, ""),
    })


@login_required
def consent_revoke_view(request: AppRequest, pk: int) -> HttpResponse:
    person = consent_person_get_for_user(request.user, pk, write=True)
    form = ConsentRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_revoke(person=person, revoked_on=form.cleaned_data["revoked_on"],
                           acting_user=request.user)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _(
                "The revocation has been recorded. From that day the person is not paired, "
                "surveyed or e-mailed; their data will be anonymised after the legal period."))
            return redirect(_next_or(request, reverse("participants:detail", args=[person.pk])))
    open_consents = list(person.consents.filter(revoked_on__isnull=True)
                         .order_by("-signed_on"))
    return render(request, "participants/consent/revoke.html", {
        "person": person, "form": form, "open_consents": open_consents,
        "next": _next_or(request, ""),
    })


@login_required
def consent_document(request: AppRequest, pk: int) -> FileResponse:
    """The signed scan, streamed to the organisation's curators and director (files under
    MEDIA_ROOT are never served by URL)."""
    consent = consent_get_for_user(request.user, pk)
    response = stored_file_response(
        consent.document, as_attachment=False,
        filename=f"{_('consent')}-{consent.pk}{Path(consent.document.name).suffix}")
    audit_record(actor=request.user, verb="consent.scan_viewed", target=consent,
                 organisation_id=consent.person.organisation_id)
    return response


def consent_person_context(user: object, person: Person) -> dict[str, object]:
    """What the person page shows about consents: whether one is in force today, the
    required signer, and the actions the user may take (the form is printed for the
    organisation's latest programme). Two queries."""
    today = timezone.localdate()
    may_write = consent_may_write(user, person.organisation_id)  # type: ignore[arg-type]
    programme = (Programme.objects.filter(organisation_id=person.organisation_id)
                 .order_by("-end_year", "-pk").first()) if may_write else None
    return {
        "consent_in_force": bool(consented_person_ids(person_ids=[person.pk], on=today)),
        "consent_required": Consent.Signer(consent_required_signer(
            birth_date=person.birth_date, on=today)).label,
        "consent_may_write": may_write,
        "consent_may_read": may_write or consent_may_read(user, person.organisation_id),  # type: ignore[arg-type]
        "consent_programme": programme,
    }
