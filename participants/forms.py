from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from programmes.models import Organisation, Programme

from .models import ImportRow, Person, ProgrammeRole, StudyGroup


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


class ImportUploadForm(forms.Form):
    """Upload of a participant spreadsheet. Admins choose the organisation; a curator's is
    their own. The programme is needed only when the file assigns roles."""

    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An .xlsx or .csv file (UTF-8 or Windows-1251, separated by «;» or «,»), "
                    "at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    organisation = forms.ModelChoiceField(label=_("Organisation"),
                                          queryset=Organisation.objects.none())
    programme = forms.ModelChoiceField(
        label=_("Programme"), required=False, queryset=Programme.objects.none(),
        empty_label=_("No roles in this file"),
        help_text=_("The programme the roles in the file are for."))
    strict = forms.BooleanField(
        label=_("Strict mode: reject the whole file if any row has an error"),
        required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation],
                 programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["programme"].queryset = programmes
        self.fields["programme"].label_from_instance = (
            lambda p: f"{p.title} ({p.organisation.short_name}, {p.start_year}–{p.end_year})")
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]
            self.fields["organisation"].widget = forms.HiddenInput()
        if len(programmes) == 1 and len(organisations) == 1:
            self.fields["programme"].initial = programmes[0]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        organisation, programme = data.get("organisation"), data.get("programme")
        if organisation and programme and programme.organisation_id != organisation.pk:
            self.add_error("programme", _("The programme belongs to another organisation."))
        return data


class ImportRowFilterForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Rows"), required=False,
                                choices=[("", _("All rows")), *ImportRow.Outcome.choices])
