"""Demo survey data: the shipped questionnaires and, per programme year that has begun and
per audience, a finished entry and exit campaign with submitted answers, so that the
satisfaction indicators and the entry/exit page have facts to show. Called at the end of
`mentorship.demo.demo_load`. Idempotent (a campaign that exists is left alone) and fast
(bulk inserts; at most `RESPONDENTS` people per campaign)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from django.utils import timezone
from django_scopes import scopes_disabled

from participants.models import ProgrammeRole
from participants.selectors import consented_person_ids
from programmes.models import Programme

from ..models import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from .services import templates_ensure_defaults

RESPONDENTS = 12
ANSWERED_SHARE = 0.8
TEXTS = {
    ("mentee", False): ["Поддержка наставника перед сессией", "Знакомство с предприятием",
                        "Помощь с курсовой работой"],
    ("mentee", True): ["Больше встреч на производстве", "Времени на встречи",
                       "Чаще обсуждать практику"],
    ("mentor", False): ["Видеть, как растёт наставляемый", "Обмен опытом с коллегами",
                        "Методические материалы куратора"],
    ("mentor", True): ["Времени на встречи", "Обучения по работе с подростками",
                       "Обратной связи от куратора"],
}


def surveys_demo_load(*, programmes: Iterable[Programme], today: dt.date | None = None) -> int:
    """Create the demo campaigns that are missing; returns how many were created."""
    today = today or timezone.localdate()
    created = 0
    with scopes_disabled():
        defaults = templates_ensure_defaults()
        for programme in programmes:
            for year in programme.years:
                if year > today.year:
                    break
                for audience in (SurveyTemplate.Audience.MENTEE, SurveyTemplate.Audience.MENTOR):
                    for kind in (SurveyCampaign.Kind.ENTRY, SurveyCampaign.Kind.EXIT):
                        template = defaults[f"{audience}_{kind}"]
                        created += _campaign(programme, template, year, audience, kind, today)
    return created


def _campaign(programme: Programme, template: SurveyTemplate, year: int, audience: str,
              kind: str, today: dt.date) -> int:
    if SurveyCampaign.objects.filter(programme=programme, template=template, year=year,
                                     audience=audience, kind=kind).exists():
        return 0
    rng = random.Random(f"{programme.pk}-{year}-{audience}-{kind}")  # noqa: S311 - demo data
    roles = list(ProgrammeRole.objects.filter(programme=programme, role=audience,
                                              is_active=True).order_by("pk")
                 .values_list("pk", "person_id")[:RESPONDENTS * 3])
    consented = consented_person_ids(person_ids=[p for _r, p in roles], on=today)
    # The same people answer on entry and on exit (the change can be computed).
    role_ids = [r for r, p in roles if p in consented][:RESPONDENTS]
    if len(role_ids) < 5:
        return 0
    deadline = dt.date(year, 10, 15) if kind == SurveyCampaign.Kind.ENTRY else dt.date(year, 5, 31)
    deadline = min(deadline, today)
    campaign = SurveyCampaign.objects.create(
        programme=programme, template=template, year=year, audience=audience, kind=kind,
        deadline=deadline, anonymous=True, status=SurveyCampaign.Status.CLOSED)
    invitations = SurveyInvitation.objects.bulk_create(
        [SurveyInvitation(campaign=campaign, respondent_id=r) for r in role_ids])
    answered = invitations[:max(5, round(len(invitations) * ANSWERED_SHARE))]
    submitted_at = timezone.make_aware(dt.datetime.combine(deadline, dt.time(12)))
    responses = SurveyResponse.objects.bulk_create(
        [SurveyResponse(invitation=i, status=SurveyResponse.Status.SUBMITTED,
                        submitted_at=submitted_at) for i in answered])
    questions = list(template.questions.order_by("position"))
    low, high = (3, 7) if kind == SurveyCampaign.Kind.ENTRY else (6, 10)
    answers = []
    for response in responses:
        for question in questions:
            answer = SurveyAnswer(response=response, question=question)
            if question.type == SurveyQuestion.Type.SCALE:
                answer.scale_value = rng.randint(low, high)
            elif question.type == SurveyQuestion.Type.TEXT:
                if rng.random() < 0.5:
                    continue
                missing = "не хватил" in question.text or "понадобится" in question.text
                answer.text_value = rng.choice(TEXTS[(audience, missing)])
            elif question.type == SurveyQuestion.Type.YES_NO:
                answer.choice_values = [rng.choice(["yes", "yes", "yes", "no"])]
            elif question.type == SurveyQuestion.Type.MULTIPLE:
                answer.choice_values = rng.sample(question.choices, k=2)
            else:
                answer.choice_values = [rng.choice(question.choices)]
            answers.append(answer)
    SurveyAnswer.objects.bulk_create(answers)
    return 1
