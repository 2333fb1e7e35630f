"""Forms for consents: recording a signed one, revoking, and the register's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .consent_selectors import STATUS_CHOICES
from .models import Consent, Person, StudyGroup


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ConsentRecordForm(forms.Form):
    signer = forms.ChoiceField(label=_("Signed by"), choices=Consent.Signer.choices)
    representative_name = forms.CharField(
        label=_("Parent's or legal representative's full name"), max_length=300,
        required=False)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    number = forms.CharField(label=_("Document number"), max_length=50, required=False,
                             help_text=_("Required for a paper consent without a scan."))
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=DateInput(),
        help_text=_("Leave empty if the consent is given for the whole programme period."))
    document = forms.FileField(
        label=_("Signed scan"), required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def __init__(self, *args: Any, required_signer: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("signer", required_signer)
        kwargs["initial"].setdefault("signed_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ConsentRevokeForm(forms.Form):
    revoked_on = forms.DateField(label=_("Revoked on"), widget=DateInput())
    confirm = forms.BooleanField(
        label=_("I confirm that the person (or their representative) has revoked the "
                "consent"),
        error_messages={"required": _("Tick the confirmation to record the revocation.")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"revoked_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ConsentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name")}))
    status = forms.ChoiceField(label=_("Consent"), required=False,
                               choices=[("", _("Any status")), *STATUS_CHOICES])
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories")), *Person.Category.choices])
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
        return {"search": data["q"], "status": data["status"], "category": data["category"],
                "group_id": data["group"].pk if data["group"] else None}
