from __future__ import annotations

from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "nhiemvu.organisations"
    verbose_name = "Cơ quan, đơn vị"
