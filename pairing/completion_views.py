"""Pages of stage 7 for a pair: closing it, the mentee's reflection, and the curator's list
of finished mentees to invite into the mentor base."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship import access as roles
from mentorship.access import access_for
from mentorship.forms import attach_errors
from mentorship.types import AppRequest
from programmes.permissions import programme_get_for_user

from . import completion
from .completion_forms import CompleteForm, ReflectionForm
from .completion_permissions import mentee_role_for_reflection, mentorship_get_for_closing
from .permissions import member_get_for_user

PAGE_SIZE = 30


@login_required
def mentorship_complete(request: AppRequest, pk: int) -> HttpResponse:
    mentorship = mentorship_get_for_closing(request.user, pk)
    if mentorship.status != mentorship.Status.ACTIVE and request.method != "POST":
        messages.info(request, _("This mentoring is already closed."))
        return redirect("pairing:mentorship_detail", mentorship.pk)
    form = CompleteForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = completion.mentorship_complete(
                mentorship=mentorship, outcome=data["outcome"], ended_on=data["ended_on"],
                reason=data["reason"], mentor_reflection=data["mentor_reflection"],
                acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if changed:
                messages.success(request, _("The mentoring is completed; the mentor's places "
                                            "are free again."))
            else:
                messages.info(request, _("This mentoring was already completed: nothing has "
                                         "changed."))
            return redirect("pairing:mentorship_detail", mentorship.pk)
    return render(request, "pairing/completion_form.html",
                  {"mentorship": mentorship, "form": form})


@login_required
def mentorship_reflection(request: AppRequest, pk: int) -> HttpResponse:
    mentorship, mentee = mentee_role_for_reflection(request.user, pk)
    form = ReflectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = completion.mentorship_reflection_add(
                mentorship=mentorship, mentee=mentee, text=form.cleaned_data["text"],
                acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if changed:
                messages.success(request, _("Thank you: your reflection has been saved."))
            else:
                messages.info(request, _("Your reflection was already saved: nothing has "
                                         "changed."))
            return redirect("pairing:mentorship_detail", mentorship.pk)
    return render(request, "pairing/completion_reflection.html",
                  {"mentorship": mentorship, "form": form})


@login_required
def invite_list(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    access = access_for(request.user)
    qs = completion.finished_mentees_for_invitation(programme=programme)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pairing/completion_invite_list.html", {
        "programme": programme, "page_obj": page,
        "can_write": access.is_admin or programme.pk in access.programme_ids(roles.CURATOR)})


@login_required
@require_POST
def invite(request: AppRequest, pk: int) -> HttpResponse:
    member = member_get_for_user(request.user, pk, write=True)
    try:
        role, created = completion.mentee_invite_as_mentor(member=member,
                                                            acting_user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        name = member.mentee.person.full_name
        if created:
            messages.success(request, _("%(name)s is now in the mentor base (one mentee).")
                             % {"name": name})
        else:
            messages.info(request, _("%(name)s is already in the mentor base.")
                          % {"name": name})
    return redirect("pairing:invite_list", member.mentorship.programme_id)
