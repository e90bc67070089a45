"""Background jobs of the plan import, run by `nhiemvu worker`."""

from __future__ import annotations

from huey.contrib.djhuey import task

from nhiemvu.core.jobs import fresh_connections

from .services import import_session_read


@task(retries=0)
@fresh_connections
def read_import(session_id: int) -> None:
    """Read a queued upload (OCR of a scan, LibreOffice for a .doc) and stage it for review."""
    import_session_read(session_id=session_id)
