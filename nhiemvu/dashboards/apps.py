from __future__ import annotations

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "nhiemvu.dashboards"
    verbose_name = "Bảng điều hành"
