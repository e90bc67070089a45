from __future__ import annotations

from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "nhiemvu.reminders"
    verbose_name = "Đôn đốc, nhắc việc"
