"""Two curators accept, at the same moment, proposals that together exceed a mentor's
capacity: one wins, the other gets a clear message, nothing is over-filled. Runs on SQLite
and on PostgreSQL (CI runs the suite on both), with real threads and connections."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scopes_disabled

from pairing import services
from pairing.models import MatchRun, MatchSuggestion, Mentorship, MentorshipMember

from .conftest import Scene


@pytest.mark.django_db(transaction=True)
def test_two_curators_accepting_at_once_do_not_overfill(
        scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    mentor = scene.ivanova  # capacity 1
    first, second = scene.mentee_with_request(), scene.mentee_with_request()
    run = MatchRun.objects.create(programme=scene.world.programme, form=scene.ts,
                                  status=MatchRun.Status.DONE, progress=100,
                                  params={"group_mentees": True})
    suggestions = [MatchSuggestion.objects.create(run=run, mentor=mentor, mentee=r.mentee,
                                                  request=r, score=10)
                   for r in (first, second)]

    # Widen the window between counting the places and writing the pair, so that without
    # the lock both transactions would count one free place.
    count = services.mentor_free_places

    def slow_count(*, mentor):  # type: ignore[no-untyped-def]
        free = count(mentor=mentor)
        time.sleep(0.4)
        return free

    monkeypatch.setattr(services, "mentor_free_places", slow_count)
    barrier = threading.Barrier(2)
    outcome: dict[int, object] = {}
    curators = [scene.world.users["curator"], scene.world.users["admin"]]

    def accept(suggestion: MatchSuggestion, user: object) -> None:
        try:
            with scopes_disabled():
                barrier.wait(timeout=10)
                started = time.monotonic()
                try:
                    services.suggestion_accept(suggestion=suggestion, acting_user=user)
                    outcome[suggestion.pk] = ("ok", time.monotonic() - started)
                except ValidationError as exc:
                    outcome[suggestion.pk] = (exc.messages, time.monotonic() - started)
                except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                    outcome[suggestion.pk] = (repr(exc), time.monotonic() - started)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(s, u))
               for s, u in zip(suggestions, curators, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    results = sorted(outcome.values(), key=lambda r: r[1])
    assert len(results) == 2
    (winner, fast), (loser, slow) = results
    assert winner == "ok"
    assert loser == [str(services.MENTOR_HAS_NO_PLACE % {
        "name": mentor.person.short_name, "capacity": 1, "load": 1})]
    # The second waited for the first to commit before it counted.
    assert slow >= fast + 0.3
    assert MentorshipMember.objects.filter(mentorship__mentor=mentor, is_active=True).count() == 1
    assert Mentorship.objects.filter(mentor=mentor).count() == 1
    statuses = sorted(MatchSuggestion.objects.filter(run=run).values_list("status", flat=True))
    assert statuses == [MatchSuggestion.Status.ACCEPTED, MatchSuggestion.Status.PROPOSED]
