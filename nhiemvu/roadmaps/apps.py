from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapsConfig(AppConfig):
    name = "nhiemvu.roadmaps"
    verbose_name = _("Lộ trình triển khai")
