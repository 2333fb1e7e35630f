from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Person
from programmes.models import Organisation

from .models import Incident, SubjectRequest
from .selectors import EVENT_TITLES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

ACTION_CHOICES = [("", _("Any action")), ("0", _("created")), ("1", _("changed")),
                  ("2", _("deleted"))]
EVENT_CHOICES = [("", _("Any event")), *EVENT_TITLES.items(), ("other", _("other actions"))]


class AuditFilterForm(forms.Form):
    who = forms.CharField(label=_("Who"), required=False,
                          widget=forms.TextInput(attrs={"placeholder": _("Login or last name")}))
    kind = forms.ChoiceField(label=_("Kind of object"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=ACTION_CHOICES)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    target = forms.CharField(label=_("Object"), required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("Number or name")}))

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], events: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *kinds]
        if events:
            self.fields["action"].choices = EVENT_CHOICES

    def cleaned_filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class SubjectRequestFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("Any kind")), *SubjectRequest.Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *SubjectRequest.Status.choices,
                                        ("overdue", _("overdue"))])

    def cleaned_filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class SubjectRequestForm(forms.ModelForm):
    person_number = forms.IntegerField(
        label=_("Participant's number"), min_value=1,
        help_text=_("The number shown on the participant's page (in its address, "
                    "/participants/<number>/)."))

    class Meta:
        model = SubjectRequest
        fields = ["kind", "received_on", "received_from", "note"]
        widgets = {"received_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["person_number", "kind", "received_on", "received_from", "note"])
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())

    def clean_person_number(self) -> Person:
        number = self.cleaned_data["person_number"]
        person = Person.objects.filter(pk=number).first()
        if person is None:
            raise forms.ValidationError(_("There is no participant with this number."))
        return person


class SubjectRequestCloseForm(forms.Form):
    status = forms.ChoiceField(label=_("Outcome"), choices=[
        (SubjectRequest.Status.DONE, _("done")),
        (SubjectRequest.Status.REFUSED, _("refused"))])
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ErasureForm(forms.Form):
    confirmation = forms.CharField(label=_("The person's last name, to confirm"),
                                   max_length=100)


class IncidentForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(label=_("Organisation"),
                                          queryset=Organisation.objects.none())

    class Meta:
        model = Incident
        fields = ["detected_at", "description", "data_categories", "subjects_count",
                  "measures", "reported_by", "notified_at", "investigation_reported_at"]
        widgets = {"detected_at": DATETIME, "notified_at": DATETIME,
                   "investigation_reported_at": DATETIME,
                   "description": forms.Textarea(attrs={"rows": 3}),
                   "data_categories": forms.Textarea(attrs={"rows": 2}),
                   "measures": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, choose_organisation: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("detected_at", "notified_at", "investigation_reported_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
                                               "%d.%m.%Y %H:%M"]
        if choose_organisation:
            self.fields["organisation"].queryset = Organisation.objects.order_by("short_name")
            self.order_fields(["organisation"])
        else:
            del self.fields["organisation"]
