"""Programme editing, approval, roadmap execution and plan pages: the permission matrix for
every view and the happy paths."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Indicator, IndicatorPlan
from programmes.models import Activity, ActivityExecution, Programme, ProgrammeVersion, Task

from .roadmap_helpers import build_roadmap

pytestmark = pytest.mark.django_db


def roadmap_objects(world: Any) -> dict[str, Any]:
    """The first college's roadmap objects the edit pages point at (used by the outsider
    walk too)."""
    if "roadmap" in world.extra:
        return world.extra["roadmap"]
    objs = build_roadmap(world.programme)
    execution = objs["execution"]
    execution.evidence.save("evidence.pdf", ContentFile(b"%PDF-1.4"), save=True)
    objs["indicator"] = Indicator.objects.create(
        programme=world.programme, group="result", number=99, name="Доля пар", unit="%",
        baseline_year=2024)
    objs["programme_form"] = world.programme.programme_forms.first()
    world.extra["roadmap"] = objs
    return objs


WRITE = {"anonymous": 302, "admin": 200, "director": 403, "curator": 200, "mentor": 403,
         "mentee": 403, "other_curator": 404, "coordinator": 404}
READ_STAFF = {**WRITE, "director": 200}
APPROVE = {**WRITE, "director": 200, "curator": 403}


def _urls(world: Any) -> list[tuple[str, dict[str, int]]]:
    o = roadmap_objects(world)
    pk = world.programme.pk
    return [
        (reverse("programmes:passport_edit", args=[pk]), WRITE),
        (reverse("programmes:task_create", args=[pk]), WRITE),
        (reverse("programmes:task_edit", args=[pk, o["tasks"][1].pk]), WRITE),
        (reverse("programmes:form_edit", args=[pk, o["programme_form"].pk]), WRITE),
        (reverse("programmes:activity_create", args=[pk]), WRITE),
        (reverse("programmes:activity_edit", args=[pk, o["activities"]["1.2"].pk]), WRITE),
        (reverse("programmes:stage_dates", args=[pk]), WRITE),
        (reverse("programmes:roadmap", args=[pk]), READ_STAFF),
        (reverse("programmes:execution_edit", args=[o["execution"].pk]), WRITE),
        (reverse("programmes:execution_evidence", args=[o["execution"].pk]), READ_STAFF),
        (reverse("programme_approve", args=[pk]), APPROVE),
        (reverse("monitoring:plans", args=[pk]), READ_STAFF),
        (reverse("monitoring:plan_edit", args=[pk, o["indicator"].pk]), WRITE),
        (reverse("cycle:year", args=[pk]), READ_STAFF),
    ]


@pytest.mark.parametrize("role", list(WRITE))
def test_permission_matrix(world, role: str, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = world.client_for(role)
    failures = []
    for url, expected in _urls(world):
        response = client.get(url)
        if response.status_code != expected[role]:
            failures.append((url, response.status_code, expected[role]))
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))
    assert failures == []


def test_curator_edits_the_passport_and_an_approved_programme_becomes_a_draft(world) -> None:
    world.programme.status = Programme.Status.APPROVED
    world.programme.save()
    client = world.client_for("curator")
    url = reverse("programmes:passport_edit", args=[world.programme.pk])
    response = client.post(url, {
        "title": "Программа наставничества ГБПОУ", "place": "Прокопьевск",
        "basis": "Распоряжение Р-145\n\nФедеральный закон № 273-ФЗ\n",
        "developers": "Иванова И.И. — куратор\nПетров П.П. - методист",
        "executors": "", "control": "", "relevance": "", "goal": "Цель",
        "components": "", "expected_results": ""})
    assert response.status_code == 302
    world.programme.refresh_from_db()
    assert world.programme.basis == ["Распоряжение Р-145", "Федеральный закон № 273-ФЗ"]
    assert world.programme.developers == [["Иванова И.И.", "куратор"],
                                          ["Петров П.П.", "методист"]]
    assert world.programme.status == Programme.Status.DRAFT


def test_activity_create_and_duplicate_number_error(world) -> None:
    objs = roadmap_objects(world)
    client = world.client_for("curator")
    url = reverse("programmes:activity_create", args=[world.programme.pk])
    data = {"task": objs["tasks"][1].pk, "number": "1.9", "title": "Новое мероприятие",
            "items": "Шаг 1\nШаг 2", "timing": "Декабрь - январь ежегодно",
            "months": ["1", "12"], "yearly": "on", "responsibles": "Куратор",
            "expected_result": "Итог"}
    assert client.post(url, data).status_code == 302
    activity = Activity.objects.get(programme=world.programme, number="1.9")
    assert activity.months == [12, 1]
    assert activity.items == ["Шаг 1", "Шаг 2"]
    response = client.post(url, {**data, "number": "1.1"})
    assert response.status_code == 200
    assert Activity.objects.filter(programme=world.programme, number="1.1").count() == 1
    assert "1.1" in response.content.decode()


def test_task_edit_replaces_indicators(world) -> None:
    objs = roadmap_objects(world)
    client = world.client_for("curator")
    task = objs["tasks"][1]
    response = client.post(reverse("programmes:task_edit", args=[world.programme.pk, task.pk]),
                           {"number": 1, "title": "Задача", "roadmap_title": "",
                            "indicators": "Доля пар | %\nЧисло встреч | ед."})
    assert response.status_code == 302
    task = Task.objects.get(pk=task.pk)
    assert [(i.text, i.unit) for i in task.indicators.all()] == [("Доля пар", "%"),
                                                                 ("Число встреч", "ед.")]


def test_director_approves_and_a_second_submit_changes_nothing(world) -> None:
    client = world.client_for("director")
    url = reverse("programme_approve", args=[world.programme.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {"approver_name": "И.И. Сомова", "approver_position": "Директор"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert ProgrammeVersion.objects.filter(programme=world.programme).count() == 1
    detail = client.get(reverse("programme_detail", args=[world.programme.pk]))
    html = detail.content.decode()
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert "Директор И.И. Сомова" in html
    assert today in html


def test_curator_marks_an_execution_done_with_a_link(world, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    objs = roadmap_objects(world)
    execution = objs["execution"]
    client = world.client_for("curator")
    url = reverse("programmes:execution_edit", args=[execution.pk])
    response = client.post(url, {"status": "done", "done_on": "2024-10-20",
                                 "responsible": world.users["curator"].pk,
                                 "evidence_link": "college.example/order",
                                 "comment": "Приказ издан"})
    assert response.status_code == 302
    execution.refresh_from_db()
    assert execution.status == ActivityExecution.Status.DONE
    assert execution.evidence_link == "https://college.example/order"
    assert execution.responsible == world.users["curator"]


def test_bad_evidence_file_keeps_the_form_and_shows_the_reason(world, settings,
                                                              tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    objs = roadmap_objects(world)
    execution = objs["execution"]
    client = world.client_for("curator")
    response = client.post(reverse("programmes:execution_edit", args=[execution.pk]), {
        "status": "in_progress", "comment": "Комментарий",
        "evidence": SimpleUploadedFile("virus.exe", b"MZ")})
    assert response.status_code == 200
    html = response.content.decode()
    assert ".exe" in html and "Комментарий" in html
    execution.refresh_from_db()
    assert execution.status == ActivityExecution.Status.PLANNED


def test_evidence_download_for_the_director(world, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    objs = roadmap_objects(world)
    response = world.client_for("director").get(
        reverse("programmes:execution_evidence", args=[objs["execution"].pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


def test_stage_dates_and_plans_are_saved(world) -> None:
    objs = roadmap_objects(world)
    client = world.client_for("curator")
    pk = world.programme.pk
    data = {}
    for stage in objs["stages"]:
        data[f"starts_{stage.pk}"] = "2025-09-01"
        data[f"ends_{stage.pk}"] = "2025-09-30"
    stage1 = objs["stages"][0]
    data[f"ends_{stage1.pk}"] = "2025-08-01"  # before the start: refused
    response = client.post(reverse("programmes:stage_dates", args=[pk]) + "?year=2025", data)
    assert response.status_code == 200
    data[f"ends_{stage1.pk}"] = "2025-10-15"
    response = client.post(reverse("programmes:stage_dates", args=[pk]) + "?year=2025", data)
    assert response.status_code == 302
    assert stage1.periods.get(academic_year=2025).ends_on == dt.date(2025, 10, 15)

    url = reverse("monitoring:plan_edit", args=[pk, objs["indicator"].pk])
    response = client.post(url, {"y2024": "40", "y2025": "60", "y2026": ""})
    assert response.status_code == 302
    assert dict(IndicatorPlan.objects.filter(indicator=objs["indicator"])
                .values_list("year", "value")) == {2024: 40, 2025: 60}
    page = client.get(reverse("monitoring:plans", args=[pk]))
    assert page.status_code == 200


@pytest.mark.parametrize(("role", "can_edit"), [("curator", True), ("admin", True),
                                                ("director", False)])
def test_read_pages_offer_editing_to_curators_only(world, role: str, can_edit: bool) -> None:
    """The director reads the roadmap and the plans but gets no edit links (their targets
    answer 403 to the director)."""
    objs = roadmap_objects(world)
    pk = world.programme.pk
    client = world.client_for(role)
    roadmap_page = client.get(reverse("programmes:roadmap", args=[pk])
                              + f"?year={objs['execution'].academic_year}")
    edit_url = reverse("programmes:execution_edit", args=[objs["execution"].pk])
    assert roadmap_page.context["can_edit"] is can_edit
    assert (f'href="{edit_url}?next=' in roadmap_page.content.decode()) is can_edit
    plans_page = client.get(reverse("monitoring:plans", args=[pk]))
    assert plans_page.context["can_edit"] is can_edit
