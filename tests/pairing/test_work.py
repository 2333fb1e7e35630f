"""The pairs' work (stage 6): plan and meeting services, and the views' permission matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from mentorship.models import AuditEntry
from pairing import work_services as services
from pairing.models import Meeting, Mentorship, PlanItem
from pairing.work_selectors import meeting_next_type, plan_progress, plan_title
from tests.conftest import World
from tests.factories import MeetingFactory, PlanItemFactory, form

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def make_plan_item(w: World) -> PlanItem:
    """A task in the plan of the world's pair (for the outsider walk)."""
    return PlanItemFactory(mentorship=w.pair, title="Подготовить доклад", position=1)


def make_meeting(w: World) -> Meeting:
    """A meeting of the world's pair (for the outsider walk)."""
    return MeetingFactory(mentorship=w.pair, held_on=w.pair.started_on)


def _mentee_role(w: World):  # noqa: ANN202
    return w.pair.members.get().mentee


# --------------------------------------------------------------------------- plan services


def test_plan_item_create_appends_and_audits(world: World) -> None:
    first = services.plan_item_create(mentorship=world.pair, title=" Цель ", kind="goal",
                                      acting_user=world.users["mentor"])
    second = services.plan_item_create(mentorship=world.pair, title="Задача", status="done",
                                       acting_user=world.users["mentor"])
    assert (first.title, first.position, second.position) == ("Цель", 1, 2)
    assert second.done_on == TODAY
    assert AuditEntry.objects.filter(verb="plan_item.created").count() == 2


def test_plan_item_update_done_date_kept_and_cleared(world: World) -> None:
    item = make_plan_item(world)
    user = world.users["mentor"]
    item = services.plan_item_set_status(item=item, status="done", acting_user=user)
    assert item.done_on == TODAY
    PlanItem.objects.filter(pk=item.pk).update(done_on=dt.date(2025, 1, 1))
    item.refresh_from_db()
    item = services.plan_item_set_status(item=item, status="done", acting_user=user)
    assert item.done_on == dt.date(2025, 1, 1)
    item = services.plan_item_set_status(item=item, status="in_progress", acting_user=user)
    assert item.done_on is None


def test_plan_item_move_renumbers_and_stops_at_ends(world: World) -> None:
    a, b, c = (PlanItemFactory(mentorship=world.pair, title=t, position=0) for t in "abc")
    user = world.users["curator"]
    services.plan_item_move(item=c, direction="up", acting_user=user)
    order = list(PlanItem.objects.filter(mentorship=world.pair)
                 .order_by("position").values_list("title", flat=True))
    assert order == ["a", "c", "b"]
    services.plan_item_move(item=a, direction="up", acting_user=user)
    assert PlanItem.objects.get(pk=a.pk).position == 1


def test_closed_mentorship_cannot_be_changed(world: World) -> None:
    Mentorship.objects.filter(pk=world.pair.pk).update(status="completed", ended_on=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.plan_item_create(mentorship=world.pair, title="x",
                                  acting_user=world.users["mentor"])
    assert exc.value.messages == [str(services.MENTORSHIP_CLOSED)]


def test_plan_item_delete_twice_is_noop(world: World) -> None:
    item = make_plan_item(world)
    services.plan_item_delete(item=item, acting_user=world.users["mentor"])
    services.plan_item_delete(item=item, acting_user=world.users["mentor"])
    assert not PlanItem.objects.filter(pk=item.pk).exists()
    assert AuditEntry.objects.filter(verb="plan_item.deleted").count() == 1


def test_plan_progress_ignores_cancelled_and_counts_overdue(world: World) -> None:
    items = [PlanItem(status="done"), PlanItem(status="cancelled"),
             PlanItem(status="planned", due_on=TODAY - dt.timedelta(days=1)),
             PlanItem(status="planned", due_on=TODAY)]
    progress = plan_progress(items, TODAY)
    assert (progress.total, progress.done, progress.overdue, progress.percent) == (3, 1, 1, 33)


def test_plan_title_for_young_specialists(world: World) -> None:
    assert plan_title(form("teacher_teacher")) == (
        "Персонализированная программа наставничества молодого специалиста")
    assert plan_title(form("teacher_student")) == "Индивидуальный план"


# --------------------------------------------------------------------------- meetings


def _log(w: World, **kwargs: object) -> Meeting:
    values = {"mentorship": w.pair, "held_on": TODAY, "topic": "Разбор задач",
              "attendees": [w.pair.mentor, _mentee_role(w)],
              "acting_user": w.users["mentor"], **kwargs}
    return services.meeting_create(**values)


def test_meeting_create_with_attendees(world: World) -> None:
    meeting = _log(world, meeting_type="acquaintance", duration_minutes=60)
    assert set(meeting.attendees.all()) == {world.pair.mentor, _mentee_role(world)}
    assert meeting.created_by == world.users["mentor"]


@pytest.mark.parametrize(("held_on", "message"), [
    (TODAY + dt.timedelta(days=1), services.MEETING_IN_FUTURE),
    (dt.date(2024, 11, 1), services.MEETING_BEFORE_START),
])
def test_meeting_date_rules(world: World, held_on: dt.date, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        _log(world, held_on=held_on)
    assert exc.value.messages[0].startswith(str(message)[:30])


def test_meeting_second_submit_does_not_duplicate(world: World) -> None:
    _log(world)
    with pytest.raises(ValidationError, match="уже"):
        _log(world, topic="разбор задач ")
    assert Meeting.objects.filter(mentorship=world.pair).count() == 1


def test_meeting_edit_of_attendees_only_is_audited(world: World) -> None:
    meeting = _log(world)
    fields = {"held_on": meeting.held_on, "topic": meeting.topic,
              "meeting_type": meeting.meeting_type, "format": meeting.format,
              "duration_minutes": meeting.duration_minutes, "notes": meeting.notes}
    # Nothing changed: nothing recorded.
    services.meeting_update(meeting=meeting, attendees=[world.pair.mentor, _mentee_role(world)],
                            acting_user=world.users["mentor"], **fields)
    assert not AuditEntry.objects.filter(verb="meeting.updated").exists()
    services.meeting_update(meeting=meeting, attendees=[world.pair.mentor],
                            acting_user=world.users["mentor"], **fields)
    entry = AuditEntry.objects.get(verb="meeting.updated")
    before, after = entry.changes["attendees"]
    mentee = str(_mentee_role(world).person)
    assert mentee in before and mentee not in after
    assert str(world.pair.mentor.person) in after
    assert set(entry.changes) == {"attendees"}


def test_meeting_attendee_must_belong_to_pair(world: World) -> None:
    stranger = world.other_pair.members.get().mentee
    with pytest.raises(ValidationError):
        _log(world, attendees=[stranger])


def test_meeting_confirm_is_idempotent(world: World) -> None:
    meeting = make_meeting(world)
    mentee = _mentee_role(world)
    first = services.meeting_confirm(meeting=meeting, mentee=mentee,
                                     acting_user=world.users["mentee"])
    again = services.meeting_confirm(meeting=meeting, mentee=mentee,
                                     acting_user=world.users["mentee"])
    assert first.confirmed_by_mentee_at == again.confirmed_by_mentee_at is not None
    assert AuditEntry.objects.filter(verb="meeting.confirmed").count() == 1


def test_meeting_confirm_by_other_mentee_refused(world: World) -> None:
    meeting = make_meeting(world)
    with pytest.raises(ValidationError):
        services.meeting_confirm(meeting=meeting, mentee=world.other_pair.members.get().mentee,
                                 acting_user=world.users["other_mentee"])


def test_not_a_good_fit_with_comment(world: World) -> None:
    meeting = make_meeting(world)
    flagged = services.meeting_flag_not_a_good_fit(
        meeting=meeting, mentee=_mentee_role(world), comment=" Не совпали графики ",
        acting_user=world.users["mentee"])
    assert flagged.not_a_good_fit
    assert flagged.not_a_good_fit_comment == "Не совпали графики"


def test_next_meeting_type_follows_the_sequence(world: World) -> None:
    assert meeting_next_type(mentorship=world.pair) == "acquaintance"
    MeetingFactory(mentorship=world.pair, meeting_type="acquaintance")
    assert meeting_next_type(mentorship=world.pair) == "trial"
    MeetingFactory(mentorship=world.pair, meeting_type="trial", topic="Пробная")
    MeetingFactory(mentorship=world.pair, meeting_type="planning", topic="План")
    assert meeting_next_type(mentorship=world.pair) == "regular"


# --------------------------------------------------------------------------- views


def _urls(w: World) -> dict[str, str]:
    item, meeting = make_plan_item(w), make_meeting(w)
    return {
        "plan_item_create": reverse("pairing:plan_item_create", args=[w.pair.pk]),
        "plan_item_edit": reverse("pairing:plan_item_edit", args=[item.pk]),
        "plan_item_delete": reverse("pairing:plan_item_delete", args=[item.pk]),
        "meeting_create": reverse("pairing:meeting_create", args=[w.pair.pk]),
        "meeting_edit": reverse("pairing:meeting_edit", args=[meeting.pk]),
        "meeting_delete": reverse("pairing:meeting_delete", args=[meeting.pk]),
        "meeting_not_a_good_fit": reverse("pairing:meeting_not_a_good_fit",
                                          args=[meeting.pk]),
    }


EDIT_PAGES = ("plan_item_create", "plan_item_edit", "plan_item_delete", "meeting_create",
              "meeting_edit", "meeting_delete")
# role -> expected status of the mentor's pages (GET).
EDIT_MATRIX = {"anonymous": 302, "other_curator": 404, "other_mentee": 404, "mentee": 403,
               "director": 403, "mentor": 200, "curator": 200, "admin": 200,
               "coordinator": 404}
FIT_MATRIX = {"anonymous": 302, "other_curator": 404, "other_mentee": 404, "mentee": 200,
              "director": 403, "mentor": 403, "curator": 403, "admin": 403,
              "coordinator": 404}


@pytest.mark.parametrize("role", sorted(EDIT_MATRIX))
def test_edit_pages_permission_matrix(world: World, role: str) -> None:
    urls = _urls(world)
    client = world.client_for(role)
    for name in EDIT_PAGES:
        response = client.get(urls[name])
        assert response.status_code == EDIT_MATRIX[role], (name, role)
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", sorted(FIT_MATRIX))
def test_not_a_good_fit_page_permission_matrix(world: World, role: str) -> None:
    url = _urls(world)["meeting_not_a_good_fit"]
    assert world.client_for(role).get(url).status_code == FIT_MATRIX[role]


def test_mentor_of_another_pair_gets_404(world: World) -> None:
    other_item = PlanItemFactory(mentorship=world.other_pair)
    client = world.client_for("mentor")
    assert client.get(reverse("pairing:plan_item_edit", args=[other_item.pk])).status_code == 404
    assert client.post(reverse("pairing:plan_item_status", args=[other_item.pk]),
                       {"status": "done"}).status_code == 404


def test_mentee_cannot_change_plan_status(world: World) -> None:
    item = make_plan_item(world)
    response = world.client_for("mentee").post(
        reverse("pairing:plan_item_status", args=[item.pk]), {"status": "done"})
    assert response.status_code == 403
    assert PlanItem.objects.get(pk=item.pk).status == "planned"


def test_mentor_adds_plan_item_and_logs_meeting(world: World) -> None:
    client = world.client_for("mentor")
    response = client.post(reverse("pairing:plan_item_create", args=[world.pair.pk]),
                           {"kind": "task", "title": "Сдать отчёт", "status": "planned",
                            "due_on": "2026-12-01"})
    assert response.status_code == 302
    assert response["Location"].endswith("#plan")
    mentee = _mentee_role(world)
    response = client.post(reverse("pairing:meeting_create", args=[world.pair.pk]),
                           {"held_on": TODAY.isoformat(), "meeting_type": "acquaintance",
                            "format": "online", "duration_minutes": "30", "topic": "Знакомство",
                            "attendees": [world.pair.mentor_id, mentee.pk]})
    assert response.status_code == 302
    meeting = Meeting.objects.get(mentorship=world.pair)
    assert meeting.format == "online"
    page = client.get(reverse("pairing:mentorship_detail", args=[world.pair.pk]))
    assert "Сдать отчёт" in page.content.decode()
    assert "Знакомство" in page.content.decode()


def test_future_meeting_shows_russian_error_and_keeps_input(world: World) -> None:
    client = world.client_for("mentor")
    response = client.post(reverse("pairing:meeting_create", args=[world.pair.pk]),
                           {"held_on": (TODAY + dt.timedelta(days=3)).isoformat(),
                            "meeting_type": "regular", "format": "in_person",
                            "duration_minutes": "45", "topic": "Тема встречи"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "не может быть позже сегодняшнего дня" in body
    assert "Тема встречи" in body


def test_status_htmx_returns_plan_section(world: World) -> None:
    item = make_plan_item(world)
    response = world.client_for("mentor").post(
        reverse("pairing:plan_item_status", args=[item.pk]), {"status": "done"},
        HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="plan"')
    assert PlanItem.objects.get(pk=item.pk).status == "done"


def test_mentee_confirms_and_flags(world: World) -> None:
    meeting = make_meeting(world)
    client = world.client_for("mentee")
    response = client.post(reverse("pairing:meeting_confirm", args=[meeting.pk]))
    assert response.status_code == 302
    response = client.post(reverse("pairing:meeting_not_a_good_fit", args=[meeting.pk]),
                           {"comment": "Нет общего языка"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.confirmed_by_mentee_at and meeting.not_a_good_fit
    curator_page = world.client_for("curator").get(
        reverse("pairing:mentorship_detail", args=[world.pair.pk])).content.decode()
    assert "Нет общего языка" in curator_page


def test_mentor_cannot_confirm(world: World) -> None:
    meeting = make_meeting(world)
    response = world.client_for("mentor").post(
        reverse("pairing:meeting_confirm", args=[meeting.pk]))
    assert response.status_code == 403


def test_pair_page_query_count(world: World, django_assert_max_num_queries,  # noqa: ANN001
                               settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs (tests/test_pagecache.py)
    for i in range(3):
        PlanItemFactory(mentorship=world.pair, title=f"Задача {i}", position=i)
        meeting = MeetingFactory(mentorship=world.pair, topic=f"Встреча {i}",
                                 held_on=dt.date(2025, 1, 10 + i))
        meeting.attendees.set([world.pair.mentor])
    client = world.client_for("mentor")
    url = reverse("pairing:mentorship_detail", args=[world.pair.pk])
    client.get(url)
    # session, user, access (roles), mentorship, members, plan, meetings, attendees and the
    # base template's navigation: a fixed number whatever the rows.
    with django_assert_max_num_queries(20) as ctx:
        client.get(url)
    baseline = len(ctx.captured_queries)
    for i in range(3, 6):
        PlanItemFactory(mentorship=world.pair, title=f"Задача {i}", position=i)
        meeting = MeetingFactory(mentorship=world.pair, topic=f"Встреча {i}",
                                 held_on=dt.date(2025, 2, 10 + i))
        meeting.attendees.set([world.pair.mentor])
    client.get(url)  # the data changed: the user's access is read again once, then kept
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_permission_helpers_raise(world: World) -> None:
    from pairing.work_permissions import mentorship_work_get_for_user

    with pytest.raises(PermissionDenied):
        mentorship_work_get_for_user(world.users["mentee"], world.pair.pk, write=True)


def test_pair_page_shows_latest_meetings_then_all(world: World) -> None:
    for i in range(12):
        MeetingFactory(mentorship=world.pair, topic=f"Встреча {i}",
                       held_on=dt.date(2025, 1, 1) + dt.timedelta(days=i))
    client = world.client_for("mentee")
    url = reverse("pairing:mentorship_detail", args=[world.pair.pk])
    body = client.get(url).content.decode()
    assert body.count('class="list-group-item meeting"') == 10
    assert "Показать ещё 2 встречи" in body
    body = client.get(url, {"meetings": "all"}).content.decode()
    assert body.count('class="list-group-item meeting"') == 12


@pytest.mark.parametrize(("name", "factory", "anchor", "message"), [
    ("plan_item_delete", make_plan_item, "#plan", "Пункт плана удалён"),
    ("meeting_delete", make_meeting, "#meetings", "Встреча удалена из журнала"),
])
def test_delete_pages_confirm_then_delete(world: World, name: str, factory, anchor: str,  # noqa: ANN001
                                          message: str) -> None:
    obj = factory(world)
    client = world.client_for("mentor")
    url = reverse(f"pairing:{name}", args=[obj.pk])
    page = client.get(url).content.decode()
    assert f'{reverse("pairing:mentorship_detail", args=[world.pair.pk])}{anchor}' in page
    assert type(obj).objects.filter(pk=obj.pk).exists()
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0].endswith(anchor)
    assert message in response.content.decode()
    assert not type(obj).objects.filter(pk=obj.pk).exists()


def test_delete_in_closed_mentorship_keeps_the_row_and_says_why(world: World) -> None:
    item = make_plan_item(world)
    Mentorship.objects.filter(pk=world.pair.pk).update(status="completed", ended_on=TODAY)
    response = world.client_for("curator").post(
        reverse("pairing:plan_item_delete", args=[item.pk]), follow=True)
    assert "больше нельзя изменить" in response.content.decode()
    assert PlanItem.objects.filter(pk=item.pk).exists()
