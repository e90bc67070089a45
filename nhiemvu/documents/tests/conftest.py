"""A plan with a quarter of accepted monthly reports, obstacles and proposals, for the report tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from nhiemvu.plans.models import Plan, SourceDocument, Target, Task
from nhiemvu.reporting.models import (
    Obstacle,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    TargetValue,
)
from nhiemvu.reporting.services import periods_generate
from nhiemvu.testing import Cast, make_plan

REPORT_DATE = dt.date(2023, 6, 16)


@dataclass
class Quarter:
    cast: Cast
    plan: Plan
    period: ReportingPeriod  # 2023-Q2


def _sent(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 9, 0))


def accept(
    task: Task, period: ReportingPeriod, *, actuals: dict[int, Decimal], sent: dt.date, **fields
) -> ProgressReport:
    """An accepted lead report with its figures, written straight to the tables (the workflow has its own tests)."""
    assert task.lead_unit is not None
    report = ProgressReport.objects.create(
        task=task,
        period=period,
        organisation=task.lead_unit,
        is_lead=True,
        status=ReportStatus.ACCEPTED,
        submitted_at=_sent(sent),
        reviewed_at=_sent(sent),
        **fields,
    )
    TargetValue.objects.bulk_create(
        [
            TargetValue(report=report, target_id=target_id, actual=value)
            for target_id, value in actuals.items()
        ]
    )
    return report


def build_quarter(cast: Cast, *, tasks: int = 3, title: str = "Kế hoạch thử nghiệm") -> Quarter:
    """Tasks 1..n of make_plan: task 1 reported twice in the quarter, task 2 once and late, the rest silent."""
    plan = make_plan(cast, tasks=tasks, targets_per_task=2, title=title)
    plan.source_document = SourceDocument.objects.create(
        kind="KH",
        symbol="KH-SNN",
        number=f"{plan.pk + 11}/KH-SNN",
        place="Lạng Sơn",
        issued_on=dt.date(2023, 2, 3),
    )
    plan.save()
    periods_generate(plan=plan)
    april, may, june = (plan.periods.get(key=k) for k in ("2023-04", "2023-05", "2023-06"))
    all_tasks = list(plan.tasks.order_by("order"))
    first, second = all_tasks[0], all_tasks[1]
    t1 = list(first.targets.order_by("order"))
    accept(
        first, april, actuals={t1[0].pk: Decimal(200)}, sent=dt.date(2023, 4, 17), percent_done=Decimal(20)
    )
    report = accept(
        first,
        june,
        actuals={t1[0].pk: Decimal(750), t1[1].pk: Decimal("2500.5")},
        sent=dt.date(2023, 6, 15),
        percent_done=Decimal(60),
        narrative="Đã trồng 750 ha rừng.",
        proposals="Đề nghị UBND tỉnh bổ sung kinh phí trồng rừng.",
    )
    Obstacle.objects.create(
        report=report,
        description="Thiếu cây giống đạt chuẩn",
        needs="Hỗ trợ nguồn giống",
        addressed_to="Sở Tài chính",
    )
    t2 = list(second.targets.order_by("order"))
    # Sent after the due date: counted late on the submissions sheet.
    accept(second, may, actuals={t2[0].pk: Decimal(100)}, sent=dt.date(2023, 5, 30), percent_done=Decimal(5))
    # Reports outside the window are not consolidated: a July report must not leak into Q2.
    accept(
        second, plan.periods.get(key="2023-07"), actuals={t2[0].pk: Decimal(999)}, sent=dt.date(2023, 7, 15)
    )
    # Task 3's deadline falls in the next quarter: with nothing reported it is at risk.
    if tasks >= 3:
        Task.objects.filter(pk=all_tasks[2].pk).update(deadline=dt.date(2023, 8, 31))
    return Quarter(cast=cast, plan=plan, period=plan.periods.get(key="2023-Q2"))


@pytest.fixture
def quarter(cast: Cast) -> Quarter:
    return build_quarter(cast)


def grow(plan: Plan, extra: int) -> None:
    """Add `extra` tasks with targets and accepted June reports: the report's query count must not move."""
    cast_units = list(plan.tasks.values_list("lead_unit_id", flat=True)[:1])
    june = plan.periods.get(key="2023-06")
    start = plan.tasks.count()
    for i in range(start + 1, start + extra + 1):
        task = Task.objects.create(
            plan=plan,
            code=str(i),
            title=f"Nhiệm vụ thêm {i}",
            order=i,
            lead_unit_id=cast_units[0],
            deadline=dt.date(2023, 12, 31),
        )
        target = Target.objects.create(task=task, name="chỉ tiêu", unit="ha", value=Decimal(100))
        report = accept(task, june, actuals={target.pk: Decimal(50)}, sent=dt.date(2023, 6, 15))
        Obstacle.objects.create(report=report, description=f"Vướng mắc {i}")
