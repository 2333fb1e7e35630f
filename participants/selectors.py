"""Reads for people and their roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
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


def consent_age_bands() -> tuple[int, int]:
    """(A, B) of settings.CONSENT_AGE_BANDS: under A a parent or legal representative signs,
    from A to B-1 the person and a parent both sign, from B the person alone."""
    first, second = (int(x) for x in settings.CONSENT_AGE_BANDS)
    return first, second


def consent_required_signer(*, birth_date: dt.date | None, on: dt.date) -> str:
    """Who must sign a consent for a person born on `birth_date` on a day. An unknown birth
    date is treated as a minor who signs together with a parent."""
    first, second = consent_age_bands()
    if birth_date is None:
        return Consent.Signer.BOTH
    if birth_date > years_before(on, first):
        return Consent.Signer.REPRESENTATIVE
    if birth_date > years_before(on, second):
        return Consent.Signer.BOTH
    return Consent.Signer.SELF


def consent_signer_q(*, on: dt.date, prefix: str = "") -> Q:
    """Consents whose signer fits the person's age band on a day: under A a representative's
    signature (alone or with the child's), from A to B-1 both, from B anyone; an unknown
    birth date needs both."""
    first, second = consent_age_bands()
    birth = f"{prefix}person__birth_date"
    signer = f"{prefix}signer"
    young = Q(**{f"{birth}__gt": years_before(on, first)})
    teen = Q(**{f"{birth}__gt": years_before(on, second),
                f"{birth}__lte": years_before(on, first)})
    unknown = Q(**{f"{birth}__isnull": True})
    representative = Q(**{f"{signer}__in": [Consent.Signer.REPRESENTATIVE,
                                            Consent.Signer.BOTH]})
    both = Q(**{signer: Consent.Signer.BOTH})
    return (young & representative) | ((teen | unknown) & both) | Q(
        **{f"{birth}__lte": years_before(on, second)})


def consent_valid_q(*, on: dt.date) -> Q:
    """Consents in force on a day: signed by then, neither revoked nor expired, with the
    signer the person's age band needs."""
    return (Q(signed_on__lte=on) & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))
            & consent_signer_q(on=on))


def consented_person_ids(*, person_ids: Iterable[int], on: dt.date) -> set[int]:
    """Those of the given people who may be paired, surveyed or e-mailed on a day: they have
    a consent to processing in force then (see `consent_valid_q`: by the age bands, a child
    under A needs a representative's signature, a teenager both, an adult their own).
    One query."""
    ids = list(person_ids)
    valid = Consent.objects.filter(consent_valid_q(on=on), person_id__in=ids)
    return set(valid.values_list("person_id", flat=True))
