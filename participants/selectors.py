"""Reads for people and their roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet

from programmes.models import Programme

from .models import Consent, Person, ProgrammeRole


def person_list_for_programme(
    *, programme: Programme, category: str = "", role: str = "", search: str = "",
    group_id: int | None = None,
) -> QuerySet[Person]:
    """The organisation's people with their roles in this programme, filtered as on screen.
    Two queries for a page: the people and their roles."""
    qs = (
        Person.objects.filter(organisation=programme.organisation, anonymised_at__isnull=True)
        .select_related("study_group", "specialty", "employer")
        .prefetch_related(
            Prefetch("roles", queryset=ProgrammeRole.objects.filter(programme=programme),
                     to_attr="programme_roles")
        )
    )
    if category:
        qs = qs.filter(category=category)
    if role:
        qs = qs.filter(roles__programme=programme, roles__role=role).distinct()
    if group_id:
        qs = qs.filter(study_group_id=group_id)
    for word in search.split()[:3]:
        qs = qs.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word)
                       | Q(middle_name__icontains=word) | Q(email__icontains=word))
    return qs.order_by("last_name", "first_name", "middle_name", "pk")


def person_counts_for_programme(*, programme: Programme) -> dict[str, int]:
    """People by category and by role in the programme, in two aggregate queries."""
    by_category = dict(
        Person.objects.filter(organisation=programme.organisation, anonymised_at__isnull=True)
        .values_list("category").annotate(n=Count("pk")).order_by()
    )
    by_role = dict(
        ProgrammeRole.objects.filter(programme=programme, is_active=True)
        .values_list("role").annotate(n=Count("pk")).order_by()
    )
    return {**{f"category_{k}": v for k, v in by_category.items()},
            **{f"role_{k}": v for k, v in by_role.items()},
            "people": sum(by_category.values())}


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def consented_person_ids(*, person_ids: Iterable[int], on: dt.date) -> set[int]:
    """Those of the given people who may be paired, surveyed or e-mailed on a day: they have
    a consent to processing signed by then, neither revoked nor expired; a minor's consent
    must carry a parent's or legal representative's signature. One query."""
    ids = list(person_ids)
    valid = (
        Consent.objects.filter(person_id__in=ids, signed_on__lte=on)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    )
    minor = Q(person__birth_date__gt=years_before(on, 18))
    representative = Q(signer__in=[Consent.Signer.REPRESENTATIVE, Consent.Signer.BOTH])
    valid = valid.filter(~minor | representative)
    return set(valid.values_list("person_id", flat=True))
