"""Forms of the programme editing pages (crispy-forms, Bootstrap 5). Lists kept as JSON are
edited as text, one item per line."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentorship.models import User

from .models import Activity, ActivityExecution, Programme, ProgrammeForm, Task

LINES_HELP = _("One item per line.")
MONTH_NAMES = {1: _("January"), 2: _("February"), 3: _("March"), 4: _("April"), 5: _("May"),
               6: _("June"), 7: _("July"), 8: _("August"), 9: _("September"),
               10: _("October"), 11: _("November"), 12: _("December")}
# The order of an academic year, August (preparation) first.
ACADEMIC_MONTHS = (8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7)
SEPARATOR = " — "


class LinesField(forms.CharField):
    """A list of strings edited as text, one item per line; empty lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", LINES_HELP)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(SEPARATOR.join(v) if isinstance(v, list | tuple) else str(v)
                             for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class PairLinesField(LinesField):
    """Lines of «name — position» pairs."""

    def to_python(self, value: Any) -> list[list[str]]:  # type: ignore[override]
        pairs = []
        for line in super().to_python(value):
            for sep in (SEPARATOR, " - ", ","):
                if sep in line:
                    name, _sep, position = line.partition(sep)
                    pairs.append([name.strip(), position.strip()])
                    break
            else:
                pairs.append([line, ""])
        return pairs


class PassportForm(forms.ModelForm):
    basis = LinesField(label=_("Basis documents"))
    developers = PairLinesField(label=_("Developers"),
                                help_text=_("One per line: name — position."))
    executors = LinesField(label=_("Executors"))
    relevance = LinesField(label=_("Explanatory note"), help_text=_("One paragraph per line."))
    components = LinesField(label=_("Components"))
    expected_results = LinesField(label=_("Expected results"))

    class Meta:
        model = Programme
        fields = ["title", "place", "basis", "developers", "executors", "control",
                  "relevance", "goal", "components", "expected_results"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2}),
                   "control": forms.Textarea(attrs={"rows": 3}),
                   "goal": forms.Textarea(attrs={"rows": 3})}


class TaskForm(forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=99)
    title = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 2}))
    roadmap_title = forms.CharField(label=_("Roadmap section"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    indicators = LinesField(label=_("Target indicators"),
                            help_text=_("One per line; the unit after a vertical bar, e.g. "
                                        "«Share of pairs formed | %»."))

    @staticmethod
    def initial_for(task: Task) -> dict[str, Any]:
        return {"number": task.number, "title": task.title, "roadmap_title": task.roadmap_title,
                "indicators": "\n".join(f"{i.text} | {i.unit}" if i.unit else i.text
                                        for i in task.indicators.all())}

    def indicator_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for line in self.cleaned_data["indicators"]:
            text, _sep, unit = line.rpartition("|") if "|" in line else (line, "", "")
            pairs.append((text.strip(), unit.strip()[:16]))
        return pairs


class ProgrammeFormForm(forms.ModelForm):
    areas = LinesField(label=_("Activities"))
    results = LinesField(label=_("Expected results"))

    class Meta:
        model = ProgrammeForm
        fields = ["goals", "areas_title", "areas", "results"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 4})}


class ActivityForm(forms.Form):
    task = forms.ModelChoiceField(label=_("Task"), queryset=Task.objects.none())
    number = forms.CharField(label=_("Number"), max_length=10, help_text=_("For example, 1.9."))
    title = forms.CharField(label=_("Activity"), widget=forms.Textarea(attrs={"rows": 2}))
    items = LinesField(label=_("Steps"))
    timing = forms.CharField(label=_("Timing"), max_length=120,
                             help_text=_("As the programme states it, e.g. «Сентябрь ежегодно»."))
    months = forms.TypedMultipleChoiceField(
        label=_("Months"), coerce=int, required=False,
        choices=[(m, MONTH_NAMES[m]) for m in ACADEMIC_MONTHS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means all year. The activity is overdue when it is not done "
                    "by the end of its last month."))
    yearly = forms.BooleanField(label=_("Every year"), required=False, initial=True)
    responsibles = forms.CharField(label=_("Responsible"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    expected_result = forms.CharField(label=_("Expected result"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = Task.objects.filter(programme=programme)

    @staticmethod
    def initial_for(activity: Activity | None) -> dict[str, Any]:
        if activity is None:
            return {"yearly": True}
        return {"task": activity.task_id, "number": activity.number, "title": activity.title,
                "items": activity.items, "timing": activity.timing, "months": activity.months,
                "yearly": activity.yearly, "responsibles": activity.responsibles,
                "expected_result": activity.expected_result}

    def clean_months(self) -> list[int]:
        """Months in academic order (August … July), so the run is read correctly."""
        months = self.cleaned_data["months"]
        return [m for m in ACADEMIC_MONTHS if m in months]


class StageDatesForm(forms.Form):
    """The dates of the seven stages in one academic year: two fields per stage."""

    def __init__(self, *args: Any, stages: list[Any], periods: dict[int, Any],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stages = stages
        for stage in stages:
            period = periods.get(stage.pk)
            self.fields[f"starts_{stage.pk}"] = forms.DateField(
                label=_("Stage %(number)s starts on") % {"number": stage.number},
                initial=period.starts_on if period else None,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
            self.fields[f"ends_{stage.pk}"] = forms.DateField(
                label=_("Stage %(number)s ends on") % {"number": stage.number},
                initial=period.ends_on if period else None,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for stage in self.stages:
            starts, ends = data.get(f"starts_{stage.pk}"), data.get(f"ends_{stage.pk}")
            if starts and ends and ends < starts:
                self.add_error(f"ends_{stage.pk}",
                               _("The end cannot be before the start."))
        return data

    def rows(self) -> list[tuple[Any, Any, Any]]:
        """(stage, its start field, its end field) for the template."""
        return [(stage, self[f"starts_{stage.pk}"], self[f"ends_{stage.pk}"])
                for stage in self.stages]

    def dates(self) -> list[tuple[Any, dt.date, dt.date]]:
        return [(stage, self.cleaned_data[f"starts_{stage.pk}"],
                 self.cleaned_data[f"ends_{stage.pk}"]) for stage in self.stages]


class ApproveForm(forms.Form):
    approver_name = forms.CharField(label=_("Approver's name"), max_length=200)
    approver_position = forms.CharField(label=_("Approver's position"), max_length=200,
                                        required=False)


class ExecutionForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActivityExecution.Status.choices)
    done_on = forms.DateField(label=_("Done on"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    responsible = forms.ModelChoiceField(label=pgettext_lazy("one person", "Responsible"),
                                         required=False, queryset=User.objects.none())
    evidence = forms.FileField(
        label=_("Evidence file"), required=False,
        help_text=_("PDF, JPG, PNG, DOCX or XLSX, up to 10 MB. A new file replaces the "
                    "previous one."))
    evidence_link = forms.URLField(label=_("Evidence link"), required=False,
                                   assume_scheme="https")
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, responsibles: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["responsible"]
        field.queryset = responsibles
        field.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(execution: ActivityExecution) -> dict[str, Any]:
        return {"status": execution.status, "done_on": execution.done_on,
                "responsible": execution.responsible_id,
                "evidence_link": execution.evidence_link, "comment": execution.comment}
