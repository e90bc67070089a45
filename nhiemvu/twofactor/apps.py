from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwofactorConfig(AppConfig):
    name = "nhiemvu.twofactor"
    verbose_name = _("Xác thực hai lớp")
