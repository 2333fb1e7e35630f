"""Writes for pairing: requests, the mentor base, matcher settings and runs, decisions on
proposals, mentorships formed and ended.

Every service that changes pairs is atomic and locks the mentor's role row before it counts
free places, so two curators accepting at once cannot over-fill a mentor. Notifications go
out after commit, only to people with a valid consent and an e-mail.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial, wraps
from typing import Any, TypeVar

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import OperationalError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorship.models import User
from mentorship.services import audit_record
from participants.models import Competency, Person, ProgrammeRole
from participants.selectors import consented_person_ids
from programmes.models import MentoringForm, Programme

from . import matching
from .models import (
    Exclusion,
    MatchRun,
    MatchSettings,
    MatchSuggestion,
    MentorPreference,
    Mentorship,
    MentorshipMember,
    MentorshipRequest,
    RequestPreference,
)
from .selectors import (
    exclusions_for,
    match_settings_for,
    matcher_mentees,
    matcher_mentors,
    senior_course_required,
    weights_of,
)

# Messages that tests match.
MENTOR_HAS_NO_PLACE = gettext_lazy(
    "%(name)s has no free place left: capacity %(capacity)s, mentees now %(load)s.")
MENTEE_ALREADY_PAIRED = gettext_lazy(
    "%(name)s already has an active pair or group in the form «%(form)s».")
NO_VALID_CONSENT = gettext_lazy(
    "%(name)s has no valid consent to personal-data processing.")
MENTOR_CATEGORY_MISMATCH = gettext_lazy(
    "%(name)s cannot mentor in the form «%(form)s»: it needs a mentor who is %(category)s.")
MENTEE_CATEGORY_MISMATCH = gettext_lazy(
    "%(name)s cannot be a mentee in the form «%(form)s»: it is for %(category)s.")
MENTOR_NOT_SERVING = gettext_lazy("%(name)s does not serve the form «%(form)s».")
NOT_A_MENTOR = gettext_lazy("%(name)s is not an active mentor of this programme.")
NOT_A_MENTEE = gettext_lazy("%(name)s is not an active mentee of this programme.")
SELF_PAIRING = gettext_lazy("A person cannot be their own mentor.")
PAIR_EXCLUDED = gettext_lazy("The curator has ruled out the pair %(mentor)s and %(mentee)s.")
SENIOR_COURSE = gettext_lazy(
    "In the form «%(form)s» the mentor must study in a senior course to the mentee.")
ALREADY_DECIDED = gettext_lazy("This proposal has already been decided.")
PROPOSAL_CHANGED = gettext_lazy("The proposal has changed meanwhile: reload the board.")
NO_MENTOR_PROPOSED = gettext_lazy("This mentee has no proposed mentor: reassign one first.")
REQUEST_NOT_OPEN = gettext_lazy("The request is no longer open.")
OPEN_REQUEST_EXISTS = gettext_lazy("There is already an open request in this form.")
FORM_NOT_IN_PROGRAMME = gettext_lazy("The programme does not use this form.")
TOO_MANY_PREFERENCES = gettext_lazy("Choose at most three preferred mentors.")
DUPLICATE_PREFERENCE = gettext_lazy("Each preferred mentor can be chosen once.")
CAPACITY_BELOW_LOAD = gettext_lazy(
    "The capacity cannot be less than the mentees the mentor has now (%(load)s).")
RUN_IN_PROGRESS = gettext_lazy("The matcher is already running for this form.")
RUN_NOT_DONE = gettext_lazy("The matcher run has not finished.")
MEMBER_NOT_ACTIVE = gettext_lazy("This mentee has already left the pair or group.")
NO_MENTEES = gettext_lazy("Choose at least one mentee.")
RUN_FAILED = gettext_lazy("The matcher stopped with an error: %(error)s. Please run it again; "
                          "if it fails again, tell the administrator.")

RUN_STALE_AFTER = dt.timedelta(minutes=15)
_LOCK_TIMEOUT_S = 20.0


def _name(role: ProgrammeRole) -> str:
    return role.person.short_name


# --------------------------------------------------------------------------- locking

# SQLite (the embedded default: one process, threads) cannot wait on a row lock, and its
# shared-cache test database reports a busy table at once instead of waiting. Writers that
# count a mentor's places therefore also take this process-wide lock there, around the
# whole transaction. PostgreSQL needs none of it: its row lock does the work.
_SQLITE_WRITERS = threading.RLock()
_Func = TypeVar("_Func", bound=Callable[..., Any])


def _mentor_writer(func: _Func) -> _Func:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if connection.vendor != "sqlite":
            return func(*args, **kwargs)
        with _SQLITE_WRITERS:
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _lock_mentor(pk: int) -> ProgrammeRole:
    """The mentor's role row, locked for the rest of the transaction.

    PostgreSQL takes a row lock (SELECT … FOR UPDATE): a second transaction waits here until
    the first commits, then counts what it committed. SQLite has no row locks; a write takes
    the database's write lock instead, which serialises writers the same way (a busy
    database is retried until the timeout). On SQLite this must be the transaction's first
    statement, so that the waiting transaction holds no read lock the first one needs."""
    if connection.features.has_select_for_update:
        return (ProgrammeRole.objects.select_for_update(of=("self",))
                .select_related("person").get(pk=pk))
    deadline = time.monotonic() + _LOCK_TIMEOUT_S
    while True:
        try:
            with transaction.atomic():  # a savepoint: a busy attempt leaves no trace
                ProgrammeRole.objects.filter(pk=pk).update(note=F("note"))
            break
        except OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    return ProgrammeRole.objects.select_related("person").get(pk=pk)


def mentor_free_places(*, mentor: ProgrammeRole) -> int:
    """Capacity less the active mentees across the mentor's active mentorships."""
    load = MentorshipMember.objects.filter(
        mentorship__mentor_id=mentor.pk, mentorship__status=Mentorship.Status.ACTIVE,
        is_active=True).count()
    return (mentor.capacity or 0) - load


# --------------------------------------------------------------------------- hard rules

def _check_pair(*, programme: Programme, form: MentoringForm, mentor: ProgrammeRole,
                mentee: ProgrammeRole, on: dt.date) -> None:
    """The hard rules for one pair (capacity aside). Raises ValidationError."""
    if mentor.programme_id != programme.pk or mentor.role != ProgrammeRole.Role.MENTOR \
            or not mentor.is_active:
        raise ValidationError(NOT_A_MENTOR, params={"name": _name(mentor)})
    if mentee.programme_id != programme.pk or mentee.role != ProgrammeRole.Role.MENTEE \
            or not mentee.is_active:
        raise ValidationError(NOT_A_MENTEE, params={"name": _name(mentee)})
    if mentor.person_id == mentee.person_id:
        raise ValidationError(SELF_PAIRING)
    if mentor.person.category != form.mentor_category:
        raise ValidationError(MENTOR_CATEGORY_MISMATCH, params={
            "name": _name(mentor), "form": form.name,
            "category": MentoringForm.Side(form.mentor_category).label})
    if mentee.person.category != form.mentee_category:
        raise ValidationError(MENTEE_CATEGORY_MISMATCH, params={
            "name": _name(mentee), "form": form.name,
            "category": MentoringForm.Side(form.mentee_category).label})
    if not mentor.forms.filter(pk=form.pk).exists():
        raise ValidationError(MENTOR_NOT_SERVING, params={"name": _name(mentor),
                                                          "form": form.name})
    if senior_course_required(form):
        mentor_course = mentor.person.course or getattr(mentor.person.study_group, "course",
                                                        None)
        mentee_course = mentee.person.course or getattr(mentee.person.study_group, "course",
                                                        None)
        if mentor_course and mentee_course and mentor_course <= mentee_course:
            raise ValidationError(SENIOR_COURSE, params={"form": form.name})
    if Exclusion.objects.filter(programme=programme, mentor=mentor, mentee=mentee).exists():
        raise ValidationError(PAIR_EXCLUDED, params={"mentor": _name(mentor),
                                                     "mentee": _name(mentee)})
    consented = consented_person_ids(person_ids=[mentor.person_id, mentee.person_id], on=on)
    for role in (mentor, mentee):
        if role.person_id not in consented:
            raise ValidationError(NO_VALID_CONSENT, params={"name": _name(role)})
    if MentorshipMember.objects.filter(mentee=mentee, form=form, is_active=True).exists():
        raise ValidationError(MENTEE_ALREADY_PAIRED, params={"name": _name(mentee),
                                                             "form": form.name})


# --------------------------------------------------------------------------- requests

def _clean_preferences(*, programme: Programme, form: MentoringForm, mentee: ProgrammeRole,
                       mentors: Sequence[ProgrammeRole]) -> list[ProgrammeRole]:
    if len(mentors) > matching.MAX_PREFERENCES:
        raise ValidationError(TOO_MANY_PREFERENCES)
    if len({m.pk for m in mentors}) != len(mentors):
        raise ValidationError(DUPLICATE_PREFERENCE)
    for mentor in mentors:
        if mentor.programme_id != programme.pk or mentor.role != ProgrammeRole.Role.MENTOR:
            raise ValidationError(NOT_A_MENTOR, params={"name": _name(mentor)})
        if mentor.person_id == mentee.person_id:
            raise ValidationError(SELF_PAIRING)
        if not mentor.forms.filter(pk=form.pk).exists():
            raise ValidationError(MENTOR_NOT_SERVING, params={"name": _name(mentor),
                                                              "form": form.name})
    return list(mentors)


def _check_request(*, programme: Programme, form: MentoringForm, mentee: ProgrammeRole,
                   exclude_pk: int | None = None) -> None:
    if mentee.programme_id != programme.pk or mentee.role != ProgrammeRole.Role.MENTEE:
        raise ValidationError(NOT_A_MENTEE, params={"name": _name(mentee)})
    if not programme.forms.filter(pk=form.pk).exists():
        raise ValidationError(FORM_NOT_IN_PROGRAMME)
    if mentee.person.category != form.mentee_category:
        raise ValidationError(MENTEE_CATEGORY_MISMATCH, params={
            "name": _name(mentee), "form": form.name,
            "category": MentoringForm.Side(form.mentee_category).label})
    open_requests = MentorshipRequest.objects.filter(
        mentee=mentee, form=form, status=MentorshipRequest.Status.OPEN)
    if exclude_pk is not None:
        open_requests = open_requests.exclude(pk=exclude_pk)
    if open_requests.exists():
        raise ValidationError(OPEN_REQUEST_EXISTS)
    if MentorshipMember.objects.filter(mentee=mentee, form=form, is_active=True).exists():
        raise ValidationError(MENTEE_ALREADY_PAIRED, params={"name": _name(mentee),
                                                             "form": form.name})


def _set_preferences(request: MentorshipRequest, mentors: list[ProgrammeRole]) -> None:
    request.preferences.all().delete()
    RequestPreference.objects.bulk_create([
        RequestPreference(request=request, mentor=mentor, rank=rank)
        for rank, mentor in enumerate(mentors, start=1)])


@transaction.atomic
def request_submit(
    *, programme: Programme, mentee: ProgrammeRole, form: MentoringForm, category: str,
    competencies: Sequence[Competency] = (), goal: str = "",
    preferred_mentors: Sequence[ProgrammeRole] = (), acting_user: User | None,
) -> MentorshipRequest:
    """File a mentee's request (by the mentee or by the curator on their behalf). Raises
    ValidationError if the form does not fit the mentee, an open request of the form exists,
    the mentee is already paired in it, or a preferred mentor cannot mentor in it."""
    _check_request(programme=programme, form=form, mentee=mentee)
    mentors = _clean_preferences(programme=programme, form=form, mentee=mentee,
                                 mentors=preferred_mentors)
    request = MentorshipRequest(programme=programme, mentee=mentee, form=form,
                                category=category, goal=goal.strip(), created_by=acting_user)
    request.full_clean()
    request.save()
    request.competencies.set(competencies)
    _set_preferences(request, mentors)
    audit_record(actor=acting_user, verb="request.submitted", target=request,
                 organisation_id=programme.organisation_id)
    return request


@transaction.atomic
def request_update(
    *, request: MentorshipRequest, form: MentoringForm, category: str,
    competencies: Sequence[Competency] = (), goal: str = "",
    preferred_mentors: Sequence[ProgrammeRole] = (), acting_user: User | None,
) -> MentorshipRequest:
    """Change an open request. Same rules as `request_submit`."""
    request = MentorshipRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != MentorshipRequest.Status.OPEN:
        raise ValidationError(REQUEST_NOT_OPEN)
    mentee = ProgrammeRole.objects.select_related("person").get(pk=request.mentee_id)
    _check_request(programme=request.programme, form=form, mentee=mentee,
                   exclude_pk=request.pk)
    mentors = _clean_preferences(programme=request.programme, form=form, mentee=mentee,
                                 mentors=preferred_mentors)
    changes = {"form": [request.form_id, form.pk], "category": [request.category, category]}
    request.form, request.category, request.goal = form, category, goal.strip()
    request.full_clean()
    request.save(update_fields=["form", "category", "goal", "updated_at"])
    request.competencies.set(competencies)
    _set_preferences(request, mentors)
    audit_record(actor=acting_user, verb="request.updated", target=request,
                 organisation_id=request.programme.organisation_id, changes=changes)
    return request


@transaction.atomic
def request_withdraw(*, request: MentorshipRequest, acting_user: User | None) -> None:
    """Withdraw an open request. Raises ValidationError if it is not open."""
    updated = MentorshipRequest.objects.filter(
        pk=request.pk, status=MentorshipRequest.Status.OPEN,
    ).update(status=MentorshipRequest.Status.WITHDRAWN, updated_at=timezone.now())
    if not updated:
        raise ValidationError(REQUEST_NOT_OPEN)
    request.status = MentorshipRequest.Status.WITHDRAWN
    audit_record(actor=acting_user, verb="request.withdrawn", target=request,
                 organisation_id=request.programme.organisation_id)


# --------------------------------------------------------------------------- mentor base

@transaction.atomic
def mentor_add(*, programme: Programme, person: Person, capacity: int = 1,
               acting_user: User | None) -> ProgrammeRole:
    """Put a person of the programme's organisation into its mentor base (or make their
    mentor role active again). Idempotent."""
    role, created = ProgrammeRole.objects.get_or_create(
        programme=programme, person=person, role=ProgrammeRole.Role.MENTOR,
        defaults={"capacity": max(1, capacity)})
    if not created and not role.is_active:
        role.is_active = True
        role.save(update_fields=["is_active", "updated_at"])
    if created or not role.is_active:
        audit_record(actor=acting_user, verb="mentor.added", target=role,
                     organisation_id=programme.organisation_id)
    return role


@_mentor_writer
@transaction.atomic
def mentor_update(
    *, mentor: ProgrammeRole, capacity: int, forms: Sequence[MentoringForm],
    competencies: Sequence[Competency], trained_on: dt.date | None,
    preferred_mentees: Sequence[ProgrammeRole] = (), is_active: bool = True,
    acting_user: User | None,
) -> ProgrammeRole:
    """Change a mentor's capacity, forms served, competencies, training date and preferred
    mentees (in order, at most three). Raises ValidationError if the capacity is below the
    mentor's current mentees."""
    mentor = _lock_mentor(mentor.pk)
    load = (mentor.capacity or 0) - mentor_free_places(mentor=mentor)
    if capacity < load:
        raise ValidationError(CAPACITY_BELOW_LOAD, params={"load": load})
    if len(preferred_mentees) > matching.MAX_PREFERENCES:
        raise ValidationError(TOO_MANY_PREFERENCES)
    if len({m.pk for m in preferred_mentees}) != len(preferred_mentees):
        raise ValidationError(DUPLICATE_PREFERENCE)
    for mentee in preferred_mentees:
        if mentee.programme_id != mentor.programme_id or mentee.role != ProgrammeRole.Role.MENTEE:
            raise ValidationError(NOT_A_MENTEE, params={"name": _name(mentee)})
    changes = {k: [str(getattr(mentor, k)), str(v)] for k, v in (
        ("capacity", capacity), ("trained_on", trained_on), ("is_active", is_active))
        if getattr(mentor, k) != v}
    mentor.capacity, mentor.trained_on, mentor.is_active = capacity, trained_on, is_active
    mentor.full_clean()
    mentor.save(update_fields=["capacity", "trained_on", "is_active", "updated_at"])
    mentor.forms.set(forms)
    mentor.competencies.set(competencies)
    MentorPreference.objects.filter(mentor=mentor).delete()
    MentorPreference.objects.bulk_create([
        MentorPreference(mentor=mentor, mentee=mentee, rank=rank)
        for rank, mentee in enumerate(preferred_mentees, start=1)])
    audit_record(actor=acting_user, verb="mentor.updated", target=mentor,
                 organisation_id=mentor.person.organisation_id, changes=changes)
    return mentor


# --------------------------------------------------------------------------- settings

@transaction.atomic
def match_settings_update(*, programme: Programme, values: dict[str, Any],
                          acting_user: User | None) -> MatchSettings:
    """Save the programme's matcher weights and options."""
    settings = match_settings_for(programme=programme)
    changes = {k: [getattr(settings, k), v] for k, v in values.items()
               if getattr(settings, k) != v}
    for key, value in values.items():
        setattr(settings, key, value)
    settings.full_clean()
    settings.save()
    audit_record(actor=acting_user, verb="match_settings.updated", target=settings,
                 organisation_id=programme.organisation_id, changes=changes)
    return settings


@transaction.atomic
def exclusion_add(*, programme: Programme, mentor: ProgrammeRole, mentee: ProgrammeRole,
                  reason: str = "", acting_user: User | None) -> Exclusion:
    """Rule a pair out for the matcher. Idempotent."""
    exclusion, created = Exclusion.objects.get_or_create(
        mentor=mentor, mentee=mentee, defaults={"programme": programme, "reason": reason[:300]})
    if created:
        audit_record(actor=acting_user, verb="exclusion.added", target=exclusion,
                     organisation_id=programme.organisation_id)
    return exclusion


@transaction.atomic
def exclusion_remove(*, exclusion: Exclusion, acting_user: User | None) -> None:
    audit_record(actor=acting_user, verb="exclusion.removed", target=exclusion,
                 organisation_id=exclusion.programme.organisation_id)
    exclusion.delete()


# --------------------------------------------------------------------------- matcher runs

@transaction.atomic
def match_run_create(*, programme: Programme, form: MentoringForm,
                     acting_user: User | None) -> MatchRun:
    """Queue a matcher run for a form, with the programme's settings as they are now.
    Raises ValidationError if a run of the form is queued or running (and not stale)."""
    if not programme.forms.filter(pk=form.pk).exists():
        raise ValidationError(FORM_NOT_IN_PROGRAMME)
    busy = MatchRun.objects.select_for_update().filter(
        programme=programme, form=form, status__in=[MatchRun.Status.QUEUED,
                                                    MatchRun.Status.RUNNING],
        created_at__gte=timezone.now() - RUN_STALE_AFTER)
    if busy.exists():
        raise ValidationError(RUN_IN_PROGRESS)
    settings = match_settings_for(programme=programme)
    run = MatchRun.objects.create(
        programme=programme, form=form, created_by=acting_user,
        params={"weights": weights_of(settings).__dict__, "objective": settings.objective,
                "require_training": settings.require_training,
                "group_mentees": settings.group_mentees, "top_k": matching.DEFAULT_TOP_K})
    audit_record(actor=acting_user, verb="match_run.created", target=run,
                 organisation_id=programme.organisation_id)
    return run


class _Progress:
    """Writes a run's progress for the board to poll, at most twice a second (each write is
    a commit)."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = time.monotonic()

    def __call__(self, value: int) -> None:
        now = time.monotonic()
        if now - self.last >= 0.5:
            self.last = now
            MatchRun.objects.filter(pk=self.run_id).update(progress=max(1, min(99, value)))


def match_run_execute(*, run_id: int) -> MatchRun:
    """Run the matcher: load the form's open requests and the mentors, score, optimise and
    save one suggestion per mentee (a proposed mentor with its explanation, or the reason
    there is none). Safe to run twice: only a queued run is claimed. A failure ends in a
    readable error on the run."""
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED).update(
        status=MatchRun.Status.RUNNING, progress=1, updated_at=timezone.now())
    run = MatchRun.objects.select_related("programme__organisation", "form").get(pk=run_id)
    if not claimed:
        return run
    try:
        _execute(run)
    except Exception as exc:
        MatchRun.objects.filter(pk=run_id).update(
            status=MatchRun.Status.FAILED, finished_at=timezone.now(),
            error=str(RUN_FAILED % {"error": exc.__class__.__name__}))
        raise
    run.refresh_from_db()
    return run


def _save_suggestions(run_id: int,
                      rows: list[tuple[int | None, int, int, int, list[Any], str]]) -> None:
    """Insert a run's suggestions: by COPY on PostgreSQL (a region's 20,000 rows in a
    fraction of a second), by bulk_create elsewhere."""
    status = MatchSuggestion.Status.PROPOSED
    if connection.vendor == "postgresql":
        table = MatchSuggestion._meta.db_table
        columns = "run_id, mentor_id, mentee_id, request_id, score, explanation, " \
                  "unmatched_reason, status"
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608 - fixed names
            for mentor_id, mentee_id, request_id, score, explanation, reason in rows:
                copy.write_row((run_id, mentor_id, mentee_id, request_id, float(score),
                                json.dumps(explanation, ensure_ascii=False), reason, status))
        return
    MatchSuggestion.objects.bulk_create([
        MatchSuggestion(run_id=run_id, mentor_id=mentor_id, mentee_id=mentee_id,
                        request_id=request_id, score=score, explanation=explanation,
                        unmatched_reason=reason, status=status)
        for mentor_id, mentee_id, request_id, score, explanation, reason in rows],
        batch_size=2000)


def _execute(run: MatchRun) -> None:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    programme, form, params = run.programme, run.form, run.params
    today = timezone.localdate()
    settings = MatchSettings(programme=programme, objective=params.get(
        "objective", MatchSettings.Objective.MOST_MATCHED),
        require_training=params.get("require_training", True))
    weights = matching.Weights(**params.get("weights", {}))
    mentees = matcher_mentees(programme=programme, form=form, on=today)
    mentors = matcher_mentors(programme=programme, form=form, settings=settings, on=today)
    exclusions = exclusions_for(programme=programme)
    timings["load"] = time.perf_counter() - started
    progress = _Progress(run.pk)
    progress(10)

    mark = time.perf_counter()

    def on_progress(fraction: float) -> None:
        progress(10 + int(60 * fraction))

    graph = matching.build_candidates(
        mentees.mentees, mentors.mentors, weights, top_k=int(params.get("top_k") or
                                                             matching.DEFAULT_TOP_K),
        senior_course=senior_course_required(form), exclusions=exclusions,
        progress=on_progress)
    timings["candidates"] = time.perf_counter() - mark
    progress(75)
    mark = time.perf_counter()
    assignment = matching.solve(graph, objective=settings.objective)
    timings["solver"] = time.perf_counter() - mark
    progress(85)

    mark = time.perf_counter()
    mentee_by_id = {x.id: x for x in mentees.mentees}
    mentor_by_id = {x.id: x for x in mentors.mentors}
    rows: list[tuple[int | None, int, int, int, list[Any], str]] = []
    unmatched: dict[str, int] = {}
    for mentee_id, mentor_id, score, reason in assignment.pairs(graph):
        explanation: list[Any] = []
        if mentor_id is not None:
            explanation = [list(line) for line in matching.explain(
                mentee_by_id[mentee_id], mentor_by_id[mentor_id], weights)]
        else:
            unmatched[reason] = unmatched.get(reason, 0) + 1
        rows.append((mentor_id, mentee_id, mentees.request_of[mentee_id], score, explanation,
                     reason))
    for mentee_id, reason in mentees.excluded.items():
        unmatched[reason] = unmatched.get(reason, 0) + 1
        rows.append((None, mentee_id, mentees.request_of[mentee_id], 0, [], reason))
    with transaction.atomic():
        MatchSuggestion.objects.filter(run_id=run.pk).delete()
        _save_suggestions(run.pk, rows)
        timings["save"] = time.perf_counter() - mark
        timings["total"] = time.perf_counter() - started
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.DONE, progress=100, finished_at=timezone.now(),
            stats={
                "requests": len(mentees.request_of), "matched": assignment.matched,
                "total_score": assignment.total_score, "unmatched": unmatched,
                "mentors": len(mentors.mentors),
                "mentors_without_consent": mentors.roles_without_consent[:200],
                "mentors_without_consent_count": len(mentors.roles_without_consent),
                "mentors_untrained": mentors.untrained,
                "free_places": int(graph.free.sum()), "candidate_pairs": graph.edges,
                "compatible_pairs": graph.compatible_pairs,
                "seconds": {k: round(v, 3) for k, v in timings.items()},
            })


# --------------------------------------------------------------------------- decisions

def _today() -> dt.date:
    return timezone.localdate()


def _notify_on_commit(mentorship: Mentorship, member_ids: list[int]) -> None:
    from .tasks import mentorship_notify_task

    language = translation.get_language() or django_settings.LANGUAGE_CODE
    transaction.on_commit(partial(mentorship_notify_task.delay, mentorship.pk, member_ids,
                                  language))


@_mentor_writer
@transaction.atomic
def mentorship_create(
    *, programme: Programme, form: MentoringForm, mentor: ProgrammeRole,
    mentees: Sequence[ProgrammeRole], acting_user: User | None,
    join: Mentorship | None = None, requests: dict[int, MentorshipRequest] | None = None,
    started_on: dt.date | None = None,
) -> tuple[Mentorship, list[MentorshipMember]]:
    """Form an active pair or group (or add mentees to `join`, an active group of the same
    mentor and form). Locks the mentor's row, then checks every hard rule and the free
    places. Raises ValidationError; marks the mentees' open requests of the form matched;
    notifies mentor and mentees after commit."""
    if not mentees:
        raise ValidationError(NO_MENTEES)
    mentor = _lock_mentor(mentor.pk)
    on = started_on or _today()
    mentee_roles = list(ProgrammeRole.objects.select_related("person__study_group")
                        .filter(pk__in=[m.pk for m in mentees]).order_by("pk"))
    for mentee in mentee_roles:
        _check_pair(programme=programme, form=form, mentor=mentor, mentee=mentee, on=on)
    free = mentor_free_places(mentor=mentor)
    if free < len(mentee_roles):
        raise ValidationError(MENTOR_HAS_NO_PLACE, params={
            "name": _name(mentor), "capacity": mentor.capacity,
            "load": (mentor.capacity or 0) - free})
    if join is not None and (join.mentor_id != mentor.pk or join.form_id != form.pk
                             or join.status != Mentorship.Status.ACTIVE):
        join = None
    created = join is None
    if join is None:
        join = Mentorship(programme=programme, form=form, mentor=mentor, started_on=on,
                          created_by=acting_user)
        join.full_clean()
        join.save()
    requests = dict(requests or {})
    for request in MentorshipRequest.objects.select_for_update().filter(
            mentee__in=mentee_roles, form=form, status=MentorshipRequest.Status.OPEN):
        requests.setdefault(request.mentee_id, request)
    members = []
    for mentee in mentee_roles:
        request = requests.get(mentee.pk)
        member = MentorshipMember(mentorship=join, mentee=mentee, form=form, joined_on=on,
                                  request=request)
        member.full_clean(validate_constraints=False)
        members.append(member)
    MentorshipMember.objects.bulk_create(members)
    request_ids = [r.pk for r in requests.values() if r is not None]
    MentorshipRequest.objects.filter(pk__in=request_ids).update(
        status=MentorshipRequest.Status.MATCHED, updated_at=timezone.now())
    audit_record(actor=acting_user, verb="mentorship.created" if created
                 else "mentorship.members_added", target=join,
                 organisation_id=programme.organisation_id,
                 changes={"mentees": [None, [m.pk for m in mentee_roles]]})
    _notify_on_commit(join, [m.pk for m in members])
    return join, members


def _decide(suggestion: MatchSuggestion, status: str, acting_user: User | None,
            mentorship: Mentorship | None = None) -> None:
    suggestion.status = status
    suggestion.decided_by = acting_user if acting_user is not None and acting_user.pk else None
    suggestion.decided_at = timezone.now()
    suggestion.mentorship = mentorship
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "mentorship"])


def _locked_suggestion(pk: int) -> MatchSuggestion:
    suggestion = (MatchSuggestion.objects.select_for_update(of=("self",))
                  .select_related("run__programme", "run__form", "request")
                  .get(pk=pk))
    if suggestion.status != MatchSuggestion.Status.PROPOSED:
        raise ValidationError(ALREADY_DECIDED)
    return suggestion


@_mentor_writer
def suggestion_accept(*, suggestion: MatchSuggestion, acting_user: User | None) -> Mentorship:
    """Accept a proposal: the mentee joins the mentor's group formed from this run (when the
    programme groups them) or a new pair. Raises ValidationError when any hard rule or the
    mentor's capacity no longer allows it; the proposal then stays proposed."""
    mentor_id = MatchSuggestion.objects.filter(pk=suggestion.pk).values_list(
        "mentor_id", flat=True).first()
    if mentor_id is None:
        raise ValidationError(NO_MENTOR_PROPOSED)
    return _suggestion_accept(suggestion_id=suggestion.pk, mentor_id=mentor_id,
                              acting_user=acting_user)


@transaction.atomic
def _suggestion_accept(*, suggestion_id: int, mentor_id: int,
                       acting_user: User | None) -> Mentorship:
    # The mentor's lock comes first, before anything is read (see `_lock_mentor`).
    mentor = _lock_mentor(mentor_id)
    suggestion = _locked_suggestion(suggestion_id)
    if suggestion.mentor_id != mentor.pk:
        raise ValidationError(PROPOSAL_CHANGED)
    run = suggestion.run
    join = None
    if run.params.get("group_mentees", True):
        join = (Mentorship.objects.filter(
            pk__in=MatchSuggestion.objects.filter(
                run=run, mentor_id=mentor.pk, status=MatchSuggestion.Status.ACCEPTED,
                mentorship__isnull=False).values("mentorship_id"),
            status=Mentorship.Status.ACTIVE).order_by("pk").first())
    request = suggestion.request
    if request.status != MentorshipRequest.Status.OPEN:
        raise ValidationError(REQUEST_NOT_OPEN)
    mentorship, _members = mentorship_create(
        programme=run.programme, form=run.form, mentor=mentor,
        mentees=[ProgrammeRole(pk=suggestion.mentee_id)], acting_user=acting_user, join=join,
        requests={suggestion.mentee_id: request})
    _decide(suggestion, MatchSuggestion.Status.ACCEPTED, acting_user, mentorship)
    return mentorship


@transaction.atomic
def suggestion_reject(*, suggestion: MatchSuggestion, acting_user: User | None,
                      exclude: bool = False, reason: str = "") -> MatchSuggestion:
    """Reject a proposal; the mentee's request stays open. With `exclude` the matcher will
    never propose this pair again."""
    suggestion = _locked_suggestion(suggestion.pk)
    if exclude and suggestion.mentor_id is not None:
        exclusion_add(programme=suggestion.run.programme,
                      mentor=ProgrammeRole.objects.get(pk=suggestion.mentor_id),
                      mentee=ProgrammeRole.objects.get(pk=suggestion.mentee_id),
                      reason=reason, acting_user=acting_user)
    _decide(suggestion, MatchSuggestion.Status.REJECTED, acting_user)
    audit_record(actor=acting_user, verb="suggestion.rejected", target=suggestion,
                 organisation_id=suggestion.run.programme.organisation_id)
    return suggestion


def proposed_elsewhere(*, run: MatchRun, exclude_suggestion: int | None = None
                       ) -> dict[int, int]:
    """Mentees proposed to each mentor in a run and not decided yet (they hold places)."""
    qs = MatchSuggestion.objects.filter(run=run, status=MatchSuggestion.Status.PROPOSED,
                                        mentor__isnull=False)
    if exclude_suggestion is not None:
        qs = qs.exclude(pk=exclude_suggestion)
    return dict(qs.values_list("mentor_id").annotate(n=Count("pk")).order_by())


@_mentor_writer
@transaction.atomic
def suggestion_reassign(*, suggestion: MatchSuggestion, mentor: ProgrammeRole,
                        acting_user: User | None) -> MatchSuggestion:
    """Propose another mentor for the mentee (a rejected or unmatched mentee too): checks
    the hard rules and that the mentor has a place not held by another proposal of the run,
    and re-scores with the run's weights."""
    mentor = _lock_mentor(mentor.pk)
    suggestion = (MatchSuggestion.objects.select_for_update(of=("self",))
                  .select_related("run__programme", "run__form").get(pk=suggestion.pk))
    if suggestion.status == MatchSuggestion.Status.ACCEPTED:
        raise ValidationError(ALREADY_DECIDED)
    run = suggestion.run
    mentee = ProgrammeRole.objects.select_related("person__study_group").get(
        pk=suggestion.mentee_id)
    _check_pair(programme=run.programme, form=run.form, mentor=mentor, mentee=mentee,
                on=_today())
    held = proposed_elsewhere(run=run, exclude_suggestion=suggestion.pk).get(mentor.pk, 0)
    free = mentor_free_places(mentor=mentor)
    if free - held < 1:
        raise ValidationError(MENTOR_HAS_NO_PLACE, params={
            "name": _name(mentor), "capacity": mentor.capacity,
            "load": (mentor.capacity or 0) - free + held})
    weights = matching.Weights(**run.params.get("weights", {}))
    settings = MatchSettings(programme=run.programme, require_training=False)
    mentees = matcher_mentees(programme=run.programme, form=run.form, on=_today(),
                              request_ids=[suggestion.request_id])
    pool = matcher_mentors(programme=run.programme, form=run.form, settings=settings,
                           on=_today())
    mentee_data = next((x for x in mentees.mentees if x.id == mentee.pk), None)
    mentor_data = next((x for x in pool.mentors if x.id == mentor.pk), None)
    explanation: list[Any] = []
    if mentee_data is not None and mentor_data is not None:
        explanation = [list(line) for line in matching.explain(mentee_data, mentor_data,
                                                               weights)]
    before = suggestion.mentor_id
    suggestion.mentor = mentor
    suggestion.explanation = explanation
    suggestion.score = sum(points for _code, points, _params in explanation)
    suggestion.unmatched_reason = ""
    suggestion.status = MatchSuggestion.Status.PROPOSED
    suggestion.save(update_fields=["mentor", "explanation", "score", "unmatched_reason",
                                   "status"])
    audit_record(actor=acting_user, verb="suggestion.reassigned", target=suggestion,
                 organisation_id=run.programme.organisation_id,
                 changes={"mentor": [before, mentor.pk]})
    return suggestion


@dataclass
class AcceptAllResult:
    accepted: int = 0
    failed: list[tuple[MatchSuggestion, str]] = field(default_factory=list)


def run_accept_all(*, run: MatchRun, acting_user: User | None) -> AcceptAllResult:
    """Accept every proposal of a finished run, mentor by mentor. A proposal that can no
    longer be accepted (a place taken meanwhile, a consent revoked) stays proposed and is
    reported with the reason; the others are accepted."""
    if run.status != MatchRun.Status.DONE:
        raise ValidationError(RUN_NOT_DONE)
    result = AcceptAllResult()
    suggestions = list(MatchSuggestion.objects.filter(
        run=run, status=MatchSuggestion.Status.PROPOSED, mentor__isnull=False,
    ).select_related("mentee__person").order_by("mentor_id", "-score", "mentee_id"))
    for suggestion in suggestions:
        try:
            suggestion_accept(suggestion=suggestion, acting_user=acting_user)
            result.accepted += 1
        except ValidationError as exc:
            result.failed.append((suggestion, " ".join(exc.messages)))
    return result


@_mentor_writer
def member_end_early(*, member: MentorshipMember, reason: str, acting_user: User | None,
                     on: dt.date | None = None) -> MentorshipMember:
    """End a mentee's participation early (not a good fit): the member row stays with the
    date and reason, the mentee's request of the form opens again (so the matcher sees them)
    and the mentorship ends early when no active mentee is left."""
    mentor_id = Mentorship.objects.filter(members=member.pk).values_list(
        "mentor_id", flat=True).get()
    return _member_end_early(member_id=member.pk, mentor_id=mentor_id, reason=reason,
                             acting_user=acting_user, on=on)


@transaction.atomic
def _member_end_early(*, member_id: int, mentor_id: int, reason: str,
                      acting_user: User | None, on: dt.date | None) -> MentorshipMember:
    _lock_mentor(mentor_id)
    member = MentorshipMember.objects.select_for_update(of=("self",)).select_related(
        "mentorship__programme").get(pk=member_id)
    if not member.is_active:
        raise ValidationError(MEMBER_NOT_ACTIVE)
    on = on or _today()
    on = max(on, member.joined_on)
    member.is_active, member.left_on, member.left_reason = False, on, reason.strip()
    member.save(update_fields=["is_active", "left_on", "left_reason"])
    if member.request_id is not None and not MentorshipRequest.objects.filter(
            mentee_id=member.mentee_id, form_id=member.form_id,
            status=MentorshipRequest.Status.OPEN).exists():
        MentorshipRequest.objects.filter(pk=member.request_id).update(
            status=MentorshipRequest.Status.OPEN, updated_at=timezone.now())
    mentorship = member.mentorship
    if not mentorship.members.filter(is_active=True).exists():
        mentorship.status = Mentorship.Status.ENDED_EARLY
        mentorship.ended_on = max(on, mentorship.started_on)
        mentorship.end_reason = reason.strip()
        mentorship.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    audit_record(actor=acting_user, verb="mentorship.member_left", target=mentorship,
                 organisation_id=mentorship.programme.organisation_id,
                 changes={"mentee": [member.mentee_id, None], "reason": [None, reason]})
    return member


# --------------------------------------------------------------------------- notifications

def mentorship_notify_members(*, mentorship_id: int, member_ids: list[int]) -> int:
    """E-mail the mentor and the new mentees of a mentorship about the pairing; only people
    with a valid consent and an e-mail. Returns the number of letters sent."""
    mentorship = Mentorship.objects.select_related("form", "mentor__person",
                                                   "programme__organisation").get(
        pk=mentorship_id)
    members = list(MentorshipMember.objects.filter(pk__in=member_ids, mentorship=mentorship)
                   .select_related("mentee__person"))
    mentor = mentorship.mentor.person
    people = [mentor, *(m.mentee.person for m in members)]
    allowed = consented_person_ids(person_ids=[p.pk for p in people], on=_today())
    sent = 0
    organisation = mentorship.programme.organisation.short_name
    if mentor.pk in allowed and mentor.email and members:
        names = ", ".join(m.mentee.person.full_name for m in members)
        body = _("Hello, %(name)s!\n\nIn the mentoring programme of %(organisation)s you now "
                 "mentor, in the form «%(form)s»: %(mentees)s.\n\nThe curator will tell you "
                 "about the first meeting.") % {
            "name": f"{mentor.first_name} {mentor.middle_name}".strip(),
            "organisation": organisation, "form": mentorship.form.name, "mentees": names}
        sent += send_mail(_("New mentees"), body, None, [mentor.email])
    for member in members:
        person = member.mentee.person
        if person.pk not in allowed or not person.email:
            continue
        body = _("Hello, %(name)s!\n\nIn the mentoring programme of %(organisation)s your "
                 "mentor in the form «%(form)s» is %(mentor)s.\n\nThe curator will tell you "
                 "about the first meeting.") % {
            "name": person.first_name, "organisation": organisation,
            "form": mentorship.form.name, "mentor": mentor.full_name}
        sent += send_mail(_("Your mentor"), body, None, [person.email])
    return sent
