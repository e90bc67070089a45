"""Two people acting on one report at the same moment: the row lock lets exactly one through."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from nhiemvu.core.errors import DomainError
from nhiemvu.core.testing import build_cast, make_plan
from nhiemvu.reporting.models import ReportStatus, ReviewEvent
from nhiemvu.reporting.services import (
    ReportInput,
    periods_generate,
    report_accept,
    report_return,
    report_save_draft,
    report_start,
    report_submit,
)

pytestmark = pytest.mark.django_db(transaction=True)


def race(*actions):  # type: ignore[no-untyped-def]
    """Run the actions in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = actions[i]()
        except DomainError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.fixture
def submitted():  # type: ignore[no-untyped-def]
    cast = build_cast()
    plan = make_plan(cast, tasks=1, targets_per_task=1)
    periods_generate(plan=plan)
    task = plan.tasks.get()
    report = report_start(task=task, period=plan.periods.get(key="2023-06"), user=cast.unit_staff)
    target = task.targets.get()
    report = report_save_draft(
        report=report,
        user=cast.unit_staff,
        revision=report.revision,
        data=ReportInput(values={target.pk: (Decimal(10), None)}),
    )
    return cast, report_submit(report=report, user=cast.unit_staff)


def test_accepting_and_returning_at_once_lets_exactly_one_win(submitted) -> None:  # type: ignore[no-untyped-def]
    cast, report = submitted
    results = race(
        lambda: report_accept(report=report, user=cast.planning_finance),
        lambda: report_return(report=report, user=cast.planning_finance, comment="Thiếu số liệu"),
    )
    failures = [r for r in results if isinstance(r, DomainError)]
    assert len(failures) == 1, results
    report.refresh_from_db()
    assert report.status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED)
    assert ReviewEvent.objects.filter(report=report, from_status="submitted").count() == 1


def test_two_saves_of_one_stale_draft_keep_one_and_refuse_the_other(submitted) -> None:  # type: ignore[no-untyped-def]
    cast, report = submitted
    report_return(report=report, user=cast.planning_finance, comment="Bổ sung")
    report.refresh_from_db()
    opened = report.revision
    results = race(
        lambda: report_save_draft(
            report=report, user=cast.unit_staff, revision=opened, data=ReportInput(narrative="A")
        ),
        lambda: report_save_draft(
            report=report, user=cast.unit_staff, revision=opened, data=ReportInput(narrative="B")
        ),
    )
    conflicts = [r for r in results if isinstance(r, DomainError)]
    assert len(conflicts) == 1 and conflicts[0].code == "edit_conflict"
    report.refresh_from_db()
    assert report.narrative in ("A", "B") and report.revision == opened + 1
