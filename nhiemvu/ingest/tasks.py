"""Background jobs of the plan import, run by `nhiemvu worker`."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import periodic_task, task

from nhiemvu.core.jobs import fresh_connections

from .services import import_session_read, import_sessions_expire


@task(retries=0)
@fresh_connections
def read_import(session_id: int) -> None:
    """Read a queued upload (OCR of a scan, LibreOffice for a .doc) and stage it for review."""
    import_session_read(session_id=session_id)


@periodic_task(crontab(hour=2, minute=15))
@fresh_connections
def expire_imports() -> None:
    """Every night, what `nhiemvu expire-imports` does: drop uploads nobody finished for 7 days."""
    import_sessions_expire(older_than=dt.timedelta(days=7))
