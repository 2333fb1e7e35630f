"""Recognition: training records, rewards, the year's best mentors from data, and the
thank-you letters as PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cycle import recognition_services as services
from cycle.recognition import best_mentors, grammatical_gender
from monitoring.models import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from pairing.models import Mentorship
from participants.models import MentorTraining, Person, ProgrammeRole, Recognition
from tests.conftest import World
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    MentorshipFactory,
    PersonFactory,
    RoleFactory,
    StudyGroupFactory,
)

pytestmark = pytest.mark.django_db
YEAR = 2025


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def mentor(world: World, **person: object) -> ProgrammeRole:
    return RoleFactory(programme=world.programme, role=ProgrammeRole.Role.MENTOR,
                       person=PersonFactory(organisation=world.org,
                                            category=person.pop("category", "teacher"),
                                            **person))


def completed(world: World, role: ProgrammeRole, outcome: str = "achieved",
              ended_on: dt.date = dt.date(YEAR, 5, 30)) -> Mentorship:
    pair = MentorshipFactory(programme=world.programme, mentor=role,
                             started_on=dt.date(YEAR - 1, 10, 1), status="completed",
                             ended_on=ended_on, outcome=outcome,
                             end_reason="" if outcome == "achieved" else "Не успели")
    MemberFactory(mentorship=pair, left_on=ended_on, mentee=RoleFactory(
        programme=world.programme, person=PersonFactory(organisation=world.org)))
    return pair


def satisfaction(world: World, pair: Mentorship, score: int, *, anonymous: bool = False) -> None:
    template, _ = SurveyTemplate.objects.get_or_create(
        organisation=world.org, title="Удовлетворённость", audience="mentee")
    question, _ = SurveyQuestion.objects.get_or_create(
        template=template, position=1,
        defaults={"text": "Оцените", "type": "scale", "is_satisfaction": True})
    campaign, _ = SurveyCampaign.objects.get_or_create(
        programme=world.programme, template=template, year=YEAR, audience="mentee",
        kind="exit", anonymous=anonymous,
        defaults={"deadline": dt.date(YEAR, 6, 30)})
    invitation = SurveyInvitation.objects.create(campaign=campaign,
                                                 respondent=pair.members.get().mentee)
    response = SurveyResponse.objects.create(invitation=invitation, status="submitted",
                                             submitted_at=timezone.now())
    SurveyAnswer.objects.create(response=response, question=question, scale_value=score)


@pytest.fixture
def ranked(world: World) -> dict[str, ProgrammeRole]:
    """A known data set for YEAR: A has two goals reached; C and B one each, C with the
    higher satisfaction; D only worked in the year before."""
    a = world.pair.mentor
    completed(world, a)
    completed(world, a, outcome="partly")
    for day in (3, 10, 17):
        MeetingFactory(mentorship=world.pair, held_on=dt.date(YEAR, 3, day))
    b, c, d = mentor(world), mentor(world), mentor(world)
    satisfaction(world, completed(world, b), 9)
    pair_c = completed(world, c, outcome="partly")
    satisfaction(world, pair_c, 10)
    MeetingFactory(mentorship=pair_c, held_on=dt.date(YEAR, 2, 1))
    completed(world, c, outcome="not_achieved")
    completed(world, d, ended_on=dt.date(YEAR - 1, 12, 20))
    return {"a": a, "b": b, "c": c, "d": d}


# --------------------------------------------------------------------------- best mentors

def test_best_mentors_ranking_and_figures(world: World, ranked: dict[str, ProgrammeRole]) -> None:
    results = best_mentors(programme=world.programme, year=YEAR)
    assert [r.role.pk for r in results] == [ranked[k].pk for k in ("a", "c", "b")]
    a, c, b = results
    assert (a.rank, a.pairs_completed, a.goals_reached, a.meetings) == (1, 2, 2, 3)
    assert (c.pairs_completed, c.goals_reached, c.meetings) == (2, 1, 1)
    assert (c.satisfaction, b.satisfaction, a.satisfaction) == (10, 9, None)


def test_anonymous_satisfaction_of_few_mentees_is_hidden(world: World) -> None:
    role = mentor(world)
    satisfaction(world, completed(world, role), 7, anonymous=True)
    (result,) = best_mentors(programme=world.programme, year=YEAR)
    assert (result.satisfaction, result.respondents) == (None, 1)


def test_best_mentors_one_query(world: World, ranked: dict[str, ProgrammeRole],
                                django_assert_num_queries: object) -> None:
    # one query: the mentor rows with every figure as a subquery
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert len(best_mentors(programme=world.programme, year=YEAR)) == 3
    for _ in range(3):
        completed(world, mentor(world))
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert len(best_mentors(programme=world.programme, year=YEAR)) == 6


def test_choose_best_mentor_is_idempotent(world: World, ranked: dict[str, ProgrammeRole]) -> None:
    role = ranked["c"]
    assert services.best_mentor_set(role=role, year=YEAR, chosen=True, acting_user=None)
    assert not services.best_mentor_set(role=role, year=YEAR, chosen=True, acting_user=None)
    assert Recognition.objects.filter(role=role, kind="best_mentor").count() == 1
    chosen = best_mentors(programme=world.programme, year=YEAR, chosen_only=True)
    assert [(r.role.pk, r.rank) for r in chosen] == [(role.pk, 2)]
    assert services.best_mentor_set(role=role, year=YEAR, chosen=False, acting_user=None)
    assert not services.best_mentor_set(role=role, year=YEAR, chosen=False, acting_user=None)


def test_best_mentors_page_queries_do_not_grow(world: World, ranked: dict[str, ProgrammeRole],
                                               django_assert_num_queries: object) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client_for("curator")
    url = reverse("cycle:best_mentors", args=[world.programme.pk]) + f"?year={YEAR}"
    response = client.get(url)
    assert response.content.decode().count('data-mentor="') == 3
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    with_three = len(three.captured_queries)  # now: the next request clears the log
    for _ in range(3):
        completed(world, mentor(world))
    client.get(url)  # the data changed: the user's access is read again once, then kept
    # session, user, menu and access, programme, the ranked rows: not one per mentor
    with django_assert_num_queries(with_three):  # type: ignore[operator]
        response = client.get(url)
    assert response.content.decode().count('data-mentor="') == 6


def test_curator_chooses_through_the_page(world: World, ranked: dict[str, ProgrammeRole]) -> None:
    client = world.client_for("curator")
    url = reverse("cycle:best_mentor_choose", args=[world.programme.pk, ranked["b"].pk])
    response = client.post(url, {"year": YEAR, "chosen": "on"}, follow=True)
    assert "в числе лучших наставников 2025 года" in response.content.decode()
    client.post(url, {"year": YEAR, "chosen": "on"})
    assert Recognition.objects.filter(role=ranked["b"], kind="best_mentor").count() == 1


# --------------------------------------------------------------------------- rewards, training

def test_bonus_needs_order_number_and_date(world: World) -> None:
    role = world.pair.mentor
    with pytest.raises(ValidationError):
        services.recognition_add(role=role, kind="bonus", year=YEAR, acting_user=None)
    rec = services.recognition_add(role=role, kind="bonus", year=YEAR, order_number="15-к",
                                   order_date=dt.date(YEAR, 9, 1), acting_user=None)
    assert rec.order_number == "15-к"
    with pytest.raises(ValidationError) as exc:
        services.recognition_add(role=role, kind="bonus", year=YEAR, order_number="16-к",
                                 order_date=dt.date(YEAR, 9, 2), acting_user=None)
    assert "уже записано" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.recognition_add(role=role, kind="thanks", year=1999, acting_user=None)


def test_bonus_form_shows_russian_error_and_keeps_input(world: World) -> None:
    client = world.client_for("curator")
    url = reverse("cycle:recognition_add", args=[world.pair.mentor_id])
    response = client.post(url, {"kind": "bonus", "year": YEAR, "note": "За работу"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "укажите номер и дату приказа" in body
    assert "За работу" in body
    assert not Recognition.objects.exists()


def test_training_add_edit_delete(world: World) -> None:
    role = world.pair.mentor
    ProgrammeRole.objects.filter(pk=role.pk).update(trained_on=None)
    client = world.client_for("curator")
    client.post(reverse("cycle:training_add", args=[role.pk]), {
        "title": "Школа наставника", "kind": "курсы", "held_on": "2025-03-01", "hours": 36})
    training = MentorTraining.objects.get(person=role.person)
    role.refresh_from_db()
    assert role.trained_on == dt.date(2025, 3, 1)
    client.post(reverse("cycle:training_edit", args=[role.pk, training.pk]), {
        "title": "Школа наставника", "kind": "курсы", "held_on": "2025-03-01", "hours": 72})
    training.refresh_from_db()
    assert training.hours == 72
    page = client.get(reverse("cycle:mentor_training", args=[role.pk])).content.decode()
    assert "Школа наставника" in page and "01.03.2025" in page
    client.post(reverse("cycle:training_delete", args=[role.pk, training.pk]))
    assert not MentorTraining.objects.filter(pk=training.pk).exists()


def test_training_of_another_person_is_404(world: World) -> None:
    other = world.other_pair.mentor
    training = MentorTraining.objects.create(person=other.person, title="Курс",
                                             held_on=dt.date(2025, 1, 1))
    client = world.client_for("curator")
    url = reverse("cycle:training_edit", args=[world.pair.mentor_id, training.pk])
    assert client.get(url).status_code == 404


# --------------------------------------------------------------------------- letters

def test_letter_of_thanks_pdf(world: World, ranked: dict[str, ProgrammeRole]) -> None:
    client = world.client_for("curator")
    response = client.get(reverse("cycle:letter_pdf", args=[ranked["a"].pk, "thanks"])
                          + f"?year={YEAR}")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(_pdf_text(response.content).split())
    assert "БЛАГОДАРСТВЕННОЕ ПИСЬМО" in text
    assert ranked["a"].person.first_name in text
    assert "в 2025 году" in text
    assert "завершено наставнических пар и групп: 2" in text
    assert "проведено встреч: 3" in text
    assert "Директор" in text and world.people["director"].last_name in text


def test_parents_letter_only_for_student_mentors(world: World) -> None:
    group = StudyGroupFactory(organisation=world.org, name="ТМ-31")
    student = mentor(world, category=Person.Category.STUDENT, study_group=group,
                     first_name="Анна", middle_name="Сергеевна", last_name="Петрова")
    client = world.client_for("curator")
    url = reverse("cycle:letter_pdf", args=[student.pk, "parents"]) + f"?year={YEAR}"
    text = " ".join(_pdf_text(client.get(url).content).split())
    assert "Уважаемые родители (законные представители)!" in text
    assert "за воспитание дочери" in text
    assert "Петрова Анна Сергеевна, студентка группы ТМ-31" in text
    teacher_url = reverse("cycle:letter_pdf", args=[world.pair.mentor_id, "parents"])
    assert client.get(teacher_url).status_code == 404


def test_letters_for_all_chosen(world: World, ranked: dict[str, ProgrammeRole]) -> None:
    student = mentor(world, category=Person.Category.STUDENT)
    completed(world, student)
    for role in (ranked["a"], student):
        services.best_mentor_set(role=role, year=YEAR, chosen=True, acting_user=None)
    client = world.client_for("director")
    response = client.get(reverse("cycle:letters_pdf", args=[world.programme.pk])
                          + f"?year={YEAR}")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(_pdf_text(response.content).split())
    assert len(reader.pages) == 3  # thanks ×2, parents ×1
    assert text.count("БЛАГОДАРСТВЕННОЕ ПИСЬМО") == 3
    assert ranked["b"].person.last_name not in text


def test_letters_without_chosen_redirect(world: World) -> None:
    response = world.client_for("curator").get(
        reverse("cycle:letters_pdf", args=[world.programme.pk]) + f"?year={YEAR}")
    assert response.status_code == 302


@pytest.mark.parametrize(("middle", "gender"), [
    ("Сергеевна", "female"), ("Ильинична", "female"), ("Петрович", "male"), ("", "unknown")])
def test_grammatical_gender(middle: str, gender: str) -> None:
    assert grammatical_gender(Person(middle_name=middle)) == gender


# --------------------------------------------------------------------------- permissions

READ = [("anonymous", 302), ("mentor", 403), ("mentee", 403), ("other_curator", 404),
        ("coordinator", 404), ("director", 200), ("curator", 200)]
WRITE = [("anonymous", 302), ("mentor", 403), ("mentee", 403), ("other_curator", 404),
         ("coordinator", 404), ("director", 403), ("curator", 200)]


@pytest.mark.parametrize(("role", "status"), READ)
def test_best_mentors_matrix(world: World, role: str, status: int) -> None:
    url = reverse("cycle:best_mentors", args=[world.programme.pk])
    assert world.client_for(role).get(url).status_code == status


def _mentor_read_status(role: str, status: int) -> int:
    # A participant who is not staff cannot see a mentor role: 404, not 403.
    return 404 if role in ("mentor", "mentee") else status


@pytest.mark.parametrize(("role", "status"), READ)
def test_mentor_training_matrix(world: World, role: str, status: int) -> None:
    url = reverse("cycle:mentor_training", args=[world.pair.mentor_id])
    assert world.client_for(role).get(url).status_code == _mentor_read_status(role, status)


@pytest.mark.parametrize(("role", "status"), READ)
def test_letter_matrix(world: World, role: str, status: int) -> None:
    url = reverse("cycle:letter_pdf", args=[world.pair.mentor_id, "thanks"])
    assert world.client_for(role).get(url).status_code == _mentor_read_status(role, status)


@pytest.mark.parametrize(("role", "status"), WRITE)
def test_training_add_matrix(world: World, role: str, status: int) -> None:
    url = reverse("cycle:training_add", args=[world.pair.mentor_id])
    assert world.client_for(role).get(url).status_code == _mentor_read_status(role, status)


@pytest.mark.parametrize(("role", "status"), WRITE)
def test_recognition_add_matrix(world: World, role: str, status: int) -> None:
    url = reverse("cycle:recognition_add", args=[world.pair.mentor_id])
    assert world.client_for(role).get(url).status_code == _mentor_read_status(role, status)


@pytest.mark.parametrize(("role", "status"), WRITE)
def test_choose_matrix(world: World, role: str, status: int) -> None:
    url = reverse("cycle:best_mentor_choose", args=[world.programme.pk, world.pair.mentor_id])
    response = world.client_for(role).post(url, {"year": YEAR, "chosen": "on"})
    assert response.status_code == (302 if status == 200 else status)
    assert Recognition.objects.filter(kind="best_mentor").exists() == (role == "curator")


@pytest.mark.parametrize(("role", "status"), WRITE)
def test_recognition_delete_matrix(world: World, role: str, status: int) -> None:
    rec = Recognition.objects.create(role=world.pair.mentor, year=YEAR, kind="thanks")
    response = world.client_for(role).post(reverse("cycle:recognition_delete", args=[rec.pk]))
    assert response.status_code == (302 if status == 200 else
                                     _mentor_read_status(role, status))
    assert Recognition.objects.filter(pk=rec.pk).exists() == (role != "curator")


@pytest.mark.parametrize(("role", "status"), WRITE)
def test_training_delete_matrix(world: World, role: str, status: int) -> None:
    training = MentorTraining.objects.create(person=world.pair.mentor.person, title="Курс",
                                             held_on=dt.date(2025, 1, 1))
    url = reverse("cycle:training_delete", args=[world.pair.mentor_id, training.pk])
    response = world.client_for(role).post(url)
    assert response.status_code == (302 if status == 200 else
                                    _mentor_read_status(role, status))


# --------------------------------------------------------------------------- for the outsider walk

def training_of(world: World) -> MentorTraining:
    """A training record of the first college's mentor."""
    return MentorTraining.objects.create(person=world.pair.mentor.person, title="Курс",
                                         held_on=dt.date(2025, 1, 1))


def recognition_of(world: World) -> Recognition:
    """A reward of the first college's mentor."""
    return Recognition.objects.get_or_create(role=world.pair.mentor, year=YEAR,
                                             kind="thanks")[0]
