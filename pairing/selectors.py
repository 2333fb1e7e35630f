"""Reads for requests and mentorships."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from mentorship import access as roles
from mentorship.access import access_for
from mentorship.models import User
from programmes.models import Programme

from .models import Mentorship, MentorshipMember, MentorshipRequest


def _with_members(qs: QuerySet[Mentorship]) -> QuerySet[Mentorship]:
    return qs.select_related("form", "mentor__person").prefetch_related(
        Prefetch(
            "members",
            queryset=MentorshipMember.objects.select_related("mentee__person").order_by("id"),
        )
    )


def mentorship_list_for_user(
    *, user: User, programme: Programme, form_id: int | None = None, status: str = "",
    search: str = "",
) -> QuerySet[Mentorship]:
    """Mentorships of a programme the user may see: all of them for its director, curators
    and admins; for a mentor or mentee only their own. Three queries per page (mentorships
    with form and mentor, members with people, count)."""
    access = access_for(user)
    qs = Mentorship.objects.filter(programme=programme)
    staff = access.is_admin or programme.pk in access.programme_ids(roles.DIRECTOR,
                                                                   roles.CURATOR)
    if not staff:
        own = Q(pk__in=[])
        if access.person_id is not None:
            own = Q(mentor__person_id=access.person_id) | Q(
                members__mentee__person_id=access.person_id)
        qs = qs.filter(own).distinct()
    if form_id:
        qs = qs.filter(form_id=form_id)
    if status:
        qs = qs.filter(status=status)
    for word in search.split()[:3]:
        qs = qs.filter(Q(mentor__person__last_name__icontains=word)
                       | Q(members__mentee__person__last_name__icontains=word)).distinct()
    return _with_members(qs).order_by("-started_on", "-pk")


def mentorship_get_detail(*, mentorship: Mentorship) -> Mentorship:
    return _with_members(Mentorship.objects.filter(pk=mentorship.pk)).prefetch_related(
        "plan_items", "meetings").get()


def mentorship_counts_by_form(*, programme: Programme) -> list[dict[str, object]]:
    """Active and completed mentorships per form, in one aggregate query."""
    rows = (
        Mentorship.objects.filter(programme=programme)
        .values("form__name", "form__order")
        .annotate(
            active=Count("pk", filter=Q(status=Mentorship.Status.ACTIVE)),
            completed=Count("pk", filter=Q(status=Mentorship.Status.COMPLETED)),
            total=Count("pk"),
        )
        .order_by("form__order")
    )
    return list(rows)


def request_list_for_programme(
    *, programme: Programme, status: str = "", form_id: int | None = None, search: str = "",
) -> QuerySet[MentorshipRequest]:
    qs = MentorshipRequest.objects.filter(programme=programme).select_related(
        "form", "mentee__person__study_group").prefetch_related("competencies")
    if status:
        qs = qs.filter(status=status)
    if form_id:
        qs = qs.filter(form_id=form_id)
    for word in search.split()[:3]:
        qs = qs.filter(Q(mentee__person__last_name__icontains=word)
                       | Q(goal__icontains=word))
    return qs.order_by("-created_at", "-pk")
