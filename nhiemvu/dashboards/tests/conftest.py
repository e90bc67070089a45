"""A plan of the test cast with monthly accepted reports: some tasks on pace, some behind, one overdue."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from decimal import Decimal

import pytest

from nhiemvu.plans.models import Milestone, Plan, Task
from nhiemvu.reporting.models import Obstacle, ProgressReport, ReportStatus, TargetValue
from nhiemvu.reporting.services import periods_generate
from nhiemvu.testing import Cast, make_plan

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# 1 July 2023: the May report (15/4–14/5) and the June report (15/5–14/6) are in.
TODAY = dt.datetime(2023, 7, 1, 9, tzinfo=HANOI)


def build_plan(cast: Cast, tasks: int) -> Plan:
    """Tasks report Jan–Jun; even-numbered tasks move at half pace, task 1 was due 30/06 and is overdue."""
    plan = make_plan(cast, tasks=tasks)
    periods_generate(plan=plan)
    months = list(
        plan.periods.filter(frequency="monthly", ends_on__lte=dt.date(2023, 6, 14)).order_by("ends_on")
    )
    plan.tasks.filter(code="1").update(deadline=dt.date(2023, 6, 30))
    reports = []
    for task in plan.tasks.order_by("order"):
        pace = Decimal("0.5") if task.order % 2 == 0 else Decimal(1)
        assert task.lead_unit_id is not None  # make_plan gives every task a lead unit
        for month in months:
            reports.append(
                ProgressReport(
                    task=task,
                    period=month,
                    organisation_id=task.lead_unit_id,
                    status=ReportStatus.ACCEPTED,
                    percent_done=Decimal(month.ends_on.month * 8),
                    narrative="Đang triển khai.",
                    submitted_at=dt.datetime(2023, month.ends_on.month, 15, 9, tzinfo=HANOI),
                )
            )
    reports = ProgressReport.objects.bulk_create(reports)
    values = []
    for report in reports:
        pace = Decimal("0.5") if report.task.order % 2 == 0 else Decimal(1)
        for target in report.task.targets.all():
            values.append(
                TargetValue(
                    report=report,
                    target=target,
                    actual=target.value * pace * report.period.ends_on.month / 12,
                )
            )
    TargetValue.objects.bulk_create(values)
    Obstacle.objects.create(
        report=reports[-1], description="Thiếu mặt bằng để trồng rừng", addressed_to="UBND huyện"
    )
    return plan


def build_mixed_plan(cast: Cast) -> Plan:
    """Eight tasks in every state a dashboard counts, as of TODAY (1 July 2023):

    1 overdue at half its first target, no figure for its second · 2 behind its trend · 3 on pace, no leader · 4 behind, no lead unit
    · 5 finished on 10/06 · 6 reports without figures, due 25/07 · 7 no report at all, no leader · 8
    without targets, overdue at 48 % done, with the open obstacle. 3 also has a milestone on 20/07.
    """
    plan = build_plan(cast, 8)
    tasks = {t.code: t for t in plan.tasks.all()}
    Task.objects.filter(pk__in=[tasks["3"].pk, tasks["7"].pk]).update(leader=None)
    Task.objects.filter(pk=tasks["4"].pk).update(lead_unit=None)
    ProgressReport.objects.filter(task=tasks["5"], period__key="2023-06").update(
        completed_on=dt.date(2023, 6, 10)
    )
    TargetValue.objects.filter(report__task=tasks["6"]).delete()
    TargetValue.objects.filter(target__task=tasks["1"], target__order=1).delete()
    ProgressReport.objects.filter(task=tasks["7"]).delete()
    Task.objects.filter(pk=tasks["6"].pk).update(deadline=dt.date(2023, 7, 25))
    Milestone.objects.create(task=tasks["3"], due=dt.date(2023, 7, 20), text="nghiệm thu đợt 1", order=1)
    Task.objects.filter(pk=tasks["8"].pk).update(deadline=dt.date(2023, 6, 20))
    tasks["8"].targets.all().delete()
    return plan


@pytest.fixture
def plan_of(cast: Cast) -> Callable[[int], Plan]:
    return lambda tasks: build_plan(cast, tasks)


@pytest.fixture
def today():
    import time_machine

    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Frozen time makes equal stamps across tests likely: start every test with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def overview_body_key(user: object) -> str:
    """Where the overview's body is cached for `user` today, in Vietnamese (`views.body_key`)."""
    from django.utils import timezone

    from nhiemvu.dashboards import views
    from nhiemvu.dashboards.selectors import Filters, PageScope
    from nhiemvu.organisations.selectors import access_scope

    return views.body_key(
        Filters(),
        page=PageScope("overview"),
        scope=access_scope(user),  # type: ignore[arg-type]
        today=timezone.localdate(),
        language="vi",
    )
