"""Task status (QĐ 42/2014/QĐ-TTg categories), target attainment and milestones: tables of examples,
then the same rules over real reports, where only accepted reports count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from nhiemvu.plans.models import Milestone, Target, Task
from nhiemvu.reporting.models import ProgressReport, ReportingPeriod
from nhiemvu.reporting.selectors import tasks_with_plan_data
from nhiemvu.reporting.services import (
    ReportInput,
    report_accept,
    report_return,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.reporting.snapshot import tasks_progress
from nhiemvu.reporting.status import MilestoneStatus, TaskStatus, attainment, milestone_status, task_status
from nhiemvu.testing import Cast

from .conftest import Cycle

D = Decimal
DEADLINE = dt.date(2023, 12, 31)

# Task status ------------------------------------------------------------------------------------

TASK_STATUS = [
    # deadline, today, completed on, started → status
    (DEADLINE, dt.date(2024, 1, 5), dt.date(2023, 12, 20), True, TaskStatus.COMPLETED_ON_TIME),
    (DEADLINE, dt.date(2024, 1, 5), DEADLINE, True, TaskStatus.COMPLETED_ON_TIME),  # on the day is on time
    (DEADLINE, dt.date(2024, 1, 5), dt.date(2024, 1, 3), True, TaskStatus.COMPLETED_LATE),
    (DEADLINE, dt.date(2023, 6, 1), dt.date(2023, 5, 30), True, TaskStatus.COMPLETED_ON_TIME),  # early
    (DEADLINE, dt.date(2023, 6, 1), None, True, TaskStatus.IN_PROGRESS),
    (DEADLINE, DEADLINE, None, True, TaskStatus.IN_PROGRESS),  # the deadline day is still in time
    (DEADLINE, dt.date(2024, 1, 1), None, True, TaskStatus.OVERDUE),
    (DEADLINE, dt.date(2023, 6, 1), None, False, TaskStatus.NOT_STARTED),
    (DEADLINE, dt.date(2024, 1, 1), None, False, TaskStatus.OVERDUE),  # past the deadline, started or not
    (None, dt.date(2030, 1, 1), None, True, TaskStatus.IN_PROGRESS),  # recurring: never overdue
    (None, dt.date(2030, 1, 1), None, False, TaskStatus.NOT_STARTED),
    (None, dt.date(2030, 1, 1), dt.date(2029, 5, 1), True, TaskStatus.COMPLETED_ON_TIME),
]


@pytest.mark.parametrize(("deadline", "today", "completed_on", "started", "expected"), TASK_STATUS)
def test_task_status_follows_the_governments_categories(
    deadline: dt.date | None,
    today: dt.date,
    completed_on: dt.date | None,
    started: bool,
    expected: TaskStatus,
) -> None:
    assert task_status(deadline=deadline, today=today, completed_on=completed_on, started=started) == expected


# Attainment -------------------------------------------------------------------------------------

ATTAINMENT = [
    # comparator, target, actual, max, change, baseline → percent
    ("=", D(9000), D(6750), None, "", None, D("75.0")),
    ("=", D(9000), D(9000), None, "", None, D("100.0")),
    ("=", D(3), D(1), None, "", None, D("33.3")),  # rounded to one decimal
    (">=", D("64.2"), D("64.2"), None, "", None, D("100.0")),
    (">=", D(1000), D(1200), None, "", None, D("120.0")),  # not capped: exceeding shows
    (">", D(1000), D(500), None, "", None, D("50.0")),
    ("<=", D(3), D(2), None, "", None, D("100.0")),  # "không quá 3%": under the bound is attained
    ("<=", D(3), D(3), None, "", None, D("100.0")),
    ("<=", D(3), D(6), None, "", None, D("50.0")),  # twice the bound: half attained
    ("<", D(5), D(1), None, "", None, D("100.0")),
    ("<", D(5), D(10), None, "", None, D("50.0")),
    ("range", D(5), D(4), D(7), "", None, D("80.0")),  # "5–7 doanh nghiệp": from the lower bound
    ("range", D(5), D(5), D(7), "", None, D("100.0")),
    ("range", D(5), D(6), D(7), "", None, D("120.0")),
    # "tăng 10% so với năm 2023" with a known 2023 level of 100: the actual is the level reached.
    ("=", D(10), D(105), None, "increase", D(100), D("50.0")),
    ("=", D(10), D(110), None, "increase", D(100), D("100.0")),
    # ... without a baseline: the actual is the increase already achieved, in the target's unit.
    ("=", D(10), D(5), None, "increase", None, D("50.0")),
    # "giảm 10% so với năm 2023": level 95 from 100 is a 5% decrease, half the target.
    ("=", D(10), D(95), None, "decrease", D(100), D("50.0")),
    ("=", D(10), D(80), None, "decrease", D(100), D("200.0")),
    (">=", D(40), D(20), None, "decrease", None, D("50.0")),
    ("=", D(10), D(105), None, "decrease", D(100), D("0.0")),  # moved the wrong way: no progress
    ("=", D(10), D(5), None, "increase", D(0), D("50.0")),  # a zero baseline can't scale: as without
    ("=", D(0), D(7), None, "", None, D("100.0")),  # a zero target is met by anything
    ("=", D(10), None, None, "", None, None),  # nothing reported
    ("<=", D(3), None, None, "", None, None),
]


@pytest.mark.parametrize(
    ("comparator", "value", "actual", "max_value", "change", "baseline", "expected"), ATTAINMENT
)
def test_attainment_measures_the_actual_against_the_target(
    comparator: str,
    value: Decimal,
    actual: Decimal | None,
    max_value: Decimal | None,
    change: str,
    baseline: Decimal | None,
    expected: Decimal | None,
) -> None:
    result = attainment(
        comparator=comparator,
        value=value,
        actual=actual,
        max_value=max_value,
        change=change,
        baseline=baseline,
    )
    assert result == expected
    if expected is not None:
        assert str(result) == str(expected)  # one decimal place, as printed


# Milestones -------------------------------------------------------------------------------------

MILESTONES = [
    # due, met, today → status
    (dt.date(2023, 6, 30), True, dt.date(2023, 7, 1), MilestoneStatus.MET),
    (dt.date(2023, 6, 30), True, dt.date(2023, 6, 1), MilestoneStatus.MET),  # met early
    (dt.date(2023, 6, 30), False, dt.date(2023, 7, 1), MilestoneStatus.MISSED),
    (dt.date(2023, 6, 30), False, dt.date(2023, 6, 30), MilestoneStatus.DUE),  # the due day itself
    (dt.date(2023, 6, 30), False, dt.date(2023, 6, 1), MilestoneStatus.DUE),
    (None, False, dt.date(2023, 7, 1), MilestoneStatus.UNDATED),
    (None, True, dt.date(2023, 7, 1), MilestoneStatus.MET),
]


@pytest.mark.parametrize(("due", "met", "today", "expected"), MILESTONES)
def test_milestone_status(due: dt.date | None, met: bool, today: dt.date, expected: MilestoneStatus) -> None:
    assert milestone_status(due=due, met=met, today=today) == expected


# Progress from real reports ---------------------------------------------------------------------

JULY_1 = dt.date(2023, 7, 1)


def write(
    cycle: Cycle,
    actuals: tuple[int, int],
    *,
    period: ReportingPeriod | None = None,
    completed_on: dt.date | None = None,
    milestones: bool = False,
) -> ProgressReport:
    """The forest unit's open report on task 1, with `actuals` for its two targets (1.000 ha, 2.000 ha)."""
    task = cycle.forest_task
    report = report_start(task=task, period=period or cycle.june, user=cycle.cast.unit_staff)
    targets = list(task.targets.order_by("order"))
    data = ReportInput(
        percent_done=D(50),
        completed_on=completed_on,
        narrative="Đang trồng rừng.",
        values={t.pk: (D(a), None) for t, a in zip(targets, actuals, strict=True)},
        milestones_met=list(task.milestones.values_list("pk", flat=True)) if milestones else [],
    )
    return report_save_draft(report=report, user=cycle.cast.unit_staff, revision=report.revision, data=data)


def submit(cycle: Cycle, report: ProgressReport) -> ProgressReport:
    return report_submit(report=report, user=cycle.cast.unit_staff)


def accept(cycle: Cycle, report: ProgressReport) -> ProgressReport:
    return report_accept(report=submit(cycle, report), user=cycle.cast.planning_finance)


def progress_of(task: Task, today: dt.date = JULY_1) -> tuple[TaskStatus, list[Decimal | None], int | None]:
    loaded = list(tasks_with_plan_data(task.plan_id).filter(pk=task.pk))
    progress = tasks_progress(loaded, today=today)[task.pk]
    version = progress.report.version if progress.report else None
    return progress.status, [t.attainment for t in progress.targets], version


@pytest.mark.django_db
def test_an_accepted_report_sets_the_tasks_status_and_attainment(cycle: Cycle) -> None:
    accept(cycle, write(cycle, (500, 500)))
    loaded = list(tasks_with_plan_data(cycle.plan.pk))
    progress = tasks_progress(loaded, today=JULY_1)
    forest = progress[cycle.forest_task.pk]
    assert forest.status == TaskStatus.IN_PROGRESS
    assert [(t.actual, t.attainment) for t in forest.targets] == [(D(500), D("50.0")), (D(500), D("25.0"))]
    assert forest.mean_attainment == D("37.5")
    assert forest.percent_done == D(50)
    # The other task has no report at all.
    rural = progress[cycle.rural_task.pk]
    assert (rural.status, rural.report, [t.attainment for t in rural.targets]) == (
        TaskStatus.NOT_STARTED,
        None,
        [None, None],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("stage", ["draft", "submitted", "returned"])
def test_a_report_not_yet_accepted_does_not_count(cycle: Cycle, stage: str) -> None:
    report = write(cycle, (900, 1800), completed_on=dt.date(2023, 6, 10), milestones=True)
    if stage in ("submitted", "returned"):
        report = submit(cycle, report)
    if stage == "returned":
        report_return(report=report, user=cycle.cast.planning_finance, comment="Số liệu chưa khớp")
    assert progress_of(cycle.forest_task) == (TaskStatus.NOT_STARTED, [None, None], None)


@pytest.mark.django_db
def test_a_correction_accepted_later_wins_over_the_first_version(cycle: Cycle) -> None:
    first = accept(cycle, write(cycle, (500, 500)))
    correction = write(cycle, (800, 1000))
    assert (correction.version, correction.supersedes_id) == (2, first.pk)
    # While the correction is being written and reviewed, the accepted first version stands.
    assert progress_of(cycle.forest_task) == (TaskStatus.IN_PROGRESS, [D("50.0"), D("25.0")], 1)
    submit(cycle, correction)
    assert progress_of(cycle.forest_task) == (TaskStatus.IN_PROGRESS, [D("50.0"), D("25.0")], 1)
    report_accept(report=correction, user=cycle.cast.planning_finance)
    assert progress_of(cycle.forest_task) == (TaskStatus.IN_PROGRESS, [D("80.0"), D("50.0")], 2)


@pytest.mark.django_db
def test_the_latest_periods_accepted_report_is_the_tasks_standing(cycle: Cycle) -> None:
    july = cycle.plan.periods.get(key="2023-07")
    accept(cycle, write(cycle, (700, 1400), period=july))
    accept(cycle, write(cycle, (500, 500)))  # June's, accepted after July's
    assert progress_of(cycle.forest_task, today=dt.date(2023, 8, 1))[1] == [D("70.0"), D("70.0")]


@pytest.mark.django_db
def test_a_completion_date_and_met_milestones_count_once_accepted(cycle: Cycle) -> None:
    accept(cycle, write(cycle, (1000, 2000), completed_on=dt.date(2023, 6, 10), milestones=True))
    loaded = list(tasks_with_plan_data(cycle.plan.pk).filter(pk=cycle.forest_task.pk))
    progress = tasks_progress(loaded, today=JULY_1)[cycle.forest_task.pk]
    assert progress.status == TaskStatus.COMPLETED_ON_TIME
    assert [m.status for m in progress.milestones] == [MilestoneStatus.MET]
    assert progress.mean_attainment == D("100.0")


@pytest.mark.django_db
def test_an_unmet_milestone_is_missed_after_its_date_and_a_task_past_its_deadline_is_overdue(
    cycle: Cycle,
) -> None:
    accept(cycle, write(cycle, (100, 100)))
    loaded = list(tasks_with_plan_data(cycle.plan.pk).filter(pk=cycle.forest_task.pk))
    progress = tasks_progress(loaded, today=dt.date(2024, 1, 2))[cycle.forest_task.pk]
    assert progress.status == TaskStatus.OVERDUE
    assert [m.status for m in progress.milestones] == [MilestoneStatus.MISSED]


@pytest.mark.django_db
def test_relative_and_upper_bound_targets_are_measured_from_real_rows(cast: Cast) -> None:
    from nhiemvu.reporting.services import periods_generate
    from nhiemvu.testing import make_plan

    plan = make_plan(cast, tasks=1, targets_per_task=0)
    periods_generate(plan=plan)
    task = plan.tasks.get()
    Target.objects.create(
        task=task,
        name="tỷ lệ hộ nghèo",
        unit="%",
        comparator="=",
        value=D(10),
        change="decrease",
        baseline=D(100),
    )
    Target.objects.create(task=task, name="vụ cháy rừng", unit="vụ", comparator="<=", value=D(3), order=1)
    Milestone.objects.filter(task=task).update(due=None)
    june = plan.periods.get(key="2023-06")
    report = report_start(task=task, period=june, user=cast.unit_staff)
    poverty, fires = task.targets.order_by("order")
    report = report_save_draft(
        report=report,
        user=cast.unit_staff,
        revision=report.revision,
        data=ReportInput(values={poverty.pk: (D(95), None), fires.pk: (D(6), None)}),
    )
    report_accept(report=report_submit(report=report, user=cast.unit_staff), user=cast.planning_finance)
    progress = tasks_progress(list(tasks_with_plan_data(plan.pk)), today=JULY_1)[task.pk]
    assert [t.attainment for t in progress.targets] == [D("50.0"), D("50.0")]
    assert [m.status for m in progress.milestones] == [MilestoneStatus.UNDATED]
