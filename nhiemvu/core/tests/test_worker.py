"""`nhiemvu worker`: what it runs on a schedule, and `--drain` on an empty queue."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

pytestmark = pytest.mark.django_db


def _due(at: dt.datetime) -> list[str]:
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")  # as the worker does
    return sorted(task.name for task in HUEY.read_periodic(at))


def test_the_schedule_reminds_every_five_minutes_and_tidies_at_night() -> None:
    assert _due(dt.datetime(2026, 3, 2, 8, 5)) == ["remind"]
    assert _due(dt.datetime(2026, 3, 2, 8, 7)) == []
    assert _due(dt.datetime(2026, 3, 2, 2, 15)) == ["expire_imports", "remind"]
    assert _due(dt.datetime(2026, 3, 2, 2, 30)) == ["expire_report_jobs", "remind"]


def test_the_scheduled_jobs_run_and_tidy(cast) -> None:
    from nhiemvu.documents.models import ReportJob
    from nhiemvu.documents.tasks import expire_report_jobs
    from nhiemvu.ingest.tasks import expire_imports
    from nhiemvu.reminders.tasks import remind

    old = ReportJob.objects.create(requested_by=cast.planning_finance, request={"period": 1}, fmt="pdf")
    fresh = ReportJob.objects.create(requested_by=cast.planning_finance, request={"period": 1}, fmt="pdf")
    ReportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    expire_report_jobs.call_local()
    assert list(ReportJob.objects.values_list("pk", flat=True)) == [fresh.pk]
    expire_imports.call_local()
    remind.call_local()  # one real round, as the worker runs it


def test_drain_on_an_empty_queue_runs_nothing() -> None:
    out = io.StringIO()
    call_command("worker", drain=True, stdout=out)
    assert "0 background jobs run" in out.getvalue()
