from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .completion import REASON_REQUIRED
from .models import Mentorship
from .work_forms import DateInput


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Mentorship.Outcome.choices,
                                widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required if the goal is partly achieved or not achieved."))
    ended_on = forms.DateField(label=_("End date"), widget=DateInput())
    mentor_reflection = forms.CharField(
        label=_("The mentor's reflection"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences: what worked, what you would do differently."))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") and data["outcome"] != Mentorship.Outcome.ACHIEVED \
                and not (data.get("reason") or "").strip():
            self.add_error("reason", REASON_REQUIRED)
        return data


class ReflectionForm(forms.Form):
    text = forms.CharField(label=_("Your reflection"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What the mentoring gave you, what was most useful."))
