from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "nhiemvu.reporting"
    verbose_name = _("Báo cáo tiến độ")
