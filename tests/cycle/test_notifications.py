"""The curators' weekly digest and the mentors' reminders: who gets them, what they say,
and that running the tasks twice sends nothing twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from cycle.models import CycleSettings, NotificationLog
from cycle.notifications import curator_digests_send, mentor_reminders_send, week_key
from cycle.tasks import curator_digests_task, mentor_reminders_task
from tests.conftest import World
from tests.factories import ConsentFactory, MeetingFactory, PlanItemFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 16)


@pytest.fixture
def consented(world: World, settings) -> World:  # noqa: ANN001
    settings.SITE_URL = "https://mentoring.example.org"
    for key in ("curator", "mentor", "mentee", "other_mentee", "director"):
        ConsentFactory(person=world.people[key])
    return world


def test_week_key() -> None:
    assert week_key(dt.date(2026, 1, 1)) == "2026-W01"
    assert week_key(dt.date(2027, 1, 1)) == "2026-W53"


def test_digest_goes_to_curators_once_a_week(consented: World) -> None:
    w = consented
    PlanItemFactory(mentorship=w.pair, title="Сдать отчёт", due_on=MONDAY - dt.timedelta(days=3))
    MeetingFactory(mentorship=w.other_pair, held_on=MONDAY - dt.timedelta(days=1),
                   topic="Разбор курсовой")
    assert curator_digests_send(today=MONDAY) == 1
    assert curator_digests_send(today=MONDAY) == 0
    assert curator_digests_send(today=MONDAY + dt.timedelta(days=7)) == 1
    letter = mail.outbox[0]
    assert letter.to == [w.people["curator"].email]
    assert "Пары в группе риска: 1" in letter.body  # the other pair met yesterday
    assert "Сдать отчёт" in letter.body
    assert "Разбор курсовой" in letter.body
    assert f"https://mentoring.example.org/programmes/{w.programme.pk}/risk/" in letter.body
    html = letter.alternatives[0][0]
    assert "<ul>" in html and "Сдать отчёт" in html


def test_digest_counts_everything_though_it_lists_only_the_first(
        consented: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cycle.notifications.DIGEST_LIST_LIMIT", 2)
    for n in range(3):
        PlanItemFactory(mentorship=consented.pair, title=f"Задача {n}",
                        due_on=MONDAY - dt.timedelta(days=3 + n))
    assert curator_digests_send(today=MONDAY) == 1
    body = mail.outbox[0].body
    assert "Просроченные задачи планов: 3" in body
    assert sum(f"Задача {n}" in body for n in range(3)) == 2


def test_digest_only_on_the_programme_weekday(consented: World) -> None:
    CycleSettings.objects.create(programme=consented.programme, digest_weekday=2)
    assert curator_digests_send(today=MONDAY) == 0
    assert curator_digests_send(today=MONDAY + dt.timedelta(days=2)) == 1


def test_digest_respects_opt_out_and_consent(consented: World) -> None:
    user = consented.users["curator"]
    user.receive_reminders = False
    user.save()
    assert curator_digests_send(today=MONDAY) == 0
    user.receive_reminders = True
    user.save()
    consented.people["curator"].consents.all().delete()
    assert curator_digests_send(today=MONDAY) == 0
    assert mail.outbox == []
    assert not NotificationLog.objects.exists()


def test_reminders_to_mentors_without_recent_meeting(consented: World) -> None:
    w = consented
    # the other pair's mentor has no user; the world's mentor met 10 days ago
    MeetingFactory(mentorship=w.pair, held_on=MONDAY - dt.timedelta(days=10))
    assert mentor_reminders_send(today=MONDAY) == 0
    assert mentor_reminders_send(today=MONDAY + dt.timedelta(days=11)) == 1
    letter = mail.outbox[0]
    assert letter.to == [w.people["mentor"].email]
    assert "Последняя встреча: 06.03.2026" in letter.body
    assert f"https://mentoring.example.org/mentorships/{w.pair.pk}/meetings/new/" in letter.body


def test_reminder_at_most_once_a_week(consented: World) -> None:
    tuesday = MONDAY + dt.timedelta(days=1)
    assert mentor_reminders_send(today=tuesday) == 1
    assert mentor_reminders_send(today=tuesday) == 0
    assert mentor_reminders_send(today=tuesday + dt.timedelta(days=3)) == 0  # same ISO week
    assert mentor_reminders_send(today=tuesday + dt.timedelta(days=7)) == 1
    assert len(mail.outbox) == 2


def test_tasks_twice_send_nothing_twice(consented: World, monkeypatch) -> None:  # noqa: ANN001
    import cycle.notifications as notifications

    monkeypatch.setattr(notifications.timezone, "localdate", lambda: MONDAY)
    first = curator_digests_task.delay().get() + mentor_reminders_task.delay().get()
    second = curator_digests_task.delay().get() + mentor_reminders_task.delay().get()
    assert (first, second) == (2, 0)
    assert len(mail.outbox) == 2


def test_failed_send_gives_the_claim_back(consented: World, monkeypatch) -> None:  # noqa: ANN001
    from django.core.mail import EmailMultiAlternatives

    def broken(self: EmailMultiAlternatives, fail_silently: bool = False) -> int:
        raise OSError("SMTP down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    assert mentor_reminders_send(today=MONDAY) == 0
    assert not NotificationLog.objects.exists()
    monkeypatch.undo()
    assert mentor_reminders_send(today=MONDAY) == 1


NOTIFY_MATRIX = {"anonymous": 302, "mentee": 200, "mentor": 200, "curator": 200,
                 "other_curator": 200, "coordinator": 200, "admin": 200}


@pytest.mark.parametrize("role", sorted(NOTIFY_MATRIX))
def test_notification_settings_page(world: World, role: str) -> None:
    response = world.client_for(role).get(reverse("cycle:notification_settings"))
    assert response.status_code == NOTIFY_MATRIX[role]


def test_user_turns_reminders_off_and_on(world: World) -> None:
    client = world.client_for("mentor")
    url = reverse("cycle:notification_settings")
    assert client.post(url, {}).status_code == 302
    world.users["mentor"].refresh_from_db()
    assert world.users["mentor"].receive_reminders is False
    client.post(url, {"receive_reminders": "on"})
    world.users["mentor"].refresh_from_db()
    assert world.users["mentor"].receive_reminders is True
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()  # the user menu


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_reminder_task_on_the_worker_claims_once(world: World) -> None:
    """Against a real worker in CI (eager locally): the reminder is claimed once, and a
    second run of the task claims nothing more."""
    import time

    ConsentFactory(person=world.people["mentor"])
    mentor = world.users["mentor"]
    for _run in range(2):
        mentor_reminders_task.delay()
        deadline = time.monotonic() + 60
        while not NotificationLog.objects.filter(user=mentor).exists():
            assert time.monotonic() < deadline, "the reminder was not claimed"
            time.sleep(0.2)
    time.sleep(1)
    assert NotificationLog.objects.filter(user=mentor, kind="reminder").count() == 1
