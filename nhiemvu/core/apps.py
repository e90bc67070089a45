from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nhiemvu.core"
    verbose_name = _("Lõi")

    def ready(self) -> None:
        from django.contrib.auth.models import User
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models.signals import pre_save

        from . import sessions

        user_logged_in.connect(sessions.signed_in, dispatch_uid="core.session_register")
        user_logged_out.connect(sessions.signed_out, dispatch_uid="core.session_forget")
        pre_save.connect(
            sessions.end_sessions_on_account_change,
            sender=User,
            dispatch_uid="core.sessions_end_on_account_change",
        )
