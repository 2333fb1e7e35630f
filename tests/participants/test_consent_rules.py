"""Consent rules: the age bands decide who signs; a person without a consent in force is not
matched, surveyed or e-mailed; a revocation takes effect the same day and flags the
person's active pairs and groups for the curator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from monitoring.surveys import services as surveys
from pairing import selectors as pairing_selectors
from pairing.services import mentorship_create, mentorship_notify_members
from participants.consent_selectors import (
    STATUS_FLAGGED,
    consent_flagged_count,
    consent_register,
    consent_revoked_person_ids,
)
from participants.consent_services import (
    CONSENT_NOTHING_TO_REVOKE,
    consent_record,
    consent_revoke,
)
from participants.models import Consent, ProgrammeRole
from participants.selectors import consent_required_signer, consented_person_ids

from ..conftest import World
from ..factories import ConsentFactory, PersonFactory, RequestFactory, RoleFactory, form

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 10)
SELF, REP, BOTH = Consent.Signer.SELF, Consent.Signer.REPRESENTATIVE, Consent.Signer.BOTH


def born(age: int, *, day: dt.date = DAY, days_after: int = 0) -> dt.date:
    """A birth date making the person exactly `age` on `day` (or `days_after` days short)."""
    return day.replace(year=day.year - age) + dt.timedelta(days=days_after)


@pytest.mark.parametrize(("birth", "required"), [
    (born(13), REP),
    (born(14, days_after=1), REP),  # turns 14 tomorrow
    (born(14), BOTH),
    (born(17), BOTH),
    (born(18, days_after=1), BOTH),
    (born(18), SELF),
    (None, BOTH),
])
def test_the_age_band_decides_who_signs(birth: dt.date | None, required: str) -> None:
    assert consent_required_signer(birth_date=birth, on=DAY) == required


@pytest.mark.parametrize(("birth", "valid_signers"), [
    (born(13), {REP, BOTH}),  # the representative alone is enough under 14
    (born(14), {BOTH}),
    (born(17), {BOTH}),
    (born(18), {SELF, REP, BOTH}),
    (None, {BOTH}),  # unknown age: treated as a minor who signs with a parent
])
def test_a_consent_is_in_force_only_with_the_signer_the_band_needs(
        birth: dt.date | None, valid_signers: set[str]) -> None:
    people = {}
    for signer in (SELF, REP, BOTH):
        person = PersonFactory(birth_date=birth)
        ConsentFactory(person=person, signer=signer, signed_on=dt.date(2024, 9, 1),
                       representative_name="" if signer == SELF else "Иванова Анна Петровна")
        people[signer] = person.pk
    consented = consented_person_ids(person_ids=people.values(), on=DAY)
    assert {s for s, pk in people.items() if pk in consented} == valid_signers


def test_the_bands_are_a_setting(settings) -> None:  # noqa: ANN001
    settings.CONSENT_AGE_BANDS = (15, 18)
    assert consent_required_signer(birth_date=born(14), on=DAY) == REP
    assert consent_required_signer(birth_date=born(15), on=DAY) == BOTH


def test_recording_refuses_the_wrong_signer_for_the_age(world: World) -> None:
    today = timezone.localdate()
    teen = PersonFactory(organisation=world.org, birth_date=born(15, day=today))
    with pytest.raises(ValidationError) as error:
        consent_record(person=teen, signer=SELF, signed_on=today, number="1",
                       acting_user=world.users["curator"])
    assert "signer" in error.value.error_dict
    message = error.value.error_dict["signer"][0].messages[0]
    assert "от 14 до 17 лет" in message and "участник и родитель" in message
    consent = consent_record(person=teen, signer=BOTH, signed_on=today, number="1",
                             representative_name="Петрова Анна Ивановна",
                             acting_user=world.users["curator"])
    assert consented_person_ids(person_ids=[teen.pk], on=today) == {teen.pk}
    with pytest.raises(ValidationError):  # the same paper twice
        consent_record(person=teen, signer=BOTH, signed_on=today, number="1",
                       representative_name="Петрова Анна Ивановна",
                       acting_user=world.users["curator"])
    assert Consent.objects.filter(person=teen).get() == consent


# --------------------------------------------------------------------------- effects


def _mentee_with_request(world: World) -> ProgrammeRole:
    role = RoleFactory(programme=world.programme, person=PersonFactory(
        organisation=world.org, birth_date=dt.date(2000, 1, 1)))
    RequestFactory(programme=world.programme, mentee=role)
    return role


def _matchable(world: World, role: ProgrammeRole) -> bool:
    today = timezone.localdate()
    mentees = pairing_selectors.matcher_mentees(programme=world.programme,
                                                form=form("teacher_student"), on=today)
    return role.pk in {m.id for m in mentees.mentees}


def _surveyed(world: World, role: ProgrammeRole) -> bool:
    template = surveys.templates_ensure_defaults()["mentee_entry"]
    try:
        campaign = surveys.campaign_launch(
            programme=world.programme, template=template, year=timezone.localdate().year,
            audience="mentee", kind="entry",
            deadline=timezone.localdate() + dt.timedelta(days=10), anonymous=True,
            acting_user=None)
    except ValidationError:
        return False
    return campaign.invitations.filter(respondent=role).exists()


def test_without_consent_a_person_is_not_matched_surveyed_or_emailed(world: World) -> None:
    role = _mentee_with_request(world)
    assert not _matchable(world, role)
    assert not _surveyed(world, role)
    mentor = ProgrammeRole.objects.get(person=world.people["mentor"], role="mentor")
    mentor.forms.add(form("teacher_student"))
    ConsentFactory(person=mentor.person)
    with pytest.raises(ValidationError) as error:
        mentorship_create(programme=world.programme, form=form("teacher_student"),
                          mentor=mentor, mentees=[role], acting_user=None)
    assert "согласи" in error.value.messages[0]
    ConsentFactory(person=role.person)
    assert _matchable(world, role)
    assert _surveyed(world, role)
    pair, _members = mentorship_create(programme=world.programme, form=form("teacher_student"),
                                       mentor=mentor, mentees=[role], acting_user=None)
    assert pair.pk


def test_a_revocation_dated_today_takes_effect_at_once(world: World) -> None:
    today = timezone.localdate()
    mentor = ProgrammeRole.objects.get(person=world.people["mentor"], role="mentor")
    mentee = ProgrammeRole.objects.get(person=world.people["mentee"], role="mentee")
    for person in (mentor.person, mentee.person):
        ConsentFactory(person=person, signed_on=today - dt.timedelta(days=30))
    waiting = _mentee_with_request(world)
    ConsentFactory(person=waiting.person, signed_on=today - dt.timedelta(days=30))
    assert _matchable(world, waiting)
    member_ids = list(world.pair.members.values_list("pk", flat=True))
    assert mentorship_notify_members(mentorship_id=world.pair.pk, member_ids=member_ids) == 2
    mail.outbox.clear()

    for role in (waiting, mentee):
        consent_revoke(person=role.person, revoked_on=today,
                       acting_user=world.users["curator"])

    assert not _matchable(world, waiting)
    assert consented_person_ids(person_ids=[mentee.person_id, waiting.person_id],
                                on=today) == set()
    # Only the mentor (consent in force) gets the letter; the mentee who revoked does not.
    assert mentorship_notify_members(mentorship_id=world.pair.pk, member_ids=member_ids) == 1
    assert [m.to for m in mail.outbox] == [[mentor.person.email]]
    template = surveys.templates_ensure_defaults()["mentee_entry"]
    with pytest.raises(ValidationError):  # nobody left to survey among the mentees
        surveys.campaign_launch(
            programme=world.programme, template=template, year=today.year, audience="mentee",
            kind="entry", deadline=today + dt.timedelta(days=10), anonymous=True,
            acting_user=None)


def test_a_revocation_flags_the_active_mentorship_for_the_curator(world: World) -> None:
    today = timezone.localdate()
    mentee = world.people["mentee"]
    ConsentFactory(person=mentee, signed_on=today - dt.timedelta(days=5))
    assert consent_flagged_count(programme=world.programme, on=today) == 0
    revoked = consent_revoke(person=mentee, revoked_on=today,
                             acting_user=world.users["curator"])
    assert [c.revoked_by for c in revoked] == [world.users["curator"]]
    assert consent_flagged_count(programme=world.programme, on=today) == 1
    assert list(consent_register(programme=world.programme, on=today,
                                 status=STATUS_FLAGGED)) == [mentee]
    assert consent_revoked_person_ids(
        person_ids=[mentee.pk, world.people["mentor"].pk], on=today) == {mentee.pk}
    # Nothing left to revoke: a second submit changes nothing.
    with pytest.raises(ValidationError) as error:
        consent_revoke(person=mentee, revoked_on=today, acting_user=world.users["curator"])
    assert error.value.messages == [str(CONSENT_NOTHING_TO_REVOKE)]
