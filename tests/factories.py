"""factory_boy factories with Russian-locale fake data."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from mentorship.models import User
from pairing.models import Meeting, Mentorship, MentorshipMember, MentorshipRequest, PlanItem
from participants.models import Consent, Person, ProgrammeRole, StudyGroup
from programmes.models import MentoringForm, Organisation, Programme, Region
from programmes.services import forms_ensure_catalogue

factory.Faker._DEFAULT_LOCALE = "ru_RU"

PASSWORD = "test-pass-123"
_PASSWORD_HASH = make_password(PASSWORD)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = _PASSWORD_HASH
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = "Кемеровская область — Кузбасс"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.COLLEGE
    name = factory.Sequence(lambda n: f"Государственное профессиональное учреждение техникум №{n}")
    short_name = factory.Sequence(lambda n: f"Техникум №{n}")
    region = factory.SubFactory(RegionFactory)


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory)
    title = "Программа наставничества"
    start_year = 2024
    end_year = 2028


def form(code: str) -> MentoringForm:
    return forms_ensure_catalogue()[code]


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    last_name = factory.Faker("last_name_male")
    first_name = factory.Faker("first_name_male")
    middle_name = factory.Faker("middle_name_male")
    category = Person.Category.STUDENT
    birth_date = dt.date(2005, 3, 14)
    email = factory.Sequence(lambda n: f"person{n}@example.ru")


class StudyGroupFactory(DjangoModelFactory):
    class Meta:
        model = StudyGroup

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"ПР-{n}")
    course = 2


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeRole

    programme = factory.SubFactory(ProgrammeFactory)
    person = factory.SubFactory(PersonFactory,
                                organisation=factory.SelfAttribute("..programme.organisation"))
    role = ProgrammeRole.Role.MENTEE
    capacity = factory.LazyAttribute(lambda o: 3 if o.role == ProgrammeRole.Role.MENTOR else None)


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    signer = Consent.Signer.SELF
    signed_on = dt.date(2024, 9, 2)


class RequestFactory(DjangoModelFactory):
    class Meta:
        model = MentorshipRequest

    programme = factory.SubFactory(ProgrammeFactory)
    mentee = factory.SubFactory(RoleFactory, programme=factory.SelfAttribute("..programme"))
    form = factory.LazyFunction(lambda: form("teacher_student"))
    category = MentorshipRequest.Category.ACADEMIC
    goal = "Подтянуть успеваемость по математике"


class MentorshipFactory(DjangoModelFactory):
    class Meta:
        model = Mentorship

    programme = factory.SubFactory(ProgrammeFactory)
    form = factory.LazyFunction(lambda: form("teacher_student"))
    mentor = factory.SubFactory(RoleFactory, programme=factory.SelfAttribute("..programme"),
                                role=ProgrammeRole.Role.MENTOR)
    started_on = dt.date(2024, 11, 15)


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = MentorshipMember

    mentorship = factory.SubFactory(MentorshipFactory)
    mentee = factory.SubFactory(RoleFactory,
                                programme=factory.SelfAttribute("..mentorship.programme"))
    form = factory.SelfAttribute("mentorship.form")
    is_active = factory.LazyAttribute(lambda o: o.mentorship.status == Mentorship.Status.ACTIVE)
    joined_on = factory.SelfAttribute("mentorship.started_on")


class PlanItemFactory(DjangoModelFactory):
    class Meta:
        model = PlanItem

    mentorship = factory.SubFactory(MentorshipFactory)
    title = "Разобрать темы контрольной работы"
    due_on = dt.date(2024, 12, 20)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    mentorship = factory.SubFactory(MentorshipFactory)
    held_on = dt.date(2024, 11, 20)
    topic = "Знакомство, ожидания от наставничества"
    meeting_type = Meeting.Type.ACQUAINTANCE
