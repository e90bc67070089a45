from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo: the sample plan imported, a living plan with a year of reports, a user per role.

    The top of the house: it drives every app's services as a user would, and nothing imports it.
    """

    name = "nhiemvu.demo"
    verbose_name = _("Dữ liệu mẫu")
