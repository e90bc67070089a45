from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "nhiemvu.reminders"
    verbose_name = _("Đôn đốc, nhắc việc")
