"""Reads for programmes."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from mentorship.access import access_for
from mentorship.models import User

from .models import Activity, Programme, ProgrammeForm, Task


def programme_list_for_user(user: User) -> QuerySet[Programme]:
    """Programmes the user takes part in (any role); every programme for an admin."""
    access = access_for(user)
    qs = Programme.objects.select_related("organisation").order_by("-start_year", "title")
    if access.is_admin:
        return qs
    ids = access.programme_ids(*access.programmes.keys())
    return qs.filter(pk__in=ids)


def programme_current_for_user(user: User) -> Programme | None:
    """The programme a user's pages are about: the latest one they take part in."""
    if hasattr(user, "_current_programme"):
        return user._current_programme  # type: ignore[no-any-return]
    access = access_for(user)
    ids = access.programme_ids(*access.programmes.keys())
    programme = (
        Programme.objects.filter(pk__in=ids).select_related("organisation")
        .order_by("-start_year", "-pk").first()
        if ids else None
    )
    user._current_programme = programme  # type: ignore[attr-defined]
    return programme


def programme_get_detail(*, programme: Programme) -> dict[str, Any]:
    """The programme's own content for its page (indicators come from monitoring), in a
    fixed number of queries."""
    tasks = list(
        Task.objects.filter(programme=programme).prefetch_related(
            "indicators",
            Prefetch("activities", queryset=Activity.objects.order_by("position")),
        )
    )
    return {
        "programme": programme,
        "role_texts": list(programme.role_texts.all()),
        "forms": list(ProgrammeForm.objects.filter(programme=programme).select_related("form")),
        "tasks": tasks,
        "stages": list(programme.stages.select_related("activity").all()),
    }
