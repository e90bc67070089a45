from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    name = "nhiemvu.signin"
    verbose_name = _("Đăng nhập bằng danh bạ của tỉnh")
