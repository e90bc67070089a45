"""Two people acting on one report at the same moment: the row lock lets exactly one through."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection, transaction

from nhiemvu.core.errors import DomainError
from nhiemvu.reporting.errors import PeriodLockedError
from nhiemvu.reporting.models import ProgressReport, ReportingPeriod, ReportStatus, ReviewEvent
from nhiemvu.reporting.services import (
    ReportInput,
    period_lock,
    periods_generate,
    report_accept,
    report_return,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.testing import Cast, build_cast, make_plan

pytestmark = pytest.mark.django_db(transaction=True)


def race(*actions: Callable[[], object]) -> list[object]:
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
def submitted() -> tuple[Cast, ProgressReport]:
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


def test_accepting_and_returning_at_once_lets_exactly_one_win(submitted: tuple[Cast, ProgressReport]) -> None:
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


def test_two_saves_of_one_stale_draft_keep_one_and_refuse_the_other(
    submitted: tuple[Cast, ProgressReport],
) -> None:
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


# A period lock against the submissions of that period --------------------------------------------


@dataclass
class Held:
    """An action run in its own thread and transaction, which stays open until released."""

    thread: threading.Thread
    release: threading.Event
    outcome: list[object]  # what the action returned or raised, then when its transaction ended


def hold(action: Callable[[], object]) -> Held:
    holding, release = threading.Event(), threading.Event()
    outcome: list[object] = []

    def run() -> None:
        try:
            with transaction.atomic():
                outcome.append(action())
                holding.set()
                release.wait(20)
        except DomainError as exc:
            outcome.append(exc)
        finally:
            outcome.append(time.monotonic())
            holding.set()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert holding.wait(20)
    return Held(thread, release, outcome)


def start(action: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    """Run the action in a thread; the list gets its result (or error), then when it ended."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(action())
        except DomainError as exc:
            outcome.append(exc)
        finally:
            outcome.append(time.monotonic())
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def ended(outcome: list[object]) -> float:
    """When the action's transaction ended: the time that follows its result in the outcome."""
    at = outcome[1]
    assert isinstance(at, float)
    return at


def released(held: Held) -> float:
    """Let the held transaction commit; when that was allowed."""
    held.thread.join(timeout=1)  # give a waiting rival time to be (wrongly) let through
    at = time.monotonic()
    held.release.set()
    held.thread.join(timeout=30)
    return at


@pytest.fixture
def drafts() -> tuple[Cast, ReportingPeriod, list[ProgressReport]]:
    """Two drafts of the forest unit (tasks 1 and 3) in June, ready to submit."""
    cast = build_cast()
    plan = make_plan(cast, tasks=3, targets_per_task=1)
    periods_generate(plan=plan)
    june = plan.periods.get(key="2023-06")
    reports = []
    for code in ("1", "3"):
        task = plan.tasks.get(code=code)
        report = report_start(task=task, period=june, user=cast.unit_staff)
        reports.append(
            report_save_draft(
                report=report,
                user=cast.unit_staff,
                revision=report.revision,
                data=ReportInput(values={task.targets.get().pk: (Decimal(10), None)}),
            )
        )
    return cast, june, reports


def test_a_period_lock_waits_for_a_submission_under_way_and_lands_after_it(
    drafts: tuple[Cast, ReportingPeriod, list[ProgressReport]],
) -> None:
    cast, june, (report, _) = drafts
    submitting = hold(lambda: report_submit(report=report, user=cast.unit_staff))
    locking, outcome = start(lambda: period_lock(period=june, user=cast.planning_finance))
    allowed_at = released(submitting)
    locking.join(timeout=30)
    assert not isinstance(outcome[0], DomainError), outcome
    assert ended(outcome) > allowed_at  # the lock waited for the submission to commit
    report.refresh_from_db()
    june.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and june.is_locked
    assert report.submitted_at is not None and june.locked_at is not None
    assert report.submitted_at < june.locked_at


def test_a_submission_waits_for_a_period_lock_under_way_and_is_then_refused(
    drafts: tuple[Cast, ReportingPeriod, list[ProgressReport]],
) -> None:
    cast, june, (report, _) = drafts
    locking = hold(lambda: period_lock(period=june, user=cast.planning_finance))
    submitting, outcome = start(lambda: report_submit(report=report, user=cast.unit_staff))
    allowed_at = released(locking)
    submitting.join(timeout=30)
    assert isinstance(outcome[0], PeriodLockedError), outcome
    assert ended(outcome) > allowed_at
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert not ReviewEvent.objects.filter(report=report, to_status=ReportStatus.SUBMITTED).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writing transaction at a time")
def test_two_units_submitting_for_one_period_do_not_wait_for_each_other(
    drafts: tuple[Cast, ReportingPeriod, list[ProgressReport]],
) -> None:
    cast, _, (first, second) = drafts
    holding = hold(lambda: report_submit(report=first, user=cast.unit_staff))
    other, outcome = start(lambda: report_submit(report=second, user=cast.unit_staff))
    other.join(timeout=10)
    done_before_release = not other.is_alive()
    released(holding)
    other.join(timeout=30)
    assert done_before_release and not isinstance(outcome[0], DomainError), outcome
    assert {first.pk, second.pk} == set(
        ReviewEvent.objects.filter(to_status=ReportStatus.SUBMITTED).values_list("report_id", flat=True)
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writing transaction at a time")
def test_first_saves_of_two_tasks_of_one_plan_do_not_wait_for_each_other() -> None:
    cast = build_cast()
    plan = make_plan(cast, tasks=3, targets_per_task=1)
    periods_generate(plan=plan)
    june = plan.periods.get(key="2023-06")
    first, second = plan.tasks.get(code="1"), plan.tasks.get(code="3")
    holding = hold(lambda: report_start(task=first, period=june, user=cast.unit_staff))
    other, outcome = start(lambda: report_start(task=second, period=june, user=cast.unit_staff))
    other.join(timeout=10)
    done_before_release = not other.is_alive()
    released(holding)
    other.join(timeout=30)
    assert done_before_release and not isinstance(outcome[0], DomainError), outcome
    assert ReviewEvent.objects.filter(to_status=ReportStatus.DRAFT).count() == 2
