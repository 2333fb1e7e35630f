"""Project-wide models: the user account, the timestamp base and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A login. The person behind it (participants.Person.user) carries the organisation and
    the programme roles; a regional coordinator is linked to a region instead
    (programmes.RegionalCoordinator); an admin is a superuser."""

    receive_reminders = models.BooleanField(_("receive e-mail reminders"), default=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username


class AuditEntry(models.Model):
    """Who did what to which object, with the changed values. Written only by
    `mentorship.services.audit_record`."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    verb = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True,
                                             db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.verb} {self.target_repr}"


class DataVersion(models.Model):
    """One row whose `number` moves with every committed write to the product's data, and
    whose `epoch` is drawn anew whenever the row could go back in time (migrate, flush,
    restore). `mentorship.dataversion` keeps it up to date with database triggers; caches
    key their entries on it."""

    epoch = models.CharField(max_length=32)
    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.epoch}:{self.number}"
