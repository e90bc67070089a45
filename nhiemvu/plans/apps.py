from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "nhiemvu.plans"
    verbose_name = _("Kế hoạch, nhiệm vụ")
