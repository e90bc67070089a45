"""The reminder rounds as a periodic job of `nhiemvu worker` (what `nhiemvu remind --loop` did).

Several workers may run it at once (two app servers, each with a worker): a round is safe beside
another, since notifications are unique per recipient and key and e-mails are claimed under row
locks (reminders.services); the lock below only spares the second round's work.
"""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import lock_task, periodic_task

from nhiemvu.core.jobs import fresh_connections

from .services import remind_round

logger = logging.getLogger(__name__)


@periodic_task(crontab(minute=f"*/{settings.REMIND_EVERY_MINUTES}"))
@lock_task("remind-round")
@fresh_connections
def remind() -> None:
    result = remind_round()
    logger.info(
        "reminders %s: %s new, %s e-mailed, %s digests",
        f"{result.today:%d/%m/%Y}",
        result.created,
        result.emailed,
        result.digests,
    )
