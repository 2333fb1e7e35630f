"""Editing a programme (passport, tasks, forms, roadmap, stage dates) and recording the
roadmap's execution per academic year. The programme page and its approval are in
`mentorship.views` (they compose monitoring's indicator plans)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mentorship.files import stored_file_response
from mentorship.forms import attach_errors
from mentorship.types import AppRequest

from . import roadmap, services
from .forms import (
    ActivityForm,
    ExecutionForm,
    PassportForm,
    ProgrammeFormForm,
    StageDatesForm,
    TaskForm,
)
from .models import Activity, Programme, ProgrammeForm, StagePeriod, Task
from .permissions import execution_get_for_user, programme_can_edit, programme_get_for_user
from .selectors import responsible_users, roadmap_rows, stages_for_year


def _edit_page(request: AppRequest, *, programme: Programme, form: Any, title: str,
               back: str) -> HttpResponse:
    return render(request, "programmes/edit.html", {
        "programme": programme, "form": form, "title": title, "back": back})


def _detail(programme: Programme, anchor: str) -> str:
    return reverse("programme_detail", args=[programme.pk]) + f"#{anchor}"


def _year(request: AppRequest, programme: Programme) -> int:
    default = roadmap.academic_year_for(programme.years)
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        return default
    return year if year in programme.years else default


# --------------------------------------------------------------------------- editing

@login_required
def passport_edit(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, write=True)
    form = PassportForm(request.POST or None, instance=Programme.objects.get(pk=programme.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_passport_update(programme=programme, data=form.cleaned_data,
                                               acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The passport has been saved."))
            return redirect(_detail(programme, "passport"))
    return _edit_page(request, programme=programme, form=form, title=_("Programme passport"),
                      back=_detail(programme, "passport"))


@login_required
def task_edit(request: AppRequest, programme_pk: int, pk: int | None = None) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, write=True)
    task = get_object_or_404(Task, programme=programme, pk=pk) if pk is not None else None
    if task is None:
        last = programme.tasks.order_by("-number").first()
        initial = {"number": (last.number + 1) if last else 1}
    else:
        initial = TaskForm.initial_for(task)
    form = TaskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.task_save(programme=programme, task=task, number=data["number"],
                               title=data["title"], roadmap_title=data["roadmap_title"],
                               indicators=form.indicator_pairs(), acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The task has been saved."))
            return redirect(_detail(programme, "tasks"))
    return _edit_page(request, programme=programme, form=form,
                      title=_("New task") if task is None else _("Task %(number)s") % {
                          "number": task.number},
                      back=_detail(programme, "tasks"))


@login_required
def form_edit(request: AppRequest, programme_pk: int, pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, write=True)
    programme_form = get_object_or_404(ProgrammeForm.objects.select_related("form"),
                                       programme=programme, pk=pk)
    form = ProgrammeFormForm(request.POST or None,
                             instance=ProgrammeForm.objects.get(pk=programme_form.pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.programme_form_update(
                programme_form=programme_form, goals=data["goals"],
                areas_title=data["areas_title"], areas=data["areas"], results=data["results"],
                acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The form of mentoring has been saved."))
            return redirect(_detail(programme, "forms"))
    return _edit_page(request, programme=programme, form=form,
                      title=f"«{programme_form.form.name}»", back=_detail(programme, "forms"))


@login_required
def activity_edit(request: AppRequest, programme_pk: int,
                  pk: int | None = None) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, write=True)
    activity = (get_object_or_404(Activity, programme=programme, pk=pk)
                if pk is not None else None)
    form = ActivityForm(request.POST or None, programme=programme,
                        initial=ActivityForm.initial_for(activity))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_save(
                programme=programme, activity=activity, task=data["task"],
                number=data["number"], title=data["title"], items=data["items"],
                timing=data["timing"], months=data["months"], yearly=data["yearly"],
                responsibles=data["responsibles"], expected_result=data["expected_result"],
                acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The roadmap activity has been saved."))
            return redirect(_detail(programme, "roadmap"))
    return _edit_page(request, programme=programme, form=form,
                      title=_("New roadmap activity") if activity is None
                      else _("Roadmap activity %(number)s") % {"number": activity.number},
                      back=_detail(programme, "roadmap"))


@login_required
def stage_dates(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, write=True)
    year = _year(request, programme)
    stages = list(programme.stages.order_by("number"))
    periods = {p.stage_id: p for p in StagePeriod.objects.filter(
        stage__programme=programme, academic_year=year)}
    form = StageDatesForm(request.POST or None, stages=stages, periods=periods)
    if request.method == "POST" and form.is_valid():
        try:
            for stage, starts_on, ends_on in form.dates():
                services.stage_period_set(stage=stage, academic_year=year,
                                          starts_on=starts_on, ends_on=ends_on,
                                          acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The stage dates have been saved."))
            return redirect(reverse("cycle:year", args=[programme.pk]) + f"?year={year}")
    return render(request, "programmes/stage_dates.html", {
        "programme": programme, "form": form, "year": year, "years": list(programme.years)})


# --------------------------------------------------------------------------- roadmap execution

@login_required
def roadmap_page(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    year = _year(request, programme)
    services.activity_executions_ensure(programme=programme, academic_year=year)
    rows = roadmap_rows(programme=programme, academic_year=year)
    stages = stages_for_year(programme=programme, academic_year=year)
    return render(request, "programmes/roadmap.html", {
        "programme": programme, "year": year, "years": list(programme.years), "rows": rows,
        "stages": stages, "can_edit": programme_can_edit(request.user, programme),
        "overdue_count": sum(1 for r in rows if r.overdue),
        "done_count": sum(1 for r in rows if r.status == "done")})


@login_required
def execution_edit(request: AppRequest, pk: int) -> HttpResponse:
    execution = execution_get_for_user(request.user, pk, write=True)
    programme = execution.activity.programme
    form = ExecutionForm(request.POST or None, request.FILES or None,
                         responsibles=responsible_users(programme=programme),
                         initial=ExecutionForm.initial_for(execution))
    back = request.GET.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("programmes:roadmap", args=[programme.pk]) + (
            f"?year={execution.academic_year}")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_execution_update(
                execution=execution, status=data["status"], done_on=data["done_on"],
                responsible=data["responsible"], evidence=data["evidence"],
                evidence_link=data["evidence_link"], comment=data["comment"],
                acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The activity's execution has been saved."))
            return redirect(back)
    months = list(execution.activity.months)
    return render(request, "programmes/execution_form.html", {
        "programme": programme, "execution": execution, "activity": execution.activity,
        "form": form, "back": back,
        "due_on": roadmap.activity_due_on(execution.academic_year, months)})


@login_required
def execution_evidence(request: AppRequest, pk: int) -> FileResponse:
    execution = execution_get_for_user(request.user, pk)
    ext = PurePath(execution.evidence.name).suffix
    name = f"roadmap-{execution.activity.number}-{execution.academic_year}{ext}"
    return stored_file_response(execution.evidence, filename=name)
