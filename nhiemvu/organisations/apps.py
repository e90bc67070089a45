from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "nhiemvu.organisations"
    verbose_name = _("Cơ quan, đơn vị")
