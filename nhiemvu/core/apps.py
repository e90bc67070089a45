from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nhiemvu.core"
    verbose_name = "Lõi"
