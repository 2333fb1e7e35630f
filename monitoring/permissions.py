"""Who may see and change monitoring data. An object the user may not see is a 404.

A programme's indicators, facts, evidence, drill-down lists and reports are for its director
and curators (and admins); other participants of the programme get 403 on its pages and 404
on its objects; everyone else 404. The regional coordinator sees only the regional roll-up:
aggregates, never a person.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mentorship import access as roles
from mentorship.access import access_for
from mentorship.models import User
from programmes.models import Programme, Region
from programmes.permissions import programme_get_for_user

from .models import Indicator, IndicatorFact, Report


def programme_get_for_monitoring(user: User, pk: int, *,
                                 headcount: bool = False) -> Programme:
    """The programme if the user is its director or curator (or an admin); its other
    participants get 403 and anyone else 404. `headcount` narrows it to admins and the
    director, who answer for the organisation's totals."""
    programme = programme_get_for_user(user, pk, staff_only=True)
    access = access_for(user)
    if headcount and not (access.is_admin
                          or programme.pk in access.programme_ids(roles.DIRECTOR)):
        raise PermissionDenied(_("Only the director or an administrator enters headcounts."))
    return programme


def _is_staff_of(user: User, programme_id: int) -> bool:
    access = access_for(user)
    return access.is_admin or programme_id in access.programme_ids(roles.DIRECTOR,
                                                                    roles.CURATOR)


def indicator_get_for_user(user: User, programme: Programme, pk: int) -> Indicator:
    """An indicator of a programme the user may monitor (checked by the caller), else 404."""
    indicator = Indicator.objects.filter(programme=programme, pk=pk).first()
    if indicator is None:
        raise Http404
    return indicator


def fact_get_for_user(user: User, pk: int) -> IndicatorFact:
    """An entered fact (for its evidence) of a programme the user monitors, else 404."""
    fact = (IndicatorFact.objects.select_related("indicator__programme__organisation")
            .filter(pk=pk).first())
    if fact is None or not _is_staff_of(user, fact.indicator.programme_id):
        raise Http404
    return fact


def report_get_for_user(user: User, pk: int) -> Report:
    """A report of a programme the user monitors, else 404."""
    report = Report.objects.select_related("programme__organisation").filter(pk=pk).first()
    if report is None or not _is_staff_of(user, report.programme_id):
        raise Http404
    return report


def region_get_for_user(user: User) -> Region:
    """The coordinator's region; 403 for anyone else."""
    access = access_for(user)
    if access.region_id is None:
        raise PermissionDenied(_("This page is for regional coordinators."))
    return Region.objects.get(pk=access.region_id)
