"""Spreadsheet exports of pairs and groups (mentorships with their members) and of
requests, filtered as on screen, for the programme's director, curators and admins only.

Headers are the models' own verbose names, so this module adds no text of its own to the
app's catalogue. Files go through `mentorship.spreadsheets` (formula-safe; CSV for Russian
Excel) via `mentorship.spreadsheets.spreadsheet_response`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.text import capfirst

from mentorship.spreadsheets import spreadsheet_response
from mentorship.types import AppRequest
from participants.models import Person
from programmes.permissions import programme_get_for_user

from .forms import MentorshipFilterForm, RequestFilterForm
from .models import Mentorship, MentorshipMember, MentorshipRequest
from .selectors import mentorship_list_for_user, request_list_for_programme

CHUNK = 2000


def _label(model: type[Any], name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _date(value: Any) -> Any:
    return value if value is not None else ""


def mentorship_export_rows(qs: QuerySet[Mentorship]) -> tuple[list[str], Iterator[list[Any]]]:
    """One row per pair or group: form, mentor, mentees (those who left marked with the
    date), status, dates, outcome. Three queries per 2,000 mentorships."""
    headers = [_label(Mentorship, "form"), _label(Mentorship, "mentor"),
               str(capfirst(MentorshipMember._meta.verbose_name_plural)),
               _label(Mentorship, "status"), _label(Mentorship, "started_on"),
               _label(Mentorship, "ended_on"), _label(Mentorship, "outcome")]
    left_label = _label(MentorshipMember, "left_on")

    def member(m: MentorshipMember) -> str:
        name = m.mentee.person.full_name
        return f"{name} ({left_label} {m.left_on:%d.%m.%Y})" if m.left_on else name

    def rows() -> Iterator[list[Any]]:
        for m in qs.iterator(chunk_size=CHUNK):
            yield [m.form.name, m.mentor.person.full_name,
                   "; ".join(member(x) for x in m.members.all()), m.get_status_display(),
                   m.started_on, _date(m.ended_on), m.get_outcome_display()]

    return headers, rows()


def request_export_rows(qs: QuerySet[MentorshipRequest]
                        ) -> tuple[list[str], Iterator[list[Any]]]:
    """One row per request: mentee, group, form, category, wanted competencies, goal, when
    filed, status. Three queries per 2,000 requests."""
    headers = [_label(MentorshipRequest, "mentee"), _label(Person, "study_group"),
               _label(MentorshipRequest, "form"), _label(MentorshipRequest, "category"),
               _label(MentorshipRequest, "competencies"), _label(MentorshipRequest, "goal"),
               _label(MentorshipRequest, "created_at"), _label(MentorshipRequest, "status")]

    def rows() -> Iterator[list[Any]]:
        for r in qs.iterator(chunk_size=CHUNK):
            person = r.mentee.person
            yield [person.full_name, person.study_group.name if person.study_group else "",
                   r.form.name, r.get_category_display(),
                   "; ".join(c.name for c in r.competencies.all()), r.goal,
                   r.created_at, r.get_status_display()]

    return headers, rows()


@login_required
def mentorship_export(request: AppRequest, programme_pk: int, fmt: str) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    form = MentorshipFilterForm(request.GET or None, forms_qs=programme.forms.all())
    qs = mentorship_list_for_user(user=request.user, programme=programme,
                                  **form.cleaned_filters())
    headers, rows = mentorship_export_rows(qs)
    return spreadsheet_response(headers=headers, rows=rows, fmt=fmt,
                                name=str(Mentorship._meta.verbose_name_plural))


@login_required
def request_export(request: AppRequest, programme_pk: int, fmt: str) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    form = RequestFilterForm(request.GET or None, forms_qs=programme.forms.all())
    qs = request_list_for_programme(programme=programme, **form.cleaned_filters())
    headers, rows = request_export_rows(qs)
    return spreadsheet_response(headers=headers, rows=rows, fmt=fmt,
                                name=str(MentorshipRequest._meta.verbose_name_plural))
