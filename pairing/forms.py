from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.models import MentoringForm

from .models import Mentorship, MentorshipRequest


class MentorshipFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Last name")}))
    form = forms.ModelChoiceField(label=_("Form"), required=False,
                                  queryset=MentoringForm.objects.none(),
                                  empty_label=_("All forms"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *Mentorship.Status.choices])

    def __init__(self, *args: Any, forms_qs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs

    def cleaned_filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"search": data["q"], "status": data["status"],
                "form_id": data["form"].pk if data["form"] else None}


class RequestFilterForm(MentorshipFilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")),
                                        *MentorshipRequest.Status.choices])
