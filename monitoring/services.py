"""Writes for indicators, plans and facts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from programmes.models import Programme

from .models import Indicator, IndicatorPlan

# Indicators of the reference programme whose fact the product computes from live data
# (group, number) -> computation name (monitoring.indicators).
REFERENCE_COMPUTED: dict[tuple[str, int], str] = {
    (Indicator.Group.RESULT, 1): "pairs_formed_young_specialists",
    (Indicator.Group.RESULT, 4): "pairs_formed_students",
    (Indicator.Group.EFFICIENCY, 1): "share_students_mentees",
    (Indicator.Group.EFFICIENCY, 2): "share_students_mentors",
    (Indicator.Group.EFFICIENCY, 3): "share_young_specialists_mentored",
    (Indicator.Group.EFFICIENCY, 4): "share_enterprises_with_mentors",
    (Indicator.Group.EFFICIENCY, 5): "mentee_satisfaction",
    (Indicator.Group.EFFICIENCY, 6): "mentor_satisfaction",
}


@transaction.atomic
def indicators_create_from_reference(*, programme: Programme, data: Any) -> list[Indicator]:
    """Create (or refresh) the programme's result and efficiency indicators with their plan
    values from a reference data module (`RESULT_INDICATORS`, `EFFICIENCY_INDICATORS`).

    Result indicators have a baseline (the first year's value) and plans for the other
    years; efficiency indicators have a plan for every year of the period, as in seed 002.
    Idempotent."""
    created: list[Indicator] = []
    groups = (
        (Indicator.Group.RESULT, data.RESULT_INDICATORS, True),
        (Indicator.Group.EFFICIENCY, data.EFFICIENCY_INDICATORS, False),
    )
    for group, rows, has_baseline in groups:
        for row in rows:
            computation = REFERENCE_COMPUTED.get((group, row["number"]), "")
            values: dict[int, int] = row["values"]
            baseline_year = min(values)
            indicator, _ = Indicator.objects.update_or_create(
                programme=programme, group=group, number=row["number"],
                defaults={
                    "name": row["name"],
                    "unit": row["unit"],
                    "kind": row["kind"] or "",
                    "direction": row["direction"],
                    "baseline_year": baseline_year,
                    "baseline_value": Decimal(values[baseline_year]) if has_baseline else None,
                    "source": (Indicator.Source.COMPUTED if computation
                               else Indicator.Source.MANUAL),
                    "computation": computation,
                },
            )
            for year, value in values.items():
                if has_baseline and year == baseline_year:
                    continue
                IndicatorPlan.objects.update_or_create(
                    indicator=indicator, year=year, defaults={"value": Decimal(value)}
                )
            created.append(indicator)
    return created
