"""Organisations, programmes and what a programme is made of: forms, tasks, the roadmap and
the stages of the yearly cycle. Nothing here is personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentorship.models import TimeStampedModel


class Region(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="municipalities")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class RegionalCoordinator(models.Model):
    """A user who sees the aggregates of one region, never a person."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                                on_delete=models.CASCADE, related_name="coordinator")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE,
                               related_name="coordinators")

    class Meta:
        verbose_name = _("regional coordinator")
        verbose_name_plural = _("regional coordinators")

    def __str__(self) -> str:
        return f"{self.user} — {self.region}"


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        COLLEGE = "college", _("college")
        SCHOOL = "school", _("school")
        EMPLOYER = "employer", _("employer")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("full name"), max_length=400)
    short_name = models.CharField(_("short name"), max_length=200)
    city = models.CharField(_("city"), max_length=120, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="organisations")
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"),
                                     on_delete=models.PROTECT, related_name="organisations",
                                     null=True, blank=True)
    inn = models.CharField(_("INN"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["short_name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "short_name"],
                                    name="organisation_unique_short_name"),
        ]

    def __str__(self) -> str:
        return self.short_name


class MentoringForm(models.Model):
    """The catalogue of forms: who mentors whom. Categories are participants' categories."""

    class Level(models.TextChoices):
        COLLEGE = "college", _("college (SPO)")
        SCHOOL = "school", _("school")

    class Side(models.TextChoices):
        TEACHER = "teacher", _("teacher")
        YOUNG_SPECIALIST = "young_specialist", _("young specialist")
        STUDENT = "student", _("student")
        EMPLOYER = "employer", _("employer representative")
        PUPIL = "pupil", _("pupil")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    mentor_category = models.CharField(_("mentor category"), max_length=20, choices=Side.choices)
    mentee_category = models.CharField(_("mentee category"), max_length=20,
                                       choices=Side.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("mentoring form")
        verbose_name_plural = _("mentoring forms")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Programme(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="programmes")
    title = models.CharField(_("title"), max_length=500)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.DRAFT)
    approved_by = models.CharField(_("approved by"), max_length=200, blank=True)
    approved_position = models.CharField(_("approver's position"), max_length=200, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    basis = models.JSONField(_("basis documents"), default=list, blank=True)
    developers = models.JSONField(_("developers"), default=list, blank=True,
                                  help_text=_("List of [name, position] pairs."))
    executors = models.JSONField(_("executors"), default=list, blank=True)
    control = models.TextField(_("control over execution"), blank=True)
    relevance = models.JSONField(_("explanatory note"), default=list, blank=True)
    goal = models.TextField(_("goal"), blank=True)
    components = models.JSONField(_("components"), default=list, blank=True)
    expected_results = models.JSONField(_("expected results"), default=list, blank=True)
    tolerance_percent = models.PositiveSmallIntegerField(
        _("tolerance for 'at risk', %"), default=10,
        help_text=_("A fact this close to the plan (in per cent of the plan) is 'at risk', "
                    "not 'not met'."),
    )
    forms = models.ManyToManyField(MentoringForm, through="ProgrammeForm",
                                   verbose_name=_("forms"), related_name="programmes")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")),
                                   name="programme_years_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.short_name}: {self.start_year}–{self.end_year}"

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class ProgrammeRoleText(models.Model):
    """How the programme describes one of its roles (mentee, mentor, curator)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="role_texts",
                                  verbose_name=_("programme"))
    code = models.CharField(_("role"), max_length=16)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("role description")
        verbose_name_plural = _("role descriptions")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="role_text_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeForm(models.Model):
    """A form as this programme uses it: goals, areas of application, expected results."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="programme_forms", verbose_name=_("programme"))
    form = models.ForeignKey(MentoringForm, on_delete=models.PROTECT,
                             related_name="programme_forms", verbose_name=_("form"))
    goals = models.TextField(_("goals and tasks"), blank=True)
    areas_title = models.CharField(_("area of application"), max_length=200, blank=True)
    areas = models.JSONField(_("activities"), default=list, blank=True)
    results = models.JSONField(_("expected results"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("programme form")
        verbose_name_plural = _("programme forms")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "form"], name="programme_form_unique"),
        ]

    def __str__(self) -> str:
        return str(self.form)


class Task(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tasks",
                                  verbose_name=_("programme"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.TextField(_("task"))
    roadmap_title = models.TextField(_("roadmap section"), blank=True)

    class Meta:
        verbose_name = _("programme task")
        verbose_name_plural = _("programme tasks")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="task_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class TaskIndicator(models.Model):
    """A target indicator named under a task (text and unit, as the programme states it)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="indicators",
                             verbose_name=_("task"))
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("indicator"))
    unit = models.CharField(_("unit"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("task indicator")
        verbose_name_plural = _("task indicators")
        ordering = ["task", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="task_indicator_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.task.number}.{self.number} {self.text}"


class Activity(models.Model):
    """A roadmap activity (1.1 … 5.6)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="activities",
                                  verbose_name=_("programme"))
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="activities",
                             verbose_name=_("task"))
    number = models.CharField(_("number"), max_length=10)
    position = models.PositiveSmallIntegerField(pgettext_lazy("order in a list", "position"),
                                                default=0)
    title = models.TextField(_("activity"))
    items = models.JSONField(_("steps"), default=list, blank=True)
    timing = models.CharField(_("timing"), max_length=120)
    months = models.JSONField(_("months"), default=list, blank=True,
                              help_text=_("Calendar months 1–12; empty means all year."))
    yearly = models.BooleanField(_("every year"), default=True)
    responsibles = models.TextField(_("responsible"), blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)

    class Meta:
        verbose_name = _("roadmap activity")
        verbose_name_plural = _("roadmap activities")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="activity_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title[:80]}"


class ActivityExecution(TimeStampedModel):
    """What happened with one activity in one academic year (the year it starts in)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="executions",
                                 verbose_name=_("activity"))
    academic_year = models.PositiveSmallIntegerField(_("academic year"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible"),
                                    on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    evidence = models.FileField(_("evidence file"), upload_to="evidence/%Y/", blank=True)
    evidence_link = models.URLField(_("evidence link"), blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("activity execution")
        verbose_name_plural = _("activity executions")
        ordering = ["activity", "academic_year"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "academic_year"],
                                    name="execution_unique_year"),
            models.CheckConstraint(condition=Q(status="done", done_on__isnull=False)
                                   | ~Q(status="done"), name="execution_done_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.activity.number} / {self.academic_year}"


class Stage(models.Model):
    """One of the seven stages of the yearly cycle, tied to its roadmap activity."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="stages",
                                  verbose_name=_("programme"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    activity = models.ForeignKey(Activity, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="stages", verbose_name=_("activity"))
    months = models.JSONField(_("months"), default=list, blank=True)
    artefact = models.CharField(_("artefact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="stage_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=7),
                                   name="stage_number_1_7"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class StagePeriod(models.Model):
    """A stage's dates in one academic year."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="periods",
                              verbose_name=_("stage"))
    academic_year = models.PositiveSmallIntegerField(_("academic year"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("stage dates")
        verbose_name_plural = _("stage dates")
        ordering = ["stage", "academic_year"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "academic_year"],
                                    name="stage_period_unique_year"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="stage_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.academic_year}/{self.academic_year + 1}"


class ProgrammeVersion(models.Model):
    """An approved state of a programme: a frozen copy of its passport, tasks, forms, roadmap
    and indicator plans, with who approved it and when. Reports quote the latest one."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="versions",
                                  verbose_name=_("programme"))
    number = models.PositiveSmallIntegerField(_("version"))
    snapshot = models.JSONField(_("content"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(_("approved at"))
    approver_name = models.CharField(_("approver's name"), max_length=200)
    approver_position = models.CharField(_("approver's position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"],
                                    name="programme_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} v{self.number}"
