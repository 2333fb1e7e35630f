"""Pages for recognition: a mentor's training and rewards, the year's best mentors, and the
thank-you letters as PDF. The programme's director and curators read; curators change."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship.forms import attach_errors
from mentorship.pdf import render_pdf
from mentorship.types import AppRequest
from pairing.permissions import mentor_get_for_user
from participants.models import MentorTraining, ProgrammeRole, Recognition
from programmes.models import Programme
from programmes.permissions import programme_can_edit, programme_get_for_user

from . import recognition_services as services
from .recognition import (
    MentorResult,
    best_mentors,
    grammatical_gender,
    is_student_mentor,
    mentor_awards,
    mentor_result,
    recognition_years,
    signatories,
    year_default,
    year_from,
)
from .recognition_forms import BestMentorChoiceForm, RecognitionForm, TrainingForm

PAGE_SIZE = 30
LETTER_KINDS = ("thanks", "parents")


# --------------------------------------------------------------------------- a mentor's page

@login_required
def mentor_training(request: AppRequest, pk: int) -> HttpResponse:
    """A mentor's training records and rewards, with the forms to add them."""
    mentor = mentor_get_for_user(request.user, pk)
    programme = mentor.programme
    return render(request, "cycle/recognition_mentor.html", {
        "programme": programme, "mentor": mentor, **mentor_awards(role=mentor),
        "can_write": programme_can_edit(request.user, programme),
        "training_form": TrainingForm(initial={"held_on": timezone.localdate()}),
        "recognition_form": RecognitionForm(initial={"year": year_default(programme)}),
        "year": year_default(programme), "is_student": is_student_mentor(mentor)})


def _training_for(request: AppRequest, mentor_pk: int, pk: int) -> tuple[ProgrammeRole,
                                                                           MentorTraining]:
    mentor = mentor_get_for_user(request.user, mentor_pk, write=True)
    training = MentorTraining.objects.filter(pk=pk, person_id=mentor.person_id).first()
    if training is None:
        raise Http404
    return mentor, training


@login_required
def training_add(request: AppRequest, pk: int) -> HttpResponse:
    mentor = mentor_get_for_user(request.user, pk, write=True)
    form = TrainingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.training_save(role=mentor, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The training has been recorded."))
            return redirect("cycle:mentor_training", mentor.pk)
    return render(request, "cycle/recognition_training_form.html",
                  {"mentor": mentor, "form": form, "training": None})


@login_required
def training_edit(request: AppRequest, mentor_pk: int, pk: int) -> HttpResponse:
    mentor, training = _training_for(request, mentor_pk, pk)
    form = TrainingForm(request.POST or None, initial={
        "title": training.title, "kind": training.kind, "held_on": training.held_on,
        "hours": training.hours})
    if request.method == "POST" and form.is_valid():
        try:
            services.training_save(role=mentor, training=training, acting_user=request.user,
                                   **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The training has been saved."))
            return redirect("cycle:mentor_training", mentor.pk)
    return render(request, "cycle/recognition_training_form.html",
                  {"mentor": mentor, "form": form, "training": training})


@login_required
@require_POST
def training_delete(request: AppRequest, mentor_pk: int, pk: int) -> HttpResponse:
    mentor, training = _training_for(request, mentor_pk, pk)
    services.training_delete(role=mentor, training=training, acting_user=request.user)
    messages.success(request, _("The training record has been deleted."))
    return redirect("cycle:mentor_training", mentor.pk)


@login_required
def recognition_add(request: AppRequest, pk: int) -> HttpResponse:
    mentor = mentor_get_for_user(request.user, pk, write=True)
    form = RecognitionForm(request.POST or None,
                           initial={"year": year_default(mentor.programme)})
    if request.method == "POST" and form.is_valid():
        try:
            services.recognition_add(role=mentor, acting_user=request.user,
                                     **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The reward has been recorded."))
            return redirect("cycle:mentor_training", mentor.pk)
    return render(request, "cycle/recognition_form.html", {"mentor": mentor, "form": form})


@login_required
@require_POST
def recognition_delete(request: AppRequest, pk: int) -> HttpResponse:
    recognition = Recognition.objects.filter(pk=pk).first()
    if recognition is None:
        raise Http404
    mentor = mentor_get_for_user(request.user, recognition.role_id, write=True)
    recognition.role = mentor
    services.recognition_delete(recognition=recognition, acting_user=request.user)
    messages.success(request, _("The reward has been deleted."))
    return redirect("cycle:mentor_training", mentor.pk)


# --------------------------------------------------------------------------- best mentors

@login_required
def best_mentors_page(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    year = year_from(programme, request.GET.get("year"))
    chosen_only = request.GET.get("chosen") == "1"
    results = best_mentors(programme=programme, year=year, chosen_only=chosen_only)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cycle/recognition_best.html", {
        "programme": programme, "year": year, "years": list(recognition_years(programme)),
        "page_obj": page, "chosen_only": chosen_only,
        "chosen_count": sum(1 for r in results if r.chosen) if not chosen_only
        else len(results),
        "can_write": programme_can_edit(request.user, programme)})


@login_required
@require_POST
def best_mentor_choose(request: AppRequest, programme_pk: int, pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, write=True)
    mentor = mentor_get_for_user(request.user, pk, write=True)
    if mentor.programme_id != programme.pk:
        raise Http404
    form = BestMentorChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year of the programme."))
        return redirect("cycle:best_mentors", programme.pk)
    year, chosen = form.cleaned_data["year"], form.cleaned_data["chosen"]
    try:
        changed = services.best_mentor_set(role=mentor, year=year, chosen=chosen,
                                           acting_user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        name = mentor.person.full_name
        if not changed:
            messages.info(request, _("Nothing has changed."))
        elif chosen:
            messages.success(request, _("%(name)s is among the best mentors of %(year)s.")
                             % {"name": name, "year": year})
        else:
            messages.success(request, _("%(name)s is no longer among the best mentors of "
                                        "%(year)s.") % {"name": name, "year": year})
    return redirect(f"{reverse('cycle:best_mentors', args=[programme.pk])}?year={year}")


# --------------------------------------------------------------------------- letters

def _letter(kind: str, result: MentorResult, year: int) -> dict[str, Any]:
    return {"kind": kind, "result": result, "person": result.person, "year": year,
            "gender": grammatical_gender(result.person)}


def _pdf(programme: Programme, letters: list[dict[str, Any]], filename: str) -> HttpResponse:
    context = {"programme": programme, "organisation": programme.organisation,
               "letters": letters, "today": timezone.localdate(),
               **signatories(programme=programme)}
    response = HttpResponse(render_pdf("cycle/pdf/letters.html", context),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def letter_pdf(request: AppRequest, pk: int, kind: str) -> HttpResponse:
    """One letter: thanks to the mentor, or to the parents of a student mentor."""
    mentor = mentor_get_for_user(request.user, pk)
    if kind not in LETTER_KINDS or (kind == "parents" and not is_student_mentor(mentor)):
        raise Http404
    year = year_from(mentor.programme, request.GET.get("year"))
    result = mentor_result(role=mentor, year=year)
    return _pdf(mentor.programme, [_letter(kind, result, year)],
                f"letter-{kind}-{mentor.pk}-{year}.pdf")


@login_required
def letters_pdf(request: AppRequest, programme_pk: int) -> HttpResponse:
    """All letters for the year's chosen best mentors: thanks to each, and to the parents of
    each student mentor."""
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    year = year_from(programme, request.GET.get("year"))
    chosen = best_mentors(programme=programme, year=year, chosen_only=True)
    if not chosen:
        messages.info(request, _("Choose the best mentors first: the letters are made for "
                                 "them."))
        return redirect(f"{reverse('cycle:best_mentors', args=[programme.pk])}?year={year}")
    letters: list[dict[str, Any]] = []
    for result in chosen:
        letters.append(_letter("thanks", result, year))
        if is_student_mentor(result.role):
            letters.append(_letter("parents", result, year))
    return _pdf(programme, letters, f"letters-best-mentors-{year}.pdf")
