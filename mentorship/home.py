"""What each role's home page shows. One builder per role; each reads through the apps'
selectors in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django_scopes import scopes_disabled

from cycle.risk import risk_count
from monitoring.forms import YearFilterForm
from monitoring.fragments import dashboard_html
from monitoring.selectors import (
    programme_default_year,
    region_rollup,
    region_years,
)
from monitoring.surveys.selectors import invitations_open_for_person
from pairing.models import Mentorship, MentorshipRequest
from pairing.selectors import mentorship_counts_by_form, mentorship_list_for_user
from participants.consent_selectors import consent_flagged_count
from participants.models import Person
from participants.selectors import person_counts_for_programme
from privacy.selectors import privacy_home_warnings
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
        "open_surveys": invitations_open_for_person(person_id=access.person_id),
        "counts": counts,
        "by_form": mentorship_counts_by_form(programme=programme),
        "open_requests": MentorshipRequest.objects.filter(
            programme=programme, status=MentorshipRequest.Status.OPEN).count(),
        "active_mentorships": Mentorship.objects.filter(
            programme=programme, status=Mentorship.Status.ACTIVE).count(),
        "at_risk": risk_count(programme=programme),
        "consent_flagged": consent_flagged_count(programme=programme,
                                                 on=timezone.localdate()),
    }


def _participant(user: User, access: Access) -> dict[str, Any]:
    programme = programme_current_for_user(user)
    open_surveys = invitations_open_for_person(person_id=access.person_id)
    if programme is None:
        return {"programme": None, "mentorships": [], "open_surveys": open_surveys}
    mentorships = list(
        mentorship_list_for_user(user=user, programme=programme,
                                 status=Mentorship.Status.ACTIVE)
        .annotate(meetings_count=Count("meetings", distinct=True))[:20]
    )
    return {"programme": programme, "mentorships": mentorships, "open_surveys": open_surveys}


def _director(user: User, access: Access) -> dict[str, Any]:
    """The programme dashboard for the current year (monitoring)."""
    programme = programme_current_for_user(user)
    open_surveys = invitations_open_for_person(person_id=access.person_id)
    if programme is None:
        return {"programme": None, "open_surveys": open_surveys}
    year = programme_default_year(programme)
    return {"programme": programme, "open_surveys": open_surveys,
            "dashboard_html": dashboard_html(programme=programme, year=year, access=access)}


def _coordinator(user: User, access: Access) -> dict[str, Any]:
    """The regional roll-up for the current year: aggregates only."""
    region = Region.objects.get(pk=access.region_id)
    selectable = region_years(region=region)
    year = selectable[-1]
    rollup = region_rollup(region=region, year=year, selectable_years=selectable)
    rows = rollup.overview
    return {"region": region, "organisations": rows, "rollup": rollup,
            "year_form": YearFilterForm(initial={"year": year}, years=selectable),
            "totals": {"people": sum(r.people for r in rows),
                       "mentorships": sum(r.mentorships for r in rows),
                       "active": sum(r.active_mentorships for r in rows)}}


HOME_BUILDERS: dict[str, Callable[[User, Access], dict[str, Any]]] = {
    roles.ADMIN: _admin,
    roles.COORDINATOR: _coordinator,
    roles.DIRECTOR: _director,
    roles.CURATOR: _staff,
    roles.MENTOR: _participant,
    roles.MENTEE: _participant,
}


def home_context(*, user: User, access: Access) -> tuple[str | None, dict[str, Any]]:
    role = access.primary_role
    if role is None:
        return None, {}
    context = HOME_BUILDERS[role](user, access)
    if role in (roles.ADMIN, roles.DIRECTOR):
        context["privacy"] = privacy_home_warnings(
            organisation_id=None if role == roles.ADMIN else access.organisation_id)
    return role, context
