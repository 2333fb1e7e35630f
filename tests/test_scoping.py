"""A query on personal data without an organisation scope fails loudly instead of leaking."""

from __future__ import annotations

import pytest
from django_scopes import ScopeError, scope, scopes_disabled

from pairing.models import Mentorship
from participants.models import Person

from .factories import OrganisationFactory, PersonFactory


@pytest.mark.django_db
@pytest.mark.scopes_enabled
def test_unscoped_query_raises() -> None:
    with scopes_disabled():
        PersonFactory()
    with pytest.raises(ScopeError):
        list(Person.objects.all())
    with pytest.raises(ScopeError):
        Mentorship.objects.filter(status="active").count()


@pytest.mark.django_db
@pytest.mark.scopes_enabled
def test_scope_limits_rows_to_the_organisation() -> None:
    with scopes_disabled():
        mine, theirs = OrganisationFactory(), OrganisationFactory()
        PersonFactory(organisation=mine, last_name="Свой")
        PersonFactory(organisation=theirs, last_name="Чужой")
    with scope(organisation=[mine.pk]):
        assert list(Person.objects.values_list("last_name", flat=True)) == ["Свой"]
    with scope(organisation=[]):
        assert not Person.objects.exists()
