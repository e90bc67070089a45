from __future__ import annotations

import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "nhiemvu.reminders"
    verbose_name = _("Đôn đốc, nhắc việc")

    def ready(self) -> None:
        """The unit hears of a review or an answer at once, not at the next reminder round."""
        from nhiemvu.reporting import signals

        signals.report_reviewed.connect(_reviewed, dispatch_uid="reminders.report_reviewed")
        signals.obstacle_answered.connect(_answered, dispatch_uid="reminders.obstacle_answered")


def _reviewed(sender: object, *, event_id: int, **kwargs: object) -> None:
    from .services import report_reviewed_notify

    report_reviewed_notify(event_id=event_id)


def _answered(sender: object, *, obstacle_id: int, at: dt.datetime, **kwargs: object) -> None:
    from .services import obstacle_answered_notify

    obstacle_answered_notify(obstacle_id=obstacle_id, at=at)
