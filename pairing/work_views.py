"""The pairs' work on the pair page: the individual plan and the meeting log.

The one-tap actions (status of a plan item, moving it, confirming a meeting) answer an htmx
request with the updated section and a plain form post with a redirect to the pair page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship import access as roles
from mentorship.access import access_for
from mentorship.forms import attach_errors
from mentorship.models import User
from mentorship.types import AppRequest

from . import work_services as services
from .models import Mentorship
from .work_forms import MeetingForm, MoveForm, NotAGoodFitForm, PlanItemForm, PlanStatusForm
from .work_permissions import (
    can_keep_plan,
    meeting_get_for_mentee,
    meeting_get_for_user,
    mentorship_work_get_for_user,
    plan_item_get_for_user,
)
from .work_selectors import (
    meeting_next_type,
    mentorship_roles,
    mentorship_work_detail,
    plan_item_is_overdue,
    plan_progress,
    plan_title,
    today,
)

MEETINGS_SHOWN = 10


def work_context(user: User, mentorship: Mentorship, *,
                 all_meetings: bool = False) -> dict[str, Any]:
    """What the plan and meeting sections of the pair page need (`mentorship` is the detail
    object with plan items, meetings and attendees prefetched). The log shows the latest
    meetings unless `all_meetings`."""
    access = access_for(user)
    items = list(mentorship.plan_items.all())
    meetings = list(mentorship.meetings.all())
    now = today()
    for item in items:
        item.is_overdue = plan_item_is_overdue(item, now)
    member_person_ids = {m.mentee.person_id for m in mentorship.members.all() if m.is_active}
    is_staff = access.is_admin or mentorship.programme_id in access.programme_ids(
        roles.DIRECTOR, roles.CURATOR)
    return {
        "mentorship": mentorship,
        "plan_items": items,
        "plan_title": plan_title(mentorship.form),
        "progress": plan_progress(items, now),
        "can_keep_plan": can_keep_plan(user, mentorship)
                         and mentorship.status == Mentorship.Status.ACTIVE,
        "is_member": access.person_id in member_person_ids,
        "sees_fit": is_staff,
        "meetings": meetings if all_meetings else meetings[:MEETINGS_SHOWN],
        "meetings_hidden": 0 if all_meetings else max(len(meetings) - MEETINGS_SHOWN, 0),
    }


def _back(request: AppRequest, mentorship: Mentorship, anchor: str,
          template: str) -> HttpResponse:
    """After a one-tap action: the updated section for htmx, else the pair page."""
    if request.htmx:
        detail = mentorship_work_detail(mentorship=mentorship)
        return render(request, template, work_context(request.user, detail))
    return redirect(_detail_url(mentorship, anchor))


def _detail_url(mentorship: Mentorship, anchor: str) -> str:
    return f"{reverse('pairing:mentorship_detail', args=[mentorship.pk])}#{anchor}"


def _confirm_delete(request: AppRequest, mentorship: Mentorship, anchor: str, *,
                    delete: Callable[[], None], object_title: str, question: str,
                    done: str) -> HttpResponse:
    """GET: the confirmation page; POST: call `delete` and go back to the pair page."""
    if request.method != "POST":
        return render(request, "pairing/work/confirm_delete.html",
                      {"mentorship": mentorship, "object_title": object_title,
                       "question": question, "anchor": anchor})
    try:
        delete()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(_detail_url(mentorship, anchor))


# --------------------------------------------------------------------------- plan


@login_required
def plan_item_create(request: AppRequest, pk: int) -> HttpResponse:
    mentorship = mentorship_work_get_for_user(request.user, pk, write=True)
    form = PlanItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_create(mentorship=mentorship, acting_user=request.user,
                                      **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The item has been added to the plan."))
            return redirect(_detail_url(mentorship, "plan"))
    return render(request, "pairing/work/plan_item_form.html",
                  {"mentorship": mentorship, "form": form,
                   "plan_title": plan_title(mentorship.form)})


@login_required
def plan_item_edit(request: AppRequest, pk: int) -> HttpResponse:
    item = plan_item_get_for_user(request.user, pk, write=True)
    initial = {name: getattr(item, name) for name in services.PLAN_FIELDS}
    form = PlanItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_update(item=item, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The plan item has been saved."))
            return redirect(_detail_url(item.mentorship, "plan"))
    return render(request, "pairing/work/plan_item_form.html",
                  {"mentorship": item.mentorship, "item": item, "form": form,
                   "plan_title": plan_title(item.mentorship.form)})


@login_required
def plan_item_delete(request: AppRequest, pk: int) -> HttpResponse:
    item = plan_item_get_for_user(request.user, pk, write=True)
    return _confirm_delete(
        request, item.mentorship, "plan",
        delete=lambda: services.plan_item_delete(item=item, acting_user=request.user),
        object_title=item.title, question=_("Delete this item from the plan?"),
        done=_("The plan item has been deleted."))


@login_required
@require_POST
def plan_item_status(request: AppRequest, pk: int) -> HttpResponse:
    item = plan_item_get_for_user(request.user, pk, write=True)
    form = PlanStatusForm(request.POST)
    if form.is_valid():
        try:
            services.plan_item_set_status(item=item, status=form.cleaned_data["status"],
                                          acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if not request.htmx:
                messages.success(request, _("The status has been changed."))
    return _back(request, item.mentorship, "plan", "pairing/work/_plan.html")


@login_required
@require_POST
def plan_item_move(request: AppRequest, pk: int) -> HttpResponse:
    item = plan_item_get_for_user(request.user, pk, write=True)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.plan_item_move(item=item, direction=form.cleaned_data["direction"],
                                    acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return _back(request, item.mentorship, "plan", "pairing/work/_plan.html")


# --------------------------------------------------------------------------- meetings


@login_required
def meeting_create(request: AppRequest, pk: int) -> HttpResponse:
    mentorship = mentorship_work_get_for_user(request.user, pk, write=True)
    attendees = mentorship_roles(mentorship=mentorship)
    active = {mentorship.mentor_id, *mentorship.members.filter(is_active=True)
              .values_list("mentee_id", flat=True)}
    form = MeetingForm(request.POST or None, roles=attendees, initial={
        "held_on": today(), "meeting_type": meeting_next_type(mentorship=mentorship),
        "attendees": [r.pk for r in attendees if r.pk in active]})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_create(mentorship=mentorship, acting_user=request.user,
                                    **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The meeting has been logged."))
            return redirect(_detail_url(mentorship, "meetings"))
    return render(request, "pairing/work/meeting_form.html",
                  {"mentorship": mentorship, "form": form})


@login_required
def meeting_edit(request: AppRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, pk, write=True)
    initial = {name: getattr(meeting, name) for name in services.MEETING_FIELDS}
    initial["attendees"] = list(meeting.attendees.values_list("pk", flat=True))
    form = MeetingForm(request.POST or None, initial=initial,
                       roles=mentorship_roles(mentorship=meeting.mentorship))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, acting_user=request.user,
                                    **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The meeting has been saved."))
            return redirect(_detail_url(meeting.mentorship, "meetings"))
    return render(request, "pairing/work/meeting_form.html",
                  {"mentorship": meeting.mentorship, "meeting": meeting, "form": form})


@login_required
def meeting_delete(request: AppRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, pk, write=True)
    return _confirm_delete(
        request, meeting.mentorship, "meetings",
        delete=lambda: services.meeting_delete(meeting=meeting, acting_user=request.user),
        object_title=f"{meeting.held_on:%d.%m.%Y} {meeting.topic}",
        question=_("Delete this meeting from the log?"),
        done=_("The meeting has been deleted from the log."))


@login_required
@require_POST
def meeting_confirm(request: AppRequest, pk: int) -> HttpResponse:
    meeting, mentee = meeting_get_for_mentee(request.user, pk)
    try:
        services.meeting_confirm(meeting=meeting, mentee=mentee, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if not request.htmx:
            messages.success(request, _("Thank you: the meeting is confirmed."))
    return _back(request, meeting.mentorship, "meetings", "pairing/work/_meetings.html")


@login_required
def meeting_not_a_good_fit(request: AppRequest, pk: int) -> HttpResponse:
    meeting, mentee = meeting_get_for_mentee(request.user, pk)
    form = NotAGoodFitForm(request.POST or None,
                           initial={"comment": meeting.not_a_good_fit_comment})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_flag_not_a_good_fit(meeting=meeting, mentee=mentee,
                                                 comment=form.cleaned_data["comment"],
                                                 acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Your answer has been passed to the curator."))
            return redirect(_detail_url(meeting.mentorship, "meetings"))
    return render(request, "pairing/work/not_a_good_fit.html",
                  {"mentorship": meeting.mentorship, "meeting": meeting, "form": form})

