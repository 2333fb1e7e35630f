"""Walks every URL pattern of the project with objects of one college and asserts that the
users of another college — in each role — and the regional coordinator get 404, and an
anonymous visitor the login redirect (or 404 for the token-protected public pages).

A new URL pattern must be added to OBJECT_URLS (how to fill its arguments with the first
college's objects) or to NO_OBJECT_URLS (pages about no particular object, checked
elsewhere); otherwise this test fails, so no view can ship without its outsider check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import World
from .cycle.test_recognition import recognition_of, training_of
from .factories import PersonFactory, RoleFactory, UserFactory
from .pairing.test_completion import completed_pair
from .pairing.test_work import make_meeting, make_plan_item
from .participants.test_consent_views import consent_group, consent_with_scan
from .privacy import objects as privacy_objects
from .programmes.test_edit_views import roadmap_objects

Kwargs = Callable[[World], dict[str, Any]]

def _programme(w: World) -> dict[str, Any]:
    return {"programme_pk": w.programme.pk}


def _obj(key: str) -> Kwargs:
    return lambda w: {"pk": w.extra[key].pk}


def _in_programme(key: str, **more: Any) -> Kwargs:
    return lambda w: {"programme_pk": w.programme.pk, "pk": w.extra[key].pk, **more}


# URL name -> the arguments that point at the first college's objects.
OBJECT_URLS: dict[str, Kwargs] = {
    "programme_detail": lambda w: {"pk": w.programme.pk},
    "participants:list": _programme,
    "participants:export": lambda w: {"programme_pk": w.programme.pk, "fmt": "xlsx"},
    "participants:detail": lambda w: {"pk": w.people["mentee"].pk},
    "participants:import_detail": _obj("import"),
    "participants:import_confirm": _obj("import"),
    "participants:import_report": _obj("import"),
    "participants:import_file": _obj("import"),
    "pairing:mentorship_list": _programme,
    "pairing:mentorship_create": _programme,
    "pairing:mentorship_detail": lambda w: {"pk": w.pair.pk},
    "pairing:mentorship_export": lambda w: {"programme_pk": w.programme.pk, "fmt": "csv"},
    "pairing:request_export": lambda w: {"programme_pk": w.programme.pk, "fmt": "csv"},
    "pairing:member_end": _obj("member"),
    "pairing:order_pdf": _programme,
    "pairing:request_list": _programme,
    "pairing:request_create": _programme,
    "pairing:my_requests": _programme,
    "pairing:request_edit": lambda w: {"pk": w.request_.pk},
    "pairing:request_withdraw": lambda w: {"pk": w.request_.pk},
    "pairing:mentor_list": _programme,
    "pairing:mentor_add": _programme,
    "pairing:mentor_edit": lambda w: {"pk": w.pair.mentor_id},
    "pairing:match_settings": _programme,
    "pairing:exclusion_delete": _obj("exclusion"),
    "pairing:board": _programme,
    "pairing:run_start": _programme,
    "pairing:run_status": _obj("run"),
    "pairing:run_accept_all": _obj("run"),
    "pairing:suggestion_accept": _obj("suggestion"),
    "pairing:suggestion_reject": _obj("suggestion"),
    "pairing:suggestion_reassign": _obj("suggestion"),
    "monitoring:dashboard": _programme,
    "monitoring:export": _programme,
    "monitoring:indicator": _in_programme("indicator"),
    "monitoring:fact_clear": _in_programme("indicator", year=2024),
    "monitoring:drilldown": _in_programme("indicator", year=2024),
    "monitoring:headcount": _programme,
    "monitoring:reports": _programme,
    "monitoring:report_status": _obj("report"),
    "monitoring:report_download": _obj("report"),
    "monitoring:evidence": _obj("fact"),
    "monitoring:surveys": _programme,
    "monitoring:survey_campaign_new": _programme,
    "monitoring:survey_changes": _programme,
    "monitoring:survey_templates": _programme,
    "monitoring:survey_template_new": _programme,
    "monitoring:survey_template": _in_programme("template"),
    "monitoring:survey_template_edit": _in_programme("template"),
    "monitoring:survey_template_copy": _in_programme("template"),
    "monitoring:survey_campaign": _obj("campaign"),
    "monitoring:survey_campaign_status": _obj("campaign"),
    "monitoring:survey_campaign_close": _obj("campaign"),
    "monitoring:survey_campaign_export": _obj("campaign"),
    # Completion and recognition (tests/pairing/test_completion.py,
    # tests/cycle/test_recognition.py).
    "pairing:mentorship_complete": lambda w: {"pk": w.pair.pk},
    "pairing:mentorship_reflection": lambda w: {"pk": w.pair.pk},
    "pairing:invite_list": _programme,
    "pairing:invite": lambda w: {"pk": completed_pair(w).pk},
    "cycle:mentor_training": lambda w: {"pk": w.pair.mentor_id},
    "cycle:training_add": lambda w: {"pk": w.pair.mentor_id},
    "cycle:training_edit": lambda w: {"mentor_pk": w.pair.mentor_id, "pk": training_of(w).pk},
    "cycle:training_delete": lambda w: {"mentor_pk": w.pair.mentor_id,
                                        "pk": training_of(w).pk},
    "cycle:recognition_add": lambda w: {"pk": w.pair.mentor_id},
    "cycle:recognition_delete": lambda w: {"pk": recognition_of(w).pk},
    "cycle:best_mentors": _programme,
    "cycle:best_mentor_choose": lambda w: {"programme_pk": w.programme.pk,
                                           "pk": w.pair.mentor_id},
    "cycle:letters_pdf": _programme,
    "cycle:letter_pdf": lambda w: {"pk": w.pair.mentor_id, "kind": "thanks"},
    # Consents (tests/participants/test_consent_views.py).
    "participants:consent_register": _programme,
    "participants:consent_export": lambda w: {"programme_pk": w.programme.pk, "fmt": "csv"},
    "participants:consent_form_person": lambda w: {"programme_pk": w.programme.pk,
                                                   "person_pk": w.people["mentee"].pk},
    "participants:consent_form_group": lambda w: {"programme_pk": w.programme.pk,
                                                  "group_pk": consent_group(w).pk},
    "participants:consent_new": lambda w: {"pk": w.people["mentee"].pk},
    "participants:consent_revoke": lambda w: {"pk": w.people["mentee"].pk},
    "participants:consent_document": lambda w: {"pk": consent_with_scan(w).pk},
    "privacy:request_detail": lambda w: {"pk": privacy_objects.subject_request(w).pk},
    "privacy:request_close": lambda w: {"pk": privacy_objects.subject_request(w).pk},
    "privacy:archive_start": lambda w: {"pk": privacy_objects.subject_request(w).pk},
    "privacy:request_erase": lambda w: {
        "pk": privacy_objects.subject_request(w, kind="erasure").pk},
    "privacy:act_download": lambda w: {"pk": privacy_objects.request_with_act(w).pk},
    "privacy:archive_status": lambda w: {"pk": privacy_objects.done_archive(w).pk},
    "privacy:archive_download": lambda w: {"pk": privacy_objects.done_archive(w).pk},
    "privacy:incident_edit": lambda w: {"pk": privacy_objects.incident(w).pk},
    # Programme editing, approval, roadmap execution, plans and the year view (issue 6).
    "programme_approve": lambda w: {"pk": w.programme.pk},
    "programmes:passport_edit": _programme,
    "programmes:task_create": _programme,
    "programmes:task_edit": lambda w: {"programme_pk": w.programme.pk,
                                       "pk": roadmap_objects(w)["tasks"][1].pk},
    "programmes:form_edit": lambda w: {"programme_pk": w.programme.pk,
                                       "pk": roadmap_objects(w)["programme_form"].pk},
    "programmes:activity_create": _programme,
    "programmes:activity_edit": lambda w: {"programme_pk": w.programme.pk,
                                           "pk": roadmap_objects(w)["activities"]["1.2"].pk},
    "programmes:stage_dates": _programme,
    "programmes:roadmap": _programme,
    "programmes:execution_edit": lambda w: {"pk": roadmap_objects(w)["execution"].pk},
    "programmes:execution_evidence": lambda w: {"pk": roadmap_objects(w)["execution"].pk},
    "monitoring:plans": _programme,
    "monitoring:plan_edit": lambda w: {"programme_pk": w.programme.pk,
                                       "pk": roadmap_objects(w)["indicator"].pk},
    "cycle:year": _programme,
    # The pairs' work and pairs at risk (tests/pairing/test_work.py, tests/cycle/test_risk.py).
    "pairing:plan_item_create": lambda w: {"pk": w.pair.pk},
    "pairing:plan_item_edit": lambda w: {"pk": make_plan_item(w).pk},
    "pairing:plan_item_delete": lambda w: {"pk": make_plan_item(w).pk},
    "pairing:plan_item_status": lambda w: {"pk": make_plan_item(w).pk},
    "pairing:plan_item_move": lambda w: {"pk": make_plan_item(w).pk},
    "pairing:meeting_create": lambda w: {"pk": w.pair.pk},
    "pairing:meeting_edit": lambda w: {"pk": make_meeting(w).pk},
    "pairing:meeting_delete": lambda w: {"pk": make_meeting(w).pk},
    "pairing:meeting_confirm": lambda w: {"pk": make_meeting(w).pk},
    "pairing:meeting_not_a_good_fit": lambda w: {"pk": make_meeting(w).pk},
    "cycle:risk": _programme,
    "cycle:risk_settings": _programme,
    "cycle:mentorship_risk_badge": lambda w: {"pk": w.pair.pk},
}

# Pages that show no object of a college (each has its own permission test), and the
# personal survey links, where the signed token is the key (a forged token gets 404; tested
# with the surveys).
NO_OBJECT_URLS = {
    "home", "health", "login", "logout", "user_list", "organisation_list", "programme_list",
    "monitoring:region", "monitoring:region_plan", "participants:import_list",
    "participants:import_new", "participants:import_template", "monitoring:survey_answer",
    "monitoring:survey_autosave",
    # Personal-data registers (tests/privacy/test_views.py).
    "privacy:audit", "privacy:request_list", "privacy:request_create", "privacy:incident_list",
    "privacy:incident_create",
    # Account security (tests/test_lockout.py, test_password.py, test_otp.py).
    "password_change", "password_reset", "password_reset_done", "password_reset_confirm",
    "password_reset_complete", "otp_enrol", "otp_verify", "otp_disable", "lockout_list",
    "lockout_release", "otp_reset",
    # Every user's own notification preferences (tests/cycle/test_notifications.py).
    "cycle:notification_settings",
}

# Patterns outside the product's own views.
IGNORED_PREFIXES = ("admin:",)
IGNORED_NAMES = {None}


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def _project_url_names() -> list[str]:
    names = sorted(set(_walk(get_resolver().url_patterns)))
    return [n for n in names if not n.startswith(IGNORED_PREFIXES)]


def test_every_url_is_in_the_walk() -> None:
    missing = [n for n in _project_url_names()
               if n not in OBJECT_URLS and n not in NO_OBJECT_URLS]
    assert missing == [], f"Add these URL names to tests/test_outsider_walk.py: {missing}"


@pytest.fixture
def outsiders(world: World, settings: Any, tmp_path: Any) -> dict[str, Client]:
    """The first college's objects of every kind, and one user of the other college in each
    role plus the regional coordinator."""
    settings.MEDIA_ROOT = tmp_path
    world.extra = _first_college_objects(world)
    clients: dict[str, Client] = {}
    for role in ("director", "curator", "mentor", "mentee"):
        user = UserFactory(username=f"outsider_{role}")
        person = PersonFactory(organisation=world.other_org, user=user)
        RoleFactory(programme=world.other_programme, person=person, role=role)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        clients[role] = client
    clients["coordinator"] = world.client_for("coordinator")
    return clients


def _first_college_objects(w: World) -> dict[str, Any]:
    import datetime as dt

    from django.core.files.base import ContentFile

    from monitoring.models import (
        Indicator,
        IndicatorFact,
        Report,
        SurveyCampaign,
        SurveyTemplate,
    )
    from pairing.models import Exclusion, MatchRun, MatchSuggestion
    from participants.models import ImportBatch

    curator = w.users["curator"]
    member = w.pair.members.first()
    run = MatchRun.objects.create(programme=w.programme, form=w.pair.form, created_by=curator)
    indicator = Indicator.objects.create(programme=w.programme, group="result", number=1,
                                         name="Показатель", unit="%", baseline_year=2024)
    fact = IndicatorFact(indicator=indicator, year=2024, value=50, entered_by=curator)
    fact.evidence.save("evidence.pdf", ContentFile(b"%PDF-1.4"), save=False)
    fact.save()
    template = SurveyTemplate.objects.create(organisation=w.org, title="Анкета",
                                             audience="mentee")
    batch = ImportBatch(organisation=w.org, created_by=curator, original_name="list.csv")
    batch.file.save("list.csv", ContentFile("ФИО\n".encode()), save=False)
    batch.save()
    return {
        "member": member,
        "run": run,
        "suggestion": MatchSuggestion.objects.create(
            run=run, mentor=w.pair.mentor, mentee=member.mentee, request=w.request_),
        "exclusion": Exclusion.objects.create(programme=w.programme, mentor=w.pair.mentor,
                                              mentee=member.mentee),
        "indicator": indicator,
        "fact": fact,
        "report": Report.objects.create(programme=w.programme, year=2024, requested_by=curator),
        "template": template,
        "campaign": SurveyCampaign.objects.create(
            programme=w.programme, template=template, year=2024, audience="mentee",
            kind="entry", deadline=dt.date(2030, 1, 1), created_by=curator),
        "import": batch,
    }


def _status(client: Client, url: str) -> int:
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_outsiders_get_404_and_anonymous_the_login(world: World,
                                                   outsiders: dict[str, Client],
                                                   name: str) -> None:
    url = reverse(name, kwargs=OBJECT_URLS[name](world))
    for role, client in outsiders.items():
        assert _status(client, url) == 404, (name, role)
    anonymous = Client(HTTP_HOST="127.0.0.1")
    response = anonymous.get(url)
    if response.status_code == 405:
        response = anonymous.post(url)
    assert response.status_code in (302, 404), name
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login")), name
