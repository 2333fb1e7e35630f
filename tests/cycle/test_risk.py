"""Pairs at risk: each reason, its edges, the page's permissions and query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cycle.models import CycleSettings
from cycle.risk import (
    LOW_SATISFACTION,
    NO_MEETING,
    NOT_A_GOOD_FIT,
    OVERDUE_TASKS,
    mentorships_at_risk,
    risk_count,
)
from monitoring.models import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from pairing.models import Mentorship, PlanItem
from participants.models import ProgrammeRole
from tests.conftest import World
from tests.factories import MeetingFactory, MemberFactory, MentorshipFactory, PlanItemFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)


def _reasons(w: World, pair: Mentorship | None = None) -> list[str]:
    pair = pair or w.pair
    rows = {r.mentorship.pk: r for r in mentorships_at_risk(programme=w.programme, today=TODAY)}
    return rows[pair.pk].reasons if pair.pk in rows else []


def _quiet(w: World) -> None:
    """Give both pairs of the world a recent meeting, so only the reason under test shows."""
    for pair in (w.pair, w.other_pair):
        MeetingFactory(mentorship=pair, held_on=TODAY - dt.timedelta(days=2))


# --------------------------------------------------------------------------- no meeting


def test_no_meeting_counts_from_start(world: World) -> None:
    Mentorship.objects.filter(pk=world.pair.pk).update(started_on=TODAY - dt.timedelta(days=20))
    assert _reasons(world) == []
    Mentorship.objects.filter(pk=world.pair.pk).update(started_on=TODAY - dt.timedelta(days=21))
    assert _reasons(world) == [NO_MEETING]  # exactly three weeks counts


def test_no_meeting_counts_from_last_meeting(world: World) -> None:
    MeetingFactory(mentorship=world.pair, held_on=TODAY - dt.timedelta(days=30))
    MeetingFactory(mentorship=world.pair, held_on=TODAY - dt.timedelta(days=20), topic="Б")
    assert _reasons(world) == []
    row = next(r for r in mentorships_at_risk(programme=world.programme,
                                              today=TODAY + dt.timedelta(days=1))
               if r.mentorship.pk == world.pair.pk)
    assert row.reasons == [NO_MEETING]
    assert row.last_meeting_on == TODAY - dt.timedelta(days=20)
    assert row.days_without_meeting == 21


def test_weeks_setting_per_programme(world: World) -> None:
    MeetingFactory(mentorship=world.pair, held_on=TODAY - dt.timedelta(days=22))
    assert _reasons(world) == [NO_MEETING]
    CycleSettings.objects.create(programme=world.programme, weeks_without_meeting=4)
    assert _reasons(world) == []


# --------------------------------------------------------------------------- plan tasks


def test_overdue_tasks_ignore_done_cancelled_and_due_today(world: World) -> None:
    _quiet(world)
    yesterday = TODAY - dt.timedelta(days=1)
    PlanItemFactory(mentorship=world.pair, due_on=yesterday, status=PlanItem.Status.DONE)
    PlanItemFactory(mentorship=world.pair, due_on=yesterday, status=PlanItem.Status.CANCELLED)
    PlanItemFactory(mentorship=world.pair, due_on=TODAY)
    PlanItemFactory(mentorship=world.pair, due_on=None)
    assert _reasons(world) == []
    PlanItemFactory(mentorship=world.pair, due_on=yesterday, status=PlanItem.Status.IN_PROGRESS)
    PlanItemFactory(mentorship=world.pair, due_on=yesterday)
    rows = mentorships_at_risk(programme=world.programme, today=TODAY)
    assert [(r.mentorship.pk, r.reasons, r.overdue_tasks) for r in rows] == [
        (world.pair.pk, [OVERDUE_TASKS], 2)]


# --------------------------------------------------------------------------- satisfaction


def _campaign(w: World, *, audience: str = "mentee", anonymous: bool = False,
              created: dt.datetime | None = None) -> tuple[SurveyCampaign, SurveyQuestion]:
    template = SurveyTemplate.objects.create(organisation=w.org, title="Анкета",
                                             audience=audience)
    question = SurveyQuestion.objects.create(template=template, position=1, text="Довольны?",
                                             type="scale", is_satisfaction=True)
    campaign = SurveyCampaign.objects.create(
        programme=w.programme, template=template, year=2025, audience=audience, kind="pulse",
        deadline=TODAY, anonymous=anonymous, status="closed")
    if created:
        SurveyCampaign.objects.filter(pk=campaign.pk).update(created_at=created)
    return campaign, question


def _answer(campaign: SurveyCampaign, question: SurveyQuestion, role: ProgrammeRole,
            score: int, *, submitted: bool = True) -> None:
    invitation = SurveyInvitation.objects.create(campaign=campaign, respondent=role)
    response = SurveyResponse.objects.create(
        invitation=invitation, status="submitted" if submitted else "draft",
        submitted_at=timezone.now() if submitted else None)
    SurveyAnswer.objects.create(response=response, question=question, scale_value=score)


def test_low_satisfaction_below_threshold(world: World) -> None:
    _quiet(world)
    mentee = world.pair.members.get().mentee
    campaign, question = _campaign(world)
    _answer(campaign, question, mentee, 5)  # threshold 5: not below
    assert _reasons(world) == []
    CycleSettings.objects.create(programme=world.programme, low_satisfaction_threshold=6)
    assert _reasons(world) == [LOW_SATISFACTION]
    row = mentorships_at_risk(programme=world.programme, today=TODAY)[0]
    assert row.low_scores == [(mentee.person.short_name, 5)]


def test_low_satisfaction_of_the_mentor_counts(world: World) -> None:
    _quiet(world)
    campaign, question = _campaign(world, audience="mentor")
    _answer(campaign, question, world.pair.mentor, 2)
    assert _reasons(world) == [LOW_SATISFACTION]


def test_low_satisfaction_only_latest_campaign(world: World) -> None:
    _quiet(world)
    mentee = world.pair.members.get().mentee
    old, q_old = _campaign(world, created=timezone.now() - dt.timedelta(days=90))
    new, q_new = _campaign(world)
    _answer(old, q_old, mentee, 2)
    _answer(new, q_new, mentee, 9)
    assert _reasons(world) == []


def test_anonymous_and_draft_responses_never_count(world: World) -> None:
    _quiet(world)
    mentee = world.pair.members.get().mentee
    anonymous, q1 = _campaign(world, anonymous=True)
    _answer(anonymous, q1, mentee, 1)
    draft, q2 = _campaign(world)
    _answer(draft, q2, world.pair.mentor, 1, submitted=False)
    assert _reasons(world) == []


# --------------------------------------------------------------------------- fit


def test_not_a_good_fit(world: World) -> None:
    _quiet(world)
    MeetingFactory(mentorship=world.pair, held_on=TODAY - dt.timedelta(days=10),
                   not_a_good_fit=True, not_a_good_fit_comment="Разные интересы", topic="В")
    row = mentorships_at_risk(programme=world.programme, today=TODAY)[0]
    assert row.reasons == [NOT_A_GOOD_FIT]
    assert row.fit_comments == ["Разные интересы"]


# --------------------------------------------------------------------------- scope, filters


def test_completed_pairs_never_listed(world: World) -> None:
    Mentorship.objects.filter(pk=world.pair.pk).update(status="completed", ended_on=TODAY)
    PlanItemFactory(mentorship=world.pair, due_on=TODAY - dt.timedelta(days=5))
    assert _reasons(world) == []
    assert world.pair.pk not in {r.mentorship.pk for r in mentorships_at_risk(
        programme=world.programme, today=TODAY)}


def test_filter_by_reason_and_form(world: World) -> None:
    PlanItemFactory(mentorship=world.pair, due_on=TODAY - dt.timedelta(days=5))
    both = mentorships_at_risk(programme=world.programme, today=TODAY)
    assert {r.mentorship.pk for r in both} == {world.pair.pk, world.other_pair.pk}
    only = mentorships_at_risk(programme=world.programme, today=TODAY, reason=OVERDUE_TASKS)
    assert [r.mentorship.pk for r in only] == [world.pair.pk]
    assert mentorships_at_risk(programme=world.programme, today=TODAY,
                               form_id=world.pair.form_id + 1000) == []
    assert risk_count(programme=world.programme, today=TODAY) == 2


def test_selector_query_count_is_fixed(world: World, django_assert_num_queries) -> None:  # noqa: ANN001
    for _i in range(3):
        pair = MentorshipFactory(programme=world.programme)
        MemberFactory(mentorship=pair)
        PlanItemFactory(mentorship=pair, due_on=TODAY - dt.timedelta(days=3))
    # settings, mentorships with last meeting and overdue count, members with people,
    # satisfaction answers, flagged meetings
    with django_assert_num_queries(5):
        rows = mentorships_at_risk(programme=world.programme, today=TODAY)
    assert len(rows) == 5


# --------------------------------------------------------------------------- views

PAGE_MATRIX = {"anonymous": 302, "other_curator": 404, "coordinator": 404, "mentee": 403,
               "mentor": 403, "director": 200, "curator": 200, "admin": 200}
SETTINGS_MATRIX = {**PAGE_MATRIX, "director": 403}


@pytest.mark.parametrize("role", sorted(PAGE_MATRIX))
def test_risk_page_permissions(world: World, role: str) -> None:
    url = reverse("cycle:risk", args=[world.programme.pk])
    response = world.client_for(role).get(url)
    assert response.status_code == PAGE_MATRIX[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", sorted(SETTINGS_MATRIX))
def test_risk_settings_permissions(world: World, role: str) -> None:
    url = reverse("cycle:risk_settings", args=[world.programme.pk])
    assert world.client_for(role).get(url).status_code == SETTINGS_MATRIX[role]


@pytest.mark.parametrize("role", sorted(PAGE_MATRIX))
def test_risk_badge_permissions(world: World, role: str) -> None:
    url = reverse("cycle:mentorship_risk_badge", args=[world.pair.pk])
    expected = {**PAGE_MATRIX, "other_mentee": 404}
    assert world.client_for(role).get(url).status_code == expected[role]


def test_risk_page_lists_pairs_with_reasons(world: World) -> None:
    page = world.client_for("curator").get(reverse("cycle:risk", args=[world.programme.pk]))
    body = page.content.decode()
    assert f'data-mentorship="{world.pair.pk}"' in body
    assert "нет встреч" in body
    assert f'data-mentorship="{world.foreign_pair.pk}"' not in body
    filtered = world.client_for("curator").get(
        reverse("cycle:risk", args=[world.programme.pk]), {"reason": OVERDUE_TASKS})
    assert f'data-mentorship="{world.pair.pk}"' not in filtered.content.decode()


def test_curator_changes_settings(world: World) -> None:
    client = world.client_for("curator")
    url = reverse("cycle:risk_settings", args=[world.programme.pk])
    response = client.post(url, {"weeks_without_meeting": "6",
                                 "low_satisfaction_threshold": "4", "digest_weekday": "2"})
    assert response.status_code == 302
    cfg = CycleSettings.objects.get(programme=world.programme)
    assert (cfg.weeks_without_meeting, cfg.low_satisfaction_threshold, cfg.digest_weekday) == (
        6, 4, 2)
    bad = client.post(url, {"weeks_without_meeting": "0", "low_satisfaction_threshold": "4",
                            "digest_weekday": "2"})
    assert bad.status_code == 200
    assert "is-invalid" in bad.content.decode()  # the field says what is wrong
    assert CycleSettings.objects.get(programme=world.programme).weeks_without_meeting == 6


def test_risk_page_query_count(world: World, django_assert_max_num_queries) -> None:  # noqa: ANN001
    client = world.client_for("curator")
    url = reverse("cycle:risk", args=[world.programme.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as ctx:
        client.get(url)
    baseline = len(ctx.captured_queries)
    for _i in range(3):
        pair = MentorshipFactory(programme=world.programme)
        MemberFactory(mentorship=pair)
    client.get(url)  # the data changed: the user's access is read again once, then kept
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_home_shows_the_count(world: World) -> None:
    body = world.client_for("curator").get(reverse("home")).content.decode()
    link = body[body.index('id="home-risk"'):]
    link = link[:link.index("</a>")]
    count = risk_count(programme=world.programme)
    assert count > 0  # the world's pairs have had no meeting yet
    assert f">{count}</span>" in link


def test_pair_page_badge(world: World) -> None:
    response = world.client_for("curator").get(
        reverse("cycle:mentorship_risk_badge", args=[world.pair.pk]))
    assert "Группа риска" in response.content.decode()
