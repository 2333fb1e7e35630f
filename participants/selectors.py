"""Reads for people and their roles."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from programmes.models import Programme

from .models import Person, ProgrammeRole


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
