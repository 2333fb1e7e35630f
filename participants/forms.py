from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Person, ProgrammeRole, StudyGroup


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name or e-mail")}))
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories")), *Person.Category.choices])
    role = forms.ChoiceField(label=_("Role"), required=False,
                             choices=[("", _("Any role")), *ProgrammeRole.Role.choices])
    group = forms.ModelChoiceField(label=_("Group"), required=False,
                                   queryset=StudyGroup.objects.none(),
                                   empty_label=_("All groups"))

    def __init__(self, *args: Any, groups: QuerySet[StudyGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups

    def cleaned_filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"search": data["q"], "category": data["category"], "role": data["role"],
                "group_id": data["group"].pk if data["group"] else None}
