from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from participants.models import Competency, Person, ProgrammeRole
from programmes.models import MentoringForm, Programme

from .models import MatchSettings, Mentorship, MentorshipRequest


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


def _person_label(role: ProgrammeRole) -> str:
    person = role.person
    extra = person.study_group.name if person.study_group_id and person.study_group else (
        person.position or person.get_category_display())
    return f"{person.full_name} ({extra})" if extra else person.full_name


class RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProgrammeRole) -> str:
        return _person_label(obj)


class RolesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ProgrammeRole) -> str:
        return _person_label(obj)


def _roles(programme: Programme, role: str) -> QuerySet[ProgrammeRole]:
    return (ProgrammeRole.objects.filter(programme=programme, role=role, is_active=True,
                                         person__anonymised_at__isnull=True)
            .select_related("person__study_group")
            .order_by("person__last_name", "person__first_name", "pk"))


class RankedChoicesMixin(forms.Form):
    """Up to three ranked choices in fields `pref1`…`pref3`."""

    def ranked(self) -> list[Any]:
        chosen = [self.cleaned_data.get(f"pref{rank}") for rank in (1, 2, 3)]
        return [c for c in chosen if c is not None]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [data.get(f"pref{rank}") for rank in (1, 2, 3)]
        picked = [c.pk for c in chosen if c is not None]
        if len(picked) != len(set(picked)):
            raise forms.ValidationError(_("Each choice can be made once."))
        return data


class RequestForm(RankedChoicesMixin):
    """A mentee's request; the curator's version also names the mentee."""

    mentee = RoleChoiceField(label=_("Mentee"), queryset=ProgrammeRole.objects.none())
    form = forms.ModelChoiceField(label=_("Form of mentoring"),
                                  queryset=MentoringForm.objects.none(), empty_label=None)
    category = forms.ChoiceField(label=_("What the request is about"),
                                 choices=MentorshipRequest.Category.choices)
    competencies = forms.ModelMultipleChoiceField(
        label=_("What you want to learn"), queryset=Competency.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple)
    goal = forms.CharField(label=_("Your goal"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What should change by the end of mentoring?"))
    pref1 = RoleChoiceField(label=_("Preferred mentor: first choice"), required=False,
                            queryset=ProgrammeRole.objects.none(), empty_label=_("No preference"))
    pref2 = RoleChoiceField(label=_("Second choice"), required=False,
                            queryset=ProgrammeRole.objects.none(), empty_label=_("No preference"))
    pref3 = RoleChoiceField(label=_("Third choice"), required=False,
                            queryset=ProgrammeRole.objects.none(), empty_label=_("No preference"))

    def __init__(self, *args: Any, programme: Programme, mentee: ProgrammeRole | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forms_qs = programme.forms.order_by("order")
        if mentee is not None:
            del self.fields["mentee"]
            forms_qs = forms_qs.filter(mentee_category=mentee.person.category)
        else:
            self.fields["mentee"].queryset = _roles(programme, ProgrammeRole.Role.MENTEE)
        self.fields["form"].queryset = forms_qs
        mentors = _roles(programme, ProgrammeRole.Role.MENTOR).filter(
            forms__in=forms_qs).distinct()
        for rank in (1, 2, 3):
            self.fields[f"pref{rank}"].queryset = mentors


class MentorForm(RankedChoicesMixin):
    capacity = forms.IntegerField(label=_("Capacity (mentees at a time)"), min_value=1,
                                  max_value=30)
    served_forms = forms.ModelMultipleChoiceField(label=_("Forms served"),
                                           queryset=MentoringForm.objects.none(),
                                           widget=forms.CheckboxSelectMultiple, required=False)
    competencies = forms.ModelMultipleChoiceField(
        label=_("Competencies"), queryset=Competency.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple)
    trained_on = forms.DateField(label=_("Training completed on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"},
                                                        format="%Y-%m-%d"))
    is_active = forms.BooleanField(label=_("In the mentor base"), required=False)
    pref1 = RoleChoiceField(label=_("Preferred mentee: first choice"), required=False,
                            queryset=ProgrammeRole.objects.none(), empty_label=_("No preference"))
    pref2 = RoleChoiceField(label=_("Second choice"), required=False,
                            queryset=ProgrammeRole.objects.none(), empty_label=_("No preference"))
    pref3 = RoleChoiceField(label=_("Third choice"), required=False,
                            queryset=ProgrammeRole.objects.none(), empty_label=_("No preference"))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["served_forms"].queryset = programme.forms.order_by("order")
        mentees = _roles(programme, ProgrammeRole.Role.MENTEE)
        for rank in (1, 2, 3):
            self.fields[f"pref{rank}"].queryset = mentees


class MentorAddForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    capacity = forms.IntegerField(label=_("Capacity (mentees at a time)"), min_value=1,
                                  max_value=30, initial=2)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.filter(organisation=programme.organisation,
                                  anonymised_at__isnull=True,
                                  category__in=[Person.Category.TEACHER,
                                                Person.Category.EMPLOYER,
                                                Person.Category.STUDENT])
            .exclude(roles__programme=programme, roles__role=ProgrammeRole.Role.MENTOR,
                     roles__is_active=True)
            .order_by("last_name", "first_name", "pk"))


class MatchSettingsForm(forms.ModelForm):
    class Meta:
        model = MatchSettings
        fields = ["objective", "weight_competencies", "weight_specialty", "weight_employer",
                  "weight_mentee_preference", "weight_mentor_preference", "weight_load",
                  "require_training", "group_mentees"]
        widgets = {"objective": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            if name.startswith("weight_"):
                field = self.fields[name]
                field.widget.attrs.update({"min": 0, "max": 100})
                field.help_text = _("Points at best, 0–100; 0 turns the criterion off.")


class RejectForm(forms.Form):
    exclude = forms.BooleanField(label=_("Never propose this pair again"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class ReassignForm(forms.Form):
    mentor = RoleChoiceField(label=_("Mentor"), queryset=ProgrammeRole.objects.none())

    def __init__(self, *args: Any, programme: Programme, form: MentoringForm,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = _roles(programme, ProgrammeRole.Role.MENTOR).filter(
            forms=form)


class MentorshipCreateForm(forms.Form):
    form = forms.ModelChoiceField(label=_("Form of mentoring"),
                                  queryset=MentoringForm.objects.none())
    mentor = RoleChoiceField(label=_("Mentor"), queryset=ProgrammeRole.objects.none())
    mentees = RolesChoiceField(label=_("Mentees"), queryset=ProgrammeRole.objects.none(),
                               help_text=_("Several mentees make a group."))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = programme.forms.order_by("order")
        self.fields["mentor"].queryset = _roles(programme, ProgrammeRole.Role.MENTOR)
        self.fields["mentees"].queryset = _roles(programme, ProgrammeRole.Role.MENTEE)
        self.fields["mentees"].widget.attrs["size"] = 8


class MemberEndForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"),
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: not a good fit. The history is kept and "
                                         "the mentee's request opens again."))


class MentorFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Last name")}))
    form = forms.ModelChoiceField(label=_("Form"), required=False,
                                  queryset=MentoringForm.objects.none(),
                                  empty_label=_("All forms"))

    def __init__(self, *args: Any, forms_qs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs

    def cleaned_filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"search": data["q"], "form_id": data["form"].pk if data["form"] else None}
