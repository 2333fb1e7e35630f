"""Who may do what with surveys. An object the user may not see is a 404.

Curators of a programme (and admins) manage its questionnaires and campaigns; its director
reads results; its other participants get 403 on these pages; everyone else 404. A
respondent reaches only their own survey, through the personal link (see `tokens`).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from mentorship import access as roles
from mentorship.access import access_for
from mentorship.models import User
from programmes.models import Programme
from programmes.permissions import programme_get_for_user

from ..models import SurveyCampaign, SurveyTemplate


def programme_get_for_surveys(user: User, pk: int, *, write: bool = False) -> Programme:
    """The programme for its director and curators (read) or curators (`write`); 403 for its
    other participants, 404 for anyone else."""
    return programme_get_for_user(user, pk, staff_only=True, write=write)


def can_manage_surveys(user: User, programme: Programme) -> bool:
    access = access_for(user)
    return access.is_admin or programme.pk in access.programme_ids(roles.CURATOR)


def template_get_for_user(user: User, programme: Programme, pk: int) -> SurveyTemplate:
    """A shipped questionnaire or one of the programme's organisation (the caller has
    checked the programme), else 404."""
    template = (SurveyTemplate.objects.select_related("form", "organisation")
                .filter(Q(organisation__isnull=True)
                        | Q(organisation_id=programme.organisation_id), pk=pk).first())
    if template is None:
        raise Http404
    return template


def campaign_get_for_user(user: User, pk: int, *, write: bool = False) -> SurveyCampaign:
    """A campaign of a programme the user may read surveys of (`write`: manage), else
    404 / 403 as for the programme."""
    campaign = (SurveyCampaign.objects.select_related("template", "form", "programme")
                .filter(pk=pk).first())
    if campaign is None:
        raise Http404
    programme_get_for_surveys(user, campaign.programme_id, write=write)
    return campaign
