"""Writes of the at-risk follow-up: the programme's settings."""

from __future__ import annotations

from django.db import transaction

from mentorship.models import User
from mentorship.services import audit_record
from programmes.models import Programme

from .models import CycleSettings

SETTINGS_FIELDS = ("weeks_without_meeting", "low_satisfaction_threshold", "digest_weekday")


@transaction.atomic
def cycle_settings_update(
    *, programme: Programme, weeks_without_meeting: int, low_satisfaction_threshold: int,
    digest_weekday: int, acting_user: User,
) -> CycleSettings:
    """Create or change the programme's follow-up settings. Raises ValidationError for
    values out of range. Audited with the changed values."""
    cfg, _created = CycleSettings.objects.select_for_update().get_or_create(
        programme=programme)
    before = {name: getattr(cfg, name) for name in SETTINGS_FIELDS}
    cfg.weeks_without_meeting = weeks_without_meeting
    cfg.low_satisfaction_threshold = low_satisfaction_threshold
    cfg.digest_weekday = digest_weekday
    cfg.full_clean()
    changes = {name: [before[name], getattr(cfg, name)] for name in SETTINGS_FIELDS
               if before[name] != getattr(cfg, name)}
    if changes:
        cfg.save(update_fields=[*SETTINGS_FIELDS, "updated_at"])
        audit_record(actor=acting_user, verb="cycle_settings.updated", target=cfg,
                     organisation_id=programme.organisation_id, changes=changes)
    return cfg
