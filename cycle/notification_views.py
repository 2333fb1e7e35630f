"""Every user's own notification preferences."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorship.types import AppRequest

from .notifications import user_reminders_set


class NotificationSettingsForm(forms.Form):
    receive_reminders = forms.BooleanField(
        label=gettext_lazy("Send me e-mail reminders and weekly digests"), required=False)


@login_required
def notification_settings(request: AppRequest) -> HttpResponse:
    form = NotificationSettingsForm(request.POST if request.method == "POST" else None,
                                    initial={"receive_reminders":
                                             request.user.receive_reminders})
    if request.method == "POST" and form.is_valid():
        receive = form.cleaned_data["receive_reminders"]
        user_reminders_set(user=request.user, receive=receive)
        messages.success(request, _("Reminders are on.") if receive
                         else _("Reminders are off."))
        return redirect("cycle:notification_settings")
    return render(request, "cycle/notification_settings.html", {"form": form})
