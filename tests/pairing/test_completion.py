"""Stage 7 for a pair: closing with the outcome, reflections, inviting finished mentees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentorship.models import AuditEntry
from pairing import completion
from pairing.models import Mentorship, MentorshipMember
from pairing.services import mentor_free_places
from participants.models import Person, ProgrammeRole
from programmes.models import ProgrammeForm
from tests.conftest import World
from tests.factories import MemberFactory, MentorshipFactory, PersonFactory, RoleFactory, form

pytestmark = pytest.mark.django_db
END = dt.date(2025, 5, 30)


def _complete(world: World, **kwargs: object) -> bool:
    args: dict[str, object] = {"mentorship": world.pair, "outcome": "achieved", "ended_on": END,
                               "mentor_reflection": "Всё получилось", "acting_user":
                               world.users["mentor"]}
    args.update(kwargs)
    return completion.mentorship_complete(**args)  # type: ignore[arg-type]


def completed_pair(world: World, *, outcome: str = "achieved",
                   category: str = Person.Category.STUDENT) -> MentorshipMember:
    """A completed pair of the first college whose mentee finished with `outcome`; for the
    outsider walk and the invitation tests. Returns the mentee's membership."""
    ss = form("student_student")
    ProgrammeForm.objects.get_or_create(programme=world.programme, form=ss,
                                        defaults={"order": 5})
    mentee = RoleFactory(programme=world.programme, person=PersonFactory(
        organisation=world.org, category=category))
    pair = MentorshipFactory(programme=world.programme, mentor=world.pair.mentor,
                             started_on=dt.date(2024, 10, 1))
    member = MemberFactory(mentorship=pair, mentee=mentee)
    completion.mentorship_complete(mentorship=pair, outcome=outcome, ended_on=END,
                                   reason="" if outcome == "achieved" else "Не успели",
                                   acting_user=None)
    member.refresh_from_db()
    return member


# --------------------------------------------------------------------------- services

def test_complete_sets_outcome_frees_place_and_is_audited(world: World) -> None:
    mentor = world.pair.mentor
    before = mentor_free_places(mentor=mentor)
    assert _complete(world) is True
    world.pair.refresh_from_db()
    assert world.pair.status == Mentorship.Status.COMPLETED
    assert (world.pair.outcome, world.pair.ended_on) == ("achieved", END)
    assert world.pair.mentor_reflection == "Всё получилось"
    member = world.pair.members.get()
    assert (member.is_active, member.left_on) == (False, END)
    assert mentor_free_places(mentor=mentor) == before + 1
    assert AuditEntry.objects.filter(verb="mentorship.completed").count() == 1


@pytest.mark.parametrize("outcome", ["partly", "not_achieved"])
def test_reason_required_unless_achieved(world: World, outcome: str) -> None:
    with pytest.raises(ValidationError) as exc:
        _complete(world, outcome=outcome, reason="  ")
    assert str(completion.REASON_REQUIRED) in exc.value.messages
    world.pair.refresh_from_db()
    assert world.pair.status == Mentorship.Status.ACTIVE
    assert _complete(world, outcome=outcome, reason="Не хватило времени") is True


def test_complete_twice_changes_nothing(world: World) -> None:
    assert _complete(world) is True
    assert _complete(world, outcome="not_achieved", reason="иное") is False
    world.pair.refresh_from_db()
    assert world.pair.outcome == "achieved"
    assert AuditEntry.objects.filter(verb="mentorship.completed").count() == 1


def test_complete_date_rules(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        _complete(world, ended_on=world.pair.started_on - dt.timedelta(days=1))
    assert "ended_on" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _complete(world, ended_on=dt.date.today() + dt.timedelta(days=3))  # noqa: DTZ011


def test_ended_early_cannot_be_completed(world: World) -> None:
    Mentorship.objects.filter(pk=world.pair.pk).update(status="ended_early", ended_on=END)
    with pytest.raises(ValidationError) as exc:
        _complete(world)
    assert str(completion.NOT_ACTIVE) in exc.value.messages


def test_reflection_after_completion_only_and_idempotent(world: World) -> None:
    mentee = world.pair.members.get().mentee
    with pytest.raises(ValidationError):
        completion.mentorship_reflection_add(mentorship=world.pair, mentee=mentee,
                                             text="Спасибо", acting_user=None)
    _complete(world)
    assert completion.mentorship_reflection_add(mentorship=world.pair, mentee=mentee,
                                                text="Спасибо", acting_user=None)
    assert not completion.mentorship_reflection_add(mentorship=world.pair, mentee=mentee,
                                                    text=" Спасибо ", acting_user=None)
    world.pair.refresh_from_db()
    assert world.pair.mentee_reflection == "Спасибо"


def test_group_reflections_kept_per_mentee(world: World) -> None:
    second = RoleFactory(programme=world.programme,
                         person=PersonFactory(organisation=world.org))
    MemberFactory(mentorship=world.pair, mentee=second)
    _complete(world)
    first = world.pair.members.order_by("pk").first().mentee
    completion.mentorship_reflection_add(mentorship=world.pair, mentee=first, text="Один",
                                         acting_user=None)
    completion.mentorship_reflection_add(mentorship=world.pair, mentee=second, text="Два",
                                         acting_user=None)
    completion.mentorship_reflection_add(mentorship=world.pair, mentee=first, text="Три",
                                         acting_user=None)
    world.pair.refresh_from_db()
    text = world.pair.mentee_reflection
    assert f"{second.person.short_name}: Два" in text
    assert f"{first.person.short_name}: Три" in text and "Один" not in text


def test_invite_finished_student_is_idempotent_with_matching_form(world: World) -> None:
    member = completed_pair(world, outcome="partly")
    role, created = completion.mentee_invite_as_mentor(member=member, acting_user=None)
    assert created
    assert (role.role, role.capacity, role.is_active) == ("mentor", 1, True)
    assert [f.code for f in role.forms.all()] == ["student_student"]
    again, created_again = completion.mentee_invite_as_mentor(member=member, acting_user=None)
    assert (again.pk, created_again) == (role.pk, False)
    assert ProgrammeRole.objects.filter(person=member.mentee.person, role="mentor").count() == 1
    listed = completion.finished_mentees_for_invitation(programme=world.programme)
    assert [m.invited for m in listed if m.pk == member.pk] == [True]


@pytest.mark.parametrize(("outcome", "category"), [
    ("not_achieved", Person.Category.STUDENT),
    ("achieved", Person.Category.PUPIL),
])
def test_not_invitable(world: World, outcome: str, category: str) -> None:
    member = completed_pair(world, outcome=outcome, category=category)
    assert member not in completion.finished_mentees_for_invitation(programme=world.programme)
    with pytest.raises(ValidationError):
        completion.mentee_invite_as_mentor(member=member, acting_user=None)


def test_invite_list_query_count(world: World, django_assert_num_queries: object) -> None:
    for _ in range(3):
        completed_pair(world)
    client = world.client_for("curator")
    url = reverse("pairing:invite_list", args=[world.programme.pk])
    response = client.get(url)
    assert response.content.decode().count("Пригласить в базу наставников") == 3
    # session, user, the menu and access, programme; then the count and one page of rows
    # (people, forms and mentors joined): the same whatever the number of rows
    with_three = len(_queries(client, url))
    for _ in range(2):
        completed_pair(world)
    client.get(url)  # the data changed: the user's access is read again once, then kept
    with django_assert_num_queries(with_three):  # type: ignore[operator]
        client.get(url)


def _queries(client: object, url: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)  # type: ignore[attr-defined]
    return ctx.captured_queries


# --------------------------------------------------------------------------- views

@pytest.mark.parametrize(("role", "status"), [
    ("anonymous", 302), ("mentee", 403), ("director", 403), ("other_mentee", 404),
    ("other_curator", 404), ("coordinator", 404), ("mentor", 200), ("curator", 200),
    ("admin", 200),
])
def test_complete_page_matrix(world: World, role: str, status: int) -> None:
    url = reverse("pairing:mentorship_complete", args=[world.pair.pk])
    response = world.client_for(role).get(url)
    assert response.status_code == status
    if role == "anonymous":
        assert "/login" in response["Location"]


def test_mentor_of_another_pair_gets_404(world: World) -> None:
    url = reverse("pairing:mentorship_complete", args=[world.other_pair.pk])
    assert world.client_for("mentor").get(url).status_code == 404


def test_mentor_closes_pair_through_the_page(world: World) -> None:
    client = world.client_for("mentor")
    url = reverse("pairing:mentorship_complete", args=[world.pair.pk])
    response = client.post(url, {"outcome": "partly", "ended_on": "2025-05-30",
                                 "reason": "", "mentor_reflection": ""})
    assert response.status_code == 200
    assert "причина обязательна" in response.content.decode().lower()
    response = client.post(url, {"outcome": "partly", "ended_on": "2025-05-30",
                                 "reason": "Болезнь", "mentor_reflection": "Хорошо"},
                           follow=True)
    assert "Наставничество завершено" in response.content.decode()
    response = client.post(url, {"outcome": "partly", "ended_on": "2025-05-30",
                                 "reason": "Болезнь"}, follow=True)
    assert "уже было завершено" in response.content.decode()
    world.pair.refresh_from_db()
    assert world.pair.status == "completed"


@pytest.mark.parametrize(("role", "status"), [
    ("anonymous", 302), ("mentor", 403), ("curator", 403), ("other_mentee", 404),
    ("other_curator", 404), ("coordinator", 404), ("mentee", 200),
])
def test_reflection_matrix(world: World, role: str, status: int) -> None:
    _complete(world)
    url = reverse("pairing:mentorship_reflection", args=[world.pair.pk])
    assert world.client_for(role).get(url).status_code == status


def test_mentee_adds_reflection_on_pair_page(world: World) -> None:
    _complete(world)
    client = world.client_for("mentee")
    detail = client.get(reverse("pairing:mentorship_detail", args=[world.pair.pk]))
    assert "Добавить свою рефлексию" in detail.content.decode()
    assert "Закрыть наставничество" not in detail.content.decode()
    url = reverse("pairing:mentorship_reflection", args=[world.pair.pk])
    response = client.post(url, {"text": "Было полезно"}, follow=True)
    assert "Было полезно" in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [
    ("anonymous", 302), ("mentor", 403), ("mentee", 403), ("other_curator", 404),
    ("coordinator", 404), ("director", 200), ("curator", 200),
])
def test_invite_list_matrix(world: World, role: str, status: int) -> None:
    url = reverse("pairing:invite_list", args=[world.programme.pk])
    assert world.client_for(role).get(url).status_code == status


@pytest.mark.parametrize(("role", "status"), [
    ("anonymous", 302), ("mentor", 404), ("director", 403), ("other_curator", 404),
    ("coordinator", 404), ("curator", 302),
])
def test_invite_matrix(world: World, role: str, status: int) -> None:
    member = completed_pair(world)
    response = world.client_for(role).post(reverse("pairing:invite", args=[member.pk]))
    assert response.status_code == status
    invited = ProgrammeRole.objects.filter(person=member.mentee.person, role="mentor").exists()
    assert invited == (role == "curator")


@pytest.mark.parametrize(("role", "shown"), [
    ("mentor", True), ("curator", True), ("admin", True), ("director", False),
    ("mentee", False),
])
def test_close_button_only_for_who_may_close(world: World, role: str, shown: bool) -> None:
    page = world.client_for(role).get(
        reverse("pairing:mentorship_detail", args=[world.pair.pk])).content.decode()
    assert (reverse("pairing:mentorship_complete", args=[world.pair.pk]) in page) is shown
