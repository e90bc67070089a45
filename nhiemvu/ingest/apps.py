from __future__ import annotations

from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "nhiemvu.ingest"
    verbose_name = "Nhập kế hoạch"
