"""The reference programme (seed 002) loaded into the database and shown on the programme
page: every number of the seed's indicator tables present and equal."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring.models import Indicator, IndicatorPlan
from monitoring.services import indicators_create_from_reference
from programmes.models import Activity, Programme, Stage, StagePeriod, Task
from programmes.reference import seed_002
from programmes.services import (
    academic_year_months,
    organisation_ensure,
    programme_create_from_reference,
)
from tests.factories import RoleFactory, UserFactory


def _load() -> Programme:
    org = seed_002.ORGANISATION
    organisation = organisation_ensure(name=org["name"], short_name=org["short_name"],
                                       kind="college", region=org["region"],
                                       municipality=org["municipality"])
    programme = programme_create_from_reference(organisation=organisation, data=seed_002)
    indicators_create_from_reference(programme=programme, data=seed_002)
    return programme


@pytest.fixture
def programme(db: None) -> Programme:
    return _load()


def test_passport(programme: Programme) -> None:
    assert (programme.start_year, programme.end_year) == (2020, 2024)
    assert programme.status == Programme.Status.APPROVED
    assert programme.approved_by == "А.В. Нехаев"
    assert programme.approved_on.isoformat() == "2020-06-10"
    assert len(programme.basis) == len(seed_002.PROGRAMME["basis"]) >= 10
    assert [d[0] for d in programme.developers] == [
        "Нехаев А.В.", "Ломан Т.В.", "Музыченко О.В.", "Боцман А.В.", "Шибирина Т.С."]
    assert "педагогический совет" in programme.control


def test_structure_counts(programme: Programme) -> None:
    assert programme.role_texts.count() == 3
    assert list(programme.programme_forms.values_list("form__code", flat=True)) == [
        "teacher_teacher", "teacher_student", "employer_student", "student_student"]
    assert [t.indicators.count() for t in Task.objects.filter(programme=programme)] == [
        5, 4, 2, 4, 3]
    numbers = list(Activity.objects.filter(programme=programme).values_list("number",
                                                                            flat=True))
    expected = ([f"1.{i}" for i in range(1, 9)] + [f"2.{i}" for i in range(1, 5)]
                + [f"3.{i}" for i in range(1, 4)] + [f"4.{i}" for i in range(1, 5)]
                + [f"5.{i}" for i in range(1, 7)])
    assert numbers == expected
    assert Stage.objects.filter(programme=programme).count() == 7
    # Each of the seven stages has dates in each academic year 2020/21 … 2024/25.
    assert StagePeriod.objects.filter(stage__programme=programme).count() == 7 * 5


def test_every_indicator_value_equals_the_seed(programme: Programme) -> None:
    for group, rows in ((Indicator.Group.RESULT, seed_002.RESULT_INDICATORS),
                        (Indicator.Group.EFFICIENCY, seed_002.EFFICIENCY_INDICATORS)):
        assert Indicator.objects.filter(programme=programme, group=group).count() == len(rows)
        for row in rows:
            ind = Indicator.objects.get(programme=programme, group=group, number=row["number"])
            assert ind.name == row["name"]
            assert ind.unit == row["unit"]
            assert ind.kind == (row["kind"] or "")
            plans = {p.year: p.value for p in IndicatorPlan.objects.filter(indicator=ind)}
            stored = dict(plans)
            if ind.baseline_value is not None:
                stored[ind.baseline_year] = ind.baseline_value
            assert stored == {year: Decimal(v) for year, v in row["values"].items()}
    assert len(seed_002.RESULT_INDICATORS) == 13
    assert len(seed_002.EFFICIENCY_INDICATORS) == 6
    staff_turnover = Indicator.objects.get(programme=programme, group="result", number=3)
    assert staff_turnover.direction == Indicator.Direction.LOWER


def test_loading_twice_changes_nothing(programme: Programme) -> None:
    counts = (Task.objects.count(), Activity.objects.count(), Indicator.objects.count(),
              IndicatorPlan.objects.count(), StagePeriod.objects.count())
    again = _load()
    assert again.pk == programme.pk
    assert counts == (Task.objects.count(), Activity.objects.count(),
                      Indicator.objects.count(), IndicatorPlan.objects.count(),
                      StagePeriod.objects.count())


def _cell(html: str, table: str, number: int, year: int) -> str:
    table_html = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    row = table_html.split(f'data-indicator="{number}"', 1)[1].split("</tr>", 1)[0]
    cell = row.split(f'data-year="{year}">', 1)[1].split("</td>", 1)[0]
    return re.sub(r"<[^>]+>.*", "", cell, flags=re.S).strip()


def test_programme_page_shows_every_seed_number(programme: Programme) -> None:
    user = UserFactory(username="cur")
    RoleFactory(programme=programme, role="curator",
                person__organisation=programme.organisation, person__user=user)
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    response = client.get(reverse("programme_detail", args=[programme.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for table, rows in (("result-indicators", seed_002.RESULT_INDICATORS),
                        ("efficiency-indicators", seed_002.EFFICIENCY_INDICATORS)):
        for row in rows:
            for year, value in row["values"].items():
                assert _cell(html, table, row["number"], year) == str(value), (table, row, year)
    for form in ("педагог – педагог", "педагог – студент", "работодатель – студент",
                 "студент – студент"):
        assert f"«{form}»" in html
    for act in ("1.1", "1.8", "2.4", "3.3", "4.4", "5.6"):
        assert f'data-activity="{act}"' in html
    assert "2020–2024" in html
    assert "Октябрь - ноябрь ежегодно" in html


@pytest.mark.parametrize(("year", "months", "expected"), [
    (2024, [8, 9], ("2024-08-01", "2024-09-30")),
    (2024, [10, 11], ("2024-10-01", "2024-11-30")),
    (2024, [6, 7, 8, 9], ("2025-06-01", "2025-09-30")),
    (2024, [11, 12, 1], ("2024-11-01", "2025-01-31")),
    (2024, [], ("2024-09-01", "2025-08-31")),
    (2024, [1], ("2025-01-01", "2025-01-31")),
])
def test_academic_year_months(year: int, months: list[int], expected: tuple[str, str]) -> None:
    start, end = academic_year_months(year, months)
    assert (start.isoformat(), end.isoformat()) == expected
