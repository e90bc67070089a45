from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "nhiemvu.audit"
    label = "audit"
    verbose_name = "Nhật ký thay đổi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .registry import register_audited_models

        register_audited_models()
