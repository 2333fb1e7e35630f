"""What each role's home page shows. One builder per role; each reads through the apps'
selectors in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count
from django_scopes import scopes_disabled

from monitoring.selectors import region_overview
from pairing.models import Mentorship, MentorshipRequest
from pairing.selectors import mentorship_counts_by_form, mentorship_list_for_user
from participants.models import Person
from participants.selectors import person_counts_for_programme
from programmes.models import Organisation, Programme, Region
from programmes.selectors import programme_current_for_user

from . import access as roles
from .access import Access
from .models import User


def _admin(user: User, access: Access) -> dict[str, Any]:
    with scopes_disabled():
        people = Person.objects.filter(anonymised_at__isnull=True).count()
    return {
        "users_count": User.objects.count(),
        "organisations_count": Organisation.objects.count(),
        "people_count": people,
        "programmes": list(Programme.objects.select_related("organisation")
                           .order_by("-start_year")[:10]),
    }


def _staff(user: User, access: Access) -> dict[str, Any]:
    programme = programme_current_for_user(user)
    if programme is None:
        return {"programme": None}
    counts = person_counts_for_programme(programme=programme)
    return {
        "programme": programme,
        "counts": counts,
        "by_form": mentorship_counts_by_form(programme=programme),
        "open_requests": MentorshipRequest.objects.filter(
            programme=programme, status=MentorshipRequest.Status.OPEN).count(),
        "active_mentorships": Mentorship.objects.filter(
            programme=programme, status=Mentorship.Status.ACTIVE).count(),
    }


def _participant(user: User, access: Access) -> dict[str, Any]:
    programme = programme_current_for_user(user)
    if programme is None:
        return {"programme": None, "mentorships": []}
    mentorships = list(
        mentorship_list_for_user(user=user, programme=programme,
                                 status=Mentorship.Status.ACTIVE)
        .annotate(meetings_count=Count("meetings", distinct=True))[:20]
    )
    return {"programme": programme, "mentorships": mentorships}


def _coordinator(user: User, access: Access) -> dict[str, Any]:
    region = Region.objects.get(pk=access.region_id)
    rows = region_overview(region=region)
    return {"region": region, "organisations": rows,
            "totals": {"people": sum(r.people for r in rows),
                       "mentorships": sum(r.mentorships for r in rows),
                       "active": sum(r.active_mentorships for r in rows)}}


HOME_BUILDERS: dict[str, Callable[[User, Access], dict[str, Any]]] = {
    roles.ADMIN: _admin,
    roles.COORDINATOR: _coordinator,
    roles.DIRECTOR: _staff,
    roles.CURATOR: _staff,
    roles.MENTOR: _participant,
    roles.MENTEE: _participant,
}


def home_context(*, user: User, access: Access) -> tuple[str | None, dict[str, Any]]:
    role = access.primary_role
    if role is None:
        return None, {}
    return role, HOME_BUILDERS[role](user, access)
