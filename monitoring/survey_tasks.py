"""Celery tasks of the surveys: the campaign's e-mails and the daily reminders.

Registered with the worker by `mentorship/celery.py` (autodiscovery looks only at
`tasks.py`). Each task calls a service that is safe to run twice.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import translation

from .surveys.services import campaign_dispatch, campaigns_remind


@shared_task
def survey_dispatch(campaign_id: int, language: str = "ru") -> int:
    """Send the personal links of a campaign (those not sent yet)."""
    with translation.override(language):
        return campaign_dispatch(campaign_id=campaign_id)


@shared_task
def survey_remind(language: str = "ru") -> int:
    """Daily: remind those who have not answered before the deadline; close expired
    campaigns."""
    with translation.override(language):
        return campaigns_remind()
