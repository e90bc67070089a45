from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CascadeConfig(AppConfig):
    name = "nhiemvu.cascade"
    verbose_name = _("Nhiệm vụ tỉnh giao")
