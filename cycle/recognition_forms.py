from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import RECOGNITION_BONUS_NEEDS_ORDER, Recognition

DATE = {"type": "date"}


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Course or seminar"), max_length=300)
    kind = forms.CharField(label=_("Kind"), max_length=50, required=False,
                           help_text=_("For example: courses, seminar, webinar, training."))
    held_on = forms.DateField(label=_("Date"),
                              widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    hours = forms.IntegerField(label=_("Hours"), min_value=0, max_value=2000, initial=0)


class RecognitionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        c for c in Recognition.Kind.choices if c[0] != Recognition.Kind.BEST_MENTOR])
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    given_on = forms.DateField(label=_("Given on"), required=False,
                               widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    order_number = forms.CharField(label=_("Order number"), max_length=50, required=False,
                                   help_text=_("Required for a bonus by the director's order."))
    order_date = forms.DateField(label=_("Order date"), required=False,
                                 widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == Recognition.Kind.BONUS:
            if not (data.get("order_number") or "").strip():
                self.add_error("order_number", RECOGNITION_BONUS_NEEDS_ORDER)
            if data.get("order_date") is None and "order_date" not in self.errors:
                self.add_error("order_date", RECOGNITION_BONUS_NEEDS_ORDER)
        return data


class BestMentorChoiceForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    chosen = forms.BooleanField(required=False)
