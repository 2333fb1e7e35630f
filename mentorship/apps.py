from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Accounts and audit")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .otp import account_logged_in

        user_logged_in.connect(account_logged_in, dispatch_uid="mentorship.account_logged_in")
