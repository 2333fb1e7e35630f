"""Editing the yearly plan values of a programme's indicators (part of the programme's
editing: the plans are frozen with each approved version)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorship.types import AppRequest
from programmes.models import Programme
from programmes.permissions import programme_can_edit, programme_get_for_user

from .models import Indicator
from .plans import indicator_plan_rows, indicator_plans_set


class PlanForm(forms.Form):
    """One plan field per year of the programme; empty removes the year's plan."""

    def __init__(self, *args: Any, programme: Programme, current: dict[int, Decimal],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for year in programme.years:
            self.fields[f"y{year}"] = forms.DecimalField(
                label=str(year), required=False, max_digits=12, decimal_places=2,
                min_value=Decimal(0), initial=current.get(year))

    def values(self) -> dict[int, Decimal | None]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


PLAN_HELP = gettext_lazy("Leave a year empty to remove its plan value.")


@login_required
def plan_list(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    rows = indicator_plan_rows(programme=programme)
    years = list(programme.years)
    table = [(ind, [plans.get(year) for year in years]) for ind, plans in rows]
    return render(request, "monitoring/plan_list.html", {
        "programme": programme, "years": years, "table": table,
        "can_edit": programme_can_edit(request.user, programme)})


@login_required
def plan_edit(request: AppRequest, programme_pk: int, pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, write=True)
    indicator = get_object_or_404(Indicator.objects.prefetch_related("plans"),
                                  programme=programme, pk=pk)
    current = {p.year: p.value for p in indicator.plans.all()}
    form = PlanForm(request.POST or None, programme=programme, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            indicator_plans_set(indicator=indicator, values=form.values(),
                                acting_user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The plan values have been saved."))
            return redirect("monitoring:plans", programme.pk)
    return render(request, "monitoring/plan_form.html", {
        "programme": programme, "indicator": indicator, "form": form, "help": PLAN_HELP})
