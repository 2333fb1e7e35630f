"""The year view: the curator's and director's main page for the yearly cycle."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from mentorship.types import AppRequest
from programmes import roadmap
from programmes.permissions import programme_can_edit, programme_get_for_user
from programmes.services import activity_executions_ensure

from .year import year_view


@login_required
def year(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    default = roadmap.academic_year_for(programme.years)
    try:
        academic_year = int(request.GET.get("year") or default)
    except ValueError:
        academic_year = default
    if academic_year not in programme.years:
        academic_year = default
    activity_executions_ensure(programme=programme, academic_year=academic_year)
    return render(request, "cycle/year.html", {
        "programme": programme, "view": year_view(programme=programme, year=academic_year),
        "can_edit": programme_can_edit(request.user, programme),
        "current_year": default})
