"""Anonymisation (`participants.anonymise.person_anonymise`): what identifies a person goes,
what the indicators count stays, so every past indicator value is unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from mentorship.models import AuditEntry, User
from monitoring import indicators as ind
from monitoring.indicators import Figures
from monitoring.models import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from pairing.models import Meeting, Mentorship, MentorshipRequest
from participants.anonymise import person_anonymise
from participants.models import Consent, ImportBatch, ImportRow, Person, ProgrammeRole

from ..factories import (
    ConsentFactory,
    MeetingFactory,
    PlanItemFactory,
    StudyGroupFactory,
    UserFactory,
)
from ..monitoring.conftest import TODAY, YEARS, College, college  # noqa: F401

pytestmark = pytest.mark.django_db


def _all_facts(programme_college: College) -> dict[tuple[str, int], tuple[object, ...]]:
    figures = Figures.for_programme(programme_college.programme, today=TODAY)
    names = [*ind.COMPUTATIONS, *(f"{n}:{code}" for n in ("active_mentorships",
                                                         "completed_mentorships")
                                  for code in ("teacher_student", "student_student",
                                               "employer_student", "teacher_teacher"))]
    facts = {}
    for name in names:
        for year in YEARS:
            fact = ind.compute(name, figures, year)
            people = ind.numerator_people(name, figures, year)
            facts[(name, year)] = (fact.value, fact.numerator, fact.denominator,
                                   None if people is None else people.count())
    return facts


def _survey_with_text(subject: College) -> None:
    """Five mentees answer a satisfaction question and a free-text one in 2024."""
    template = SurveyTemplate.objects.create(title="Обратная связь", audience="mentee")
    scale = SurveyQuestion.objects.create(template=template, position=1, text="Оценка",
                                          type="scale", is_satisfaction=True)
    text = SurveyQuestion.objects.create(template=template, position=2, text="Комментарий",
                                         type="text")
    campaign = SurveyCampaign.objects.create(
        programme=subject.programme, template=template, year=2024, audience="mentee",
        kind=SurveyCampaign.Kind.EXIT, deadline=dt.date(2024, 6, 30))
    mentees = ProgrammeRole.objects.filter(programme=subject.programme,
                                           role=ProgrammeRole.Role.MENTEE)[:5]
    for n, respondent in enumerate(mentees):
        invitation = SurveyInvitation.objects.create(campaign=campaign, respondent=respondent)
        response = SurveyResponse.objects.create(
            invitation=invitation, status=SurveyResponse.Status.SUBMITTED,
            submitted_at=timezone.now())
        SurveyAnswer.objects.create(response=response, question=scale, scale_value=6 + n)
        SurveyAnswer.objects.create(response=response, question=text,
                                    text_value=f"Мне помог {respondent.person.last_name}")


def test_anonymising_everyone_keeps_every_indicator_value(college: College) -> None:  # noqa: F811
    _survey_with_text(college)
    before = _all_facts(college)
    assert any(v[0] is not None for v in before.values())
    assert before[("mentee_satisfaction", 2024)][0] is not None
    for person in Person.objects.filter(organisation=college.org):
        person_anonymise(person=person, acting_user=None, reason="test")
    assert not Person.objects.filter(organisation=college.org, anonymised_at__isnull=True)
    assert _all_facts(college) == before
    assert not SurveyAnswer.objects.exclude(text_value="").exists()


def test_identifying_data_goes_and_counts_stay(college: College) -> None:  # noqa: F811
    student = college.people["S4"]
    group = StudyGroupFactory(organisation=college.org)
    user = UserFactory(username="s4", email="s4@example.ru")
    Person.objects.filter(pk=student.pk).update(
        user=user, phone="+7 900 000-00-00", position="староста", study_group=group, course=2)
    role = ProgrammeRole.objects.get(person=student, role=ProgrammeRole.Role.MENTEE)
    ProgrammeRole.objects.filter(pk=role.pk).update(note="Сложная семья")
    request = MentorshipRequest.objects.create(
        programme=college.programme, mentee=role, form=college.mentorships["M2"].form,
        category=MentorshipRequest.Category.ACADEMIC, goal="Долги по физике",
        status=MentorshipRequest.Status.WITHDRAWN)
    pair = college.mentorships["M2"]
    Mentorship.objects.filter(pk=pair.pk).update(mentee_reflection="Я стал увереннее",
                                                 mentor_reflection="О наставнике")
    meeting = MeetingFactory(mentorship=pair, notes="Обсудили оценки Петрова")
    item = PlanItemFactory(mentorship=pair, description="Подробности о здоровье")
    consent = ConsentFactory(person=student, signer=Consent.Signer.BOTH,
                             representative_name="Петрова Анна Ивановна", number="17")
    consent.document.save("scan.pdf", ContentFile(b"%PDF-1.4 scan"), save=True)
    scan_path = consent.document.path
    batch = ImportBatch.objects.create(organisation=college.org, file="imports/x.xlsx",
                                       original_name="x.xlsx")
    ImportRow.objects.create(batch=batch, number=2, outcome="new", person=student,
                             label="Студентов4 Иван", messages=["Студентов4"])
    AuditEntry.objects.create(verb="person.updated", target_type="participants.person",
                              target_id=str(student.pk), target_repr=student.full_name)
    curator = UserFactory(username="curator-x")

    person_anonymise(person=student, acting_user=curator, reason="revoked")

    student.refresh_from_db()
    assert student.anonymised_at is not None
    assert student.last_name == "Удалён"
    assert student.first_name == f"Субъект ПДн № {student.pk}"
    assert (student.middle_name, student.email, student.phone, student.position) == ("",) * 4
    assert student.birth_date is None and student.study_group is None
    assert student.user is None
    # Counts stay: category, course, the roles and the mentorship membership.
    assert student.category == Person.Category.STUDENT and student.course == 2
    assert pair.members.filter(mentee=role).exists()
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert user.username.startswith("anonymised-") and user.email == ""
    assert not User.objects.filter(username="s4").exists()
    role.refresh_from_db()
    assert role.note == ""
    request.refresh_from_db()
    assert request.goal == "" and request.status == MentorshipRequest.Status.WITHDRAWN
    pair.refresh_from_db()
    # The mentee's reflection goes; the mentor's (another person's) stays.
    assert pair.mentee_reflection == "" and pair.mentor_reflection == "О наставнике"
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert meeting.notes == "" and item.description == ""
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    consent.refresh_from_db()
    assert not consent.document and consent.representative_name == "удалён"
    assert consent.number == "17" and consent.signed_on
    import os

    assert not os.path.exists(scan_path)
    assert not ImportRow.objects.filter(batch=batch).exists()
    assert not AuditEntry.objects.filter(target_repr__contains="Студентов4").exists()
    entry = AuditEntry.objects.get(verb="person.anonymised")
    assert entry.actor == curator and entry.target_id == str(student.pk)
    assert entry.organisation_id == college.org.pk
    assert entry.changes == {"reason": [None, "revoked"]}


def test_anonymising_twice_changes_nothing_more(college: College) -> None:  # noqa: F811
    student = college.people["S1"]
    person_anonymise(person=student, acting_user=None, reason="retention")
    student.refresh_from_db()
    first = student.anonymised_at
    person_anonymise(person=student, acting_user=None, reason="retention")
    student.refresh_from_db()
    assert student.anonymised_at == first
    assert AuditEntry.objects.filter(verb="person.anonymised").count() == 1
