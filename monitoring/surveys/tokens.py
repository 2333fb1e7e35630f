"""Personal survey links: a signed token carrying the invitation id and its nonce.

The token is signed with the project's SECRET_KEY (django.core.signing, own salt), so it
cannot be forged or pointed at another invitation. It expires with the campaign: the link
works until the end of the day after the deadline (`GRACE_DAYS`) and never after the
campaign is closed. A new nonce on the invitation revokes links issued before it. A
submitted response makes the link show "already submitted", never the answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone
from django_scopes import scopes_disabled

from ..models import SurveyCampaign, SurveyInvitation, SurveyResponse

SALT = "monitoring.survey-link"
GRACE_DAYS = 1

OK = "ok"
INVALID = "invalid"
EXPIRED = "expired"
SUBMITTED = "submitted"


@dataclass(frozen=True)
class TokenCheck:
    state: str
    invitation: SurveyInvitation | None = None


def invitation_token(invitation: SurveyInvitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT)


def link_expires_on(campaign: SurveyCampaign) -> dt.date:
    """The last day a link of the campaign opens the survey."""
    return campaign.deadline + dt.timedelta(days=GRACE_DAYS)


def invitation_is_open(invitation: SurveyInvitation, *, today: dt.date | None = None) -> bool:
    campaign = invitation.campaign
    today = today or timezone.localdate()
    return campaign.status == SurveyCampaign.Status.OPEN and today <= link_expires_on(campaign)


def invitation_from_token(token: str, *, today: dt.date | None = None) -> TokenCheck:
    """What a link leads to: the invitation when it may be answered, else only the state
    (`INVALID` for a forged, altered or revoked link, `EXPIRED`, `SUBMITTED`). One query."""
    try:
        data = signing.loads(token, salt=SALT)
        pk, nonce = int(data["i"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return TokenCheck(INVALID)
    with scopes_disabled():
        invitation = (SurveyInvitation.objects
                      .select_related("campaign__template", "campaign__programme__organisation",
                                      "respondent__person", "response")
                      .filter(pk=pk).first())
    if invitation is None or invitation.nonce != nonce:
        return TokenCheck(INVALID)
    response = getattr(invitation, "response", None) if _has_response(invitation) else None
    if response is not None and response.status == SurveyResponse.Status.SUBMITTED:
        return TokenCheck(SUBMITTED)
    if not invitation_is_open(invitation, today=today):
        return TokenCheck(EXPIRED)
    return TokenCheck(OK, invitation)


def _has_response(invitation: SurveyInvitation) -> bool:
    try:
        invitation.response  # noqa: B018 - loaded by select_related
    except SurveyResponse.DoesNotExist:
        return False
    return True
