"""Two-factor sign-in (TOTP, recovery codes) and the agencies' policy on who must use it."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwofactorConfig(AppConfig):
    name = "nhiemvu.twofactor"
    verbose_name = _("Xác thực hai lớp")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import signed_in

        user_logged_in.connect(signed_in, dispatch_uid="twofactor-signed-in")
