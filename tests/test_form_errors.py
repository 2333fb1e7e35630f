"""`mentorship.forms.attach_errors`: a service's ValidationError lands on the field it names
when the form has that field, otherwise above the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from mentorship.forms import attach_errors


class _Form(forms.Form):
    title = forms.CharField()


def _bound() -> _Form:
    form = _Form({"title": "Наставничество"})
    assert form.is_valid()
    return form


def test_a_field_error_goes_to_its_field_and_an_unknown_field_above_the_form() -> None:
    form = _bound()
    attach_errors(form, ValidationError({"title": "Такое название уже есть.",
                                         "year": "Год вне периода программы."}))
    assert form.errors["title"] == ["Такое название уже есть."]
    assert form.non_field_errors() == ["Год вне периода программы."]


def test_plain_errors_go_above_the_form() -> None:
    form = _bound()
    attach_errors(form, ValidationError(["Первая причина.", "Вторая причина."]))
    assert form.non_field_errors() == ["Первая причина.", "Вторая причина."]
    assert "title" not in form.errors
