"""The curator's list of pairs at risk, its settings and the badge on the pair page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorship.types import AppRequest
from pairing.permissions import mentorship_get_for_user
from programmes.models import Programme
from programmes.permissions import programme_can_edit, programme_get_for_user

from .models import CycleSettings
from .risk import REASONS, mentorship_risk, mentorships_at_risk, settings_for
from .risk_services import SETTINGS_FIELDS, cycle_settings_update

PAGE_SIZE = 25


class RiskFilterForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), required=False)
    form = forms.ModelChoiceField(label=gettext_lazy("Form"), required=False,
                                  queryset=None, empty_label=gettext_lazy("All forms"))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", _("Any reason")), *REASONS.items()]
        self.fields["form"].queryset = programme.forms.all()


class CycleSettingsForm(forms.ModelForm):
    class Meta:
        model = CycleSettings
        fields = list(SETTINGS_FIELDS)


@login_required
def risk(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, staff_only=True)
    form = RiskFilterForm(request.GET or None, programme=programme)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {"reason": form.cleaned_data["reason"] or "",
                   "form_id": form.cleaned_data["form"].pk if form.cleaned_data["form"]
                   else None}
    rows = mentorships_at_risk(programme=programme, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cycle/risk.html", {
        "programme": programme, "form": form, "page_obj": page, "total": len(rows),
        "settings": settings_for(programme),
        "can_edit": programme_can_edit(request.user, programme)})


@login_required
def risk_settings(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, programme_pk, write=True)
    form = CycleSettingsForm(request.POST or None, instance=settings_for(programme))
    if request.method == "POST" and form.is_valid():
        try:
            values = {k: form.cleaned_data[k] for k in SETTINGS_FIELDS}
            cycle_settings_update(programme=programme, acting_user=request.user, **values)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The follow-up settings have been saved."))
            return redirect("cycle:risk", programme.pk)
    return render(request, "cycle/risk_settings.html", {"programme": programme, "form": form})


@login_required
def mentorship_risk_badge(request: AppRequest, pk: int) -> HttpResponse:
    """The at-risk badge of one pair for its staff (loaded by the pair page)."""
    mentorship = mentorship_get_for_user(request.user, pk)
    programme_get_for_user(request.user, mentorship.programme_id, staff_only=True)
    return render(request, "cycle/risk_badge.html",
                  {"mentorship": mentorship, "row": mentorship_risk(mentorship=mentorship)})
