"""Task status in the categories of QĐ 42/2014/QĐ-TTg, target attainment and milestone status.

Pure functions over plain values, so the same rules serve pages, the consolidated report and
the API, and are tested as tables.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)


class TaskStatus(models.TextChoices):
    COMPLETED_ON_TIME = "completed_on_time", _("Hoàn thành đúng hạn")
    COMPLETED_LATE = "completed_late", _("Hoàn thành quá hạn")
    IN_PROGRESS = "in_progress", _("Đang thực hiện trong hạn")
    OVERDUE = "overdue", _("Đang thực hiện quá hạn")
    NOT_STARTED = "not_started", _("Chưa triển khai")


# What "done" means for a task, everywhere: completed, on time or late.
DONE = (TaskStatus.COMPLETED_ON_TIME, TaskStatus.COMPLETED_LATE)


class MilestoneStatus(models.TextChoices):
    MET = "met", _("Đã đạt")
    MISSED = "missed", _("Quá hạn chưa đạt")
    DUE = "due", _("Chưa đến hạn")
    UNDATED = "undated", _("Không ghi thời hạn")


def task_status(
    *, deadline: dt.date | None, today: dt.date, completed_on: dt.date | None, started: bool
) -> TaskStatus:
    """The government's category for a task.

    `completed_on` and `started` come from the task's accepted reports only: what a unit
    claims in a draft does not count until Planning-Finance accepts it.

    >>> d = dt.date(2023, 12, 31)
    >>> task_status(deadline=d, today=dt.date(2024, 1, 5), completed_on=dt.date(2023, 12, 20), started=True).value
    'completed_on_time'
    >>> task_status(deadline=d, today=dt.date(2024, 1, 5), completed_on=dt.date(2024, 1, 3), started=True).value
    'completed_late'
    >>> task_status(deadline=d, today=dt.date(2023, 6, 1), completed_on=None, started=True).value
    'in_progress'
    >>> task_status(deadline=d, today=dt.date(2024, 1, 1), completed_on=None, started=True).value
    'overdue'
    >>> task_status(deadline=d, today=dt.date(2023, 6, 1), completed_on=None, started=False).value
    'not_started'
    >>> task_status(deadline=d, today=dt.date(2024, 1, 1), completed_on=None, started=False).value
    'overdue'
    >>> task_status(deadline=None, today=dt.date(2030, 1, 1), completed_on=None, started=True).value
    'in_progress'
    """
    if completed_on is not None:
        if deadline is None or completed_on <= deadline:
            return TaskStatus.COMPLETED_ON_TIME
        return TaskStatus.COMPLETED_LATE
    if deadline is not None and today > deadline:
        return TaskStatus.OVERDUE
    return TaskStatus.IN_PROGRESS if started else TaskStatus.NOT_STARTED


SHORT_OF_STRICT_BOUND = Decimal("99.9")  # on a strict bound (<, >): short by the least step shown


def attainment(
    *,
    comparator: str,
    value: Decimal,
    actual: Decimal | None,
    max_value: Decimal | None = None,
    change: str = "",
    baseline: Decimal | None = None,
) -> Decimal | None:
    """How far an actual has come towards its target, in percent (not capped: 120 means exceeded).

    Upper-bound targets (`≤`, `<`: "không quá 3%") are attained while the actual stays under
    the bound and fall off in proportion above it. A range is attained from its lower bound.
    A relative target (`giảm 10% so với năm 2023`) takes the actual as the measured level when a
    baseline is known, else as the change already achieved, in the target's unit.

    >>> attainment(comparator="=", value=Decimal(9000), actual=Decimal(6750))
    Decimal('75.0')
    >>> attainment(comparator=">=", value=Decimal("64.2"), actual=Decimal("64.2"))
    Decimal('100.0')
    >>> attainment(comparator="<=", value=Decimal(3), actual=Decimal(2))
    Decimal('100.0')
    >>> attainment(comparator="<=", value=Decimal(3), actual=Decimal(6))
    Decimal('50.0')
    >>> attainment(comparator="range", value=Decimal(5), max_value=Decimal(7), actual=Decimal(4))
    Decimal('80.0')
    >>> attainment(comparator=">=", value=Decimal(40), actual=Decimal(20), change="decrease")
    Decimal('50.0')
    >>> attainment(comparator="=", value=Decimal(10), actual=Decimal(95), change="decrease", baseline=Decimal(100))
    Decimal('50.0')
    >>> attainment(comparator="=", value=Decimal(10), actual=Decimal(105), change="decrease", baseline=Decimal(100))
    Decimal('0.0')
    >>> attainment(comparator="=", value=Decimal(10), actual=None) is None
    True

    A strict bound is not reached by standing on it: "dưới 5%" at exactly 5 %, "trên 1.000ha" at
    exactly 1.000 ha are short by the least step shown.

    >>> attainment(comparator="<", value=Decimal(5), actual=Decimal(5))
    Decimal('99.9')
    >>> attainment(comparator="<", value=Decimal(5), actual=Decimal("4.9"))
    Decimal('100.0')
    >>> attainment(comparator=">", value=Decimal(1000), actual=Decimal(1000))
    Decimal('99.9')
    >>> attainment(comparator=">", value=Decimal(1000), actual=Decimal(1001))
    Decimal('100.1')
    """
    if actual is None:
        return None
    if change and baseline is not None and baseline != 0:
        achieved = (baseline - actual) if change == "decrease" else (actual - baseline)
        # Moving the wrong way is no progress at all, not negative progress.
        actual = max(achieved, Decimal(0)) / baseline * HUNDRED
    if comparator in (">", "<") and actual == value:
        return SHORT_OF_STRICT_BOUND
    if comparator in ("<=", "<"):
        if actual <= value:
            return Decimal("100.0")
        return (value / actual * HUNDRED).quantize(Decimal("0.1"))
    if value == 0:
        return Decimal("100.0")
    return (actual / value * HUNDRED).quantize(Decimal("0.1"))


def milestone_status(*, due: dt.date | None, met: bool, today: dt.date) -> MilestoneStatus:
    """
    >>> milestone_status(due=dt.date(2023, 6, 30), met=False, today=dt.date(2023, 7, 1)).value
    'missed'
    >>> milestone_status(due=dt.date(2023, 6, 30), met=True, today=dt.date(2023, 7, 1)).value
    'met'
    >>> milestone_status(due=None, met=False, today=dt.date(2023, 7, 1)).value
    'undated'
    """
    if met:
        return MilestoneStatus.MET
    if due is None:
        return MilestoneStatus.UNDATED
    return MilestoneStatus.MISSED if today > due else MilestoneStatus.DUE
