from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong login or password. Both are case-sensitive."),
        "inactive": _("This account is switched off. Ask the administrator."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Login")
        self.fields["password"].label = _("Password")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form; its labels and the validators' messages come in Russian from Django's
    own catalogue."""


class SetPasswordForm(auth_forms.SetPasswordForm):
    pass


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail")
        self.fields["email"].help_text = _(
            "The address given in your account. If it is not known to the product, ask the "
            "administrator to reset your password.")


class LockoutReleaseForm(forms.Form):
    username = forms.CharField(required=False, max_length=255)
    ip_address = forms.GenericIPAddressField()


class OTPResetForm(forms.Form):
    username = forms.CharField(label=_("Login"), max_length=150)


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"), min_length=6, max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True, "pattern": "[0-9 ]*"}),
        error_messages={"required": _("Enter the six-digit code from the app."),
                        "min_length": _("Enter the six-digit code from the app.")},
    )


def attach_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError onto the form that was submitted: each message on its
    field when the form has that field, otherwise above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
