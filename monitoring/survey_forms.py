"""Forms of the survey pages: the questionnaire editor, the campaign launch and filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairing.models import Mentorship
from programmes.models import MentoringForm, Programme

from .models import SurveyCampaign, SurveyQuestion, SurveyTemplate
from .surveys.services import WITHOUT_MENTORSHIP, QuestionData


class _Crispy:
    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        return helper


class TemplateForm(_Crispy, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    audience = forms.ChoiceField(label=_("Audience"), choices=SurveyTemplate.Audience.choices)
    form = forms.ModelChoiceField(label=_("Form"), queryset=MentoringForm.objects.none(),
                                  required=False, empty_label=_("all forms"))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = programme.forms.all()  # type: ignore[attr-defined]
        self.helper = self._helper()


class QuestionForm(forms.Form):
    # Empty text: the block is ignored (the spare block at the end of the editor).
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}),
                           required=False)
    type = forms.ChoiceField(label=_("Type"), choices=SurveyQuestion.Type.choices)
    choices = forms.CharField(
        label=_("Options, one per line"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For single and multiple choice."))
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    is_satisfaction = forms.BooleanField(
        label=_("Counts towards satisfaction"), required=False,
        help_text=_("Only for 1–10 scale questions."))

    def to_data(self) -> QuestionData:
        data = self.cleaned_data
        return QuestionData(text=data["text"], type=data["type"],
                            choices=[c.strip() for c in data.get("choices", "").splitlines()
                                     if c.strip()],
                            required=data["required"],
                            is_satisfaction=data["is_satisfaction"])


QuestionFormSet = forms.formset_factory(QuestionForm, extra=1, can_delete=True)


def question_initial(template: SurveyTemplate) -> list[dict[str, Any]]:
    return [{"text": q.text, "type": q.type, "choices": "\n".join(q.choices),
             "required": q.required, "is_satisfaction": q.is_satisfaction}
            for q in template.questions.order_by("position")]


def formset_questions(formset: Any) -> list[QuestionData]:
    return [f.to_data() for f in formset.forms
            if f.cleaned_data and f.cleaned_data.get("text", "").strip()
            and not f.cleaned_data.get("DELETE")]


STATUS_CHOICES = [
    ("", _("any")),
    (Mentorship.Status.ACTIVE, _("in an active pair or group")),
    (Mentorship.Status.COMPLETED, _("in a completed pair or group")),
    (Mentorship.Status.ENDED_EARLY, _("in a pair or group ended early")),
    (WITHOUT_MENTORSHIP, _("without a pair or group")),
]


class CampaignForm(_Crispy, forms.Form):
    template = forms.ModelChoiceField(label=_("Questionnaire"),
                                      queryset=SurveyTemplate.objects.none())
    year = forms.TypedChoiceField(label=_("Programme year"), coerce=int)
    audience = forms.ChoiceField(label=_("Audience"), choices=SurveyTemplate.Audience.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=SurveyCampaign.Kind.choices)
    form = forms.ModelChoiceField(label=_("Form"), queryset=MentoringForm.objects.none(),
                                  required=False, empty_label=_("all forms"))
    mentorship_status = forms.ChoiceField(label=_("Mentorship status"),
                                          choices=STATUS_CHOICES, required=False)
    deadline = forms.DateField(label=_("Deadline"),
                               widget=forms.DateInput(attrs={"type": "date"},
                                                      format="%Y-%m-%d"))
    anonymous = forms.BooleanField(
        label=_("Anonymous"), required=False, initial=True,
        help_text=_("Results show no names; free-text answers are shown without authors."))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = (  # type: ignore[attr-defined]
            SurveyTemplate.objects.filter(
                Q(organisation__isnull=True) | Q(organisation_id=programme.organisation_id),
                is_current=True).order_by("organisation_id", "audience", "title"))
        self.fields["form"].queryset = programme.forms.all()  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.fields["year"].choices = [(y, str(y)) for y in programme.years]  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault(
                "year", today.year if today.year in programme.years else programme.start_year)
            self.initial.setdefault("deadline", today + dt.timedelta(days=14))
        self.helper = self._helper()


class ChangesFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Programme year"), coerce=int, required=False)
    audience = forms.ChoiceField(label=_("Audience"), choices=SurveyTemplate.Audience.choices,
                                 required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in programme.years]  # type: ignore[attr-defined]
