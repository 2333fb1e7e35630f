"""Target indicators with yearly plan and fact, headcounts for denominators, surveys, reports
and the regional plan."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from mentorship.models import TimeStampedModel
from participants.models import ProgrammeRole
from programmes.models import MentoringForm, Organisation, Programme, Region, Task


class Indicator(models.Model):
    class Group(models.TextChoices):
        RESULT = "result", _("result indicator")
        EFFICIENCY = "efficiency", _("efficiency indicator")

    class Unit(models.TextChoices):
        PERCENT = "%", _("%")
        UNITS = "ед.", _("units")
        PEOPLE = "чел.", pgettext_lazy("unit", "people")

    class Kind(models.TextChoices):
        MAIN = "main", _("main")
        ANALYTIC = "analytic", _("analytic")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class Source(models.TextChoices):
        MANUAL = "manual", _("entered by hand")
        COMPUTED = "computed", _("computed from data")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="indicators",
                                  verbose_name=_("programme"))
    group = models.CharField(_("group"), max_length=12, choices=Group.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.TextField(_("name"))
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, blank=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices,
                                 default=Direction.HIGHER)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    baseline_value = models.DecimalField(_("baseline value"), max_digits=12, decimal_places=2,
                                         null=True, blank=True)
    source = models.CharField(_("source of the fact"), max_length=10, choices=Source.choices,
                              default=Source.MANUAL)
    computation = models.CharField(_("computation"), max_length=50, blank=True,
                                   help_text=_("Name of the function that computes the fact."))
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("task"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["programme", "group", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "group", "number"],
                                    name="indicator_unique_number"),
            models.CheckConstraint(condition=Q(source="manual") | ~Q(computation=""),
                                   name="indicator_computed_has_function"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name[:80]}"


class IndicatorPlan(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="plans",
                                  verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("plan"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("plan value")
        verbose_name_plural = _("plan values")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="plan_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class IndicatorFact(TimeStampedModel):
    """A fact entered by hand (with evidence) or stored from a computation for a closed year."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="facts",
                                  verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("fact"), max_digits=12, decimal_places=2)
    numerator = models.IntegerField(_("numerator"), null=True, blank=True)
    denominator = models.IntegerField(_("denominator"), null=True, blank=True)
    evidence = models.FileField(_("evidence file"), upload_to="evidence/%Y/", blank=True)
    evidence_link = models.URLField(_("evidence link"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("entered by"))

    class Meta:
        verbose_name = _("fact value")
        verbose_name_plural = _("fact values")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="fact_unique_year"),
            models.CheckConstraint(condition=Q(denominator__isnull=True) | Q(denominator__gte=0),
                                   name="fact_denominator_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class Headcount(models.Model):
    """Totals for a year entered by the admin, used as denominators when not every person is
    imported."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="headcounts", verbose_name=_("organisation"))
    year = models.PositiveSmallIntegerField(_("year"))
    students = models.PositiveIntegerField(_("students"), null=True, blank=True)
    young_specialists = models.PositiveIntegerField(_("young specialists"), null=True,
                                                    blank=True)
    teachers = models.PositiveIntegerField(_("teachers"), null=True, blank=True)
    partner_enterprises = models.PositiveIntegerField(_("partner enterprises"), null=True,
                                                      blank=True)

    class Meta:
        verbose_name = _("headcount")
        verbose_name_plural = _("headcounts")
        ordering = ["organisation", "year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="headcount_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class RegionalPlan(models.Model):
    """A regional plan value for an indicator code (entered by the coordinator)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="plans",
                               verbose_name=_("region"))
    code = models.CharField(_("indicator"), max_length=50)
    name = models.CharField(_("name"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("plan"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("regional plan value")
        verbose_name_plural = _("regional plan values")
        constraints = [
            models.UniqueConstraint(fields=["region", "code", "year"],
                                    name="regional_plan_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.code} {self.year}"


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


class SurveyTemplate(TimeStampedModel):
    class Audience(models.TextChoices):
        MENTEE = "mentee", _("mentees")
        MENTOR = "mentor", _("mentors")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="survey_templates",
                                     verbose_name=_("organisation"),
                                     help_text=_("Empty for the shipped templates."))
    title = models.CharField(_("title"), max_length=300)
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices)
    form = models.ForeignKey(MentoringForm, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("form"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("previous version"))
    code = models.SlugField(_("code"), max_length=40, blank=True,
                            help_text=_("Set on the shipped questionnaires."))
    is_current = models.BooleanField(
        _("current version"), default=True,
        help_text=_("A questionnaire replaced by a newer version is kept for its answers."))

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code"],
                                    condition=Q(organisation__isnull=True) & ~Q(code=""),
                                    name="survey_template_unique_shipped_code"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class SurveyQuestion(models.Model):
    class Type(models.TextChoices):
        SCALE = "scale", _("scale 1–10")
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        YES_NO = "yes_no", _("yes / no")
        TEXT = "text", _("free text")

    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE,
                                 related_name="questions", verbose_name=_("questionnaire"))
    position = models.PositiveSmallIntegerField(pgettext_lazy("order in a list", "position"))
    text = models.TextField(_("question"))
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)
    is_satisfaction = models.BooleanField(
        _("counts towards satisfaction"), default=False,
        help_text=_("Scale questions marked here make the satisfaction indicator."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "position"], name="question_unique_pos"),
            models.CheckConstraint(condition=Q(is_satisfaction=False) | Q(type="scale"),
                                   name="question_satisfaction_is_scale"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class SurveyCampaign(TimeStampedModel):
    class Kind(models.TextChoices):
        ENTRY = "entry", _("entry")
        EXIT = "exit", _("exit")
        PULSE = "pulse", _("pulse")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="campaigns",
                                  verbose_name=_("programme"))
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT,
                                 related_name="campaigns", verbose_name=_("questionnaire"))
    year = models.PositiveSmallIntegerField(_("programme year"))
    audience = models.CharField(_("audience"), max_length=8,
                                choices=SurveyTemplate.Audience.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    form = models.ForeignKey(MentoringForm, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("form"))
    mentorship_status = models.CharField(_("mentorship status"), max_length=16, blank=True)
    deadline = models.DateField(_("deadline"))
    anonymous = models.BooleanField(_("anonymous"), default=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("launched by"))
    link_base = models.CharField(
        _("site address for links"), max_length=200, blank=True,
        help_text=_("Where the personal links in e-mails point (taken at launch)."))
    dispatch_error = models.TextField(_("dispatch error"), blank=True)

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template.title} {self.year}"


class SurveyInvitation(TimeStampedModel):
    """One recipient of a campaign. The response is tied to it: one response per person."""

    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.CASCADE,
                                 related_name="invitations", verbose_name=_("campaign"))
    respondent = models.ForeignKey(ProgrammeRole, on_delete=models.CASCADE,
                                   related_name="survey_invitations",
                                   verbose_name=_("respondent"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    # Part of the signed link: a new nonce makes every link issued before it invalid.
    nonce = models.CharField(_("link nonce"), max_length=32, default=new_nonce)

    objects = ScopedManager(organisation="campaign__programme__organisation")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "respondent"],
                                    name="invitation_unique_person"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.respondent_id}"


class SurveyResponse(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE,
                                      related_name="response", verbose_name=_("invitation"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ScopedManager(organisation="invitation__campaign__programme__organisation")

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.CheckConstraint(condition=Q(status="draft")
                                   | Q(status="submitted", submitted_at__isnull=False),
                                   name="response_submitted_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.invitation} ({self.get_status_display()})"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE,
                                 related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT,
                                 related_name="answers", verbose_name=_("question"))
    scale_value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    text_value = models.TextField(_("text"), blank=True)
    choice_values = models.JSONField(_("choices"), default=list, blank=True)

    objects = ScopedManager(
        organisation="response__invitation__campaign__programme__organisation")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique"),
            models.CheckConstraint(condition=Q(scale_value__isnull=True)
                                   | Q(scale_value__gte=1, scale_value__lte=10),
                                   name="answer_scale_1_10"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.scale_value or self.text_value[:40]}"


class Report(TimeStampedModel):
    """A generated document (annual monitoring report, pairing order, letters)."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("annual monitoring report")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("rendering")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reports",
                                  verbose_name=_("programme"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices,
                            default=Kind.ANNUAL)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    file = models.FileField(_("file"), upload_to="reports/%Y/", blank=True)
    error = models.TextField(_("error"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="ru")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+",
                                     verbose_name=_("requested by"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"
