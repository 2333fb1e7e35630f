"""Forms of the monitoring pages (crispy-forms, Bootstrap 5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IndicatorFact


def _year_choices(years: range | list[int]) -> list[tuple[int, int]]:
    return [(y, y) for y in years]


class YearFilterForm(forms.Form):
    """The year a page shows (GET; the view reads the value, the form only draws it)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=(), required=False)

    def __init__(self, *args: Any, years: range | list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices(years)


class FactForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    value = forms.DecimalField(label=_("Fact"), max_digits=12, decimal_places=2)
    numerator = forms.IntegerField(
        label=_("Numerator"), required=False, min_value=0,
        help_text=_("For a share: how many (e.g. students in dual training)."))
    denominator = forms.IntegerField(label=_("Denominator"), required=False, min_value=0,
                                     help_text=_("For a share: of how many."))
    evidence = forms.FileField(
        label=_("Evidence file"), required=False,
        help_text=_("PDF, image, Word, Excel or OpenDocument, up to 10 MB. A new file "
                    "replaces the previous one."))
    evidence_link = forms.URLField(label=_("Evidence link"), required=False,
                                   assume_scheme="https")
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, years: range | list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices(years)

    @classmethod
    def initial_for(cls, fact: IndicatorFact | None, year: int) -> dict[str, Any]:
        if fact is None:
            return {"year": year}
        return {"year": year, "value": fact.value, "numerator": fact.numerator,
                "denominator": fact.denominator, "evidence_link": fact.evidence_link,
                "comment": fact.comment}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        numerator, denominator = data.get("numerator"), data.get("denominator")
        if (numerator is None) != (denominator is None):
            raise forms.ValidationError(_("Give both the numerator and the denominator, or "
                                          "neither."))
        return data


class HeadcountForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    students = forms.IntegerField(label=_("Students"), required=False, min_value=0)
    young_specialists = forms.IntegerField(label=_("Young specialists (0–3 years)"),
                                           required=False, min_value=0)
    teachers = forms.IntegerField(label=_("Teachers"), required=False, min_value=0)
    partner_enterprises = forms.IntegerField(label=_("Partner enterprises"), required=False,
                                             min_value=0)

    def __init__(self, *args: Any, years: range | list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices(years)


class RegionalPlanForm(forms.Form):
    code = forms.ChoiceField(label=_("Indicator"), choices=())
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    value = forms.DecimalField(label=_("Plan"), max_digits=12, decimal_places=2,
                               required=False, min_value=Decimal(0),
                               help_text=_("Leave empty to remove the plan value."))

    def __init__(self, *args: Any, codes: list[tuple[str, str]], years: list[int],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = codes
        self.fields["year"].choices = _year_choices(years)


class ReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())

    def __init__(self, *args: Any, years: range | list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices(years)
