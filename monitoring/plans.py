"""Yearly plan values of a programme's indicators: the read the programme version freezes and
the write of the plan editing page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mentorship.models import User
from mentorship.services import audit_record
from programmes.models import Programme
from programmes.services import YEAR_OUTSIDE_PROGRAMME, programme_mark_draft

from .models import Indicator, IndicatorPlan


def indicator_plans_snapshot(*, programme: Programme) -> list[dict[str, Any]]:
    """Every indicator with its plan per year, as plain JSON (two queries)."""
    return [
        {"group": ind.group, "number": ind.number, "name": ind.name, "unit": ind.unit,
         "plans": {str(p.year): format(p.value.normalize(), "f") for p in ind.plans.all()}}
        for ind in Indicator.objects.filter(programme=programme)
        .order_by("group", "number").prefetch_related("plans")
    ]


def indicator_plan_rows(*, programme: Programme) -> list[tuple[Indicator, dict[int, Decimal]]]:
    return [(ind, {p.year: p.value for p in ind.plans.all()})
            for ind in Indicator.objects.filter(programme=programme)
            .order_by("-group", "number").prefetch_related("plans")]


@transaction.atomic
def indicator_plans_set(*, indicator: Indicator, values: dict[int, Decimal | None],
                        acting_user: User) -> bool:
    """Set an indicator's plan per year (None removes the year's plan). Returns whether
    anything changed; records the change with before and after in the audit log."""
    programme = indicator.programme
    current = {p.year: p for p in IndicatorPlan.objects.select_for_update()
               .filter(indicator=indicator)}
    changes: dict[str, list[Any]] = {}
    for year, value in values.items():
        if year not in programme.years:
            raise ValidationError(YEAR_OUTSIDE_PROGRAMME, params={"year": year})
        plan = current.get(year)
        old = plan.value if plan else None
        if old == value:
            continue
        changes[str(year)] = [None if old is None else format(old, "f"),
                              None if value is None else format(value, "f")]
        if value is None:
            plan.delete()  # type: ignore[union-attr]
        elif plan is None:
            IndicatorPlan.objects.create(indicator=indicator, year=year, value=value)
        else:
            plan.value = value
            plan.save(update_fields=["value"])
    if changes:
        audit_record(actor=acting_user, verb="indicator.plans_set", target=indicator,
                     organisation_id=programme.organisation_id, changes=changes)
        programme_mark_draft(programme, acting_user)
    return bool(changes)
