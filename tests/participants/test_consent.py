"""Who may be paired, surveyed or e-mailed: a valid consent on the day, and for a minor a
parent's or legal representative's signature."""

from __future__ import annotations

import datetime as dt

import pytest

from participants.models import Consent
from participants.selectors import consented_person_ids
from tests.factories import ConsentFactory, PersonFactory

DAY = dt.date(2024, 11, 20)


@pytest.mark.django_db
def test_consent_rules() -> None:
    adult = PersonFactory(birth_date=dt.date(2000, 1, 1))
    minor_self = PersonFactory(birth_date=dt.date(2009, 5, 5))
    minor_parent = PersonFactory(birth_date=dt.date(2009, 5, 5))
    revoked = PersonFactory(birth_date=dt.date(2000, 1, 1))
    expired = PersonFactory(birth_date=dt.date(2000, 1, 1))
    future = PersonFactory(birth_date=dt.date(2000, 1, 1))
    nothing = PersonFactory(birth_date=dt.date(2000, 1, 1))
    turns_18_today = PersonFactory(birth_date=dt.date(2006, 11, 20))
    ConsentFactory(person=adult)
    ConsentFactory(person=minor_self)
    ConsentFactory(person=minor_parent, signer=Consent.Signer.BOTH,
                   representative_name="Иванова Мария Петровна")
    ConsentFactory(person=revoked, revoked_on=DAY)
    ConsentFactory(person=expired, valid_until=DAY - dt.timedelta(days=1))
    ConsentFactory(person=future, signed_on=DAY + dt.timedelta(days=1))
    ConsentFactory(person=turns_18_today)
    everyone = [p.pk for p in (adult, minor_self, minor_parent, revoked, expired, future,
                               nothing, turns_18_today)]
    assert consented_person_ids(person_ids=everyone, on=DAY) == {
        adult.pk, minor_parent.pk, turns_18_today.pk}
