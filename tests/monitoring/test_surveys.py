"""Surveys: shipped questionnaires, versions, campaign launch and e-mails, personal links,
autosave and the single submission, results with the k-anonymity threshold, the entry/exit
change and the satisfaction formula, on answers known by hand."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from monitoring.indicators import satisfaction_fact
from monitoring.models import (
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from monitoring.survey_defaults import DEFAULTS
from monitoring.surveys import services, tokens
from monitoring.surveys.selectors import (
    campaign_export_rows,
    campaign_results,
    entry_exit_changes,
    invitations_open_for_person,
)
from pairing.models import Mentorship
from participants.models import Consent, ProgrammeRole
from programmes.models import Programme

from ..conftest import World
from ..factories import ConsentFactory, MemberFactory, MentorshipFactory, RoleFactory, form

TODAY = timezone.localdate()
YEAR = 2025
DEADLINE = TODAY + dt.timedelta(days=10)


# --------------------------------------------------------------------------- helpers


def consent(*roles: ProgrammeRole) -> None:
    for role in roles:
        ConsentFactory(person=role.person, signed_on=dt.date(2024, 9, 1))


def role_of(world: World, key: str, role: str = "mentee") -> ProgrammeRole:
    return ProgrammeRole.objects.get(programme=world.programme, person=world.people[key],
                                     role=role)


def mentees_in_pairs(programme: Programme, n: int, *, form_code: str = "teacher_student",
                     status: str = Mentorship.Status.ACTIVE) -> list[ProgrammeRole]:
    """n new mentees with consents, each in a pair of the form."""
    roles = []
    for _i in range(n):
        kwargs = {}
        if status != Mentorship.Status.ACTIVE:
            kwargs = {"status": status, "ended_on": dt.date(2025, 5, 31)}
        pair = MentorshipFactory(programme=programme, form=form(form_code), **kwargs)
        member = MemberFactory(mentorship=pair)
        roles.append(member.mentee)
    consent(*roles)
    return roles


def launch(programme: Programme, code: str = "mentee_exit", *, audience: str = "mentee",
           kind: str = "exit", anonymous: bool = True, year: int = YEAR,
           **kwargs: object) -> SurveyCampaign:
    template = services.templates_ensure_defaults()[code]
    return services.campaign_launch(programme=programme, template=template, year=year,
                                    audience=audience, kind=kind, deadline=DEADLINE,
                                    anonymous=anonymous, acting_user=None, **kwargs)


def answers_for(campaign: SurveyCampaign, *, scale: int = 8, text: str = "") -> dict[int,
                                                                                     list[str]]:
    """A complete set of raw answers: every scale question `scale`, first options, texts."""
    raw: dict[int, list[str]] = {}
    for q in campaign.template.questions.all():
        if q.type == SurveyQuestion.Type.SCALE:
            raw[q.pk] = [str(scale)]
        elif q.type == SurveyQuestion.Type.YES_NO:
            raw[q.pk] = ["yes"]
        elif q.type == SurveyQuestion.Type.TEXT:
            raw[q.pk] = [text]
        else:
            raw[q.pk] = [q.choices[0]]
    return raw


def submit_all(campaign: SurveyCampaign, scores: Sequence[int], *, text: str = "",
               roles: Sequence[ProgrammeRole] | None = None) -> list[SurveyResponse]:
    invitations = list(SurveyInvitation.objects.filter(campaign=campaign).order_by("pk"))
    if roles is not None:
        by_role = {i.respondent_id: i for i in invitations}
        invitations = [by_role[r.pk] for r in roles]
    responses = []
    for invitation, score in zip(invitations, scores, strict=False):
        responses.append(services.response_submit(
            invitation=invitation, answers=answers_for(campaign, scale=score, text=text)))
    return responses


@pytest.fixture
def launched(world: World, django_capture_on_commit_callbacks) -> SurveyCampaign:  # noqa: ANN001
    """An exit campaign for mentees: five new consented mentees plus world's mentee."""
    mentees_in_pairs(world.programme, 5)
    consent(role_of(world, "mentee"))
    with django_capture_on_commit_callbacks(execute=True):
        return launch(world.programme)


# --------------------------------------------------------------------------- questionnaires


@pytest.mark.django_db
def test_shipped_questionnaires_are_created_once_with_matching_entry_and_exit() -> None:
    first = services.templates_ensure_defaults()
    second = services.templates_ensure_defaults()
    assert {t.pk for t in first.values()} == {t.pk for t in second.values()}
    assert set(first) == {"mentee_entry", "mentee_exit", "mentor_entry", "mentor_exit"}
    assert SurveyTemplate.objects.filter(organisation__isnull=True).count() == 4
    for audience in ("mentee", "mentor"):
        entry = first[f"{audience}_entry"]
        exit_ = first[f"{audience}_exit"]
        assert entry.audience == exit_.audience == audience
        entry_scale = set(entry.questions.filter(type="scale").values_list("text", flat=True))
        exit_scale = set(exit_.questions.filter(type="scale").values_list("text", flat=True))
        assert len(entry_scale & exit_scale) >= 3  # asked twice: the change can be computed
        assert not entry.questions.filter(is_satisfaction=True).exists()
        assert exit_.questions.filter(is_satisfaction=True).count() == 4
        assert all("где 1 — самый низкий балл, 10 — самый высокий" in t for t in exit_scale)
    assert len(DEFAULTS) == 4


@pytest.mark.django_db
def test_copy_and_edit_in_place_until_used_then_a_new_version(world: World) -> None:
    shipped = services.templates_ensure_defaults()["mentee_exit"]
    with pytest.raises(ValidationError) as exc:
        services.template_save(template=shipped, title="x", audience="mentee", form=None,
                               questions=[services.QuestionData(text="?", type="text")],
                               acting_user=world.users["curator"])
    assert str(services.SHIPPED_READ_ONLY) in exc.value.messages
    copy = services.template_copy(template=shipped, organisation=world.org,
                                  acting_user=world.users["curator"])
    assert copy.organisation == world.org and copy.previous == shipped
    assert copy.questions.count() == shipped.questions.count()
    questions = [services.QuestionData(text="Оцените встречи", type="scale",
                                       is_satisfaction=True),
                 services.QuestionData(text="Формат", type="single", choices=["очно", "онлайн"])]
    same = services.template_save(template=copy, title="Моя анкета", audience="mentee",
                                  form=None, questions=questions,
                                  acting_user=world.users["curator"])
    assert same.pk == copy.pk and same.version == 1
    assert list(same.questions.values_list("text", flat=True)) == ["Оцените встречи", "Формат"]

    consent(role_of(world, "mentee"))
    campaign = services.campaign_launch(
        programme=world.programme, template=same, year=YEAR, audience="mentee", kind="pulse",
        deadline=DEADLINE, anonymous=True, acting_user=None)
    services.response_save_draft(invitation=campaign.invitations.get(),
                                 answers={same.questions.first().pk: ["7"]})
    newer = services.template_save(template=same, title="Моя анкета", audience="mentee",
                                   form=None, questions=questions[:1],
                                   acting_user=world.users["curator"])
    assert newer.pk != same.pk and newer.version == 2 and newer.previous_id == same.pk
    same.refresh_from_db()
    assert not same.is_current
    assert same.questions.count() == 2  # the answered version is untouched
    with pytest.raises(ValidationError):
        services.campaign_launch(programme=world.programme, template=same, year=YEAR,
                                 audience="mentee", kind="pulse", deadline=DEADLINE,
                                 anonymous=True, acting_user=None)


@pytest.mark.django_db
def test_question_rules(world: World) -> None:
    with pytest.raises(ValidationError):
        services.template_create(organisation=world.org, title="t", audience="mentee",
                                 form=None, questions=[], acting_user=world.users["curator"])
    with pytest.raises(ValidationError):  # a choice question needs options
        services.template_create(
            organisation=world.org, title="t", audience="mentee", form=None,
            questions=[services.QuestionData(text="?", type="single", choices=["один"])],
            acting_user=world.users["curator"])
    with pytest.raises(ValidationError):  # satisfaction only on the 1–10 scale
        services.template_create(
            organisation=world.org, title="t", audience="mentee", form=None,
            questions=[services.QuestionData(text="?", type="text", is_satisfaction=True)],
            acting_user=world.users["curator"])


# --------------------------------------------------------------------------- campaigns


@pytest.mark.django_db
def test_launch_invites_only_consented_participants_and_mails_their_links(
        world: World, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    new = mentees_in_pairs(world.programme, 3)
    consent(role_of(world, "mentee"))  # other_mentee has no consent
    with django_capture_on_commit_callbacks(execute=True):
        campaign = launch(world.programme, link_base="https://college.example")
    invited = set(campaign.invitations.values_list("respondent_id", flat=True))
    assert invited == {role_of(world, "mentee").pk, *[r.pk for r in new]}
    assert len(mail.outbox) == 4
    assert all(i.sent_at is not None for i in campaign.invitations.all())
    message = next(m for m in mail.outbox if m.to == [world.people["mentee"].email])
    invitation = campaign.invitations.get(respondent__person=world.people["mentee"])
    # The token carries a signing timestamp, so compare what it opens, not its text.
    token = re.search(r"https://college\.example/s/([^/\s]+)/", message.body).group(1)
    assert tokens.invitation_from_token(token).invitation == invitation
    # Running the dispatch again sends nothing more.
    assert services.campaign_dispatch(campaign_id=campaign.pk) == 0
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_dispatch_skips_a_consent_revoked_after_launch(world: World) -> None:
    consent(role_of(world, "mentee"), role_of(world, "other_mentee"))
    campaign = launch(world.programme)  # on_commit not run: nothing sent yet
    Consent.objects.filter(person=world.people["other_mentee"]).update(revoked_on=TODAY)
    assert services.campaign_dispatch(campaign_id=campaign.pk) == 1
    assert [m.to for m in mail.outbox] == [[world.people["mentee"].email]]


@pytest.mark.django_db
def test_audience_by_form_and_status(world: World) -> None:
    peers = mentees_in_pairs(world.programme, 2, form_code="student_student")
    done = mentees_in_pairs(world.programme, 1, status=Mentorship.Status.COMPLETED)
    alone = RoleFactory(programme=world.programme)
    consent(role_of(world, "mentee"), alone)
    recipients = set(services.campaign_recipients(
        programme=world.programme, audience="mentee", form=form("student_student"),
        mentorship_status="").values_list("pk", flat=True))
    assert recipients == {r.pk for r in peers}
    completed = set(services.campaign_recipients(
        programme=world.programme, audience="mentee", form=None,
        mentorship_status=Mentorship.Status.COMPLETED).values_list("pk", flat=True))
    assert completed == {done[0].pk}
    without = set(services.campaign_recipients(
        programme=world.programme, audience="mentee", form=None,
        mentorship_status=services.WITHOUT_MENTORSHIP).values_list("pk", flat=True))
    assert without == {alone.pk}
    mentors = services.campaign_recipients(programme=world.programme, audience="mentor",
                                           form=form("teacher_student"), mentorship_status="")
    assert role_of(world, "mentor", "mentor").pk in set(mentors.values_list("pk", flat=True))


@pytest.mark.django_db
def test_launch_refuses_what_does_not_fit(world: World) -> None:
    with pytest.raises(ValidationError) as exc:  # nobody has a consent
        launch(world.programme)
    assert str(services.NO_RECIPIENTS) in exc.value.messages
    consent(role_of(world, "mentee"))
    with pytest.raises(ValidationError) as exc:
        launch(world.programme, "mentor_exit")  # a mentors' questionnaire for mentees
    assert str(services.AUDIENCE_MISMATCH) in exc.value.messages
    with pytest.raises(ValidationError) as exc:
        launch(world.programme, year=2031)
    assert str(services.YEAR_OUTSIDE) in exc.value.messages
    assert not SurveyCampaign.objects.exists()


@pytest.mark.django_db
def test_reminders_once_before_the_deadline_and_expired_campaigns_close(
        world: World, launched: SurveyCampaign) -> None:
    mail.outbox.clear()
    first = launched.invitations.order_by("pk").first()
    services.response_submit(invitation=first, answers=answers_for(launched))
    early = services.campaigns_remind(today=DEADLINE - dt.timedelta(days=5))
    assert early == 0
    day = DEADLINE - dt.timedelta(days=1)
    assert services.campaigns_remind(today=day) == 5  # six invited, one answered
    assert services.campaigns_remind(today=day) == 0
    assert len(mail.outbox) == 5
    assert first.respondent.person.email not in [m.to[0] for m in mail.outbox]
    services.campaigns_remind(today=DEADLINE + dt.timedelta(days=tokens.GRACE_DAYS + 1))
    launched.refresh_from_db()
    assert launched.status == SurveyCampaign.Status.CLOSED


# --------------------------------------------------------------------------- links


@pytest.mark.django_db
def test_link_opens_only_its_own_invitation_until_it_expires(
        world: World, launched: SurveyCampaign) -> None:
    invitation, other = list(launched.invitations.order_by("pk")[:2])
    token = tokens.invitation_token(invitation)
    assert tokens.invitation_from_token(token).invitation == invitation
    # Foreign or tampered: another id under the same signature, a forged signature.
    forged = signing.dumps({"i": other.pk, "n": invitation.nonce}, salt=tokens.SALT)
    assert tokens.invitation_from_token(forged).state == tokens.INVALID
    assert tokens.invitation_from_token(token[:-2] + "xx").state == tokens.INVALID
    wrong_salt = signing.dumps({"i": invitation.pk, "n": invitation.nonce})
    assert tokens.invitation_from_token(wrong_salt).state == tokens.INVALID
    assert tokens.invitation_from_token("garbage").state == tokens.INVALID
    # Expiry: the day after the deadline still works, the next does not.
    grace = DEADLINE + dt.timedelta(days=tokens.GRACE_DAYS)
    assert tokens.invitation_from_token(token, today=grace).state == tokens.OK
    late = grace + dt.timedelta(days=1)
    assert tokens.invitation_from_token(token, today=late).state == tokens.EXPIRED
    # A new nonce revokes the old link.
    SurveyInvitation.objects.filter(pk=invitation.pk).update(nonce="renewed")
    assert tokens.invitation_from_token(token).state == tokens.INVALID


@pytest.mark.django_db
def test_closed_campaign_and_submitted_response(world: World, launched: SurveyCampaign) -> None:
    invitation = launched.invitations.order_by("pk").first()
    token = tokens.invitation_token(invitation)
    services.response_submit(invitation=invitation, answers=answers_for(launched))
    assert tokens.invitation_from_token(token) == tokens.TokenCheck(tokens.SUBMITTED)
    other = launched.invitations.order_by("pk")[1]
    services.campaign_close(campaign=launched, acting_user=None)
    assert tokens.invitation_from_token(tokens.invitation_token(other)).state == tokens.EXPIRED


# --------------------------------------------------------------------------- answering


@pytest.mark.django_db
def test_autosave_keeps_a_draft_and_submission_is_final(world: World,
                                                         launched: SurveyCampaign) -> None:
    invitation = launched.invitations.order_by("pk").first()
    questions = list(launched.template.questions.order_by("position"))
    scale, text = questions[0], next(q for q in questions if q.type == "text")
    services.response_save_draft(invitation=invitation, answers={scale.pk: ["4"]})
    services.response_save_draft(invitation=invitation,
                                 answers={scale.pk: ["6"], text.pk: ["черновик"]})
    services.response_save_draft(invitation=invitation, answers={scale.pk: ["11"]})  # skipped
    response = SurveyResponse.objects.get(invitation=invitation)
    assert response.status == SurveyResponse.Status.DRAFT
    assert {a.question_id: (a.scale_value, a.text_value) for a in response.answers.all()} == {
        scale.pk: (6, ""), text.pk: (None, "черновик")}
    # Not yet in any figure.
    assert campaign_results(campaign=launched).submitted == 0

    with pytest.raises(services.SubmitErrors) as exc:
        services.response_submit(invitation=invitation, answers={scale.pk: ["9"]})
    required = {q.pk for q in questions if q.required} - {scale.pk}
    assert set(exc.value.by_question) == required
    assert response.answers.get(question=scale).scale_value == 9  # kept as a draft

    services.response_submit(invitation=invitation, answers=answers_for(launched, scale=7))
    response.refresh_from_db()
    assert response.status == SurveyResponse.Status.SUBMITTED and response.submitted_at
    stored = {a.question_id: a.scale_value for a in response.answers.all()}
    with pytest.raises(ValidationError) as again:
        services.response_submit(invitation=invitation, answers=answers_for(launched, scale=1))
    assert again.value.code == "submitted"
    with pytest.raises(ValidationError):
        services.response_save_draft(invitation=invitation, answers={scale.pk: ["1"]})
    assert {a.question_id: a.scale_value for a in response.answers.all()} == stored


@pytest.mark.django_db
def test_one_response_per_person_and_campaign(world: World, launched: SurveyCampaign) -> None:
    invitation = launched.invitations.order_by("pk").first()
    services.response_save_draft(invitation=invitation, answers={})
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(invitation=invitation)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyInvitation.objects.create(campaign=launched, respondent=invitation.respondent)


@pytest.mark.django_db
def test_invalid_choice_is_refused_on_submit(world: World, launched: SurveyCampaign) -> None:
    invitation = launched.invitations.order_by("pk").first()
    raw = answers_for(launched)
    single = launched.template.questions.get(type="single")
    raw[single.pk] = ["не из списка"]
    with pytest.raises(services.SubmitErrors) as exc:
        services.response_submit(invitation=invitation, answers=raw)
    assert exc.value.by_question == {single.pk: str(services.ANSWER_INVALID)}


@pytest.mark.django_db
def test_open_surveys_of_a_person(world: World, launched: SurveyCampaign) -> None:
    person = world.people["mentee"]
    [open_one] = invitations_open_for_person(person_id=person.pk)
    assert open_one.campaign == launched
    assert tokens.invitation_from_token(open_one.token).invitation == open_one
    assert invitations_open_for_person(person_id=world.people["other_mentee"].pk) == []
    services.response_submit(invitation=open_one, answers=answers_for(launched))
    assert invitations_open_for_person(person_id=person.pk) == []


# --------------------------------------------------------------------------- results


@pytest.mark.django_db
def test_nothing_is_shown_below_five_respondents(world: World,
                                                  launched: SurveyCampaign) -> None:
    submit_all(launched, [9, 9, 9, 9], text="мой секрет")
    results = campaign_results(campaign=launched)
    assert (results.invited, results.submitted) == (6, 4)
    assert results.rate == Decimal("66.7")
    assert not results.shown
    assert all(not q.shown and not q.chart and not q.texts and q.mean is None
               for q in results.questions)
    assert results.satisfaction.value is None
    assert campaign_export_rows(campaign=launched)[1] == []


@pytest.mark.django_db
def test_distributions_means_and_anonymous_texts(world: World,
                                                 launched: SurveyCampaign) -> None:
    submit_all(launched, [10, 8, 8, 6, 3], text="Полезные встречи")
    results = campaign_results(campaign=launched)
    assert results.shown and results.submitted == 5
    first = results.questions[0]
    assert first.mean == Decimal("7.00")
    assert dict(first.options) == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 0, "6": 1, "7": 0,
                                   "8": 2, "9": 0, "10": 1}
    assert "<svg" in first.chart
    yes_no = next(q for q in results.questions if q.question.type == "yes_no")
    assert yes_no.options[0][1] == 5 and yes_no.options[1][1] == 0
    texts = next(q for q in results.questions if q.question.type == "text")
    assert [t for _n, t in texts.texts] == ["Полезные встречи"] * 5
    assert all(name == "" for name, _t in texts.texts)
    # The five new mentees are in teacher–student pairs; world's mentee did not answer.
    [row] = results.by_form
    assert row.form.code == "teacher_student" and row.respondents == 5 and row.shown
    assert row.means[0] == Decimal("7.00")
    headers, rows = campaign_export_rows(campaign=launched)
    assert len(rows) == 5 and [r[0] for r in rows] == ["1", "2", "3", "4", "5"]
    assert headers[2] == launched.template.questions.order_by("position").first().text


@pytest.mark.django_db
def test_named_campaign_shows_authors_and_small_forms_stay_hidden(
        world: World, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    roles = mentees_in_pairs(world.programme, 4)
    roles += mentees_in_pairs(world.programme, 1, form_code="student_student")
    campaign = launch(world.programme, anonymous=False)
    submit_all(campaign, [5] * 5, text="Спасибо", roles=roles)
    results = campaign_results(campaign=campaign)
    texts = next(q for q in results.questions if q.question.type == "text")
    assert {n for n, _t in texts.texts} == {r.person.full_name for r in roles}
    by_form = {row.form.code: row for row in results.by_form}
    assert by_form["teacher_student"].respondents == 4
    assert not by_form["teacher_student"].shown
    assert by_form["teacher_student"].means == [None] * len(results.scale_questions)
    assert not by_form["student_student"].shown
    _headers, rows = campaign_export_rows(campaign=campaign)
    assert {r[0] for r in rows} == {r.person.full_name for r in roles}


@pytest.mark.django_db
def test_satisfaction_formula_on_known_answers(world: World, launched: SurveyCampaign) -> None:
    # Satisfaction questions of the exit questionnaire: four per respondent. Scores 10, 9,
    # 8, 7, 6 for everything: mean 8.0 -> 80 %.
    submit_all(launched, [10, 9, 8, 7, 6])
    # A draft does not count.
    last = launched.invitations.order_by("pk").last()
    services.response_save_draft(invitation=last, answers=answers_for(launched, scale=1))
    fact = satisfaction_fact(world.programme, YEAR, "mentee")
    assert fact.value == Decimal("80.0")
    assert fact.denominator == 5
    assert fact.mean_score == Decimal("8.00")
    assert campaign_results(campaign=launched).satisfaction == fact
    assert satisfaction_fact(world.programme, YEAR, "mentor").value is None


@pytest.mark.django_db
def test_satisfaction_mixes_scores_within_respondents(world: World,
                                                      launched: SurveyCampaign) -> None:
    sat = list(launched.template.questions.filter(is_satisfaction=True).order_by("position"))
    for invitation in launched.invitations.order_by("pk")[:5]:
        raw = answers_for(launched, scale=5)
        raw[sat[0].pk] = ["10"]  # (10 + 5 + 5 + 5) / 4 = 6.25 -> 62.5 %
        services.response_submit(invitation=invitation, answers=raw)
    assert satisfaction_fact(world.programme, YEAR, "mentee").value == Decimal("62.5")


# --------------------------------------------------------------------------- entry / exit


@pytest.mark.django_db
def test_entry_exit_change_per_participant_form_and_year(world: World) -> None:
    roles = mentees_in_pairs(world.programme, 5)
    entry = launch(world.programme, "mentee_entry", kind="entry", anonymous=False)
    exit_ = launch(world.programme, "mentee_exit", kind="exit", anonymous=False)
    submit_all(entry, [3, 4, 5, 6, 7], roles=roles)
    submit_all(exit_, [8, 8, 8, 8, 9], roles=roles)
    changes = entry_exit_changes(programme=world.programme, year=YEAR, audience="mentee")
    assert changes.named and changes.entry_campaigns == changes.exit_campaigns == 1
    common = changes.questions
    assert len(common) == 4  # the four questions asked on entry and on exit
    first = common[0]
    assert first.participants == 5 and first.shown
    assert first.entry_mean == Decimal("5.00") and first.exit_mean == Decimal("8.20")
    assert first.delta_mean == Decimal("3.20")
    deltas = {p.name: p.deltas[0] for p in changes.participants}
    assert sorted(deltas.values()) == [2, 2, 3, 4, 5]
    assert deltas[roles[0].person.full_name] == 5
    [row] = changes.by_form
    assert row.form.code == "teacher_student" and row.shown
    assert row.deltas[0] == Decimal("3.20")
    # Another year has nothing; the other audience has nothing.
    assert entry_exit_changes(programme=world.programme, year=2026,
                              audience="mentee").questions == []
    assert entry_exit_changes(programme=world.programme, year=YEAR,
                              audience="mentor").questions == []


@pytest.mark.django_db
def test_entry_exit_below_threshold_and_anonymous(world: World) -> None:
    roles = mentees_in_pairs(world.programme, 4)
    entry = launch(world.programme, "mentee_entry", kind="entry")
    exit_ = launch(world.programme, "mentee_exit", kind="exit")
    submit_all(entry, [3, 3, 3, 3], roles=roles)
    submit_all(exit_, [9, 9, 9, 9], roles=roles)
    changes = entry_exit_changes(programme=world.programme, year=YEAR, audience="mentee")
    assert not changes.named and changes.participants == []
    assert changes.questions[0].participants == 4
    assert not changes.questions[0].shown and changes.questions[0].delta_mean is None
    assert not changes.by_form[0].shown
