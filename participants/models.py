"""People, their roles in a programme, their consents, and imports of participant lists.

Personal data: every model here has a scoped manager (django-scopes, dimension
`organisation`), so a query made without an active organisation scope raises instead of
leaking another college's people. Requests activate the scope in
`mentorship.middleware.ScopeMiddleware`; commands and tasks say so explicitly.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from mentorship.models import TimeStampedModel
from programmes.models import MentoringForm, Organisation, Programme


class Specialty(models.Model):
    """A specialty or profession of SPO (code per the federal list)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Competency(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StudyGroup(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="study_groups",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=50)
    course = models.PositiveSmallIntegerField(_("course"), null=True, blank=True)
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="groups", verbose_name=_("specialty"))

    objects = ScopedManager(organisation="organisation")

    class Meta:
        verbose_name = _("study group")
        verbose_name_plural = _("study groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="group_unique_name"),
            models.CheckConstraint(condition=Q(course__gte=1, course__lte=6)
                                   | Q(course__isnull=True), name="group_course_1_6"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(TimeStampedModel):
    class Category(models.TextChoices):
        STUDENT = "student", _("student")
        TEACHER = "teacher", _("teacher")
        YOUNG_SPECIALIST = "young_specialist", _("young specialist")
        EMPLOYER = "employer", _("employer representative")
        PUPIL = "pupil", _("pupil")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="people", verbose_name=_("organisation"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="person",
                                verbose_name=_("user account"))
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    study_group = models.ForeignKey(StudyGroup, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="students",
                                    verbose_name=_("study group"))
    course = models.PositiveSmallIntegerField(_("course"), null=True, blank=True)
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="people", verbose_name=_("specialty"))
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="employees", verbose_name=_("employer"),
                                 help_text=_("For employer representatives: their enterprise."))
    position = models.CharField(_("position"), max_length=200, blank=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    left_on = models.DateField(_("left the organisation on"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "middle_name", "id"]
        indexes = [
            models.Index(fields=["organisation", "category"]),
            models.Index(fields=["organisation", "last_name", "first_name"]),
        ]
        constraints = [
            models.UniqueConstraint(Lower("email"), "organisation",
                                    condition=~Q(email=""), name="person_unique_email"),
            models.CheckConstraint(condition=Q(course__gte=1, course__lte=6)
                                   | Q(course__isnull=True), name="person_course_1_6"),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(hired_on__isnull=True)
                                   | Q(left_on__gte=F("hired_on")),
                                   name="person_left_after_hired"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def short_name(self) -> str:
        initials = "".join(f"{p[0]}." for p in (self.first_name, self.middle_name) if p)
        return f"{self.last_name} {initials}".strip()

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ProgrammeRole(TimeStampedModel):
    """A person's role in a programme, with the role's own fields: a mentor's capacity,
    forms served, competencies and training; a mentee's category of request."""

    class Role(models.TextChoices):
        MENTEE = "mentee", _("mentee")
        MENTOR = "mentor", _("mentor")
        CURATOR = "curator", _("curator")
        DIRECTOR = "director", _("director")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="roles",
                                  verbose_name=_("programme"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles",
                               verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    capacity = models.PositiveSmallIntegerField(_("capacity (mentees)"), null=True, blank=True)
    forms = models.ManyToManyField(MentoringForm, blank=True, related_name="mentor_roles",
                                   verbose_name=_("forms served"))
    competencies = models.ManyToManyField(Competency, blank=True, related_name="roles",
                                          verbose_name=_("competencies"))
    trained_on = models.DateField(_("training completed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager(organisation="person__organisation")

    class Meta:
        verbose_name = _("programme role")
        verbose_name_plural = _("programme roles")
        ordering = ["programme", "role", "person"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "person", "role"],
                                    name="role_unique_per_programme"),
            models.CheckConstraint(
                condition=(Q(role="mentor", capacity__gte=1)
                           | (~Q(role="mentor") & Q(capacity__isnull=True))),
                name="role_capacity_only_mentor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}"


class Consent(TimeStampedModel):
    """A consent to personal-data processing for the programme's purposes."""

    class Signer(models.TextChoices):
        SELF = "self", _("the person")
        REPRESENTATIVE = "representative", _("parent or legal representative")
        BOTH = "both", _("the person and a parent")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents",
                               verbose_name=_("person"))
    signer = models.CharField(_("signed by"), max_length=16, choices=Signer.choices)
    representative_name = models.CharField(_("representative's full name"), max_length=300,
                                           blank=True)
    signed_on = models.DateField(_("signed on"))
    number = models.CharField(_("document number"), max_length=50, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    document = models.FileField(_("signed scan"), upload_to="consents/%Y/", blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("revocation recorded by"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))

    objects = ScopedManager(organisation="person__organisation")

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["person", "-signed_on"]
        constraints = [
            models.CheckConstraint(condition=Q(revoked_on__isnull=True)
                                   | Q(revoked_on__gte=F("signed_on")),
                                   name="consent_revoked_after_signed"),
            models.CheckConstraint(condition=Q(signer="self") | ~Q(representative_name=""),
                                   name="consent_representative_named"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.signed_on:%d.%m.%Y}"

    def is_valid_on(self, day: dt.date) -> bool:
        if self.signed_on > day:
            return False
        if self.revoked_on is not None and self.revoked_on <= day:
            return False
        return self.valid_until is None or self.valid_until >= day


class MentorTraining(models.Model):
    """A training a mentor took (course, seminar), with its date and hours."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="trainings",
                               verbose_name=_("person"))
    title = models.CharField(_("course or seminar"), max_length=300)
    kind = models.CharField(_("kind"), max_length=50, blank=True)
    held_on = models.DateField(_("date"))
    hours = models.PositiveSmallIntegerField(_("hours"), default=0)

    objects = ScopedManager(organisation="person__organisation")

    class Meta:
        verbose_name = _("mentor training")
        verbose_name_plural = _("mentor trainings")
        ordering = ["person", "-held_on"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d.%m.%Y})"


RECOGNITION_BONUS_NEEDS_ORDER = _(
    "A bonus is set by the director's order: enter the order's number and date.")


class Recognition(models.Model):
    """A reward given to a mentor for a year's work."""

    class Kind(models.TextChoices):
        THANKS = "thanks", _("thanks from the administration")
        CERTIFICATE = "certificate", _("certificate of honour")
        PETITION = "petition", _("petition to the founder")
        BONUS = "bonus", _("bonus by the director's order")
        PARENTS_LETTER = "parents_letter", _("thank-you letter to the parents")
        BEST_MENTOR = "best_mentor", _("best mentor of the year")

    role = models.ForeignKey(ProgrammeRole, on_delete=models.CASCADE,
                             related_name="recognitions", verbose_name=_("mentor"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    given_on = models.DateField(_("given on"), null=True, blank=True)
    order_number = models.CharField(_("order number"), max_length=50, blank=True,
                                    help_text=_("Required for a bonus by the director's order."))
    order_date = models.DateField(_("order date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager(organisation="role__person__organisation")

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["role", "year", "kind"],
                                    name="recognition_unique_kind_year"),
            models.CheckConstraint(condition=~Q(kind="bonus")
                                   | (~Q(order_number="") & Q(order_date__isnull=False)),
                                   name="recognition_bonus_has_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

    def clean(self) -> None:
        if self.kind == self.Kind.BONUS and (not self.order_number.strip()
                                             or self.order_date is None):
            raise ValidationError(RECOGNITION_BONUS_NEEDS_ORDER)


class ImportBatch(TimeStampedModel):
    """One upload of a participant spreadsheet, from preview to outcome."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        PREVIEWING = "previewing", _("checking")
        PREVIEWED = "previewed", _("checked, waiting for confirmation")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("imported")
        REJECTED = "rejected", _("rejected")
        FAILED = "failed", _("failed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="imports", verbose_name=_("organisation"))
    programme = models.ForeignKey(Programme, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="imports", verbose_name=_("programme"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("uploaded by"))
    file = models.FileField(_("file"), upload_to="imports/%Y/")
    original_name = models.CharField(_("file name"), max_length=255)
    strict = models.BooleanField(_("strict mode"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.UPLOADED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="import_progress_100"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.created_at:%d.%m.%Y})"


class ImportRow(models.Model):
    class Outcome(models.TextChoices):
        NEW = "new", _("new")
        UPDATED = "updated", _("updated")
        UNCHANGED = "unchanged", _("unchanged")
        ERROR = "error", _("error")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows",
                              verbose_name=_("import"))
    number = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    messages = models.JSONField(_("messages"), default=list, blank=True)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("person"))
    label = models.CharField(_("full name in the file"), max_length=300, blank=True)

    objects = ScopedManager(organisation="batch__organisation")

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["batch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="import_row_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.get_outcome_display()}"
