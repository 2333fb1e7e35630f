"""Monitoring pages: the permission matrix for every view, then what each role does there:
entering a fact with evidence, its history, the drill-down, the spreadsheet export."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from mentorship.models import AuditEntry
from monitoring.models import IndicatorFact, RegionalPlan, Report
from monitoring.services import FACT_NEEDS_EVIDENCE

from ..conftest import ROLES
from .conftest import Monitored

pytestmark = pytest.mark.django_db

UrlFor = Callable[[Monitored], str]


def _report(m: Monitored) -> Report:
    from django.core.files.base import ContentFile

    report = Report(programme=m.world.programme, year=2025, status=Report.Status.DONE,
                    progress=100)
    report.file.save("r.pdf", ContentFile(b"%PDF-1.4 report"), save=False)
    report.save()
    return report


#                anonymous admin dir cur mentor mentee o_mentee o_cur coord
PROGRAMME_PAGE = (302, 200, 200, 200, 403, 403, 403, 404, 404)
PROGRAMME_OBJECT = (302, 200, 200, 200, 404, 404, 404, 404, 404)
MATRIX: dict[str, tuple[UrlFor, tuple[int, ...]]] = {
    "dashboard": (lambda m: reverse("monitoring:dashboard", args=[m.world.programme.pk]),
                  PROGRAMME_PAGE),
    "export": (lambda m: reverse("monitoring:export", args=[m.world.programme.pk]),
               PROGRAMME_PAGE),
    "indicator": (lambda m: reverse("monitoring:indicator",
                                    args=[m.world.programme.pk, m.computed.pk]),
                  PROGRAMME_PAGE),
    "drilldown": (lambda m: reverse("monitoring:drilldown",
                                    args=[m.world.programme.pk, m.computed.pk, 2025]),
                  PROGRAMME_PAGE),
    "headcount": (lambda m: reverse("monitoring:headcount", args=[m.world.programme.pk]),
                  (302, 200, 200, 403, 403, 403, 403, 404, 404)),
    "reports": (lambda m: reverse("monitoring:reports", args=[m.world.programme.pk]),
                PROGRAMME_PAGE),
    "report_status": (lambda m: reverse("monitoring:report_status", args=[_report(m).pk]),
                      PROGRAMME_OBJECT),
    "report_download": (lambda m: reverse("monitoring:report_download",
                                          args=[_report(m).pk]), PROGRAMME_OBJECT),
    "evidence": (lambda m: reverse("monitoring:evidence", args=[m.fact.pk]),
                 PROGRAMME_OBJECT),
    "region": (lambda m: reverse("monitoring:region"),
               (302, 403, 403, 403, 403, 403, 403, 403, 200)),
}
CASES = [
    pytest.param(view, role, expected, id=f"{view}-{role}")
    for view, (_, statuses) in MATRIX.items()
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize(("view", "role", "expected"), CASES)
def test_permission_matrix(monitored: Monitored, view: str, role: str, expected: int) -> None:
    url = MATRIX[view][0](monitored)
    response = monitored.world.client_for(role).get(url)
    assert response.status_code == expected
    if expected == 302:
        assert "login" in response["Location"]


# (view, url builder, data) of the POST views; who may post: the programme's staff.
POSTS: dict[str, tuple[UrlFor, dict[str, str]]] = {
    "indicator": (lambda m: reverse("monitoring:indicator",
                                    args=[m.world.programme.pk, m.manual.pk]),
                  {"year": "2026", "value": "4", "evidence_link": "https://example.org/d"}),
    "fact_clear": (lambda m: reverse("monitoring:fact_clear",
                                     args=[m.world.programme.pk, m.manual.pk, 2025]), {}),
    "reports": (lambda m: reverse("monitoring:reports", args=[m.world.programme.pk]),
                {"year": "2025"}),
    "headcount": (lambda m: reverse("monitoring:headcount", args=[m.world.programme.pk]),
                  {"year": "2025", "students": "100"}),
}
POST_STATUSES = {
    #            anonymous admin dir cur mentor mentee o_mentee o_cur coord
    "indicator": (302, 302, 302, 302, 403, 403, 403, 404, 404),
    "fact_clear": (302, 302, 302, 302, 403, 403, 403, 404, 404),
    "reports": (302, 302, 302, 302, 403, 403, 403, 404, 404),
    "headcount": (302, 302, 302, 403, 403, 403, 403, 404, 404),
}


@pytest.mark.parametrize(("view", "role", "expected"), [
    pytest.param(view, role, expected, id=f"{view}-{role}")
    for view, statuses in POST_STATUSES.items()
    for role, expected in zip(ROLES, statuses, strict=True)
])
def test_post_permission_matrix(monitored: Monitored, view: str, role: str,
                                expected: int, django_capture_on_commit_callbacks) -> None:
    url, data = POSTS[view]
    with django_capture_on_commit_callbacks(execute=False):
        response = monitored.world.client_for(role).post(url(monitored), data)
    assert response.status_code == expected
    if role == "anonymous":
        assert "login" in response["Location"]


@pytest.mark.parametrize("role", ["anonymous", "admin", "director", "curator", "mentor",
                                  "other_curator"])
def test_only_the_coordinator_enters_regional_plans(monitored: Monitored, role: str) -> None:
    response = monitored.world.client_for(role).post(
        reverse("monitoring:region_plan"),
        {"code": "share_students_mentees", "year": "2025", "value": "50"})
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert not RegionalPlan.objects.exists()


def test_coordinator_gets_404_on_every_person_and_pair(monitored: Monitored) -> None:
    world = monitored.world
    client = world.client_for("coordinator")
    urls = [reverse("participants:detail", args=[p.pk]) for p in world.people.values()]
    urls += [reverse("pairing:mentorship_detail", args=[m.pk])
             for m in (world.pair, world.other_pair, world.foreign_pair)]
    urls += [reverse("monitoring:drilldown", args=[world.programme.pk, monitored.computed.pk,
                                                   2025]),
             reverse("monitoring:evidence", args=[monitored.fact.pk]),
             reverse("monitoring:indicator", args=[world.programme.pk, monitored.computed.pk])]
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_region_page_names_no_person(monitored: Monitored) -> None:
    content = monitored.world.client_for("coordinator").get(
        reverse("monitoring:region")).content.decode()
    assert 'id="region-forms"' in content
    main = content.split("<main", 1)[1]
    for person in monitored.world.people.values():
        assert person.last_name not in main


# --------------------------------------------------------------------------- facts


def test_director_enters_a_fact_with_a_file_and_sees_its_history(monitored: Monitored) -> None:
    world = monitored.world
    client = world.client_for("director")
    url = reverse("monitoring:indicator", args=[world.programme.pk, monitored.manual.pk])
    upload = SimpleUploadedFile("Приказ о дуальном обучении.pdf", b"%PDF-1.4 order",
                                content_type="application/pdf")
    response = client.post(url, {"year": "2026", "value": "7", "comment": "три договора",
                                 "evidence": upload})
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2026")
    fact = IndicatorFact.objects.get(indicator=monitored.manual, year=2026)
    assert fact.value == Decimal(7)
    assert fact.entered_by == world.users["director"]
    # Stored under a random name that reveals nothing of the original.
    assert "Приказ" not in fact.evidence.name
    assert re.fullmatch(r"evidence/\d{4}/[0-9a-f]{32}\.pdf", fact.evidence.name)

    page = client.get(f"{url}?year=2026").content.decode()
    assert "Приказ о дуальном обучении.pdf" in page  # the history names the uploaded file
    assert reverse("monitoring:evidence", args=[fact.pk]) in page
    download = client.get(reverse("monitoring:evidence", args=[fact.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 order"
    assert "attachment" in download["Content-Disposition"]

    # A correction is recorded with before and after values.
    response = client.post(url, {"year": "2026", "value": "8",
                                 "evidence_link": "https://example.org/protocol"})
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(verb="indicator.fact_set").first()
    assert entry is not None
    assert entry.changes["value"] == ["7", "8"]
    assert entry.changes["evidence_link"] == ["", "https://example.org/protocol"]
    page = client.get(f"{url}?year=2026").content.decode()
    assert "7 → 8" in page


def test_a_fact_without_evidence_is_refused(monitored: Monitored) -> None:
    world = monitored.world
    url = reverse("monitoring:indicator", args=[world.programme.pk, monitored.manual.pk])
    response = world.client_for("curator").post(url, {"year": "2027", "value": "5"})
    assert response.status_code == 200
    assert str(FACT_NEEDS_EVIDENCE) in response.content.decode()
    assert not IndicatorFact.objects.filter(indicator=monitored.manual, year=2027).exists()


def test_evidence_of_a_wrong_type_is_refused(monitored: Monitored) -> None:
    world = monitored.world
    url = reverse("monitoring:indicator", args=[world.programme.pk, monitored.manual.pk])
    upload = SimpleUploadedFile("script.exe", b"MZ", content_type="application/octet-stream")
    response = world.client_for("curator").post(url, {"year": "2027", "value": "5",
                                                      "evidence": upload})
    assert response.status_code == 200
    assert "«.exe»" in response.content.decode()
    assert not IndicatorFact.objects.filter(indicator=monitored.manual, year=2027).exists()


def test_clearing_a_fact_removes_it_and_keeps_the_history(monitored: Monitored) -> None:
    world = monitored.world
    client = world.client_for("curator")
    url = reverse("monitoring:fact_clear", args=[world.programme.pk, monitored.manual.pk, 2025])
    assert client.post(url).status_code == 302
    assert not IndicatorFact.objects.filter(pk=monitored.fact.pk).exists()
    page = client.get(reverse("monitoring:indicator",
                              args=[world.programme.pk, monitored.manual.pk])).content.decode()
    assert "3 → —" in page


def test_entered_fact_wins_over_the_computed_one(monitored: Monitored) -> None:
    world = monitored.world
    client = world.client_for("director")
    url = reverse("monitoring:dashboard", args=[world.programme.pk])
    row = _row(client.get(f"{url}?year=2025").content.decode(), "efficiency", 1)
    # Two students (mentee, other_mentee) of those on record are mentees since 15.11.2024.
    assert re.search(r"2 из \d+", row)
    IndicatorFact.objects.create(indicator=monitored.computed, year=2025, value=Decimal("12.5"),
                                 evidence_link="https://example.org/x")
    row = _row(client.get(f"{url}?year=2025").content.decode(), "efficiency", 1)
    assert "12,5" in row
    assert "вручную" in row


def _row(html: str, group: str, number: int) -> str:
    match = re.search(rf'<tr data-indicator="{number}" data-group="{group}">(.*?)</tr>', html,
                      re.S)
    assert match, (group, number)
    return match.group(1)


def test_lower_is_better_status_on_the_dashboard(monitored: Monitored) -> None:
    world = monitored.world
    for value, status in (("4", "met"), ("5.4", "at_risk"), ("9", "not_met")):
        IndicatorFact.objects.update_or_create(
            indicator=monitored.turnover, year=2026,
            defaults={"value": Decimal(value), "evidence_link": "https://example.org/t"})
        html = world.client_for("director").get(
            reverse("monitoring:dashboard", args=[world.programme.pk]) + "?year=2026"
        ).content.decode()
        assert f'data-status="{status}"' in _row(html, "result", 3)


# --------------------------------------------------------------------------- drill-down


def test_drilldown_lists_the_people_behind_the_numerator(monitored: Monitored) -> None:
    world = monitored.world
    url = reverse("monitoring:drilldown", args=[world.programme.pk, monitored.computed.pk, 2025])
    response = world.client_for("curator").get(url)
    names = [p.pk for p in response.context["page_obj"]]
    assert set(names) == {world.people["mentee"].pk, world.people["other_mentee"].pk}
    content = response.content.decode()
    assert world.people["mentee"].full_name in content
    # The other college's mentee is never listed.
    foreign = world.foreign_pair.members.get().mentee.person
    assert foreign.full_name not in content


def test_drilldown_of_a_manual_indicator_is_404(monitored: Monitored) -> None:
    world = monitored.world
    url = reverse("monitoring:drilldown", args=[world.programme.pk, monitored.manual.pk, 2025])
    assert world.client_for("director").get(url).status_code == 404


# --------------------------------------------------------------------------- export


def test_spreadsheet_export_has_plan_and_fact_by_year(monitored: Monitored) -> None:
    world = monitored.world
    response = world.client_for("director").get(
        reverse("monitoring:export", args=[world.programme.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    headers = rows[0]
    assert headers[:3] == ["Группа", "№", "Показатель"]
    assert "План 2026" in headers and "Факт 2025" in headers and "Статус 2027" in headers
    manual = next(r for r in rows[1:] if r[2] == monitored.manual.name)
    assert manual[headers.index("План 2024")] == 2  # the baseline
    assert manual[headers.index("План 2026")] == 5
    assert manual[headers.index("Факт 2025")] == 3
    assert manual[headers.index("Статус 2025")] == "выполнен"  # 3 against a plan of 1
