from __future__ import annotations

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "nhiemvu.reporting"
    verbose_name = "Báo cáo tiến độ"
