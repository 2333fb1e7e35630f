"""Reads for surveys: questionnaire and campaign lists, a respondent's open surveys, the
results of a campaign, the entry/exit change and the export rows.

Anonymity: no figure, chart or text is shown for a group (a campaign, a form, a question)
of fewer than `MIN_RESPONDENTS` respondents — the same threshold as the satisfaction
indicator's; free-text answers carry names only in named campaigns.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from pairing.models import Mentorship, MentorshipMember
from programmes.models import MentoringForm, Programme

from ..indicators import MIN_RESPONDENTS, SATISFACTION_HELP, Fact, satisfaction_fact
from ..models import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from . import charts
from .tokens import GRACE_DAYS, invitation_token

TWO = Decimal("0.01")
ONE = Decimal("0.1")
SUBMITTED = SurveyResponse.Status.SUBMITTED


def _mean(values: Iterable[int | Decimal]) -> Decimal | None:
    values = list(values)
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(TWO, ROUND_HALF_UP)


def _name(last: str, first: str, middle: str) -> str:
    return " ".join(part for part in (last, first, middle) if part)


# --------------------------------------------------------------------------- lists


def template_list_for_programme(*, programme: Programme) -> QuerySet[SurveyTemplate]:
    """Current questionnaires a curator of the programme may use: the shipped ones and the
    organisation's own, with their question and campaign counts. One query."""
    return (SurveyTemplate.objects
            .filter(Q(organisation__isnull=True) | Q(organisation_id=programme.organisation_id),
                    is_current=True)
            .select_related("form")
            .annotate(questions_count=Count("questions", distinct=True),
                      campaigns_count=Count("campaigns", distinct=True))
            .order_by("organisation_id", "audience", "title", "-version", "pk"))


def template_get_detail(*, template: SurveyTemplate) -> SurveyTemplate:
    template.question_list = list(template.questions.order_by("position"))  # type: ignore[attr-defined]
    return template


def campaign_list_for_programme(*, programme: Programme, year: int | None = None,
                                status: str = "") -> QuerySet[SurveyCampaign]:
    """The programme's campaigns, newest first, with invited, submitted and e-mailed counts.
    One query for a page."""
    qs = (SurveyCampaign.objects.filter(programme=programme)
          .select_related("template", "form")
          .annotate(invited=Count("invitations", distinct=True),
                    submitted=Count("invitations",
                                    filter=Q(invitations__response__status=SUBMITTED),
                                    distinct=True)))
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def campaign_dispatch_status(*, campaign: SurveyCampaign) -> dict[str, int]:
    """Invitations, those with an e-mail address, those e-mailed. One query."""
    return SurveyInvitation.objects.filter(campaign=campaign).aggregate(
        invited=Count("pk"),
        mailable=Count("pk", filter=~Q(respondent__person__email="")),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
    )


def invitations_open_for_person(*, person_id: int | None,
                                today: dt.date | None = None) -> list[SurveyInvitation]:
    """A person's surveys still to answer (open campaigns, link not expired, not submitted),
    each with its personal `link` token. One query."""
    if person_id is None:
        return []
    today = today or timezone.localdate()
    invitations = list(
        SurveyInvitation.objects.filter(
            respondent__person_id=person_id, campaign__status=SurveyCampaign.Status.OPEN,
            campaign__deadline__gte=today - dt.timedelta(days=GRACE_DAYS))
        .exclude(response__status=SUBMITTED)
        .select_related("campaign__template")
        .order_by("campaign__deadline", "pk")[:20])
    for invitation in invitations:
        invitation.token = invitation_token(invitation)  # type: ignore[attr-defined]
    return invitations


# --------------------------------------------------------------------------- results


@dataclass
class QuestionResult:
    question: SurveyQuestion
    respondents: int
    shown: bool
    mean: Decimal | None = None
    options: list[tuple[str, int]] = field(default_factory=list)
    chart: SafeString | str = ""
    texts: list[tuple[str, str]] = field(default_factory=list)  # (name or "", text)


@dataclass
class FormRow:
    form: MentoringForm
    respondents: int
    shown: bool
    means: list[Decimal | None]


@dataclass
class CampaignResults:
    campaign: SurveyCampaign
    invited: int
    submitted: int
    drafts: int
    rate: Decimal | None
    shown: bool
    questions: list[QuestionResult]
    scale_questions: list[SurveyQuestion]
    by_form: list[FormRow]
    satisfaction: Fact
    satisfaction_help: str
    min_respondents: int = MIN_RESPONDENTS


def _respondent_forms(campaign: SurveyCampaign, role_ids: Iterable[int]) -> dict[int, set[int]]:
    """role id -> the forms the person takes part in within the campaign's programme (the
    campaign's own form only, when it targets one). One query."""
    ids = list(role_ids)
    if campaign.audience == SurveyTemplate.Audience.MENTEE:
        rows = MentorshipMember.objects.filter(
            mentee_id__in=ids, mentorship__programme_id=campaign.programme_id
        ).values_list("mentee_id", "form_id")
    else:
        rows = Mentorship.objects.filter(
            mentor_id__in=ids, programme_id=campaign.programme_id
        ).values_list("mentor_id", "form_id")
    forms: dict[int, set[int]] = defaultdict(set)
    for role_id, form_id in rows:
        if campaign.form_id is None or form_id == campaign.form_id:
            forms[role_id].add(form_id)
    return forms


def _choice_labels(question: SurveyQuestion) -> list[tuple[str, str]]:
    if question.type == SurveyQuestion.Type.YES_NO:
        return [("yes", _("Yes")), ("no", _("No"))]
    return [(c, c) for c in question.choices]


def campaign_results(*, campaign: SurveyCampaign) -> CampaignResults:
    """Response rate, per-question distributions with charts, means by form and the year's
    satisfaction figure (the indicator's own formula). Nothing is shown for fewer than
    MIN_RESPONDENTS respondents. Seven queries whatever the number of answers."""
    counts = SurveyInvitation.objects.filter(campaign=campaign).aggregate(
        invited=Count("pk"),
        submitted=Count("pk", filter=Q(response__status=SUBMITTED)),
        drafts=Count("pk", filter=Q(response__status=SurveyResponse.Status.DRAFT)))
    questions = list(campaign.template.questions.order_by("position"))
    fields = ["response_id", "question_id", "scale_value", "text_value", "choice_values",
              "response__invitation__respondent_id"]
    if not campaign.anonymous:
        fields += ["response__invitation__respondent__person__last_name",
                   "response__invitation__respondent__person__first_name",
                   "response__invitation__respondent__person__middle_name"]
    answers = list(SurveyAnswer.objects.filter(
        response__invitation__campaign=campaign, response__status=SUBMITTED)
        .order_by("response__submitted_at", "pk").values_list(*fields))
    submitted = counts["submitted"]
    shown = submitted >= MIN_RESPONDENTS
    by_question: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in answers:
        by_question[row[1]].append(row)

    results: list[QuestionResult] = []
    for question in questions:
        rows = by_question.get(question.pk, [])
        result = QuestionResult(question=question, respondents=len(rows),
                                shown=shown and len(rows) >= MIN_RESPONDENTS)
        if result.shown:
            if question.type == SurveyQuestion.Type.SCALE:
                scores = [r[2] for r in rows if r[2] is not None]
                result.mean = _mean(scores)
                result.options = [(str(s), scores.count(s)) for s in range(1, 11)]
                result.chart = charts.column_chart(
                    [o for o, _n in result.options], [n for _o, n in result.options],
                    label=question.text)
            elif question.type == SurveyQuestion.Type.TEXT:
                result.texts = [(_name(*r[6:9]) if not campaign.anonymous else "", r[3])
                                for r in rows if r[3]]
            else:
                picked = [v for r in rows for v in r[4]]
                result.options = [(label, picked.count(value))
                                  for value, label in _choice_labels(question)]
                result.chart = charts.bar_rows(
                    [o for o, _n in result.options], [n for _o, n in result.options],
                    label=question.text)
        results.append(result)

    scale_questions = [q for q in questions if q.type == SurveyQuestion.Type.SCALE]
    role_of = {r[0]: r[5] for r in answers}
    forms_of = _respondent_forms(campaign, set(role_of.values()))
    scores: dict[tuple[int, int], list[int]] = defaultdict(list)  # (form, question)
    members: dict[int, set[int]] = defaultdict(set)  # form -> roles
    for row in answers:
        for form_id in forms_of.get(row[5], ()):
            members[form_id].add(row[5])
            if row[2] is not None:
                scores[(form_id, row[1])].append(row[2])
    forms = {f.pk: f for f in MentoringForm.objects.filter(pk__in=list(members))}
    by_form = []
    for form in sorted(forms.values(), key=lambda f: (f.order, f.name)):
        n = len(members[form.pk])
        ok = n >= MIN_RESPONDENTS
        by_form.append(FormRow(form=form, respondents=n, shown=ok,
                               means=[_mean(scores[(form.pk, q.pk)]) if ok else None
                                      for q in scale_questions]))
    invited = counts["invited"]
    return CampaignResults(
        campaign=campaign, invited=invited, submitted=submitted, drafts=counts["drafts"],
        rate=(Decimal(submitted * 100) / invited).quantize(ONE, ROUND_HALF_UP)
        if invited else None,
        shown=shown, questions=results, scale_questions=scale_questions, by_form=by_form,
        satisfaction=satisfaction_fact(campaign.programme, campaign.year, campaign.audience),
        satisfaction_help=str(SATISFACTION_HELP))


# --------------------------------------------------------------------------- entry / exit


@dataclass
class QuestionChange:
    text: str
    participants: int
    shown: bool
    entry_mean: Decimal | None
    exit_mean: Decimal | None
    delta_mean: Decimal | None


@dataclass
class ParticipantChange:
    name: str
    forms: list[str]
    deltas: list[int | None]  # per question, exit − entry


@dataclass
class FormChange:
    form: MentoringForm
    participants: int
    shown: bool
    deltas: list[Decimal | None]


@dataclass
class Changes:
    year: int
    audience: str
    questions: list[QuestionChange]
    participants: list[ParticipantChange]
    by_form: list[FormChange]
    named: bool
    entry_campaigns: int
    exit_campaigns: int
    min_respondents: int = MIN_RESPONDENTS


def entry_exit_changes(*, programme: Programme, year: int, audience: str) -> Changes:
    """For each 1–10 question asked both on entry and on exit in the programme's campaigns
    of a year and audience (matched by the question's text), the change exit − entry per
    participant who submitted both, its mean over participants and per form. A person who
    answered several campaigns of one kind counts with the latest. Names only when every
    campaign involved is named; no mean for fewer than MIN_RESPONDENTS participants.
    Four queries."""
    campaigns = list(SurveyCampaign.objects.filter(
        programme=programme, year=year, audience=audience,
        kind__in=[SurveyCampaign.Kind.ENTRY, SurveyCampaign.Kind.EXIT])
        .values_list("pk", "kind", "anonymous"))
    kind_of = {pk: kind for pk, kind, _a in campaigns}
    named = bool(campaigns) and not any(anon for _p, _k, anon in campaigns)
    rows = SurveyAnswer.objects.filter(
        response__invitation__campaign_id__in=list(kind_of), response__status=SUBMITTED,
        question__type=SurveyQuestion.Type.SCALE, scale_value__isnull=False,
    ).order_by("response__submitted_at", "pk").values_list(
        "response__invitation__campaign_id", "response__invitation__respondent_id",
        "question__text", "question__position", "scale_value",
        "response__invitation__respondent__person__last_name",
        "response__invitation__respondent__person__first_name",
        "response__invitation__respondent__person__middle_name")
    latest: dict[tuple[str, int, str], int] = {}
    order: dict[str, int] = {}
    names: dict[int, str] = {}
    for campaign_id, role_id, text, position, score, *name in rows:
        latest[(kind_of[campaign_id], role_id, text)] = score  # later rows win
        if kind_of[campaign_id] == SurveyCampaign.Kind.EXIT:
            order.setdefault(text, position)
        names[role_id] = _name(*name)
    entry_texts = {t for k, _r, t in latest if k == SurveyCampaign.Kind.ENTRY}
    texts = sorted((t for t in order if t in entry_texts), key=lambda t: order[t])
    deltas: dict[int, dict[str, int]] = defaultdict(dict)  # role -> text -> delta
    pairs: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (kind, role_id, text), score in latest.items():
        if kind != SurveyCampaign.Kind.EXIT or text not in entry_texts:
            continue
        before = latest.get((SurveyCampaign.Kind.ENTRY, role_id, text))
        if before is None:
            continue
        deltas[role_id][text] = score - before
        pairs[text].append((before, score))

    questions = []
    for text in texts:
        n = len(pairs[text])
        ok = n >= MIN_RESPONDENTS
        questions.append(QuestionChange(
            text=text, participants=n, shown=ok,
            entry_mean=_mean(b for b, _a in pairs[text]) if ok else None,
            exit_mean=_mean(a for _b, a in pairs[text]) if ok else None,
            delta_mean=_mean(a - b for b, a in pairs[text]) if ok else None))

    fake = SurveyCampaign(programme=programme, audience=audience, form=None)
    forms_of = _respondent_forms(fake, deltas.keys())
    forms = {f.pk: f for f in MentoringForm.objects.filter(
        pk__in={f for ids in forms_of.values() for f in ids})}
    by_form = []
    for form in sorted(forms.values(), key=lambda f: (f.order, f.name)):
        roles_in = [r for r in deltas if form.pk in forms_of.get(r, ())]
        ok = len(roles_in) >= MIN_RESPONDENTS
        by_form.append(FormChange(
            form=form, participants=len(roles_in), shown=ok,
            deltas=[_mean(deltas[r][t] for r in roles_in if t in deltas[r]) if ok else None
                    for t in texts]))
    participants = []
    if named:
        for role_id in sorted(deltas, key=lambda r: names[r]):
            participants.append(ParticipantChange(
                name=names[role_id],
                forms=[forms[f].name for f in sorted(forms_of.get(role_id, ()))
                       if f in forms],
                deltas=[deltas[role_id].get(t) for t in texts]))
    return Changes(year=year, audience=audience, questions=questions,
                   participants=participants, by_form=by_form, named=named,
                   entry_campaigns=sum(1 for k in kind_of.values()
                                       if k == SurveyCampaign.Kind.ENTRY),
                   exit_campaigns=sum(1 for k in kind_of.values()
                                      if k == SurveyCampaign.Kind.EXIT))


# --------------------------------------------------------------------------- export


def campaign_export_rows(*, campaign: SurveyCampaign) -> tuple[list[str], list[list[Any]]]:
    """The submitted responses as spreadsheet rows: one per respondent, one column per
    question. Names only in a named campaign (else a running number). No rows for fewer
    than MIN_RESPONDENTS respondents. Three queries."""
    questions = list(campaign.template.questions.order_by("position"))
    headers = [_("Respondent"), _("Submitted on"), *[q.text for q in questions]]
    responses = list(
        SurveyResponse.objects.filter(invitation__campaign=campaign, status=SUBMITTED)
        .select_related("invitation__respondent__person")
        .prefetch_related("answers").order_by("submitted_at", "pk"))
    if len(responses) < MIN_RESPONDENTS:
        return headers, []
    yes_no = {"yes": _("Yes"), "no": _("No")}
    rows = []
    for number, response in enumerate(responses, start=1):
        person = response.invitation.respondent.person
        who = str(number) if campaign.anonymous else person.full_name
        answers = {a.question_id: a for a in response.answers.all()}
        row: list[Any] = [who, timezone.localtime(response.submitted_at).date()]
        for question in questions:
            answer = answers.get(question.pk)
            if answer is None:
                row.append(None)
            elif question.type == SurveyQuestion.Type.SCALE:
                row.append(answer.scale_value)
            elif question.type == SurveyQuestion.Type.TEXT:
                row.append(answer.text_value)
            else:
                row.append("; ".join(yes_no.get(v, v) for v in answer.choice_values))
        rows.append(row)
    return headers, rows
