"""Pages for requests, the mentor base, the matcher's board and mentorships."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship import access as roles
from mentorship.access import access_for
from mentorship.forms import attach_errors
from mentorship.pagecache import cached_page
from mentorship.pdf import render_pdf
from mentorship.types import AppRequest
from participants.consent_selectors import consent_revoked_in_mentorship
from programmes.models import MentoringForm, Programme
from programmes.permissions import programme_get_for_user

from . import services
from .forms import (
    MatchSettingsForm,
    MemberEndForm,
    MentorAddForm,
    MentorFilterForm,
    MentorForm,
    MentorshipCreateForm,
    MentorshipFilterForm,
    ReassignForm,
    RejectForm,
    RequestFilterForm,
    RequestForm,
)
from .models import Exclusion, MatchRun, MentorshipRequest
from .permissions import (
    exclusion_get_for_user,
    member_get_for_user,
    mentee_role_for_user,
    mentor_get_for_user,
    mentorship_get_for_user,
    request_get_for_user,
    run_get_for_user,
    suggestion_get_for_user,
)
from .selectors import (
    UNMATCHED_REASONS,
    board_mentor_cards,
    board_mentors_without_consent,
    board_summary,
    board_unmatched,
    match_settings_for,
    mentee_requests,
    mentor_list_for_programme,
    mentorship_list_for_user,
    order_context,
    request_list_for_programme,
    run_latest,
    suggestion_candidates,
)
from .work_selectors import mentorship_work_detail
from .work_views import work_context

logger = logging.getLogger(__name__)
PAGE_SIZE = 30
# A run with at most this many open requests runs inside the request; a larger one runs in
# Celery and the board shows its progress.
INLINE_RUN_LIMIT = 300


def _is_curator(request: AppRequest, programme: Programme) -> bool:
    access = access_for(request.user)
    return access.is_admin or programme.pk in access.programme_ids(roles.CURATOR)


# --------------------------------------------------------------------------- mentorships

@login_required
@cached_page
def mentorship_list(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk)
    form = MentorshipFilterForm(request.GET or None, forms_qs=programme.forms.all())
    qs = mentorship_list_for_user(user=request.user, programme=programme,
                                  **form.cleaned_filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pairing/mentorship_list.html",
                  {"programme": programme, "form": form, "page_obj": page,
                   "can_write": _is_curator(request, programme)})


@login_required
@cached_page
def mentorship_detail(request: AppRequest, pk: int) -> HttpResponse:
    mentorship = mentorship_get_for_user(request.user, pk)
    # The plan and meeting sections (stage 6) read through pairing.work_selectors.
    detail = mentorship_work_detail(mentorship=mentorship)
    return render(request, "pairing/mentorship_detail.html",
                  {**work_context(request.user, detail,
                                  all_meetings=request.GET.get("meetings") == "all"),
                   "can_write": _is_curator(request, mentorship.programme),
                   "consent_revoked": consent_revoked_in_mentorship(detail)})


@login_required
def mentorship_create(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, write=True)
    form = MentorshipCreateForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            mentorship, _members = services.mentorship_create(
                programme=programme, form=form.cleaned_data["form"],
                mentor=form.cleaned_data["mentor"], mentees=list(form.cleaned_data["mentees"]),
                acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The pair or group has been formed."))
            return redirect("pairing:mentorship_detail", mentorship.pk)
    return render(request, "pairing/mentorship_form.html",
                  {"programme": programme, "form": form})


@login_required
def member_end(request: AppRequest, pk: int) -> HttpResponse:
    member = member_get_for_user(request.user, pk, write=True)
    form = MemberEndForm(request.POST or None,
                         initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_end_early(member=member, reason=form.cleaned_data["reason"],
                                      on=form.cleaned_data["left_on"], acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The mentee has left the pair or group; their request "
                                        "is open again."))
            return redirect("pairing:mentorship_detail", member.mentorship_id)
    return render(request, "pairing/member_end.html", {"member": member, "form": form})


@login_required
def order_pdf(request: AppRequest, programme_pk: int) -> HttpResponse:
    """The order fixing the pairs and groups, as a PDF for the director to sign."""
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    since = None
    if request.GET.get("since"):
        try:
            since = dt.date.fromisoformat(request.GET["since"])
        except ValueError:
            since = None
    context = order_context(programme=programme, since=since)
    context["today"] = timezone.localdate()
    pdf = render_pdf("pairing/pdf/order.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="order-pairs.pdf"'
    return response


# --------------------------------------------------------------------------- requests

@login_required
@cached_page
def request_list(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    form = RequestFilterForm(request.GET or None, forms_qs=programme.forms.all())
    qs = request_list_for_programme(programme=programme, with_preferences=True,
                                    **form.cleaned_filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pairing/request_list.html",
                  {"programme": programme, "form": form, "page_obj": page,
                   "can_write": _is_curator(request, programme)})


@login_required
def request_create(request: AppRequest, programme_pk: int) -> HttpResponse:
    """The curator files a request on a mentee's behalf."""
    programme = programme_get_for_user(request.user, programme_pk, write=True)
    form = RequestForm(request.POST or None, programme=programme,
                       initial={"mentee": request.GET.get("mentee")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_submit(
                programme=programme, mentee=data["mentee"], form=data["form"],
                category=data["category"], competencies=list(data["competencies"]),
                goal=data["goal"], preferred_mentors=form.ranked(), acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The request has been filed."))
            return redirect("pairing:request_list", programme.pk)
    return render(request, "pairing/request_form.html",
                  {"programme": programme, "form": form, "own": False})


@login_required
def my_requests(request: AppRequest, programme_pk: int) -> HttpResponse:
    """A mentee's own requests and the form to file one."""
    programme = programme_get_for_user(request.user, programme_pk)
    mentee = mentee_role_for_user(request.user, programme)
    form = RequestForm(request.POST or None, programme=programme, mentee=mentee)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_submit(
                programme=programme, mentee=mentee, form=data["form"],
                category=data["category"], competencies=list(data["competencies"]),
                goal=data["goal"], preferred_mentors=form.ranked(), acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Your request has been sent to the curator."))
            return redirect("pairing:my_requests", programme.pk)
    return render(request, "pairing/my_requests.html", {
        "programme": programme, "form": form, "requests": mentee_requests(mentee=mentee)})


def _request_initial(req: MentorshipRequest) -> dict[str, Any]:
    prefs = {f"pref{p.rank}": p.mentor_id for p in req.preferences.all()}
    return {"mentee": req.mentee_id, "form": req.form_id, "category": req.category,
            "competencies": list(req.competencies.all()), "goal": req.goal, **prefs}


@login_required
def request_edit(request: AppRequest, pk: int) -> HttpResponse:
    req = request_get_for_user(request.user, pk, write=True)
    own = req.mentee.person_id == access_for(request.user).person_id
    form = RequestForm(request.POST or None, programme=req.programme,
                       mentee=req.mentee, initial=_request_initial(req))
    back = (reverse("pairing:my_requests", args=[req.programme_id]) if own
            else reverse("pairing:request_list", args=[req.programme_id]))
    if req.status != MentorshipRequest.Status.OPEN:
        messages.error(request, _("The request is no longer open."))
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_update(
                request=req, form=data["form"], category=data["category"],
                competencies=list(data["competencies"]), goal=data["goal"],
                preferred_mentors=form.ranked(), acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The request has been saved."))
            return redirect(back)
    return render(request, "pairing/request_form.html",
                  {"programme": req.programme, "form": form, "own": own, "req": req,
                   "back": back})


@login_required
@require_POST
def request_withdraw(request: AppRequest, pk: int) -> HttpResponse:
    req = request_get_for_user(request.user, pk, write=True)
    own = req.mentee.person_id == access_for(request.user).person_id
    try:
        services.request_withdraw(request=req, acting_user=request.user)
        messages.success(request, _("The request has been withdrawn."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if own:
        return redirect("pairing:my_requests", req.programme_id)
    return redirect("pairing:request_list", req.programme_id)


# --------------------------------------------------------------------------- mentor base

@login_required
def mentor_list(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    form = MentorFilterForm(request.GET or None, forms_qs=programme.forms.order_by("order"))
    qs = mentor_list_for_programme(programme=programme, **form.cleaned_filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pairing/mentor_list.html",
                  {"programme": programme, "form": form, "page_obj": page,
                   "can_write": _is_curator(request, programme)})


@login_required
def mentor_add(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, write=True)
    form = MentorAddForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        role = services.mentor_add(programme=programme, person=form.cleaned_data["person"],
                                   capacity=form.cleaned_data["capacity"],
                                   acting_user=request.user)
        messages.success(request, _("Added to the mentor base: now choose the forms and "
                                    "competencies."))
        return redirect("pairing:mentor_edit", role.pk)
    return render(request, "pairing/mentor_add.html", {"programme": programme, "form": form})


@login_required
def mentor_edit(request: AppRequest, pk: int) -> HttpResponse:
    mentor = mentor_get_for_user(request.user, pk, write=True)
    programme = mentor.programme
    prefs = {f"pref{p.rank}": p.mentee_id for p in mentor.preferred_mentees.all()}
    initial = {"capacity": mentor.capacity, "served_forms": list(mentor.forms.all()),
               "competencies": list(mentor.competencies.all()), "trained_on": mentor.trained_on,
               "is_active": mentor.is_active, **prefs}
    form = MentorForm(request.POST or None, programme=programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mentor_update(
                mentor=mentor, capacity=data["capacity"], forms=list(data["served_forms"]),
                competencies=list(data["competencies"]), trained_on=data["trained_on"],
                preferred_mentees=form.ranked(), is_active=data["is_active"],
                acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The mentor's profile has been saved."))
            return redirect("pairing:mentor_list", programme.pk)
    return render(request, "pairing/mentor_form.html",
                  {"programme": programme, "mentor": mentor, "form": form})


# --------------------------------------------------------------------------- settings

@login_required
def match_settings(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, write=True)
    settings = match_settings_for(programme=programme)
    form = MatchSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.match_settings_update(programme=programme, values=values,
                                       acting_user=request.user)
        messages.success(request, _("The matcher settings have been saved."))
        return redirect("pairing:match_settings", programme.pk)
    exclusions = (Exclusion.objects.filter(programme=programme)
                  .select_related("mentor__person", "mentee__person").order_by("-pk"))
    page = Paginator(exclusions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pairing/match_settings.html",
                  {"programme": programme, "form": form, "page_obj": page})


@login_required
@require_POST
def exclusion_delete(request: AppRequest, pk: int) -> HttpResponse:
    exclusion = exclusion_get_for_user(request.user, pk, write=True)
    programme_id = exclusion.programme_id
    services.exclusion_remove(exclusion=exclusion, acting_user=request.user)
    messages.success(request, _("The pair can be proposed again."))
    return redirect("pairing:match_settings", programme_id)


# --------------------------------------------------------------------------- the board

def _board_url(programme_id: int, form_id: int | None, run_id: int | None = None,
               **extra: Any) -> str:
    params = {k: v for k, v in {"form": form_id, "run": run_id, **extra}.items() if v}
    query = f"?{urlencode(params)}" if params else ""
    return reverse("pairing:board", args=[programme_id]) + query


def _board_context(request: AppRequest, programme: Programme, *,
                   form: MentoringForm | None = None, run: MatchRun | None = None,
                   message: str = "", message_level: str = "success") -> dict[str, Any]:
    forms = list(programme.forms.order_by("order"))
    params = request.POST if request.method == "POST" else request.GET
    if form is None:
        wanted = params.get("form", "")
        form = next((f for f in forms if str(f.pk) == wanted), forms[0] if forms else None)
    if run is None and form is not None:
        wanted_run = params.get("run", "")
        if wanted_run.isdigit():
            run = (MatchRun.objects.filter(pk=int(wanted_run), programme=programme, form=form)
                   .select_related("form", "created_by").first())
        if run is None:
            run = run_latest(programme=programme, form=form)
    context: dict[str, Any] = {
        "programme": programme, "forms": forms, "form": form, "run": run,
        "can_write": _is_curator(request, programme), "message": message,
        "message_level": message_level, "page": params.get("page", ""),
        "upage": params.get("upage", ""),
        "open_requests": MentorshipRequest.objects.filter(
            programme=programme, form=form, status=MentorshipRequest.Status.OPEN).count()
        if form else 0,
    }
    if run is not None and run.status == MatchRun.Status.DONE:
        page_obj, cards = board_mentor_cards(run=run, page=params.get("page"))
        context.update({
            "summary": board_summary(run=run), "page_obj": page_obj, "cards": cards,
            "unmatched": board_unmatched(run=run, page=params.get("upage")),
            "no_consent_mentors": board_mentors_without_consent(run=run),
            "unmatched_by_reason": _reasons(run),
        })
    return context


def _reasons(run: MatchRun) -> list[tuple[str, int]]:
    counts = (run.stats or {}).get("unmatched", {})
    return [(str(UNMATCHED_REASONS.get(code, code)), n) for code, n in sorted(counts.items())]


@login_required
@cached_page
def board(request: AppRequest, programme_pk: int) -> HttpResponse:
    """The curator's board: run the matcher for a form, read and decide its proposals."""
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    context = _board_context(request, programme)
    if request.htmx and request.GET.get("partial") == "body":
        return render(request, "pairing/board.html#board-body", context)
    return render(request, "pairing/board.html", context)


def _after_decision(request: AppRequest, run: MatchRun, message: str,
                    level: str = "success") -> HttpResponse:
    """The board body for htmx (it updates in place), else a redirect back to the board."""
    if request.htmx:
        context = _board_context(request, run.programme, form=run.form, run=run,
                                 message=message, message_level=level)
        return render(request, "pairing/board.html#board-body", context)
    getattr(messages, level)(request, message)
    return HttpResponseRedirect(_board_url(run.programme_id, run.form_id, run.pk,
                                           page=request.POST.get("page"),
                                           upage=request.POST.get("upage")))


@login_required
@require_POST
def run_start(request: AppRequest, programme_pk: int) -> HttpResponse:
    from .tasks import match_run_task

    programme = programme_get_for_user(request.user, programme_pk, write=True)
    form = MentoringForm.objects.filter(pk=request.POST.get("form") or 0).first()
    if form is None:
        messages.error(request, _("Choose a form of mentoring."))
        return redirect("pairing:board", programme.pk)
    try:
        run = services.match_run_create(programme=programme, form=form,
                                        acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(_board_url(programme.pk, form.pk))
    size = MentorshipRequest.objects.filter(programme=programme, form=form,
                                            status=MentorshipRequest.Status.OPEN).count()
    if size <= INLINE_RUN_LIMIT:
        try:
            services.match_run_execute(run_id=run.pk)
        except Exception:  # the run row carries the readable error for the curator
            logger.exception("Matcher run %s failed", run.pk)
    else:
        transaction.on_commit(lambda: match_run_task.delay(run.pk))
    url = _board_url(programme.pk, form.pk, run.pk)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


@login_required
def run_status(request: AppRequest, pk: int) -> HttpResponse:
    """The run's progress for the board to poll; a finished run reloads the board."""
    run = run_get_for_user(request.user, pk)
    if request.htmx and run.status in (MatchRun.Status.DONE, MatchRun.Status.FAILED) \
            and request.GET.get("polling"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = _board_url(run.programme_id, run.form_id, run.pk)
        return response
    context = {"run": run, "programme": run.programme, "form": run.form,
               "can_write": _is_curator(request, run.programme)}
    if request.htmx:
        return render(request, "pairing/board.html#run-panel", context)
    return HttpResponseRedirect(_board_url(run.programme_id, run.form_id, run.pk))


@login_required
@require_POST
def run_accept_all(request: AppRequest, pk: int) -> HttpResponse:
    run = run_get_for_user(request.user, pk, write=True)
    try:
        result = services.run_accept_all(run=run, acting_user=request.user)
    except ValidationError as exc:
        return _after_decision(request, run, " ".join(exc.messages), "error")
    message = _("Accepted: %(n)s.") % {"n": result.accepted}
    if result.failed:
        details = "; ".join(f"{s.mentee.person.short_name}: {text}"
                            for s, text in result.failed[:5])
        message += " " + _("Not accepted: %(n)s (%(details)s).") % {
            "n": len(result.failed), "details": details}
        return _after_decision(request, run, message, "warning")
    return _after_decision(request, run, message)


@login_required
@require_POST
def suggestion_accept(request: AppRequest, pk: int) -> HttpResponse:
    suggestion = suggestion_get_for_user(request.user, pk, write=True)
    name = suggestion.mentee.person.short_name
    try:
        services.suggestion_accept(suggestion=suggestion, acting_user=request.user)
    except ValidationError as exc:
        return _after_decision(request, suggestion.run, " ".join(exc.messages), "error")
    return _after_decision(request, suggestion.run,
                           _("%(name)s: the pair is formed.") % {"name": name})


@login_required
@require_POST
def suggestion_reject(request: AppRequest, pk: int) -> HttpResponse:
    suggestion = suggestion_get_for_user(request.user, pk, write=True)
    form = RejectForm(request.POST)
    form.is_valid()
    try:
        services.suggestion_reject(suggestion=suggestion, acting_user=request.user,
                                   exclude=form.cleaned_data.get("exclude", False),
                                   reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        return _after_decision(request, suggestion.run, " ".join(exc.messages), "error")
    return _after_decision(request, suggestion.run, _("%(name)s: the proposal is rejected; "
                                                      "the request stays open.") % {
        "name": suggestion.mentee.person.short_name})


@login_required
def suggestion_reassign(request: AppRequest, pk: int) -> HttpResponse:
    """GET: the ranked list of other mentors for the mentee (a partial for htmx, a page
    without scripts); POST: propose the chosen mentor."""
    suggestion = suggestion_get_for_user(request.user, pk, write=True)
    run = suggestion.run
    if request.method == "POST":
        form = ReassignForm(request.POST, programme=run.programme, form=run.form)
        if form.is_valid():
            try:
                services.suggestion_reassign(suggestion=suggestion,
                                             mentor=form.cleaned_data["mentor"],
                                             acting_user=request.user)
            except ValidationError as exc:
                return _after_decision(request, run, " ".join(exc.messages), "error")
            return _after_decision(request, run, _("%(name)s: proposed to %(mentor)s.") % {
                "name": suggestion.mentee.person.short_name,
                "mentor": form.cleaned_data["mentor"].person.short_name})
        return _after_decision(request, run, _("Choose a mentor from the list."), "error")
    rows, why_none = suggestion_candidates(suggestion=suggestion)
    context = {"suggestion": suggestion, "rows": rows, "why_none": why_none, "run": run,
               "page": request.GET.get("page", ""), "upage": request.GET.get("upage", ""),
               "board_url": _board_url(run.programme_id, run.form_id, run.pk,
                                       page=request.GET.get("page"),
                                       upage=request.GET.get("upage"))}
    if request.htmx:
        return render(request, "pairing/_candidates.html", context)
    return render(request, "pairing/reassign.html", {**context, "programme": run.programme})

