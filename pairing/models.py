"""Requests, mentorships (pairs and groups), match runs with their explained suggestions, the
individual plan and the meeting log. All scoped by organisation (see participants.models)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from mentorship.models import TimeStampedModel
from participants.models import Competency, ProgrammeRole
from programmes.models import MentoringForm, Programme


class MentorshipRequest(TimeStampedModel):
    class Category(models.TextChoices):
        ACADEMIC = "academic", _("academic difficulties")
        GIFTED = "gifted", _("gifted student")
        ADAPTATION = "adaptation", _("adaptation to the group")
        PROFESSIONAL = "professional", _("professional skills")
        CHAMPIONSHIP = "championship", _("championship or demonstration exam")
        YOUNG_SPECIALIST = "young_specialist", _("young specialist's adaptation")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        MATCHED = "matched", _("matched")
        WITHDRAWN = "withdrawn", _("withdrawn")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="requests",
                                  verbose_name=_("programme"))
    mentee = models.ForeignKey(ProgrammeRole, on_delete=models.CASCADE, related_name="requests",
                               verbose_name=_("mentee"))
    form = models.ForeignKey(MentoringForm, on_delete=models.PROTECT, related_name="requests",
                             verbose_name=_("form"))
    category = models.CharField(_("request category"), max_length=20, choices=Category.choices)
    competencies = models.ManyToManyField(Competency, blank=True, related_name="requests",
                                          verbose_name=_("wanted competencies"))
    goal = models.TextField(_("goal"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("filed by"))

    objects = ScopedManager(organisation="programme__organisation")

    class Meta:
        verbose_name = _("mentorship request")
        verbose_name_plural = _("mentorship requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["mentee", "form"], condition=Q(status="open"),
                                    name="request_one_open_per_form"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee.person} — {self.form}"


class RequestPreference(models.Model):
    """A mentor the mentee prefers, in order (1 is the first choice)."""

    request = models.ForeignKey(MentorshipRequest, on_delete=models.CASCADE,
                                related_name="preferences", verbose_name=_("request"))
    mentor = models.ForeignKey(ProgrammeRole, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("mentor"))
    rank = models.PositiveSmallIntegerField(_("rank"))

    objects = ScopedManager(organisation="request__programme__organisation")

    class Meta:
        verbose_name = _("preferred mentor")
        verbose_name_plural = _("preferred mentors")
        ordering = ["request", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["request", "rank"], name="preference_unique_rank"),
            models.UniqueConstraint(fields=["request", "mentor"],
                                    name="preference_unique_mentor"),
            models.CheckConstraint(condition=Q(rank__gte=1, rank__lte=3),
                                   name="preference_rank_1_3"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.mentor.person}"


class Mentorship(TimeStampedModel):
    """A pair (one mentee) or a group (several) with one mentor in one form."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        COMPLETED = "completed", _("completed")
        ENDED_EARLY = "ended_early", _("ended early")

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", _("goal achieved")
        PARTLY = "partly", _("goal partly achieved")
        NOT_ACHIEVED = "not_achieved", _("goal not achieved")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="mentorships", verbose_name=_("programme"))
    form = models.ForeignKey(MentoringForm, on_delete=models.PROTECT,
                             related_name="mentorships", verbose_name=_("form"))
    mentor = models.ForeignKey(ProgrammeRole, on_delete=models.PROTECT,
                               related_name="mentorships_as_mentor", verbose_name=_("mentor"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.ACTIVE)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices,
                               blank=True)
    mentor_reflection = models.TextField(_("mentor's reflection"), blank=True)
    mentee_reflection = models.TextField(_("mentee's reflection"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("formed by"))

    objects = ScopedManager(organisation="programme__organisation")

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        ordering = ["-started_on", "id"]
        indexes = [models.Index(fields=["programme", "form", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True)
                                   | Q(ended_on__gte=F("started_on")),
                                   name="mentorship_dates_ordered"),
            models.CheckConstraint(condition=Q(status="active", ended_on__isnull=True)
                                   | (~Q(status="active") & Q(ended_on__isnull=False)),
                                   name="mentorship_ended_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.form}: {self.mentor.person.short_name}"


class MentorshipMember(models.Model):
    """A mentee in a mentorship. `form` and `is_active` repeat the mentorship's so that the
    database itself forbids two active mentorships of one form for one mentee."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="members",
                                   verbose_name=_("mentorship"))
    mentee = models.ForeignKey(ProgrammeRole, on_delete=models.PROTECT,
                               related_name="memberships", verbose_name=_("mentee"))
    request = models.ForeignKey(MentorshipRequest, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="memberships",
                                verbose_name=_("request"))
    form = models.ForeignKey(MentoringForm, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("form"))
    is_active = models.BooleanField(_("active"), default=True)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.TextField(_("reason for leaving"), blank=True)

    objects = ScopedManager(organisation="mentorship__programme__organisation")

    class Meta:
        verbose_name = _("mentee in a mentorship")
        verbose_name_plural = _("mentees in mentorships")
        ordering = ["mentorship", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "mentee"], name="member_unique"),
            models.UniqueConstraint(fields=["mentee", "form"], condition=Q(is_active=True),
                                    name="member_one_active_per_form"),
            models.CheckConstraint(condition=Q(left_on__isnull=True)
                                   | Q(left_on__gte=F("joined_on")),
                                   name="member_dates_ordered"),
        ]

    def __str__(self) -> str:
        return str(self.mentee.person)


class Exclusion(models.Model):
    """A pair the curator has ruled out for the matcher."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="exclusions",
                                  verbose_name=_("programme"))
    mentor = models.ForeignKey(ProgrammeRole, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("mentor"))
    mentee = models.ForeignKey(ProgrammeRole, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("mentee"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = ScopedManager(organisation="programme__organisation")

    class Meta:
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")
        constraints = [
            models.UniqueConstraint(fields=["mentor", "mentee"], name="exclusion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.person} ✕ {self.mentee.person}"


class MatchSettings(TimeStampedModel):
    """How the matcher weighs its criteria for one programme, and what it optimises."""

    class Objective(models.TextChoices):
        MOST_MATCHED = "most_matched", _("as many mentees matched as possible, then the best "
                                         "scores")
        BEST_SCORES = "best_scores", _("the best total score")

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE,
                                     related_name="match_settings", verbose_name=_("programme"))
    objective = models.CharField(_("optimise for"), max_length=16, choices=Objective.choices,
                                 default=Objective.MOST_MATCHED)
    weight_competencies = models.PositiveSmallIntegerField(
        _("competency overlap with the request"), default=40)
    weight_specialty = models.PositiveSmallIntegerField(_("same specialty or profile"),
                                                        default=20)
    weight_employer = models.PositiveSmallIntegerField(
        _("employer relevant to the student's specialty"), default=20)
    weight_mentee_preference = models.PositiveSmallIntegerField(
        _("the mentee's preference (first choice)"), default=25)
    weight_mentor_preference = models.PositiveSmallIntegerField(
        _("the mentor's preference (first choice)"), default=15)
    weight_load = models.PositiveSmallIntegerField(_("free mentor (spread the work)"),
                                                   default=10)
    require_training = models.BooleanField(
        _("only mentors who completed training"), default=True,
        help_text=_("Mentors without a training date are not proposed."))
    group_mentees = models.BooleanField(
        _("a mentor's mentees from one run form one group"), default=True,
        help_text=_("Otherwise every accepted proposal becomes a separate pair."))

    class Meta:
        verbose_name = _("matcher settings")
        verbose_name_plural = _("matcher settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_competencies__lte=100, weight_specialty__lte=100,
                            weight_employer__lte=100, weight_mentee_preference__lte=100,
                            weight_mentor_preference__lte=100, weight_load__lte=100),
                name="match_weights_at_most_100"),
        ]

    def __str__(self) -> str:
        return str(self.programme)


class MentorPreference(models.Model):
    """A mentee the mentor would like to work with, in order (1 is the first choice)."""

    mentor = models.ForeignKey(ProgrammeRole, on_delete=models.CASCADE,
                               related_name="preferred_mentees", verbose_name=_("mentor"))
    mentee = models.ForeignKey(ProgrammeRole, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("mentee"))
    rank = models.PositiveSmallIntegerField(_("rank"))

    objects = ScopedManager(organisation="mentor__person__organisation")

    class Meta:
        verbose_name = _("preferred mentee")
        verbose_name_plural = _("preferred mentees")
        ordering = ["mentor", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["mentor", "rank"], name="mentor_pref_unique_rank"),
            models.UniqueConstraint(fields=["mentor", "mentee"],
                                    name="mentor_pref_unique_mentee"),
            models.CheckConstraint(condition=Q(rank__gte=1, rank__lte=3),
                                   name="mentor_pref_rank_1_3"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.mentee.person}"


class MatchRun(TimeStampedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="match_runs", verbose_name=_("programme"))
    form = models.ForeignKey(MentoringForm, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("form"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    params = models.JSONField(_("weights and options"), default=dict, blank=True)
    stats = models.JSONField(_("results"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("started by"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedManager(organisation="programme__organisation")

    class Meta:
        verbose_name = _("matcher run")
        verbose_name_plural = _("matcher runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="match_progress_100"),
        ]

    def __str__(self) -> str:
        return f"{self.form} {self.created_at:%d.%m.%Y %H:%M}"


class MatchSuggestion(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="suggestions",
                            verbose_name=_("run"))
    mentor = models.ForeignKey(ProgrammeRole, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("mentor"), null=True, blank=True)
    mentee = models.ForeignKey(ProgrammeRole, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("mentee"))
    request = models.ForeignKey(MentorshipRequest, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("request"))
    score = models.FloatField(_("score"), default=0)
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    unmatched_reason = models.CharField(_("why no mentor"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PROPOSED)
    mentorship = models.ForeignKey(Mentorship, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+",
                                   verbose_name=_("mentorship formed"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedManager(organisation="run__programme__organisation")

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["run", "-score"]
        indexes = [models.Index(fields=["run", "mentor", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="suggestion_unique_mentee"),
            models.CheckConstraint(condition=~Q(status="accepted") | Q(mentor__isnull=False),
                                   name="suggestion_accepted_has_mentor"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} → {self.mentor_id} ({self.score:.1f})"


class PlanItem(TimeStampedModel):
    """A goal or a task of the individual mentoring plan."""

    class Kind(models.TextChoices):
        GOAL = "goal", _("goal")
        TASK = "task", _("task")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE,
                                   related_name="plan_items", verbose_name=_("mentorship"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.TASK)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("order in a list", "position"),
                                                default=0)

    objects = ScopedManager(organisation="mentorship__programme__organisation")

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["mentorship", "position", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class Meeting(TimeStampedModel):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")

    class Type(models.TextChoices):
        ACQUAINTANCE = "acquaintance", _("acquaintance")
        TRIAL = "trial", _("trial meeting")
        PLANNING = "planning", _("planning")
        REGULAR = "regular", _("regular meeting")
        FINAL = "final", _("final meeting")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE,
                                   related_name="meetings", verbose_name=_("mentorship"))
    held_on = models.DateField(_("date"))
    format = models.CharField(_("format"), max_length=12, choices=Format.choices,
                              default=Format.IN_PERSON)
    meeting_type = models.CharField(_("type"), max_length=16, choices=Type.choices,
                                    default=Type.REGULAR)
    duration_minutes = models.PositiveSmallIntegerField(_("duration, minutes"), default=45)
    topic = models.CharField(_("topic"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    attendees = models.ManyToManyField(ProgrammeRole, blank=True, related_name="meetings",
                                       verbose_name=_("attended"))
    confirmed_by_mentee_at = models.DateTimeField(_("confirmed by the mentee at"), null=True,
                                                  blank=True)
    not_a_good_fit = models.BooleanField(_("mentee says it is not a good fit"), default=False)
    not_a_good_fit_comment = models.TextField(_("mentee's comment on the fit"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("recorded by"))

    objects = ScopedManager(organisation="mentorship__programme__organisation")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["mentorship", "-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=1,
                                               duration_minutes__lte=600),
                                   name="meeting_duration_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y} {self.topic}"
