"""Background jobs of the reports, run by `nhiemvu worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import periodic_task, task

from nhiemvu.core.jobs import fresh_connections

from .services import report_job_run, report_jobs_expire


@task(retries=0)
@fresh_connections
def build_report_job(job_id: int) -> None:
    """Build a PDF or a provincial report and keep it for its requester to download."""
    report_job_run(job_id=job_id)


@periodic_task(crontab(hour=2, minute=30))
@fresh_connections
def expire_report_jobs() -> None:
    """Every night: built reports are kept REPORT_JOB_DAYS for download, then dropped."""
    report_jobs_expire()
