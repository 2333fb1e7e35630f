"""A mentee opens the e-mailed personal link on a phone, answers, submits, and cannot submit
again; the curator sees the campaign's results page."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from mentorship.models import User
from monitoring.models import SurveyResponse
from monitoring.surveys import services
from participants.models import ProgrammeRole

from .conftest import login

PHONE = {"width": 390, "height": 844}


def _answer_everything(page: Page) -> None:
    for fieldset in page.locator("fieldset[data-type]").all():
        kind = fieldset.get_attribute("data-type")
        if kind == "scale":
            fieldset.locator("label.scale-btn", has_text=re.compile(r"^8$")).click()
        elif kind == "text":
            fieldset.locator("textarea").fill("Встречи с наставником перед сессией")
        elif kind == "multiple":
            fieldset.locator("input[type=checkbox]").first.check()
        else:
            fieldset.locator("input[type=radio]").first.check()


def test_mentee_answers_the_mailed_link_on_a_phone_once(page: Page, live_server: LiveServer,
                                                         demo: str) -> None:
    mentee = User.objects.get(username="mentee").person
    role = ProgrammeRole.objects.filter(person=mentee, role="mentee").select_related(
        "programme").order_by("-programme__start_year").first()
    programme = role.programme
    today = timezone.localdate()
    year = today.year if today.year in programme.years else programme.end_year
    template = services.templates_ensure_defaults()["mentee_exit"]
    mail.outbox.clear()
    campaign = services.campaign_launch(
        programme=programme, template=template, year=year, audience="mentee", kind="exit",
        deadline=today + dt.timedelta(days=7), anonymous=True, acting_user=None,
        link_base=live_server.url)
    [message] = [m for m in mail.outbox if m.to == [mentee.email]]
    link = re.search(r"https?://\S+/s/\S+/", message.body).group(0)

    page.set_viewport_size(PHONE)
    page.goto(link)  # no login: the link is the key
    expect(page.locator('main[data-survey-state="ok"]')).to_have_count(1)
    # A second tab holds the same form, to try submitting twice.
    second = page.context.new_page()
    second.set_viewport_size(PHONE)
    second.goto(link)

    _answer_everything(page)
    expect(page.locator('#save-state [data-saved="true"]')).to_be_visible()
    invitation = campaign.invitations.get(respondent=role)
    assert SurveyResponse.objects.get(invitation=invitation).status == "draft"
    assert SurveyResponse.objects.get(invitation=invitation).answers.exists()

    page.locator("#submit-survey").click()
    expect(page.locator('main[data-survey-state="submitted"]')).to_have_count(1)
    expect(page.locator("#survey-form")).to_have_count(0)
    response = SurveyResponse.objects.get(invitation=invitation)
    assert response.status == "submitted"
    answers = sorted(response.answers.values_list("question_id", "scale_value"))
    assert {score for _q, score in answers if score is not None} == {8}

    _answer_everything(second)
    second.locator("label.scale-btn", has_text=re.compile(r"^2$")).first.click()
    second.locator("#submit-survey").click()
    expect(second.locator('main[data-survey-state="submitted"]')).to_have_count(1)
    expect(second.locator("#survey-message")).to_contain_text(
        str(services.ALREADY_SUBMITTED))
    assert sorted(response.answers.values_list("question_id", "scale_value")) == answers

    page.goto(link)  # the link now only says it is done
    expect(page.locator('main[data-survey-state="submitted"]')).to_have_count(1)
    expect(page.locator("#survey-form")).to_have_count(0)

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, "curator")
    page.goto(f"{live_server.url}/surveys/campaigns/{campaign.pk}/")
    expect(page.locator("#submitted")).to_have_attribute("data-count", "1")
    expect(page.locator("#too-few")).to_be_visible()
