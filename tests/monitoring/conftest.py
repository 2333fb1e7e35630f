"""A small college whose indicator facts are known by hand, with the year-overlap edges.

Programme 2021–2024, measured on 15.06.2024. Ten students S1…S10 (S10 left on 30.06.2022),
teachers T1 (hired 2010) and T2 (hired 01.09.2020: a young specialist until 2023), young
specialists Y1 (hired 25.08.2023) and Y2 (no hiring date), employer representatives E1 and
E2 of enterprise A and E3 of enterprise B; the region has four employers (A–D).

Mentorships (form, mentor → mentees, period):
  M1 teacher–student  T1 → S1, S2        10.11.2021 – 31.05.2022 completed
  M2 student–student  S3 → S4 (+S8 from 10.01.2024)   31.12.2022 – active
  M3 employer–student E1 → S5            01.01.2023 – 01.01.2023 ended early
  M4 employer–student E3 → S6, S7 (S7 left 01.03.2024)  01.02.2024 – active
  M5 teacher–teacher  T1 → T2            01.09.2021 – 31.12.2021 completed
  M6 teacher–teacher  T1 → Y1            01.10.2023 – active
Requests: S1 (2021, paired), S9 (2021, open), S4 (2022, paired), S10 (2022, withdrawn),
T2 (2021, paired).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from monitoring.models import Indicator, IndicatorFact, IndicatorPlan
from pairing.models import Mentorship, MentorshipMember, MentorshipRequest
from participants.models import Person, ProgrammeRole
from programmes.models import Organisation, Programme

from ..conftest import World
from ..factories import (
    MemberFactory,
    MentorshipFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    RegionFactory,
    RequestFactory,
    RoleFactory,
    form,
)

TODAY = dt.date(2024, 6, 15)
YEARS = (2021, 2022, 2023, 2024)


@dataclass
class College:
    programme: Programme
    org: Organisation
    people: dict[str, Person]
    roles: dict[str, ProgrammeRole]
    mentorships: dict[str, Mentorship]


def _filed(request: MentorshipRequest, day: dt.date) -> None:
    moment = dt.datetime(day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone())
    MentorshipRequest.objects.filter(pk=request.pk).update(created_at=moment)


@pytest.fixture
def college(db: None) -> College:
    region = RegionFactory(name="Тестовая область")
    org = OrganisationFactory(region=region, short_name="Колледж")
    for letter in "ABCD":
        OrganisationFactory(region=region, kind=Organisation.Kind.EMPLOYER,
                            short_name=f"Предприятие {letter}")
    enterprise = {o.short_name[-1]: o for o in Organisation.objects.filter(
        kind=Organisation.Kind.EMPLOYER, region=region)}
    programme = ProgrammeFactory(organisation=org, start_year=2021, end_year=2024,
                                 tolerance_percent=10)
    people: dict[str, Person] = {}
    for n in range(1, 11):
        people[f"S{n}"] = PersonFactory(organisation=org, last_name=f"Студентов{n}",
                                        category=Person.Category.STUDENT)
    Person.objects.filter(pk=people["S10"].pk).update(left_on=dt.date(2022, 6, 30))
    T, Y, E = Person.Category.TEACHER, Person.Category.YOUNG_SPECIALIST, Person.Category.EMPLOYER
    people["T1"] = PersonFactory(organisation=org, category=T, hired_on=dt.date(2010, 9, 1))
    people["T2"] = PersonFactory(organisation=org, category=T, hired_on=dt.date(2020, 9, 1))
    people["Y1"] = PersonFactory(organisation=org, category=Y, hired_on=dt.date(2023, 8, 25))
    people["Y2"] = PersonFactory(organisation=org, category=Y, hired_on=None)
    people["E1"] = PersonFactory(organisation=org, category=E, employer=enterprise["A"])
    people["E2"] = PersonFactory(organisation=org, category=E, employer=enterprise["A"])
    people["E3"] = PersonFactory(organisation=org, category=E, employer=enterprise["B"])

    roles: dict[str, ProgrammeRole] = {}

    def role(key: str, kind: str = ProgrammeRole.Role.MENTEE) -> ProgrammeRole:
        name = f"{key}:{kind}"
        if name not in roles:
            roles[name] = RoleFactory(programme=programme, person=people[key], role=kind)
        return roles[name]

    mentor = ProgrammeRole.Role.MENTOR
    mentorships: dict[str, Mentorship] = {}

    def mentorship(key: str, code: str, mentor_key: str, start: dt.date, end: dt.date | None,
                   status: str, mentees: list[str]) -> Mentorship:
        m = MentorshipFactory(programme=programme, form=form(code),
                              mentor=role(mentor_key, mentor), started_on=start, ended_on=end,
                              status=status)
        for mentee in mentees:
            MemberFactory(mentorship=m, mentee=role(mentee))
        mentorships[key] = m
        return m

    done, early, active = (Mentorship.Status.COMPLETED, Mentorship.Status.ENDED_EARLY,
                           Mentorship.Status.ACTIVE)
    m1 = mentorship("M1", "teacher_student", "T1", dt.date(2021, 11, 10), dt.date(2022, 5, 31),
                    done, ["S1", "S2"])
    m2 = mentorship("M2", "student_student", "S3", dt.date(2022, 12, 31), None, active, ["S4"])
    MemberFactory(mentorship=m2, mentee=role("S8"), joined_on=dt.date(2024, 1, 10))
    mentorship("M3", "employer_student", "E1", dt.date(2023, 1, 1), dt.date(2023, 1, 1), early,
               ["S5"])
    m4 = mentorship("M4", "employer_student", "E3", dt.date(2024, 2, 1), None, active, ["S6"])
    MemberFactory(mentorship=m4, mentee=role("S7"), is_active=False,
                  left_on=dt.date(2024, 3, 1))
    m5 = mentorship("M5", "teacher_teacher", "T1", dt.date(2021, 9, 1), dt.date(2021, 12, 31),
                    done, ["T2"])
    mentorship("M6", "teacher_teacher", "T1", dt.date(2023, 10, 1), None, active, ["Y1"])

    matched, open_, withdrawn = (MentorshipRequest.Status.MATCHED,
                                 MentorshipRequest.Status.OPEN,
                                 MentorshipRequest.Status.WITHDRAWN)
    for key, day, status, ms in (("S1", dt.date(2021, 10, 1), matched, m1),
                                 ("S9", dt.date(2021, 10, 5), open_, None),
                                 ("S4", dt.date(2022, 12, 1), open_, m2),
                                 ("S10", dt.date(2022, 3, 1), withdrawn, None),
                                 ("T2", dt.date(2021, 8, 1), matched, m5)):
        request = RequestFactory(programme=programme, mentee=role(key), status=status,
                                 form=form("teacher_teacher" if key == "T2"
                                           else "teacher_student"))
        _filed(request, day)
        if ms is not None:
            # The S4 request stays "open" but has its membership: it counts as paired.
            MentorshipMember.objects.filter(mentorship=ms, mentee=role(key)).update(
                request=request)
    return College(programme=programme, org=org, people=people, roles=roles,
                   mentorships=mentorships)


@pytest.fixture(autouse=True)
def _media_root(settings: SettingsWrapper, tmp_path: Path) -> None:
    """Uploaded evidence and rendered reports go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Monitored:
    """The shared `world` with indicators on its programme (2024–2028): a computed one
    (share of students as mentees), a manual one with an entered fact and evidence, and a
    manual lower-is-better one."""

    world: World
    computed: Indicator
    manual: Indicator
    turnover: Indicator
    fact: IndicatorFact


@pytest.fixture
def monitored(world: World) -> Monitored:
    programme = world.programme
    computed = Indicator.objects.create(
        programme=programme, group=Indicator.Group.EFFICIENCY, number=1,
        name="Доля обучающихся в роли наставляемого", unit="%", baseline_year=2024,
        source=Indicator.Source.COMPUTED, computation="share_students_mentees")
    manual = Indicator.objects.create(
        programme=programme, group=Indicator.Group.RESULT, number=6,
        name="Количество договоров о дуальном обучении", unit="ед.", baseline_year=2024,
        baseline_value=Decimal(2))
    turnover = Indicator.objects.create(
        programme=programme, group=Indicator.Group.RESULT, number=3,
        name="Текучесть кадров среди молодых специалистов", unit="%", baseline_year=2024,
        baseline_value=Decimal(20), direction=Indicator.Direction.LOWER)
    for year, value in ((2025, 10), (2026, 50), (2027, 60)):
        IndicatorPlan.objects.create(indicator=computed, year=year, value=Decimal(value))
        IndicatorPlan.objects.create(indicator=manual, year=year, value=Decimal(value // 10))
        IndicatorPlan.objects.create(indicator=turnover, year=year, value=Decimal(5))
    fact = IndicatorFact(indicator=manual, year=2025, value=Decimal(3),
                         entered_by=world.users["curator"])
    fact.evidence.save("x.pdf", ContentFile(b"%PDF-1.4 evidence"), save=False)
    fact.save()
    return Monitored(world=world, computed=computed, manual=manual, turnover=turnover,
                     fact=fact)
