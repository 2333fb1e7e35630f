"""Writes for surveys: questionnaires (shipped defaults, copies, versions), campaigns
(launch, e-mail dispatch, reminders, closing) and responses (draft autosave, final submit).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled

from mentorship.models import User
from mentorship.services import audit_record
from pairing.models import Mentorship, MentorshipMember
from participants.models import ProgrammeRole
from participants.selectors import consented_person_ids
from programmes.models import MentoringForm, Organisation, Programme

from ..models import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from ..survey_defaults import DEFAULTS
from .tokens import GRACE_DAYS, invitation_token

logger = logging.getLogger(__name__)

REMIND_DAYS_BEFORE = 2
# Mentorship statuses a campaign may target; "none" is a participant without any pair.
WITHOUT_MENTORSHIP = "none"

SHIPPED_READ_ONLY = gettext_lazy(
    "A shipped questionnaire cannot be changed: make a copy and edit the copy.")
NO_QUESTIONS = gettext_lazy("A questionnaire needs at least one question.")
CHOICES_NEEDED = gettext_lazy("Question %(position)s needs at least two answer options.")
SATISFACTION_ONLY_SCALE = gettext_lazy(
    "Only a 1–10 scale question can count towards satisfaction (question %(position)s).")
AUDIENCE_MISMATCH = gettext_lazy("The questionnaire is meant for another audience.")
TEMPLATE_NOT_CURRENT = gettext_lazy(
    "This questionnaire has been replaced by a newer version: choose the current one.")
YEAR_OUTSIDE = gettext_lazy("The year is outside the programme's period.")
DEADLINE_PAST = gettext_lazy("The deadline cannot be in the past.")
NO_RECIPIENTS = gettext_lazy(
    "Nobody matches: no active participant of this audience with a valid consent to the "
    "processing of personal data.")
ALREADY_SUBMITTED = gettext_lazy(
    "Your answers have already been submitted. They cannot be changed.")
SURVEY_CLOSED = gettext_lazy("This survey is closed.")
ANSWER_REQUIRED = gettext_lazy("Please answer this question.")
ANSWER_INVALID = gettext_lazy("This answer is not one of the options.")
CAMPAIGN_NOT_OPEN = gettext_lazy("The campaign is not open.")


# --------------------------------------------------------------------------- questionnaires


@dataclass
class QuestionData:
    text: str
    type: str
    choices: list[str] = field(default_factory=list)
    required: bool = True
    is_satisfaction: bool = False


def templates_ensure_defaults() -> dict[str, SurveyTemplate]:
    """The shipped questionnaires (survey_defaults), created when missing; existing ones are
    left as they are (they may already carry answers). Idempotent; returns them by code."""
    existing = {t.code: t for t in SurveyTemplate.objects.filter(organisation__isnull=True)
                .exclude(code="")}
    for default in DEFAULTS:
        if default.code in existing:
            continue
        with transaction.atomic():
            template = SurveyTemplate.objects.create(
                code=default.code, title=default.title, audience=default.audience)
            SurveyQuestion.objects.bulk_create([
                SurveyQuestion(template=template, position=i, text=q.text, type=q.type,
                               choices=list(q.choices), required=q.required,
                               is_satisfaction=q.satisfaction)
                for i, q in enumerate(default.questions, start=1)
            ])
        existing[default.code] = template
    return existing


def template_is_locked(template: SurveyTemplate) -> bool:
    """A questionnaire that a campaign uses (so people may have answered it) never changes:
    editing it makes a new version."""
    return template.campaigns.exists()


def _validate_questions(questions: Sequence[QuestionData]) -> None:
    if not questions:
        raise ValidationError(NO_QUESTIONS)
    errors = []
    for position, q in enumerate(questions, start=1):
        if q.type in (SurveyQuestion.Type.SINGLE, SurveyQuestion.Type.MULTIPLE) and len(
                [c for c in q.choices if c.strip()]) < 2:
            errors.append(ValidationError(CHOICES_NEEDED, params={"position": position}))
        if q.is_satisfaction and q.type != SurveyQuestion.Type.SCALE:
            errors.append(ValidationError(SATISFACTION_ONLY_SCALE,
                                          params={"position": position}))
    if errors:
        raise ValidationError(errors)


def _write_questions(template: SurveyTemplate, questions: Sequence[QuestionData]) -> None:
    template.questions.all().delete()
    objs = []
    for position, q in enumerate(questions, start=1):
        choices = [c.strip() for c in q.choices if c.strip()] if q.type in (
            SurveyQuestion.Type.SINGLE, SurveyQuestion.Type.MULTIPLE) else []
        question = SurveyQuestion(template=template, position=position, text=q.text.strip(),
                                  type=q.type, choices=choices, required=q.required,
                                  is_satisfaction=q.is_satisfaction
                                  and q.type == SurveyQuestion.Type.SCALE)
        question.full_clean(exclude=["template"])
        objs.append(question)
    SurveyQuestion.objects.bulk_create(objs)


def _questions_of(template: SurveyTemplate) -> list[QuestionData]:
    return [QuestionData(text=q.text, type=q.type, choices=list(q.choices),
                         required=q.required, is_satisfaction=q.is_satisfaction)
            for q in template.questions.order_by("position")]


@transaction.atomic
def template_create(*, organisation: Organisation, title: str, audience: str,
                    form: MentoringForm | None, questions: Sequence[QuestionData],
                    acting_user: User) -> SurveyTemplate:
    """A new questionnaire of the organisation. Raises ValidationError for bad questions."""
    _validate_questions(questions)
    template = SurveyTemplate(organisation=organisation, title=title.strip(), audience=audience,
                              form=form)
    template.full_clean()
    template.save()
    _write_questions(template, questions)
    audit_record(actor=acting_user, verb="survey_template.created", target=template,
                 organisation_id=organisation.pk)
    return template


@transaction.atomic
def template_copy(*, template: SurveyTemplate, organisation: Organisation,
                  acting_user: User) -> SurveyTemplate:
    """An editable copy of a questionnaire (a shipped one or the organisation's own) for the
    organisation; it starts at version 1 and remembers what it was copied from."""
    copy = SurveyTemplate(organisation=organisation,
                          title=(_("%(title)s (copy)") % {"title": template.title})[:300],
                          audience=template.audience, form=template.form, previous=template)
    copy.full_clean()
    copy.save()
    _write_questions(copy, _questions_of(template))
    audit_record(actor=acting_user, verb="survey_template.copied", target=copy,
                 organisation_id=organisation.pk, changes={"source": [None, template.pk]})
    return copy


@transaction.atomic
def template_save(*, template: SurveyTemplate, title: str, audience: str,
                  form: MentoringForm | None, questions: Sequence[QuestionData],
                  acting_user: User) -> SurveyTemplate:
    """Save an edited questionnaire of an organisation. When campaigns already use it, the
    edit becomes a new version (the old one stays, unchanged, for its answers, and is no
    longer offered); otherwise it changes in place. Returns the questionnaire that now
    holds the edit. Raises ValidationError for a shipped questionnaire or bad questions."""
    if template.organisation_id is None:
        raise ValidationError(SHIPPED_READ_ONLY)
    _validate_questions(questions)
    template = SurveyTemplate.objects.select_for_update().get(pk=template.pk)
    if template_is_locked(template):
        new = SurveyTemplate(organisation_id=template.organisation_id, title=title.strip(),
                             audience=audience, form=form, version=template.version + 1,
                             previous=template)
        new.full_clean()
        new.save()
        template.is_current = False
        template.save(update_fields=["is_current", "updated_at"])
        _write_questions(new, questions)
        audit_record(actor=acting_user, verb="survey_template.versioned", target=new,
                     organisation_id=template.organisation_id,
                     changes={"version": [template.version, new.version]})
        return new
    template.title, template.audience, template.form = title.strip(), audience, form
    template.full_clean()
    template.save(update_fields=["title", "audience", "form", "updated_at"])
    _write_questions(template, questions)
    audit_record(actor=acting_user, verb="survey_template.updated", target=template,
                 organisation_id=template.organisation_id)
    return template


# --------------------------------------------------------------------------- campaigns


def campaign_recipients(*, programme: Programme, audience: str, form: MentoringForm | None,
                        mentorship_status: str) -> QuerySet[ProgrammeRole]:
    """Active participants of the audience (mentors or mentees) of the programme, narrowed
    to a form and a mentorship status when given (`WITHOUT_MENTORSHIP`: those without any
    pair or group). Consent is checked separately."""
    qs = ProgrammeRole.objects.filter(programme=programme, role=audience, is_active=True,
                                      person__anonymised_at__isnull=True)
    if audience == SurveyTemplate.Audience.MENTEE:
        members = MentorshipMember.objects.filter(mentorship__programme=programme)
        if form is not None:
            members = members.filter(form=form)
        if mentorship_status == WITHOUT_MENTORSHIP:
            return qs.exclude(pk__in=members.values("mentee_id"))
        if mentorship_status:
            members = members.filter(mentorship__status=mentorship_status)
        if form is not None or mentorship_status:
            qs = qs.filter(pk__in=members.values("mentee_id"))
        return qs
    mentorships = Mentorship.objects.filter(programme=programme)
    if form is not None:
        mentorships = mentorships.filter(form=form)
    if mentorship_status == WITHOUT_MENTORSHIP:
        return qs.exclude(pk__in=mentorships.values("mentor_id"))
    if mentorship_status:
        mentorships = mentorships.filter(status=mentorship_status)
    if form is not None or mentorship_status:
        qs = qs.filter(pk__in=mentorships.values("mentor_id"))
    return qs


@transaction.atomic
def campaign_launch(*, programme: Programme, template: SurveyTemplate, year: int,
                    audience: str, kind: str, deadline: dt.date, anonymous: bool,
                    form: MentoringForm | None = None, mentorship_status: str = "",
                    acting_user: User | None, link_base: str = "",
                    today: dt.date | None = None) -> SurveyCampaign:
    """Open a campaign and invite every matching participant with a valid consent (one
    invitation per person). The personal e-mails go out after commit, in Celery
    (`survey_dispatch`). Raises ValidationError when the questionnaire does not fit, the
    year or deadline is wrong, or nobody matches."""
    today = today or timezone.localdate()
    if template.audience != audience:
        raise ValidationError(AUDIENCE_MISMATCH)
    if not template.is_current:
        raise ValidationError(TEMPLATE_NOT_CURRENT)
    if template.organisation_id not in (None, programme.organisation_id):
        raise ValidationError(AUDIENCE_MISMATCH)
    if year not in programme.years:
        raise ValidationError(YEAR_OUTSIDE)
    if deadline < today:
        raise ValidationError(DEADLINE_PAST)
    roles = list(campaign_recipients(programme=programme, audience=audience, form=form,
                                     mentorship_status=mentorship_status)
                 .values_list("pk", "person_id"))
    consented = consented_person_ids(person_ids={p for _r, p in roles}, on=today)
    recipients = [r for r, p in roles if p in consented]
    if not recipients:
        raise ValidationError(NO_RECIPIENTS)
    campaign = SurveyCampaign(programme=programme, template=template, year=year,
                              audience=audience, kind=kind, form=form,
                              mentorship_status=mentorship_status, deadline=deadline,
                              anonymous=anonymous, status=SurveyCampaign.Status.OPEN,
                              created_by=acting_user, link_base=link_base.rstrip("/"))
    campaign.full_clean(exclude=["created_by"])  # None when launched by the system (demo)
    campaign.save()
    SurveyInvitation.objects.bulk_create(
        [SurveyInvitation(campaign=campaign, respondent_id=pk) for pk in recipients])
    audit_record(actor=acting_user, verb="survey_campaign.launched", target=campaign,
                 organisation_id=programme.organisation_id,
                 changes={"invitations": [None, len(recipients)]})
    from ..survey_tasks import survey_dispatch

    language = translation.get_language() or "ru"
    transaction.on_commit(partial(survey_dispatch.delay, campaign.pk, language))
    return campaign


@transaction.atomic
def campaign_close(*, campaign: SurveyCampaign, acting_user: User | None) -> SurveyCampaign:
    """Close an open campaign: its links stop working; drafts stay unsubmitted."""
    campaign = SurveyCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != SurveyCampaign.Status.OPEN:
        raise ValidationError(CAMPAIGN_NOT_OPEN)
    campaign.status = SurveyCampaign.Status.CLOSED
    campaign.save(update_fields=["status", "updated_at"])
    audit_record(actor=acting_user, verb="survey_campaign.closed", target=campaign,
                 organisation_id=campaign.programme.organisation_id)
    return campaign


def invitation_link(invitation: SurveyInvitation, base: str = "") -> str:
    return f"{base}{reverse('monitoring:survey_answer', args=[invitation_token(invitation)])}"


def _mailable(campaign: SurveyCampaign) -> QuerySet[SurveyInvitation]:
    return (SurveyInvitation.objects.filter(campaign=campaign)
            .exclude(respondent__person__email="")
            .select_related("respondent__person"))


def _send(invitation: SurveyInvitation, campaign: SurveyCampaign, *, reminder: bool) -> None:
    person = invitation.respondent.person
    context = {"person": person, "campaign": campaign, "reminder": reminder,
               "link": invitation_link(invitation, campaign.link_base),
               "expires_on": campaign.deadline + dt.timedelta(days=GRACE_DAYS)}
    subject = render_to_string("monitoring/surveys/email_subject.txt", context).strip()
    body = render_to_string("monitoring/surveys/email_body.txt", context)
    send_mail(subject, body, None, [person.email])


def campaign_dispatch(*, campaign_id: int, today: dt.date | None = None) -> int:
    """E-mail each invitation of an open campaign that has not been sent yet, to people who
    still have a valid consent and an e-mail address. Each invitation is claimed with a
    conditional update before sending, so running it twice (or in two workers) sends once.
    A failed send is unclaimed and noted on the campaign. Returns the number sent."""
    today = today or timezone.localdate()
    with scopes_disabled():
        campaign = SurveyCampaign.objects.select_related("template", "programme").get(
            pk=campaign_id)
        if campaign.status != SurveyCampaign.Status.OPEN:
            return 0
        pending = list(_mailable(campaign).filter(sent_at__isnull=True))
        consented = consented_person_ids(
            person_ids={i.respondent.person_id for i in pending}, on=today)
        sent, failed = 0, 0
        for invitation in pending:
            if invitation.respondent.person_id not in consented:
                continue
            now = timezone.now()
            claimed = SurveyInvitation.objects.filter(
                pk=invitation.pk, sent_at__isnull=True).update(sent_at=now)
            if not claimed:
                continue
            try:
                _send(invitation, campaign, reminder=False)
            except Exception:  # an SMTP failure must not stop the others
                logger.exception("survey e-mail to invitation %s failed", invitation.pk)
                SurveyInvitation.objects.filter(pk=invitation.pk).update(sent_at=None)
                failed += 1
            else:
                sent += 1
        error = (_("%(count)s e-mails could not be sent; they will be retried.")
                 % {"count": failed}) if failed else ""
        if error != campaign.dispatch_error:
            SurveyCampaign.objects.filter(pk=campaign.pk).update(dispatch_error=error)
    return sent


def campaigns_remind(*, today: dt.date | None = None) -> int:
    """Daily: remind, once, everyone who has not submitted an open campaign whose deadline is
    at most REMIND_DAYS_BEFORE days away; close campaigns whose links have expired.
    Safe to run twice (reminders are claimed like sends). Returns the reminders sent."""
    today = today or timezone.localdate()
    reminded = 0
    with scopes_disabled():
        SurveyCampaign.objects.filter(
            status=SurveyCampaign.Status.OPEN,
            deadline__lt=today - dt.timedelta(days=GRACE_DAYS)).update(
            status=SurveyCampaign.Status.CLOSED)
        campaigns = SurveyCampaign.objects.filter(
            status=SurveyCampaign.Status.OPEN, deadline__gte=today,
            deadline__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE))
        for campaign in campaigns:
            pending = list(
                _mailable(campaign)
                .filter(reminded_at__isnull=True, sent_at__isnull=False)
                .exclude(response__status=SurveyResponse.Status.SUBMITTED))
            consented = consented_person_ids(
                person_ids={i.respondent.person_id for i in pending}, on=today)
            for invitation in pending:
                if invitation.respondent.person_id not in consented:
                    continue
                if not SurveyInvitation.objects.filter(
                        pk=invitation.pk, reminded_at__isnull=True).update(
                        reminded_at=timezone.now()):
                    continue
                try:
                    _send(invitation, campaign, reminder=True)
                except Exception:
                    logger.exception("survey reminder to invitation %s failed", invitation.pk)
                    SurveyInvitation.objects.filter(pk=invitation.pk).update(reminded_at=None)
                else:
                    reminded += 1
    return reminded


# --------------------------------------------------------------------------- responses

RawAnswers = Mapping[int, Sequence[str]]


def _parse(question: SurveyQuestion, values: Sequence[str]) -> dict[str, object] | None:
    """The stored form of a raw answer; None when empty. Raises ValueError when invalid."""
    values = [v.strip() for v in values if v is not None and v.strip()]
    if not values:
        return None
    kind = question.type
    if kind == SurveyQuestion.Type.SCALE:
        score = int(values[0])
        if not 1 <= score <= 10:
            raise ValueError(score)
        return {"scale_value": score, "text_value": "", "choice_values": []}
    if kind == SurveyQuestion.Type.TEXT:
        return {"scale_value": None, "text_value": values[0][:5000], "choice_values": []}
    allowed = ["yes", "no"] if kind == SurveyQuestion.Type.YES_NO else list(question.choices)
    picked = [v for v in allowed if v in values]
    if len(picked) != len(set(values)) or (kind != SurveyQuestion.Type.MULTIPLE
                                           and len(picked) != 1):
        raise ValueError(values)
    return {"scale_value": None, "text_value": "", "choice_values": picked}


def _store(response: SurveyResponse, questions: Iterable[SurveyQuestion],
           raw: RawAnswers) -> dict[int, str]:
    """Upsert the answers given in `raw` (questions not in it are left alone). Returns the
    invalid ones (question id -> message); in a draft they are skipped, not stored."""
    errors: dict[int, str] = {}
    existing = {a.question_id: a for a in response.answers.all()}
    for question in questions:
        if question.pk not in raw:
            continue
        try:
            parsed = _parse(question, raw[question.pk])
        except ValueError:
            errors[question.pk] = str(ANSWER_INVALID)
            continue
        answer = existing.get(question.pk)
        if parsed is None:
            if answer is not None:
                answer.delete()
            continue
        if answer is None:
            answer = SurveyAnswer(response=response, question=question)
        for key, value in parsed.items():
            setattr(answer, key, value)
        answer.save()
    return errors


def _open_response(invitation: SurveyInvitation, today: dt.date | None) -> SurveyResponse:
    from .tokens import invitation_is_open

    invitation = (SurveyInvitation.objects.select_for_update()
                  .select_related("campaign").get(pk=invitation.pk))
    response, _created = SurveyResponse.objects.get_or_create(invitation=invitation)
    if response.status == SurveyResponse.Status.SUBMITTED:
        raise ValidationError(ALREADY_SUBMITTED, code="submitted")
    if not invitation_is_open(invitation, today=today):
        raise ValidationError(SURVEY_CLOSED, code="closed")
    return response


@transaction.atomic
def _draft(invitation: SurveyInvitation, answers: RawAnswers,
           today: dt.date | None) -> tuple[SurveyResponse, list[SurveyQuestion], dict[int, str]]:
    response = _open_response(invitation, today)
    questions = list(invitation.campaign.template.questions.all())
    errors = _store(response, questions, answers)
    response.save(update_fields=["updated_at"])
    return response, questions, errors


def response_save_draft(*, invitation: SurveyInvitation, answers: RawAnswers,
                        today: dt.date | None = None) -> SurveyResponse:
    """Autosave: store the given answers as a draft (invalid ones are skipped). Raises
    ValidationError once the response is submitted or the survey is closed."""
    return _draft(invitation, answers, today)[0]


def response_submit(*, invitation: SurveyInvitation, answers: RawAnswers,
                    today: dt.date | None = None) -> SurveyResponse:
    """Store the answers and submit the response: final, once per person and campaign (the
    invitation row is locked, so two submits at once cannot both pass). Raises
    `SubmitErrors` ({question id: message}) when a required question is unanswered or an
    answer is invalid (the valid answers stay saved as a draft), or ValidationError with
    code "submitted" when it was already submitted and "closed" when the survey is closed."""
    _response, questions, errors = _draft(invitation, answers, today)
    with transaction.atomic():
        response = _open_response(invitation, today)
        answered = set(response.answers.values_list("question_id", flat=True))
        for question in questions:
            if question.required and question.pk not in answered and question.pk not in errors:
                errors[question.pk] = str(ANSWER_REQUIRED)
        if errors:
            raise SubmitErrors(errors)
        response.status = SurveyResponse.Status.SUBMITTED
        response.submitted_at = timezone.now()
        response.full_clean()
        response.save(update_fields=["status", "submitted_at", "updated_at"])
    return response


class SubmitErrors(ValidationError):
    """Per-question errors of a submit; `by_question` maps a question id to its message."""

    def __init__(self, by_question: dict[int, str]) -> None:
        super().__init__(list(by_question.values()), code="incomplete")
        self.by_question = by_question
