from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import ProgrammeRole

from .models import Meeting, PlanItem


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanItem.Kind.choices,
                             initial=PlanItem.Kind.TASK)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=PlanItem.Status.choices,
                               initial=PlanItem.Status.PLANNED)


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(choices=PlanItem.Status.choices)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class AttendeesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ProgrammeRole) -> str:
        return obj.person.full_name


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    meeting_type = forms.ChoiceField(label=_("Type"), choices=Meeting.Type.choices)
    format = forms.ChoiceField(label=_("Format"), choices=Meeting.Format.choices,
                               initial=Meeting.Format.IN_PERSON)
    duration_minutes = forms.IntegerField(label=_("Duration, minutes"), min_value=1,
                                          max_value=600, initial=45)
    topic = forms.CharField(label=_("Topic"), max_length=300)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    attendees = AttendeesField(label=_("Who attended"), queryset=ProgrammeRole.objects.none(),
                               required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, roles: list[ProgrammeRole], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = ProgrammeRole.objects.filter(
            pk__in=[r.pk for r in roles]).select_related("person")
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class NotAGoodFitForm(forms.Form):
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
