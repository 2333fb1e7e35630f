from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Accounts and audit")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from .dataversion import installed_after_migrate
        from .otp import account_logged_in

        user_logged_in.connect(account_logged_in, dispatch_uid="mentorship.account_logged_in")
        # After every migrate and flush: the data version's triggers (a migration may have
        # rebuilt a table without them) and a new epoch.
        post_migrate.connect(installed_after_migrate, sender=self,
                             dispatch_uid="mentorship.data_version")
