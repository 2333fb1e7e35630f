"""Survey pages: the permission matrix, the personal link page (no password), autosave,
the single submission, results, export, the launch and editor forms, the home page and
query counts of the lists."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from monitoring.models import SurveyCampaign, SurveyResponse, SurveyTemplate
from monitoring.surveys import services, tokens

from ..conftest import ROLES, World
from .test_surveys import (
    DEADLINE,
    YEAR,
    answers_for,
    consent,
    launch,
    mentees_in_pairs,
    role_of,
    submit_all,
)


@dataclass
class Surveys:
    world: World
    campaign: SurveyCampaign  # exit, mentees, five submitted, world's mentee invited
    shipped: SurveyTemplate
    own: SurveyTemplate  # the organisation's copy


@pytest.fixture
def surveys(world: World) -> Surveys:
    roles = mentees_in_pairs(world.programme, 5)
    consent(role_of(world, "mentee"))
    campaign = launch(world.programme)
    submit_all(campaign, [9, 8, 7, 8, 9], roles=roles)
    shipped = services.templates_ensure_defaults()["mentee_entry"]
    own = services.template_copy(template=shipped, organisation=world.org,
                                 acting_user=world.users["curator"])
    return Surveys(world=world, campaign=campaign, shipped=shipped, own=own)


def _link(s: Surveys, key: str = "mentee") -> str:
    invitation = s.campaign.invitations.get(respondent__person=s.world.people[key])
    return reverse("monitoring:survey_answer", args=[tokens.invitation_token(invitation)])


UrlFor = Callable[[Surveys], str]
READ = (302, 200, 200, 200, 403, 403, 403, 404, 404)
WRITE = (302, 200, 403, 200, 403, 403, 403, 404, 404)
WRITE_POST = (302, 302, 403, 302, 403, 403, 403, 404, 404)

#                                 anonymous admin dir cur mentor mentee o_mentee o_cur coord
GET_MATRIX: dict[str, tuple[UrlFor, tuple[int, ...]]] = {
    "surveys": (lambda s: reverse("monitoring:surveys", args=[s.world.programme.pk]), READ),
    "survey_templates": (lambda s: reverse("monitoring:survey_templates",
                                           args=[s.world.programme.pk]), READ),
    "survey_template-shipped": (lambda s: reverse("monitoring:survey_template",
                                                  args=[s.world.programme.pk, s.shipped.pk]),
                                READ),
    "survey_template-own": (lambda s: reverse("monitoring:survey_template",
                                              args=[s.world.programme.pk, s.own.pk]), READ),
    "survey_template_new": (lambda s: reverse("monitoring:survey_template_new",
                                              args=[s.world.programme.pk]), WRITE),
    "survey_template_edit": (lambda s: reverse("monitoring:survey_template_edit",
                                               args=[s.world.programme.pk, s.own.pk]), WRITE),
    "survey_campaign_new": (lambda s: reverse("monitoring:survey_campaign_new",
                                              args=[s.world.programme.pk]), WRITE),
    "survey_campaign": (lambda s: reverse("monitoring:survey_campaign",
                                          args=[s.campaign.pk]), READ),
    "survey_campaign_status": (lambda s: reverse("monitoring:survey_campaign_status",
                                                 args=[s.campaign.pk]), READ),
    "survey_campaign_export": (lambda s: reverse("monitoring:survey_campaign_export",
                                                 args=[s.campaign.pk]), READ),
    "survey_changes": (lambda s: reverse("monitoring:survey_changes",
                                         args=[s.world.programme.pk]), READ),
    # The personal link is the key: it opens without logging in, for anyone holding it.
    "survey_answer": (_link, (200,) * 9),
}
POST_MATRIX: dict[str, tuple[UrlFor, tuple[int, ...]]] = {
    "survey_template_copy": (lambda s: reverse("monitoring:survey_template_copy",
                                               args=[s.world.programme.pk, s.shipped.pk]),
                             WRITE_POST),
    "survey_campaign_close": (lambda s: reverse("monitoring:survey_campaign_close",
                                                args=[s.campaign.pk]), WRITE_POST),
}


def _cases(matrix: dict[str, tuple[UrlFor, tuple[int, ...]]]) -> list[object]:
    return [pytest.param(view, role, expected, id=f"{view}-{role}")
            for view, (_u, statuses) in matrix.items()
            for role, expected in zip(ROLES, statuses, strict=True)]


@pytest.mark.django_db
@pytest.mark.parametrize(("view", "role", "expected"), _cases(GET_MATRIX))
def test_get_permission_matrix(surveys: Surveys, view: str, role: str, expected: int) -> None:
    response = surveys.world.client_for(role).get(GET_MATRIX[view][0](surveys))
    assert response.status_code == expected
    if expected == 302:
        assert "login" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(("view", "role", "expected"), _cases(POST_MATRIX))
def test_post_permission_matrix(surveys: Surveys, view: str, role: str, expected: int) -> None:
    before = (SurveyTemplate.objects.count(),
              SurveyCampaign.objects.filter(status=SurveyCampaign.Status.OPEN).count())
    response = surveys.world.client_for(role).post(POST_MATRIX[view][0](surveys))
    assert response.status_code == expected
    after = (SurveyTemplate.objects.count(),
             SurveyCampaign.objects.filter(status=SurveyCampaign.Status.OPEN).count())
    if role == "anonymous":
        assert "login" in response["Location"]
    if expected == 302 and role != "anonymous":
        assert after != before
    else:
        assert after == before


@pytest.mark.django_db
def test_templates_and_campaigns_of_another_college_are_404(surveys: Surveys) -> None:
    world = surveys.world
    foreign = services.template_copy(template=surveys.shipped, organisation=world.other_org,
                                     acting_user=world.users["other_curator"])
    client = world.client_for("curator")
    assert client.get(reverse("monitoring:survey_template",
                              args=[world.programme.pk, foreign.pk])).status_code == 404
    assert client.post(reverse("monitoring:survey_template_copy",
                               args=[world.programme.pk, foreign.pk])).status_code == 404
    other = world.client_for("other_curator")
    assert other.get(reverse("monitoring:survey_template",
                             args=[world.other_programme.pk, foreign.pk])).status_code == 200
    assert other.get(reverse("monitoring:survey_campaign",
                             args=[surveys.campaign.pk])).status_code == 404


# --------------------------------------------------------------------------- the link


@pytest.mark.django_db
def test_link_page_answers_autosaves_submits_once(surveys: Surveys) -> None:
    campaign = surveys.campaign
    url = _link(surveys)
    client = Client(HTTP_HOST="127.0.0.1")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-survey-state="ok"' in html
    questions = list(campaign.template.questions.order_by("position"))
    assert all(f'id="question-{q.pk}"' in html for q in questions)

    save_url = reverse("monitoring:survey_autosave", args=[url.strip("/").split("/")[-1]])
    saved = client.post(save_url, {f"q{questions[0].pk}": "4"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and 'data-saved="true"' in saved.content.decode()
    invitation = campaign.invitations.get(respondent__person=surveys.world.people["mentee"])
    response = SurveyResponse.objects.get(invitation=invitation)
    assert response.status == SurveyResponse.Status.DRAFT
    assert response.answers.get(question=questions[0]).scale_value == 4
    # The draft is shown when the link is opened again.
    assert f'id="q{questions[0].pk}-4" value="4" autocomplete="off" checked' in \
        client.get(url).content.decode()

    incomplete = client.post(url, {f"q{questions[0].pk}": "5"})
    assert incomplete.status_code == 400
    assert "question-error" in incomplete.content.decode()
    response.refresh_from_db()
    assert response.status == SurveyResponse.Status.DRAFT

    data = {f"q{pk}": values for pk, values in answers_for(campaign, scale=6).items()}
    done = client.post(url, data)
    assert done.status_code == 302
    thanks = client.get(done["Location"])
    assert 'data-survey-state="submitted"' in thanks.content.decode()
    response.refresh_from_db()
    assert response.status == SurveyResponse.Status.SUBMITTED
    stored = sorted(response.answers.values_list("question_id", "scale_value", "text_value"))

    again = client.post(url, {f"q{pk}": "1" for pk in answers_for(campaign)})
    assert again.status_code == 409
    html = again.content.decode()
    assert 'data-survey-state="submitted"' in html
    assert str(services.ALREADY_SUBMITTED) in html
    assert 'id="survey-form"' not in html
    late_save = client.post(save_url, {f"q{questions[0].pk}": "1"})
    assert 'data-saved="false"' in late_save.content.decode()
    assert sorted(response.answers.values_list("question_id", "scale_value",
                                               "text_value")) == stored


@pytest.mark.django_db
def test_forged_and_expired_links_show_a_clear_page_and_no_survey(surveys: Surveys) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    url = _link(surveys)
    forged = client.get(url[:-3] + "zz/")
    assert forged.status_code == 404
    assert 'data-survey-state="invalid"' in forged.content.decode()
    assert 'id="survey-form"' not in forged.content.decode()
    assert client.post(url[:-3] + "zz/", {}).status_code == 404
    SurveyCampaign.objects.filter(pk=surveys.campaign.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=5))
    expired = client.get(url)
    assert expired.status_code == 410
    html = expired.content.decode()
    assert 'data-survey-state="expired"' in html and 'id="survey-form"' not in html
    assert not SurveyResponse.objects.filter(
        invitation__respondent__person=surveys.world.people["mentee"]).exists()


@pytest.mark.django_db
def test_home_page_lists_own_open_surveys_only(surveys: Surveys) -> None:
    world = surveys.world
    invitation = surveys.campaign.invitations.get(respondent__person=world.people["mentee"])
    html = world.client_for("mentee").get(reverse("home")).content.decode()
    assert f'data-invitation="{invitation.pk}"' in html
    [token] = re.findall(r'href="/s/([^/"]+)/"', html)
    assert tokens.invitation_from_token(token).invitation == invitation
    other = world.client_for("other_mentee").get(reverse("home")).content.decode()
    assert 'id="open-surveys"' not in other
    curator = world.client_for("curator").get(reverse("home")).content.decode()
    assert reverse("monitoring:surveys", args=[world.programme.pk]) in curator


# --------------------------------------------------------------------------- staff pages


@pytest.mark.django_db
def test_results_page_and_export(surveys: Surveys) -> None:
    client = surveys.world.client_for("director")
    html = client.get(reverse("monitoring:survey_campaign",
                              args=[surveys.campaign.pk])).content.decode()
    assert 'id="too-few"' not in html
    assert html.count("<svg") >= 5
    assert 'data-value="82.0"' in html  # satisfaction: mean 8.2 of the satisfaction answers
    assert 'data-rate="83.3"' in html  # five of six
    export = client.get(reverse("monitoring:survey_campaign_export",
                                args=[surveys.campaign.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 6
    names = {p.full_name for p in surveys.world.people.values()}
    assert not names & {str(r[0]) for r in rows}


@pytest.mark.django_db
def test_results_page_hides_everything_below_five(world: World) -> None:
    roles = mentees_in_pairs(world.programme, 4)
    campaign = launch(world.programme)
    submit_all(campaign, [9, 9, 9, 9], text="секрет", roles=roles)
    client = world.client_for("curator")
    html = client.get(reverse("monitoring:survey_campaign", args=[campaign.pk])).content.decode()
    assert 'id="too-few"' in html
    assert "<svg" not in html and "секрет" not in html
    export = client.get(reverse("monitoring:survey_campaign_export", args=[campaign.pk]))
    assert export.status_code == 302


@pytest.mark.django_db
def test_curator_launches_a_campaign_from_the_form(world: World,
                                                   django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    consent(role_of(world, "mentee"), role_of(world, "other_mentee"))
    template = services.templates_ensure_defaults()["mentee_entry"]
    client = world.client_for("curator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:survey_campaign_new",
                                       args=[world.programme.pk]), {
            "template": template.pk, "year": YEAR, "audience": "mentee", "kind": "entry",
            "form": "", "mentorship_status": "", "deadline": DEADLINE.isoformat(),
            "anonymous": "on"})
    campaign = SurveyCampaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:survey_campaign", args=[campaign.pk])
    assert campaign.created_by == world.users["curator"] and campaign.anonymous
    assert len(mail.outbox) == 2
    assert "http://127.0.0.1/s/" in mail.outbox[0].body

    refused = client.post(reverse("monitoring:survey_campaign_new", args=[world.programme.pk]), {
        "template": template.pk, "year": YEAR, "audience": "mentor", "kind": "entry",
        "deadline": DEADLINE.isoformat()})
    assert refused.status_code == 200
    assert str(services.AUDIENCE_MISMATCH) in refused.content.decode()
    assert SurveyCampaign.objects.count() == 1


def _editor_post(questions: list[dict[str, str]], title: str = "Анкета") -> dict[str, str]:
    data = {"title": title, "audience": "mentee", "form": "",
            "q-TOTAL_FORMS": str(len(questions)), "q-INITIAL_FORMS": "0",
            "q-MIN_NUM_FORMS": "1", "q-MAX_NUM_FORMS": "1000"}
    for i, q in enumerate(questions):
        for key, value in q.items():
            data[f"q-{i}-{key}"] = value
    return data


@pytest.mark.django_db
def test_editor_creates_edits_and_versions(surveys: Surveys) -> None:
    world = surveys.world
    client = world.client_for("curator")
    new_url = reverse("monitoring:survey_template_new", args=[world.programme.pk])
    response = client.post(new_url, _editor_post([
        {"text": "Оцените встречи", "type": "scale", "required": "on",
         "is_satisfaction": "on"},
        {"text": "Формат", "type": "single", "choices": "очно\nонлайн"},
        {"text": "", "type": "text"},  # the empty block is ignored
    ]))
    assert response.status_code == 302
    template = SurveyTemplate.objects.get(title="Анкета")
    assert [(q.text, q.choices, q.is_satisfaction) for q in template.questions.all()] == [
        ("Оцените встречи", [], True), ("Формат", ["очно", "онлайн"], False)]

    # In use by a campaign: the edit becomes version 2.
    consent(role_of(world, "mentee"))
    services.campaign_launch(programme=world.programme, template=template, year=YEAR,
                             audience="mentee", kind="pulse", deadline=DEADLINE,
                             anonymous=True, acting_user=None)
    edit_url = reverse("monitoring:survey_template_edit", args=[world.programme.pk,
                                                                template.pk])
    assert 'id="template-locked"' in client.get(edit_url).content.decode()
    response = client.post(edit_url, _editor_post([{"text": "Новый вопрос", "type": "text"}]))
    newer = SurveyTemplate.objects.get(previous=template, version=2)
    assert response["Location"] == reverse("monitoring:survey_template",
                                           args=[world.programme.pk, newer.pk])
    assert template.questions.count() == 2

    bad = client.post(edit_url.replace(str(template.pk), str(newer.pk)), _editor_post([
        {"text": "Один вариант", "type": "single", "choices": "только"}]))
    assert bad.status_code == 200
    assert newer.questions.get().text == "Новый вопрос"

    shipped_edit = reverse("monitoring:survey_template_edit",
                           args=[world.programme.pk, surveys.shipped.pk])
    assert client.get(shipped_edit).status_code == 302


@pytest.mark.django_db
def test_changes_page(world: World) -> None:
    roles = mentees_in_pairs(world.programme, 5)
    entry = launch(world.programme, "mentee_entry", kind="entry", anonymous=False)
    exit_ = launch(world.programme, "mentee_exit", kind="exit", anonymous=False)
    submit_all(entry, [4] * 5, roles=roles)
    submit_all(exit_, [7] * 5, roles=roles)
    url = reverse("monitoring:survey_changes", args=[world.programme.pk])
    html = world.client_for("director").get(url, {"year": YEAR,
                                                  "audience": "mentee"}).content.decode()
    assert 'data-delta="3.00"' in html
    assert roles[0].person.full_name in html
    assert 'id="changes-by-form"' in html


# --------------------------------------------------------------------------- query counts


def _count_queries(client: Client, url: str) -> int:
    """Queries of a load after a first one (which reads the user's roles into the cache when
    the data changed since: a count that depends on what the cache holds is no measure)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_campaign_list_query_count_does_not_grow(world: World) -> None:
    consent(role_of(world, "mentee"))
    client = world.client_for("curator")
    url = reverse("monitoring:surveys", args=[world.programme.pk])
    for _i in range(3):
        launch(world.programme)
    # session, user, access (3), programme, nav, count, the page of campaigns with counts
    three = _count_queries(client, url)
    for _i in range(3):
        launch(world.programme, "mentee_entry", kind="entry")
    assert _count_queries(client, url) == three
    assert "data-campaign" in client.get(url).content.decode()


@pytest.mark.django_db
def test_template_list_query_count_does_not_grow(world: World) -> None:
    client = world.client_for("curator")
    url = reverse("monitoring:survey_templates", args=[world.programme.pk])
    shipped = services.templates_ensure_defaults()  # four rows
    three = _count_queries(client, url)
    for template in shipped.values():
        services.template_copy(template=template, organisation=world.org,
                               acting_user=world.users["curator"])
    assert _count_queries(client, url) == three
    assert client.get(url).content.decode().count("data-template=") == 8


@pytest.mark.django_db
def test_results_page_query_count_does_not_grow(world: World) -> None:
    roles = mentees_in_pairs(world.programme, 8)
    campaign = launch(world.programme)
    submit_all(campaign, [8] * 5, roles=roles[:5])
    client = world.client_for("curator")
    url = reverse("monitoring:survey_campaign", args=[campaign.pk])
    five = _count_queries(client, url)
    submit_all(campaign, [6] * 3, roles=roles[5:])
    assert _count_queries(client, url) == five
