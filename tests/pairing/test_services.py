"""Services of pairing against the database: runs, decisions, hard rules, ending early."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from mentorship.models import AuditEntry
from pairing import matching, services
from pairing.models import (
    Exclusion,
    MatchRun,
    MatchSuggestion,
    Mentorship,
    MentorshipMember,
    MentorshipRequest,
)
from pairing.selectors import ALREADY_PAIRED, NO_CONSENT, explanation_lines
from participants.models import Consent, Person, ProgrammeRole
from tests.factories import ConsentFactory, PersonFactory, RoleFactory

from .conftest import Scene

pytestmark = pytest.mark.django_db


def run_for(scene: Scene, form=None) -> MatchRun:  # type: ignore[no-untyped-def]
    run = services.match_run_create(programme=scene.world.programme, form=form or scene.ts,
                                    acting_user=scene.world.users["curator"])
    return services.match_run_execute(run_id=run.pk)


def suggestion_of(run: MatchRun, req: MentorshipRequest) -> MatchSuggestion:
    return MatchSuggestion.objects.get(run=run, mentee=req.mentee)


def test_run_proposes_explains_and_gives_reasons(scene: Scene) -> None:
    maths = scene.mentee_with_request(comps=("Математика", "Чемпионат"))
    adapt = scene.mentee_with_request(comps=("Адаптация",))
    no_consent = scene.mentee_with_request(comps=("Математика",), consent=False)
    run = run_for(scene)
    assert run.status == MatchRun.Status.DONE and run.progress == 100
    first = suggestion_of(run, maths)
    assert first.mentor_id == scene.mentor.pk
    assert explanation_lines(first.explanation)[0] == "Совпадение компетенций: 2 из 2 (+40)"
    assert first.score == sum(points for _c, points, _p in first.explanation)
    assert suggestion_of(run, adapt).mentor_id == scene.ivanova.pk
    assert suggestion_of(run, no_consent).unmatched_reason == NO_CONSENT
    # the world's mentee is already in an active pair of this form
    assert suggestion_of(run, scene.world.request_).unmatched_reason == ALREADY_PAIRED
    assert run.stats["matched"] == 2 and run.stats["unmatched"] == {
        NO_CONSENT: 1, ALREADY_PAIRED: 1}


def test_run_is_safe_to_run_twice(scene: Scene) -> None:
    scene.mentee_with_request(comps=("Математика",))
    run = run_for(scene)
    again = services.match_run_execute(run_id=run.pk)
    assert again.status == MatchRun.Status.DONE
    assert MatchSuggestion.objects.filter(run=run).count() == 2


def test_second_run_of_a_form_is_refused_while_one_is_queued(scene: Scene) -> None:
    services.match_run_create(programme=scene.world.programme, form=scene.ts,
                              acting_user=None)
    with pytest.raises(ValidationError) as exc:
        services.match_run_create(programme=scene.world.programme, form=scene.ts,
                                  acting_user=None)
    assert exc.value.messages == [str(services.RUN_IN_PROGRESS)]


def test_failed_run_keeps_a_readable_error(scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    scene.mentee_with_request()

    def boom(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(matching, "solve", boom)
    run = services.match_run_create(programme=scene.world.programme, form=scene.ts,
                                    acting_user=None)
    with pytest.raises(MemoryError):
        services.match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert run.error == str(services.RUN_FAILED % {"error": "MemoryError"})
    assert "Подбор" in run.error  # Russian, for the curator


def test_untrained_mentors_are_left_out_when_the_programme_says_so(scene: Scene) -> None:
    req = scene.mentee_with_request(comps=("Охрана труда",))
    scene.mentor_role(forms=(scene.ts,), capacity=5, comps=("Охрана труда",), trained=False)
    run = run_for(scene)
    assert suggestion_of(run, req).mentor_id in (scene.mentor.pk, scene.ivanova.pk)
    assert run.stats["mentors_untrained"] == 1


def test_accept_forms_a_pair_and_notifies_after_commit(
        scene: Scene, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    req = scene.mentee_with_request(comps=("Адаптация",))
    run = run_for(scene)
    suggestion = suggestion_of(run, req)
    with django_capture_on_commit_callbacks(execute=True):
        mentorship = services.suggestion_accept(suggestion=suggestion,
                                                acting_user=scene.world.users["curator"])
    assert mentorship.status == Mentorship.Status.ACTIVE
    assert mentorship.mentor_id == scene.ivanova.pk
    member = mentorship.members.get()
    assert member.mentee_id == req.mentee_id and member.request_id == req.pk
    req.refresh_from_db()
    assert req.status == MentorshipRequest.Status.MATCHED
    suggestion.refresh_from_db()
    assert suggestion.status == MatchSuggestion.Status.ACCEPTED
    assert suggestion.mentorship_id == mentorship.pk
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([scene.ivanova.person.email, req.mentee.person.email])
    assert "Иванова" in next(m.body for m in mail.outbox if m.to[0] == req.mentee.person.email)
    assert AuditEntry.objects.filter(verb="mentorship.created").exists()


def test_no_letter_without_consent_or_email(
        scene: Scene, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    req = scene.mentee_with_request(comps=("Адаптация",), email="")
    run = run_for(scene)
    Consent.objects.filter(person=scene.ivanova.person).update(revoked_on=dt.date(2024, 12, 1))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as exc:
        services.suggestion_accept(suggestion=suggestion_of(run, req), acting_user=None)
    assert "согласия" in exc.value.messages[0]
    mentorship, _members = services.mentorship_create(
        programme=scene.world.programme, form=scene.ts, mentor=scene.mentor,
        mentees=[req.mentee], acting_user=None)
    assert mentorship.pk
    assert mail.outbox == []  # the callbacks above ran before; nothing to send yet
    services.mentorship_notify_members(mentorship_id=mentorship.pk,
                                       member_ids=[m.pk for m in mentorship.members.all()])
    assert [m.to for m in mail.outbox] == [[scene.mentor.person.email]]


def test_mentees_of_one_mentor_from_one_run_form_a_group(scene: Scene) -> None:
    a = scene.mentee_with_request(comps=("Математика",))
    b = scene.mentee_with_request(comps=("Чемпионат",))
    run = run_for(scene)
    assert {suggestion_of(run, a).mentor_id, suggestion_of(run, b).mentor_id} == {
        scene.mentor.pk}
    result = services.run_accept_all(run=run, acting_user=None)
    assert result.accepted == 2 and result.failed == []
    group = Mentorship.objects.get(members__mentee=a.mentee)
    assert sorted(group.members.values_list("mentee_id", flat=True)) == sorted(
        [a.mentee_id, b.mentee_id])
    assert services.mentor_free_places(mentor=scene.mentor) == 0


def test_accept_refuses_over_capacity_and_keeps_the_proposal(scene: Scene) -> None:
    req = scene.mentee_with_request(comps=("Адаптация",))
    run = run_for(scene)
    suggestion = suggestion_of(run, req)
    other = scene.mentee_with_request()
    services.mentorship_create(programme=scene.world.programme, form=scene.ts,
                               mentor=scene.ivanova, mentees=[other.mentee], acting_user=None)
    with pytest.raises(ValidationError) as exc:
        services.suggestion_accept(suggestion=suggestion, acting_user=None)
    assert exc.value.messages == [str(services.MENTOR_HAS_NO_PLACE) % {
        "name": scene.ivanova.person.short_name, "capacity": 1, "load": 1}]
    suggestion.refresh_from_db()
    assert suggestion.status == MatchSuggestion.Status.PROPOSED
    assert MentorshipMember.objects.filter(mentee=req.mentee).count() == 0


def test_accept_all_reports_what_could_not_be_accepted(scene: Scene) -> None:
    a = scene.mentee_with_request(comps=("Адаптация",))
    scene.mentee_with_request(comps=("Математика",))
    run = run_for(scene)
    Consent.objects.filter(person=a.mentee.person).update(revoked_on=dt.date(2024, 12, 1))
    result = services.run_accept_all(run=run, acting_user=None)
    assert result.accepted == 1
    assert [s.mentee_id for s, _text in result.failed] == [a.mentee_id]


def test_reject_with_exclusion_is_not_proposed_again(scene: Scene) -> None:
    req = scene.mentee_with_request(comps=("Адаптация",))
    run = run_for(scene)
    suggestion = suggestion_of(run, req)
    services.suggestion_reject(suggestion=suggestion, acting_user=None, exclude=True,
                               reason="Не сработались")
    assert Exclusion.objects.filter(mentor=scene.ivanova, mentee=req.mentee).exists()
    req.refresh_from_db()
    assert req.status == MentorshipRequest.Status.OPEN
    with pytest.raises(ValidationError):
        services.suggestion_reject(suggestion=suggestion, acting_user=None)
    again = run_for(scene)
    assert suggestion_of(again, req).mentor_id == scene.mentor.pk


def test_reassign_rescores_and_checks_places(scene: Scene) -> None:
    req = scene.mentee_with_request(comps=("Адаптация",))
    blocker = scene.mentee_with_request(comps=("Математика", "Чемпионат"))
    run = run_for(scene)
    suggestion = suggestion_of(run, req)
    assert suggestion.mentor_id == scene.ivanova.pk
    # Ivanova's only place is held by this very proposal: moving the blocker there fails.
    with pytest.raises(ValidationError) as exc:
        services.suggestion_reassign(suggestion=suggestion_of(run, blocker),
                                     mentor=scene.ivanova, acting_user=None)
    assert exc.value.messages == [str(services.MENTOR_HAS_NO_PLACE % {
        "name": scene.ivanova.person.short_name, "capacity": 1, "load": 1})]
    moved = services.suggestion_reassign(suggestion=suggestion, mentor=scene.mentor,
                                         acting_user=None)
    assert moved.mentor_id == scene.mentor.pk
    assert explanation_lines(moved.explanation)[0] == "Совпадение компетенций: 0 из 1 (+0)"
    assert moved.score == sum(p for _c, p, _x in moved.explanation)
    unmatched_role = scene.mentee_with_request(consent=True)
    run2 = run_for(scene)
    assert suggestion_of(run2, unmatched_role).mentor_id is not None


@pytest.mark.parametrize("case", ["self", "category", "consent", "paired", "excluded",
                                  "senior", "form"])
def test_hard_rules_of_a_pair(scene: Scene, case: str) -> None:
    programme = scene.world.programme
    form = scene.ts
    mentor = scene.ivanova
    req = scene.mentee_with_request()
    mentee = req.mentee
    if case == "self":
        mentee = RoleFactory(programme=programme, person=mentor.person)
        mentor.person.category = Person.Category.STUDENT
        mentor.person.save()
        mentor.forms.add(scene.ss)
        form = scene.ss
    elif case == "category":
        form = scene.es  # a teacher cannot be an employer mentor
        mentor.forms.add(scene.es)
    elif case == "consent":
        Consent.objects.filter(person=mentee.person).delete()
    elif case == "paired":
        mentee = ProgrammeRole.objects.get(person=scene.world.people["mentee"],
                                           role=ProgrammeRole.Role.MENTEE)
    elif case == "excluded":
        Exclusion.objects.create(programme=programme, mentor=mentor, mentee=mentee)
    elif case == "senior":
        form = scene.ss
        mentor = scene.mentor_role(forms=(scene.ss,), category=Person.Category.STUDENT,
                                   course=1)
        mentee.person.course = 2
        mentee.person.save()
    elif case == "form":
        mentor.forms.clear()
    with pytest.raises(ValidationError):
        services.mentorship_create(programme=programme, form=form, mentor=mentor,
                                   mentees=[mentee], acting_user=None)
    assert not Mentorship.objects.filter(mentor=mentor, form=form).exists()


def test_student_mentor_of_a_senior_course_is_fine(scene: Scene) -> None:
    req = scene.mentee_with_request(form_=scene.ss, course=1)
    senior = scene.mentor_role(forms=(scene.ss,), category=Person.Category.STUDENT, course=3)
    junior = scene.mentor_role(forms=(scene.ss,), category=Person.Category.STUDENT, course=1)
    run = run_for(scene, scene.ss)
    assert suggestion_of(run, req).mentor_id == senior.pk
    assert junior.pk not in MatchSuggestion.objects.values_list("mentor_id", flat=True)


def test_ending_early_keeps_history_and_reopens_the_request(scene: Scene) -> None:
    a = scene.mentee_with_request()
    b = scene.mentee_with_request()
    mentorship, members = services.mentorship_create(
        programme=scene.world.programme, form=scene.ts, mentor=scene.mentor,
        mentees=[a.mentee, b.mentee], acting_user=None, started_on=dt.date(2024, 11, 15))
    first = next(m for m in members if m.mentee_id == a.mentee_id)
    services.member_end_early(member=first, reason="Не сложилось взаимодействие",
                              acting_user=None, on=dt.date(2024, 12, 1))
    first.refresh_from_db()
    assert (first.is_active, first.left_on, first.left_reason) == (
        False, dt.date(2024, 12, 1), "Не сложилось взаимодействие")
    a.refresh_from_db()
    assert a.status == MentorshipRequest.Status.OPEN
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE
    second = next(m for m in members if m.mentee_id == b.mentee_id)
    services.member_end_early(member=second, reason="Выбыл", acting_user=None,
                              on=dt.date(2024, 12, 2))
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED_EARLY
    assert mentorship.ended_on == dt.date(2024, 12, 2)
    assert mentorship.members.count() == 2  # history kept
    with pytest.raises(ValidationError):
        services.member_end_early(member=second, reason="ещё раз", acting_user=None)
    # back in the pool: a new run proposes a mentor for the mentee again
    run = run_for(scene)
    assert suggestion_of(run, a).mentor_id is not None


def test_request_rules(scene: Scene) -> None:
    programme = scene.world.programme
    req = scene.mentee_with_request()
    with pytest.raises(ValidationError) as exc:
        services.request_submit(programme=programme, mentee=req.mentee, form=scene.ts,
                                category="academic", acting_user=None)
    assert exc.value.messages == [str(services.OPEN_REQUEST_EXISTS)]
    teacher = RoleFactory(programme=programme, person=PersonFactory(
        organisation=programme.organisation, category=Person.Category.TEACHER))
    with pytest.raises(ValidationError):
        services.request_submit(programme=programme, mentee=teacher, form=scene.ts,
                                category="academic", acting_user=None)
    fresh = RoleFactory(programme=programme)
    extra = [scene.mentor_role(forms=(scene.ts,)) for _ in range(3)]
    with pytest.raises(ValidationError) as exc:
        services.request_submit(programme=programme, mentee=fresh, form=scene.ts,
                                category="academic", acting_user=None,
                                preferred_mentors=[scene.mentor, *extra])
    assert exc.value.messages == [str(services.TOO_MANY_PREFERENCES)]
    employer = scene.mentor_role(forms=(scene.es,), category=Person.Category.EMPLOYER)
    with pytest.raises(ValidationError):
        services.request_submit(programme=programme, mentee=fresh, form=scene.ts,
                                category="academic", acting_user=None,
                                preferred_mentors=[employer])
    made = services.request_submit(programme=programme, mentee=fresh, form=scene.ts,
                                   category="academic", goal="  Сдать сессию ",
                                   competencies=[scene.comps["Адаптация"]], acting_user=None,
                                   preferred_mentors=[scene.ivanova, scene.mentor])
    assert made.goal == "Сдать сессию"
    assert list(made.preferences.values_list("mentor_id", "rank")) == [
        (scene.ivanova.pk, 1), (scene.mentor.pk, 2)]
    services.request_update(request=made, form=scene.ts, category="gifted", acting_user=None,
                            preferred_mentors=[scene.mentor])
    assert list(made.preferences.values_list("mentor_id", "rank")) == [(scene.mentor.pk, 1)]
    services.request_withdraw(request=made, acting_user=None)
    made.refresh_from_db()
    assert made.status == MentorshipRequest.Status.WITHDRAWN
    with pytest.raises(ValidationError):
        services.request_withdraw(request=made, acting_user=None)


def test_preferences_of_both_sides_count(scene: Scene) -> None:
    req = scene.mentee_with_request()
    services.request_update(request=req, form=scene.ts, category="academic",
                            competencies=[], acting_user=None,
                            preferred_mentors=[scene.mentor])
    services.mentor_update(mentor=scene.mentor, capacity=3, forms=[scene.ts],
                           competencies=list(scene.mentor.competencies.all()),
                           trained_on=dt.date(2023, 10, 1), preferred_mentees=[req.mentee],
                           acting_user=None)
    run = run_for(scene)
    suggestion = suggestion_of(run, req)
    assert suggestion.mentor_id == scene.mentor.pk
    lines = explanation_lines(suggestion.explanation)
    assert "Выбор наставляемого № 1 (+25)" in lines
    assert "Выбор наставника № 1 (+15)" in lines


def test_mentor_capacity_cannot_drop_below_the_load(scene: Scene) -> None:
    services.mentorship_create(programme=scene.world.programme, form=scene.ts,
                               mentor=scene.mentor,
                               mentees=[scene.mentee_with_request().mentee], acting_user=None)
    with pytest.raises(ValidationError) as exc:
        services.mentor_update(mentor=scene.mentor, capacity=1, forms=[scene.ts],
                               competencies=[], trained_on=None, acting_user=None)
    assert exc.value.messages == [str(services.CAPACITY_BELOW_LOAD % {"load": 2})]
    updated = services.mentor_update(mentor=scene.mentor, capacity=2, forms=[scene.ts],
                                     competencies=[], trained_on=None, acting_user=None)
    assert updated.capacity == 2 and services.mentor_free_places(mentor=updated) == 0


def test_mentor_add_is_idempotent(scene: Scene) -> None:
    person = PersonFactory(organisation=scene.world.org, category=Person.Category.EMPLOYER)
    ConsentFactory(person=person)
    first = services.mentor_add(programme=scene.world.programme, person=person, capacity=2,
                                acting_user=None)
    again = services.mentor_add(programme=scene.world.programme, person=person, capacity=5,
                                acting_user=None)
    assert first.pk == again.pk and again.capacity == 2
