"""A small matching scene on top of the `world`: the programme uses three college forms;
teacher mentors with competencies and specialties; students with open requests; everybody
has a valid consent unless a test says otherwise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from pairing.models import MentorshipRequest
from participants.models import Competency, Person, ProgrammeRole, Specialty
from programmes.models import MentoringForm, ProgrammeForm
from tests.conftest import World
from tests.factories import ConsentFactory, PersonFactory, RequestFactory, RoleFactory, form


@dataclass
class Scene:
    world: World
    ts: MentoringForm  # педагог – студент
    ss: MentoringForm  # студент – студент
    es: MentoringForm  # работодатель – студент
    comps: dict[str, Competency]
    spec: Specialty
    mentor: ProgrammeRole  # the world's mentor: capacity 3, one active mentee already
    ivanova: ProgrammeRole  # a second teacher, capacity 1
    requests: list[MentorshipRequest] = field(default_factory=list)

    def mentee_with_request(self, *, form_: MentoringForm | None = None,
                            comps: tuple[str, ...] = (), consent: bool = True,
                            category: str = Person.Category.STUDENT, course: int | None = 1,
                            **person: object) -> MentorshipRequest:
        programme = self.world.programme
        role = RoleFactory(programme=programme, person=PersonFactory(
            organisation=programme.organisation, category=category, course=course, **person))
        if consent:
            ConsentFactory(person=role.person)
        req = RequestFactory(programme=programme, mentee=role, form=form_ or self.ts)
        req.competencies.set([self.comps[c] for c in comps])
        self.requests.append(req)
        return req

    def mentor_role(self, *, forms: tuple[MentoringForm, ...], capacity: int = 2,
                    comps: tuple[str, ...] = (), category: str = Person.Category.TEACHER,
                    consent: bool = True, trained: bool = True, **person: object
                    ) -> ProgrammeRole:
        programme = self.world.programme
        role = RoleFactory(programme=programme, role=ProgrammeRole.Role.MENTOR,
                           capacity=capacity, trained_on=dt.date(2024, 10, 1) if trained else None,
                           person=PersonFactory(organisation=programme.organisation,
                                                category=category, **person))
        role.forms.set(forms)
        role.competencies.set([self.comps[c] for c in comps])
        if consent:
            ConsentFactory(person=role.person)
        return role


@pytest.fixture
def scene(world: World) -> Scene:
    programme = world.programme
    ts, ss, es = form("teacher_student"), form("student_student"), form("employer_student")
    for order, f in enumerate((ts, es, ss)):
        ProgrammeForm.objects.create(programme=programme, form=f, order=order)
    comps = {name: Competency.objects.get_or_create(name=name)[0]
             for name in ("Математика", "Чемпионат", "Адаптация", "Охрана труда")}
    spec = Specialty.objects.create(code="21.02.17", name="Подземная разработка")
    for person in world.people.values():
        ConsentFactory(person=person)
    mentor = ProgrammeRole.objects.get(programme=programme, person=world.people["mentor"],
                                       role=ProgrammeRole.Role.MENTOR)
    mentor.trained_on = dt.date(2023, 10, 1)
    mentor.save()
    mentor.forms.set([ts])
    mentor.competencies.set([comps["Математика"], comps["Чемпионат"]])
    s = Scene(world=world, ts=ts, ss=ss, es=es, comps=comps, spec=spec, mentor=mentor,
              ivanova=mentor)
    s.ivanova = s.mentor_role(forms=(ts,), capacity=1, comps=("Адаптация",),
                              last_name="Иванова", first_name="Мария", middle_name="Петровна")
    return s
