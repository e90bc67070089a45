from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReorganisationConfig(AppConfig):
    name = "nhiemvu.reorganisation"
    verbose_name = _("Sáp nhập, đổi tên cơ quan")
