from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "nhiemvu.plans"
    verbose_name = "Kế hoạch, nhiệm vụ"
