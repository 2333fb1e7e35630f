"""Pages for people: the participant list of a programme and a person's card."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from mentorship.types import AppRequest
from programmes.permissions import programme_get_for_user

from .forms import PersonFilterForm
from .models import StudyGroup
from .permissions import person_get_for_user
from .selectors import person_list_for_programme

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
    })
