"""Pages for requests and mentorships."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from mentorship.types import AppRequest
from programmes.permissions import programme_get_for_user

from .forms import MentorshipFilterForm, RequestFilterForm
from .permissions import mentorship_get_for_user
from .selectors import (
    mentorship_get_detail,
    mentorship_list_for_user,
    request_list_for_programme,
)

PAGE_SIZE = 30


@login_required
def mentorship_list(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk)
    form = MentorshipFilterForm(request.GET or None, forms_qs=programme.forms.all())
    qs = mentorship_list_for_user(user=request.user, programme=programme,
                                  **form.cleaned_filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pairing/mentorship_list.html",
                  {"programme": programme, "form": form, "page_obj": page})


@login_required
def mentorship_detail(request: AppRequest, pk: int) -> HttpResponse:
    mentorship = mentorship_get_for_user(request.user, pk)
    return render(request, "pairing/mentorship_detail.html",
                  {"mentorship": mentorship_get_detail(mentorship=mentorship)})


@login_required
def request_list(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    form = RequestFilterForm(request.GET or None, forms_qs=programme.forms.all())
    qs = request_list_for_programme(programme=programme, **form.cleaned_filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pairing/request_list.html",
                  {"programme": programme, "form": form, "page_obj": page})
