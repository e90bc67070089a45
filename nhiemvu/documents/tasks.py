"""Background jobs of the reports, run by `nhiemvu worker`."""

from __future__ import annotations

from huey.contrib.djhuey import task

from nhiemvu.core.jobs import fresh_connections

from .services import report_job_run


@task(retries=0)
@fresh_connections
def build_report_job(job_id: int) -> None:
    """Build a PDF or a provincial report and keep it for its requester to download."""
    report_job_run(job_id=job_id)
