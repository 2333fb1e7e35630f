"""The regional roll-up on a data set shaped like seed 004's table for 2023: 63
organisations of additional education, of which 38 implement «ученик – ученик», 45
«учитель – ученик», 13 «студент – ученик» and 16 «работодатель – ученик» (the seed prints
60,3 %, 71,4 %, 20,6 % and 25,4 %)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.models import AuditEntry
from monitoring.models import RegionalPlan
from monitoring.selectors import region_rollup
from pairing.models import Mentorship
from participants.models import Person, ProgrammeRole
from programmes.models import Municipality, Organisation, Programme, Region, RegionalCoordinator

from ..factories import UserFactory, form

pytestmark = pytest.mark.django_db

FORMS = {"pupil_pupil": 38, "teacher_pupil": 45, "student_pupil": 13, "employer_pupil": 16}
MUNICIPALITIES = ("Асиновский район", "Город Томск", "Колпашевский район")


def _region(total: int = 63, forms: dict[str, int] = FORMS) -> Region:
    """`total` schools spread over three municipalities; the first n of them run a pair of
    each form in 2023 (one more school ran «ученик – ученик» only in 2022)."""
    region = Region.objects.create(name="Томская область")
    municipalities = [Municipality.objects.create(region=region, name=n) for n in MUNICIPALITIES]
    orgs = Organisation.objects.bulk_create(
        Organisation(region=region, kind=Organisation.Kind.SCHOOL, name=f"Школа № {n}",
                     short_name=f"Школа № {n}", municipality=municipalities[n % 3])
        for n in range(total))
    Organisation.objects.create(region=region, kind=Organisation.Kind.EMPLOYER,
                                name="Завод", short_name="Завод")
    programmes = Programme.objects.bulk_create(
        Programme(organisation=o, title="Программа", start_year=2020, end_year=2024)
        for o in orgs)
    teachers = Person.objects.bulk_create(
        Person(organisation=o, last_name="Учителева", first_name="Анна",
               category=Person.Category.TEACHER) for o in orgs)
    mentors = ProgrammeRole.objects.bulk_create(
        ProgrammeRole(programme=p, person=t, role=ProgrammeRole.Role.MENTOR, capacity=5)
        for p, t in zip(programmes, teachers, strict=True))
    rows = []
    for code, count in forms.items():
        for n in range(count):
            rows.append(Mentorship(programme=programmes[n], form=form(code), mentor=mentors[n],
                                   started_on=dt.date(2023, 2, 1), ended_on=dt.date(2023, 5, 31),
                                   status=Mentorship.Status.COMPLETED))
    rows.append(Mentorship(programme=programmes[-1], form=form("pupil_pupil"),
                           mentor=mentors[-1], started_on=dt.date(2022, 2, 1),
                           ended_on=dt.date(2022, 12, 31), status=Mentorship.Status.COMPLETED))
    Mentorship.objects.bulk_create(rows)
    return region


def test_shares_of_organisations_implementing_each_form() -> None:
    region = _region()
    rollup = region_rollup(region=region, year=2023,
                           selectable_years=[2020, 2021, 2022, 2023, 2024],
                           today=dt.date(2024, 6, 1))
    codes = [f.code for f in rollup.forms]
    cells = dict(zip(codes, rollup.total.cells, strict=True))
    assert {code: (c.count, c.total, c.share) for code, c in cells.items()} == {
        "pupil_pupil": (38, 63, Decimal("60.3")), "teacher_pupil": (45, 63, Decimal("71.4")),
        "student_pupil": (13, 63, Decimal("20.6")), "employer_pupil": (16, 63, Decimal("25.4"))}
    # Per municipality: schools 0, 3, 6, … are in the first one (21 schools); of the first
    # 38 schools, 13 are there.
    by_name = {row.name: row for row in rollup.rows}
    first = by_name["Город Томск"]  # n % 3 == 1 -> 21 schools, 13 of the first 38
    assert first.organisations == 21
    assert (first.cells[codes.index("pupil_pupil")].count,
            first.cells[codes.index("pupil_pupil")].total) == (13, 21)
    assert sum(r.organisations for r in rollup.rows) == 63
    # The dynamics: in 2022 only the last school ran «ученик – ученик»; nobody in 2021.
    dynamics = {f.code: cells for f, cells in rollup.dynamics}
    assert [(c.count, c.total) for c in dynamics["pupil_pupil"]] == [
        (0, 63), (0, 63), (1, 63), (38, 63)]
    assert rollup.years == [2020, 2021, 2022, 2023]
    line = next(li for li in rollup.indicators if li.indicator.code == "form_share:pupil_pupil")
    assert line.cells[-1].fact.value == Decimal("60.3")


def test_coordinator_page_shows_count_total_and_share(client: object) -> None:
    region = _region()
    user = UserFactory(username="coord")
    RegionalCoordinator.objects.create(user=user, region=region)
    client.force_login(user)  # type: ignore[attr-defined]
    html = client.get(reverse("monitoring:region") + "?year=2023").content.decode()  # type: ignore[attr-defined]
    total = re.search(r'<tr class="fw-semibold" id="region-total">(.*?)</tr>', html, re.S)
    assert total
    text = re.sub(r"<[^>]+>|&nbsp;", " ", total.group(1))
    text = re.sub(r"\s+", " ", text)
    assert "38 из 63 (60,3 %)" in text
    assert "45 из 63 (71,4 %)" in text
    assert "13 из 63 (20,6 %)" in text
    assert "16 из 63 (25,4 %)" in text
    assert "Учителева" not in html


def test_coordinator_enters_a_regional_plan_and_sees_its_status(client: object) -> None:
    region = _region()
    user = UserFactory(username="coord")
    RegionalCoordinator.objects.create(user=user, region=region)
    client.force_login(user)  # type: ignore[attr-defined]
    response = client.post(reverse("monitoring:region_plan"),  # type: ignore[attr-defined]
                           {"code": "form_share:pupil_pupil", "year": "2023", "value": "90"})
    assert response.status_code == 302
    plan = RegionalPlan.objects.get()
    assert (plan.code, plan.year, plan.value) == ("form_share:pupil_pupil", 2023, Decimal(90))
    assert "ученик – ученик" in plan.name
    assert AuditEntry.objects.filter(verb="regional_plan.set").exists()
    html = client.get(reverse("monitoring:region") + "?year=2023").content.decode()  # type: ignore[attr-defined]
    row = re.search(r'<tr data-code="form_share:pupil_pupil">(.*?)</tr>', html, re.S)
    assert row
    assert 'data-status="not_met"' in row.group(1)  # 60,3 % against 90 %
    # An empty value removes the plan.
    client.post(reverse("monitoring:region_plan"),  # type: ignore[attr-defined]
                {"code": "form_share:pupil_pupil", "year": "2023", "value": ""})
    assert not RegionalPlan.objects.exists()
    # An unknown indicator is refused.
    response = client.post(reverse("monitoring:region_plan"),  # type: ignore[attr-defined]
                           {"code": "made_up", "year": "2023", "value": "1"})
    assert response.status_code == 400


def test_rollup_queries_do_not_grow_with_organisations() -> None:
    small = _region(total=9, forms={"pupil_pupil": 3, "teacher_pupil": 4})

    def count(region: Region) -> int:
        with CaptureQueriesContext(connection) as ctx:
            rollup = region_rollup(region=region, year=2023, selectable_years=[2022, 2023],
                                   today=dt.date(2024, 6, 1))
            _ = [(r.cells, line.cells) for r in rollup.rows for line in rollup.indicators]
        return len(ctx.captured_queries)

    # organisations, forms, the snapshot's fingerprint (monitoring.snapshots), regional
    # plans, headcounts; the snapshot itself is computed on the first load after a change:
    # implementations per organisation and form, people on record, mentees, mentors,
    # satisfaction, people and mentorships per organisation (for the overview table)
    first = count(small)
    assert count(small) == 5  # later loads read the snapshot
    for _ in range(3):
        _extra(small)
    assert Organisation.objects.filter(region=small).count() == 25
    assert count(small) == first == 12
    assert count(small) == 5


def _extra(region: Region) -> None:
    orgs = Organisation.objects.bulk_create(
        Organisation(region=region, kind=Organisation.Kind.SCHOOL, name=f"Гимназия {n}",
                     short_name=f"Гимназия {Organisation.objects.count()}-{n}")
        for n in range(5))
    programme = Programme.objects.create(organisation=orgs[0], title="П", start_year=2022,
                                         end_year=2024)
    teacher = Person.objects.create(organisation=orgs[0], last_name="Л", first_name="М",
                                    category=Person.Category.TEACHER)
    mentor = ProgrammeRole.objects.create(programme=programme, person=teacher,
                                          role=ProgrammeRole.Role.MENTOR, capacity=3)
    Mentorship.objects.create(programme=programme, form=form("teacher_pupil"), mentor=mentor,
                              started_on=dt.date(2023, 3, 1))
