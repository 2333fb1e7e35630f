"""Reads for requests and mentorships."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorship import access as roles
from mentorship.access import access_for
from mentorship.models import User
from participants.models import Person, ProgrammeRole
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

# Why the matcher left a mentee out before optimising (see also matching's reasons).
NO_CONSENT = "no_consent"
ALREADY_PAIRED = "already_paired"
WRONG_CATEGORY = "wrong_category"


def _with_members(qs: QuerySet[Mentorship]) -> QuerySet[Mentorship]:
    return qs.select_related("form", "mentor__person").prefetch_related(
        Prefetch(
            "members",
            queryset=MentorshipMember.objects.select_related("mentee__person").order_by("id"),
        )
    )


def mentorship_list_for_user(
    *, user: User, programme: Programme, form_id: int | None = None, status: str = "",
    search: str = "",
) -> QuerySet[Mentorship]:
    """Mentorships of a programme the user may see: all of them for its director, curators
    and admins; for a mentor or mentee only their own. Three queries per page (mentorships
    with form and mentor, members with people, count)."""
    access = access_for(user)
    qs = Mentorship.objects.filter(programme=programme)
    staff = access.is_admin or programme.pk in access.programme_ids(roles.DIRECTOR,
                                                                   roles.CURATOR)
    if not staff:
        own = Q(pk__in=[])
        if access.person_id is not None:
            own = Q(mentor__person_id=access.person_id) | Q(
                members__mentee__person_id=access.person_id)
        qs = qs.filter(own).distinct()
    if form_id:
        qs = qs.filter(form_id=form_id)
    if status:
        qs = qs.filter(status=status)
    for word in search.split()[:3]:
        qs = qs.filter(Q(mentor__person__last_name__icontains=word)
                       | Q(members__mentee__person__last_name__icontains=word)).distinct()
    return _with_members(qs).order_by("-started_on", "-pk")


def mentorship_counts_by_form(*, programme: Programme) -> list[dict[str, object]]:
    """Active and completed mentorships per form, in one aggregate query."""
    rows = (
        Mentorship.objects.filter(programme=programme)
        .values("form__name", "form__order")
        .annotate(
            active=Count("pk", filter=Q(status=Mentorship.Status.ACTIVE)),
            completed=Count("pk", filter=Q(status=Mentorship.Status.COMPLETED)),
            total=Count("pk"),
        )
        .order_by("form__order")
    )
    return list(rows)


def request_list_for_programme(
    *, programme: Programme, status: str = "", form_id: int | None = None, search: str = "",
    with_preferences: bool = False,
) -> QuerySet[MentorshipRequest]:
    """The programme's requests as filtered on screen; two queries a page, three with the
    preferred mentors."""
    qs = MentorshipRequest.objects.filter(programme=programme).select_related(
        "form", "mentee__person__study_group").prefetch_related("competencies")
    if with_preferences:
        qs = qs.prefetch_related(Prefetch("preferences", queryset=RequestPreference.objects
                                          .select_related("mentor__person").order_by("rank")))
    if status:
        qs = qs.filter(status=status)
    if form_id:
        qs = qs.filter(form_id=form_id)
    for word in search.split()[:3]:
        qs = qs.filter(Q(mentee__person__last_name__icontains=word)
                       | Q(goal__icontains=word))
    return qs.order_by("-created_at", "-pk")


# --------------------------------------------------------------------------- the matcher's input

def match_settings_for(*, programme: Programme) -> MatchSettings:
    """The programme's matcher settings, or the defaults (unsaved) if the curator never
    changed them."""
    return MatchSettings.objects.filter(programme=programme).first() or MatchSettings(
        programme=programme)


def weights_of(settings: MatchSettings) -> matching.Weights:
    return matching.Weights(
        competencies=settings.weight_competencies, specialty=settings.weight_specialty,
        employer=settings.weight_employer, mentee_preference=settings.weight_mentee_preference,
        mentor_preference=settings.weight_mentor_preference, load=settings.weight_load)


def specialty_group(code: str | None) -> str:
    """The enlarged group of a specialty code: «21.02.17» belongs to «21.00.00»."""
    return code.split(".", 1)[0] if code else ""


def senior_course_required(form: MentoringForm) -> bool:
    """«студент – студент»: the mentor studies in a senior course."""
    side = MentoringForm.Side
    return form.mentor_category == side.STUDENT and form.mentee_category == side.STUDENT


@dataclass
class MatcherMentors:
    mentors: list[matching.Mentor]
    roles_without_consent: list[int]
    untrained: int


def mentor_loads(*, programme: Programme, mentor_ids: list[int] | None = None) -> dict[int, int]:
    """Active mentees per mentor role of the programme (across its active mentorships of
    every form). One aggregate query."""
    qs = MentorshipMember.objects.filter(
        is_active=True, mentorship__status=Mentorship.Status.ACTIVE,
        mentorship__programme=programme)
    if mentor_ids is not None:
        qs = qs.filter(mentorship__mentor_id__in=mentor_ids)
    return dict(qs.values_list("mentorship__mentor_id").annotate(n=Count("pk")).order_by())


def matcher_mentors(
    *, programme: Programme, form: MentoringForm, settings: MatchSettings, on: dt.date,
    reserved: dict[int, int] | None = None,
) -> MatcherMentors:
    """The mentors the matcher may propose for a form: active mentor roles of the programme
    that serve the form, whose category fits it, trained if the settings say so, with a
    valid consent. Six queries whatever their number."""
    base = ProgrammeRole.objects.filter(
        programme=programme, role=ProgrammeRole.Role.MENTOR, is_active=True, forms=form,
        person__category=form.mentor_category, person__anonymised_at__isnull=True)
    rows = list(base.annotate(course=Coalesce("person__course", "person__study_group__course"))
                .values_list("pk", "person_id", "capacity", "person__specialty_id",
                             "person__specialty__code", "course", "person__employer_id",
                             "trained_on").order_by("pk"))
    consented = consented_person_ids(person_ids=[r[1] for r in rows], on=on)
    comps: dict[int, set[int]] = defaultdict(set)
    for role_id, comp_id in ProgrammeRole.competencies.through.objects.filter(
            programmerole__in=base).values_list("programmerole_id", "competency_id"):
        comps[role_id].add(comp_id)
    prefs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for mentor_id, mentee_id, rank in MentorPreference.objects.filter(
            mentor__in=base).values_list("mentor_id", "mentee_id", "rank"):
        prefs[mentor_id].append((rank, mentee_id))
    profile: dict[int, set[int]] = defaultdict(set)
    if form.mentor_category == MentoringForm.Side.EMPLOYER:
        for employer_id, spec_id in Person.objects.filter(
                organisation=programme.organisation_id, category=Person.Category.EMPLOYER,
                employer__isnull=False, specialty__isnull=False,
        ).values_list("employer_id", "specialty_id"):
            profile[employer_id].add(spec_id)
    loads = mentor_loads(programme=programme)
    reserved = reserved or {}
    mentors: list[matching.Mentor] = []
    missing: list[int] = []
    untrained = 0
    for pk, person_id, capacity, spec, code, course, employer, trained_on in rows:
        if person_id not in consented:
            missing.append(pk)
            continue
        if settings.require_training and trained_on is None:
            untrained += 1
            continue
        is_employer = form.mentor_category == MentoringForm.Side.EMPLOYER
        mentors.append(matching.Mentor(
            id=pk, person_id=person_id, capacity=capacity or 0, load=loads.get(pk, 0),
            reserved=reserved.get(pk, 0), competencies=frozenset(comps.get(pk, ())),
            specialty=spec, specialty_group=specialty_group(code), course=course,
            is_employer=is_employer,
            employer_specialties=frozenset(profile.get(employer, ())) if employer else frozenset(),
            preferred_mentees=tuple(m for _r, m in sorted(prefs.get(pk, []))),
        ))
    return MatcherMentors(mentors=mentors, roles_without_consent=missing, untrained=untrained)


@dataclass
class MatcherMentees:
    mentees: list[matching.Mentee]
    request_of: dict[int, int]  # mentee role id -> request id
    excluded: dict[int, str] = field(default_factory=dict)  # mentee role id -> reason


def matcher_mentees(
    *, programme: Programme, form: MentoringForm, on: dt.date,
    request_ids: list[int] | None = None,
) -> MatcherMentees:
    """The open requests of a form as the matcher's mentees, and those it must leave out
    with the reason (no consent, already in an active pair or group of the form, a category
    the form does not take). Five queries whatever their number."""
    requests = MentorshipRequest.objects.filter(
        programme=programme, form=form, status=MentorshipRequest.Status.OPEN,
        mentee__is_active=True, mentee__person__anonymised_at__isnull=True)
    if request_ids is not None:
        requests = requests.filter(pk__in=request_ids)
    rows = list(requests.annotate(course=Coalesce("mentee__person__course",
                                                  "mentee__person__study_group__course"))
                .values_list("pk", "mentee_id", "mentee__person_id", "mentee__person__category",
                             "mentee__person__specialty_id", "mentee__person__specialty__code",
                             "course").order_by("pk"))
    consented = consented_person_ids(person_ids=[r[2] for r in rows], on=on)
    # Plain joins (not `IN (the requests)`): a few rows of inactive mentees more, looked up
    # by request id anyway, and a much cheaper plan for a region's 20,000 requests.
    open_of_form = {"programme": programme, "form": form,
                    "status": MentorshipRequest.Status.OPEN}
    comps: dict[int, set[int]] = defaultdict(set)
    for request_id, comp_id in MentorshipRequest.competencies.through.objects.filter(
            **{f"mentorshiprequest__{k}": v for k, v in open_of_form.items()},
    ).values_list("mentorshiprequest_id", "competency_id"):
        comps[request_id].add(comp_id)
    prefs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for request_id, mentor_id, rank in RequestPreference.objects.filter(
            **{f"request__{k}": v for k, v in open_of_form.items()},
    ).values_list("request_id", "mentor_id", "rank"):
        prefs[request_id].append((rank, mentor_id))
    paired = set(MentorshipMember.objects.filter(
        form=form, is_active=True, mentorship__programme=programme,
    ).values_list("mentee_id", flat=True))
    out = MatcherMentees(mentees=[], request_of={})
    for pk, role_id, person_id, category, spec, code, course in rows:
        out.request_of[role_id] = pk
        if person_id not in consented:
            out.excluded[role_id] = NO_CONSENT
        elif role_id in paired:
            out.excluded[role_id] = ALREADY_PAIRED
        elif category != form.mentee_category:
            out.excluded[role_id] = WRONG_CATEGORY
        else:
            out.mentees.append(matching.Mentee(
                id=role_id, person_id=person_id, competencies=frozenset(comps.get(pk, ())),
                specialty=spec, specialty_group=specialty_group(code), course=course,
                preferred_mentors=tuple(m for _r, m in sorted(prefs.get(pk, []))),
            ))
    return out


def exclusions_for(*, programme: Programme) -> set[tuple[int, int]]:
    return set(Exclusion.objects.filter(programme=programme).values_list("mentee_id",
                                                                         "mentor_id"))


# --------------------------------------------------------------------------- explanations

UNMATCHED_REASONS: dict[str, Any] = {
    NO_CONSENT: gettext_lazy("no valid consent to personal-data processing"),
    ALREADY_PAIRED: gettext_lazy("already in an active pair or group of this form"),
    WRONG_CATEGORY: gettext_lazy("the form does not fit the mentee's category"),
    matching.NO_COMPATIBLE: gettext_lazy("no compatible mentor"),
    matching.MENTORS_FULL: gettext_lazy("all compatible mentors are full"),
    matching.PLACES_TAKEN: gettext_lazy("compatible mentors' places went to other mentees"),
}


def explanation_lines(explanation: list[Any]) -> list[str]:
    """The stored explanation of a proposal, one translated sentence per criterion, e.g.
    «Совпадение компетенций: 2 из 3 (+24)»."""
    lines = []
    for code, points, params in explanation:
        values = {**params, "points": points}
        if code == matching.COMPETENCIES:
            text = _("Competency match: %(matched)s of %(wanted)s (+%(points)s)") % values
        elif code == matching.SPECIALTY and params.get("level") == "same":
            text = _("Same specialty (+%(points)s)") % values
        elif code == matching.SPECIALTY:
            text = _("Related specialty of the same group (+%(points)s)") % values
        elif code == matching.EMPLOYER:
            text = _("The employer's enterprise works in the student's specialty "
                     "(+%(points)s)") % values
        elif code == matching.MENTEE_PREFERENCE:
            text = _("The mentee's choice no. %(rank)s (+%(points)s)") % values
        elif code == matching.MENTOR_PREFERENCE:
            text = _("The mentor's choice no. %(rank)s (+%(points)s)") % values
        elif code == matching.LOAD:
            text = _("Mentor's load: %(load)s of %(capacity)s (+%(points)s)") % values
        else:
            text = f"{code} (+{points})"
        lines.append(text)
    return lines


# --------------------------------------------------------------------------- the board

BOARD_MENTORS_PER_PAGE = 15
BOARD_UNMATCHED_PER_PAGE = 30


def run_latest(*, programme: Programme, form: MentoringForm) -> MatchRun | None:
    return (MatchRun.objects.filter(programme=programme, form=form)
            .select_related("form", "created_by").order_by("-created_at", "-pk").first())


@dataclass
class MentorCard:
    mentor: ProgrammeRole
    load: int
    held: int  # places held by undecided proposals of the run
    suggestions: list[MatchSuggestion]

    @property
    def free(self) -> int:
        return (self.mentor.capacity or 0) - self.load

    @property
    def free_after(self) -> int:
        return self.free - self.held


def _with_lines(suggestion: MatchSuggestion) -> MatchSuggestion:
    suggestion.lines = explanation_lines(suggestion.explanation)  # type: ignore[attr-defined]
    suggestion.reason_text = UNMATCHED_REASONS.get(  # type: ignore[attr-defined]
        suggestion.unmatched_reason, suggestion.unmatched_reason)
    return suggestion


def board_summary(*, run: MatchRun) -> dict[str, int]:
    """Proposals of a run by decision, in one aggregate query."""
    status = MatchSuggestion.Status
    return MatchSuggestion.objects.filter(run=run).aggregate(
        proposed=Count("pk", filter=Q(status=status.PROPOSED, mentor__isnull=False)),
        accepted=Count("pk", filter=Q(status=status.ACCEPTED)),
        rejected=Count("pk", filter=Q(status=status.REJECTED)),
        unmatched=Count("pk", filter=Q(mentor__isnull=True)),
        total=Count("pk"),
    )


def board_mentor_cards(*, run: MatchRun, page: int | str | None) -> tuple[Any, list[MentorCard]]:
    """One page of the run's mentors with their proposals, free places and places held by
    undecided proposals. Five queries a page (count, mentors, proposals, loads, held)."""
    mentor_ids = MatchSuggestion.objects.filter(run=run, mentor__isnull=False).values(
        "mentor_id")
    mentors = (ProgrammeRole.objects.filter(pk__in=mentor_ids).select_related("person")
               .order_by("person__last_name", "person__first_name", "pk"))
    page_obj = Paginator(mentors, BOARD_MENTORS_PER_PAGE).get_page(page)
    ids = [m.pk for m in page_obj]
    by_mentor: dict[int, list[MatchSuggestion]] = defaultdict(list)
    for s in (MatchSuggestion.objects.filter(run=run, mentor_id__in=ids)
              .select_related("mentee__person__study_group", "request")
              .order_by("-score", "mentee__person__last_name", "pk")):
        by_mentor[s.mentor_id].append(_with_lines(s))
    loads = mentor_loads(programme=run.programme, mentor_ids=ids)
    held = dict(MatchSuggestion.objects.filter(
        run=run, mentor_id__in=ids, status=MatchSuggestion.Status.PROPOSED,
    ).values_list("mentor_id").annotate(n=Count("pk")).order_by())
    cards = [MentorCard(mentor=m, load=loads.get(m.pk, 0), held=held.get(m.pk, 0),
                        suggestions=by_mentor.get(m.pk, [])) for m in page_obj]
    return page_obj, cards


def board_unmatched(*, run: MatchRun, page: int | str | None) -> Any:
    """The run's mentees without a proposed mentor, with the reason. Two queries a page."""
    qs = (MatchSuggestion.objects.filter(run=run, mentor__isnull=True)
          .select_related("mentee__person__study_group", "request")
          .order_by("unmatched_reason", "mentee__person__last_name", "pk"))
    page_obj = Paginator(qs, BOARD_UNMATCHED_PER_PAGE).get_page(page)
    for s in page_obj:
        _with_lines(s)
    return page_obj


def board_mentors_without_consent(*, run: MatchRun, limit: int = 30) -> list[ProgrammeRole]:
    ids = (run.stats or {}).get("mentors_without_consent", [])[:limit]
    return list(ProgrammeRole.objects.filter(pk__in=ids).select_related("person")
                .order_by("person__last_name", "pk"))


@dataclass
class CandidateRow:
    mentor: ProgrammeRole
    score: int
    free: int
    lines: list[str]


def suggestion_candidates(*, suggestion: MatchSuggestion, limit: int = 15
                          ) -> tuple[list[CandidateRow], str]:
    """The compatible mentors for a proposal's mentee, those with a place left first, best
    first, with their score under the run's weights and the places they have left after the
    run's other undecided proposals. Returns the rows and, when the mentee cannot be
    matched at all, why."""
    run = suggestion.run
    today = timezone.localdate()
    settings = MatchSettings(programme=run.programme,
                             require_training=run.params.get("require_training", True))
    weights = matching.Weights(**run.params.get("weights", {}))
    mentees = matcher_mentees(programme=run.programme, form=run.form, on=today,
                              request_ids=[suggestion.request_id])
    if suggestion.mentee_id in mentees.excluded:
        return [], str(UNMATCHED_REASONS[mentees.excluded[suggestion.mentee_id]])
    if not mentees.mentees:
        return [], str(_("the request is no longer open"))
    held = dict(MatchSuggestion.objects.filter(
        run=run, status=MatchSuggestion.Status.PROPOSED, mentor__isnull=False,
    ).exclude(pk=suggestion.pk).values_list("mentor_id").annotate(n=Count("pk")).order_by())
    pool = matcher_mentors(programme=run.programme, form=run.form, settings=settings,
                           on=today, reserved=held)
    mentee = mentees.mentees[0]
    ranked = matching.ranked_candidates(
        mentee, pool.mentors, weights, senior_course=senior_course_required(run.form),
        exclusions=exclusions_for(programme=run.programme))
    # Mentors with a place left first (best first), then the full ones for reference.
    ranked = [r for r in ranked if r[0].id != suggestion.mentor_id]
    ranked = sorted(ranked, key=lambda r: r[0].free <= 0)[:limit]
    roles = ProgrammeRole.objects.select_related("person").in_bulk([r[0].id for r in ranked])
    rows = [CandidateRow(mentor=roles[data.id], score=score, free=data.free,
                         lines=explanation_lines([list(x) for x in matching.explain(
                             mentee, data, weights)]))
            for data, score in ranked]
    if not rows:
        return [], str(UNMATCHED_REASONS[matching.NO_COMPATIBLE])
    return rows, ""


# --------------------------------------------------------------------------- the mentor base

def mentor_list_for_programme(
    *, programme: Programme, form_id: int | None = None, search: str = "",
) -> QuerySet[ProgrammeRole]:
    """The programme's mentors with their load, forms, competencies and preferred mentees.
    Five queries a page (count, mentors with load, forms, competencies, preferences)."""
    active = Q(mentorships_as_mentor__status=Mentorship.Status.ACTIVE,
               mentorships_as_mentor__members__is_active=True)
    qs = (ProgrammeRole.objects.filter(programme=programme, role=ProgrammeRole.Role.MENTOR)
          .select_related("person__employer", "person__specialty", "person__study_group")
          .annotate(load=Count("mentorships_as_mentor__members", filter=active, distinct=True))
          .prefetch_related(
              Prefetch("forms", queryset=MentoringForm.objects.order_by("order")),
              "competencies",
              Prefetch("preferred_mentees",
                       queryset=MentorPreference.objects.select_related("mentee__person")
                       .order_by("rank")),
          ))
    if form_id:
        qs = qs.filter(forms=form_id)
    for word in search.split()[:3]:
        qs = qs.filter(person__last_name__icontains=word)
    return qs.order_by("-is_active", "person__last_name", "person__first_name", "pk")


def mentee_requests(*, mentee: ProgrammeRole) -> list[MentorshipRequest]:
    return list(MentorshipRequest.objects.filter(mentee=mentee).select_related("form")
                .prefetch_related("competencies", Prefetch(
                    "preferences", queryset=RequestPreference.objects.select_related(
                        "mentor__person").order_by("rank")))
                .order_by("-created_at", "-pk"))


# --------------------------------------------------------------------------- the order

def order_context(*, programme: Programme, since: dt.date | None = None) -> dict[str, Any]:
    """What the order «о закреплении наставнических пар/групп» lists: the programme's active
    pairs and groups (formed on or after `since`, if given) grouped by form, and who signs."""
    qs = (Mentorship.objects.filter(programme=programme, status=Mentorship.Status.ACTIVE)
          .select_related("form", "mentor__person__employer"))
    if since is not None:
        qs = qs.filter(started_on__gte=since)
    qs = qs.prefetch_related(Prefetch(
        "members", queryset=MentorshipMember.objects.filter(is_active=True)
        .select_related("mentee__person__study_group").order_by("mentee__person__last_name"),
        to_attr="active_members"))
    by_form: dict[int, dict[str, Any]] = {}
    for m in qs.order_by("form__order", "mentor__person__last_name", "started_on", "pk"):
        by_form.setdefault(m.form_id, {"form": m.form, "mentorships": []})[
            "mentorships"].append(m)
    director = (ProgrammeRole.objects.filter(programme=programme,
                                             role=ProgrammeRole.Role.DIRECTOR, is_active=True)
                .select_related("person").order_by("pk").first())
    curator = (ProgrammeRole.objects.filter(programme=programme,
                                            role=ProgrammeRole.Role.CURATOR, is_active=True)
               .select_related("person").order_by("pk").first())
    return {"programme": programme, "groups": list(by_form.values()), "since": since,
            "director": director.person if director else None,
            "curator": curator.person if curator else None,
            "total": sum(len(g["mentorships"]) for g in by_form.values())}
