"""Settings of the pairs' follow-up (stage 6) per programme, and the log that makes the
weekly e-mails idempotent."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentorship.models import TimeStampedModel
from programmes.models import Programme


class CycleSettings(TimeStampedModel):
    """When a pair counts as at risk, and on which weekday the curators get their digest."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE,
                                     related_name="cycle_settings", verbose_name=_("programme"))
    weeks_without_meeting = models.PositiveSmallIntegerField(
        _("weeks without a meeting"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text=_("A pair with no meeting for this many weeks (from the last meeting or "
                    "from the start) is at risk."))
    low_satisfaction_threshold = models.PositiveSmallIntegerField(
        _("low satisfaction below"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("A survey response whose satisfaction score (1–10) is below this puts "
                    "the pair at risk."))
    digest_weekday = models.PositiveSmallIntegerField(
        _("digest weekday"), choices=Weekday.choices, default=Weekday.MONDAY)

    class Meta:
        verbose_name = _("follow-up settings")
        verbose_name_plural = _("follow-up settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(weeks_without_meeting__gte=1, weeks_without_meeting__lte=26,
                            low_satisfaction_threshold__gte=1,
                            low_satisfaction_threshold__lte=10, digest_weekday__lte=6),
                name="cycle_settings_sane"),
        ]

    def __str__(self) -> str:
        return str(self.programme)


class NotificationLog(models.Model):
    """One e-mail of a kind to a user for a period (e.g. an ISO week). The row is claimed
    before the letter is sent, so a task that runs twice sends nothing twice."""

    class Kind(models.TextChoices):
        DIGEST = "digest", _("weekly digest to the curator")
        REMINDER = "reminder", _("reminder to the mentor")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    period = models.CharField(_("period"), max_length=32)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent notification")
        verbose_name_plural = _("sent notifications")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "period"],
                                    name="notification_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.period}"
