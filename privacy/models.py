"""Personal-data registers of an organisation (152-ФЗ): the data subjects' requests with
their legal deadline, the archives produced to answer a request for access, and the
personal-data incidents with the deadlines to notify Roskomnadzor.

The audit trail itself is django-auditlog's `LogEntry` (changes to registered models, see
`apps.py`) plus the project's `mentorship.AuditEntry` (logins, downloads, service actions).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from mentorship.models import TimeStampedModel
from participants.models import Person
from programmes.models import Organisation

NOTIFY_WITHIN = dt.timedelta(hours=24)
INVESTIGATION_WITHIN = dt.timedelta(hours=72)


class SubjectRequest(TimeStampedModel):
    """A request of a data subject (or their representative) about their personal data."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("access to the data")
        ERASURE = "erasure", _("erasure of the data")
        RECTIFICATION = "rectification", _("rectification of the data")
        REVOCATION = "revocation", _("revocation of consent")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        REFUSED = "refused", _("refused")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="subject_requests",
                                     verbose_name=_("organisation"))
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="subject_requests", verbose_name=_("data subject"))
    # Kept when the person is erased: the register must still say whose request it was.
    subject_label = models.CharField(_("subject reference"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    received_on = models.DateField(_("received on"))
    received_from = models.CharField(_("received from"), max_length=300,
                                     help_text=_("The subject or their representative, and "
                                                 "how the request came (in person, by post)."))
    deadline = models.DateField(_("answer due"), db_index=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    done_on = models.DateField(_("closed on"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("handled by"))
    note = models.TextField(_("note"), blank=True)
    act = models.FileField(_("act of destruction"), upload_to="privacy/acts/%Y/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("recorded by"))

    objects = ScopedManager(organisation="organisation")

    class Meta:
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=F("received_on")),
                                   name="subject_request_deadline_after_receipt"),
            models.CheckConstraint(condition=Q(status="open") | Q(done_on__isnull=False),
                                   name="subject_request_closed_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_label} ({self.received_on:%d.%m.%Y})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def days_left(self, today: dt.date | None = None) -> int:
        return (self.deadline - (today or timezone.localdate())).days


class SubjectArchive(TimeStampedModel):
    """A ZIP of everything the product holds about one person, built in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("building")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    request = models.ForeignKey(SubjectRequest, on_delete=models.CASCADE,
                                related_name="archives", verbose_name=_("request"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    file = models.FileField(_("file"), upload_to="privacy/archives/%Y/", blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+",
                                     verbose_name=_("requested by"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedManager(organisation="request__organisation")

    class Meta:
        verbose_name = _("subject access archive")
        verbose_name_plural = _("subject access archives")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100),
                                   name="subject_archive_progress_100"),
        ]

    def __str__(self) -> str:
        return f"{self.request.subject_label} ({self.created_at:%d.%m.%Y})"


class Incident(TimeStampedModel):
    """A personal-data breach and the two notices to Roskomnadzor it calls for (152-ФЗ,
    art. 21 part 3.1): the first within 24 hours of detection, the investigation's result
    within 72 hours."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="privacy_incidents",
                                     verbose_name=_("organisation"))
    detected_at = models.DateTimeField(_("detected at"))
    description = models.TextField(_("what happened"))
    data_categories = models.TextField(_("categories of personal data"))
    subjects_count = models.PositiveIntegerField(_("approximate number of subjects"),
                                                 null=True, blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    reported_by = models.CharField(_("reported by"), max_length=300, blank=True)
    notified_at = models.DateTimeField(_("Roskomnadzor notified at"), null=True, blank=True)
    investigation_reported_at = models.DateTimeField(
        _("investigation result sent at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("personal data incident")
        verbose_name_plural = _("personal data incidents")
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(notified_at__isnull=True)
                                   | Q(notified_at__gte=F("detected_at")),
                                   name="incident_notified_after_detection"),
            models.CheckConstraint(condition=Q(investigation_reported_at__isnull=True)
                                   | Q(investigation_reported_at__gte=F("detected_at")),
                                   name="incident_investigation_after_detection"),
        ]

    def __str__(self) -> str:
        return f"{self.detected_at:%d.%m.%Y %H:%M} {self.description[:60]}"

    @property
    def notify_deadline(self) -> dt.datetime:
        return self.detected_at + NOTIFY_WITHIN

    @property
    def investigation_deadline(self) -> dt.datetime:
        return self.detected_at + INVESTIGATION_WITHIN
