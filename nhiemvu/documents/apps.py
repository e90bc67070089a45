from __future__ import annotations

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "nhiemvu.documents"
    verbose_name = "Báo cáo tổng hợp"
