"""Sign-in with the province's directory: LDAP/Active Directory and OpenID Connect, each optional."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    name = "nhiemvu.signin"
    verbose_name = _("Đăng nhập bằng danh bạ của tỉnh")

    def ready(self) -> None:
        from django.core import checks

        from .checks import group_map_check

        checks.register(group_map_check, "signin")
