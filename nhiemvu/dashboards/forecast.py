"""Where each target will stand at its deadline, from the accepted reports so far; pure functions.

The projection is deliberately simple so a person can redo it on paper: a straight line
through the last few accepted cumulative actuals (least squares), or, with a single report,
the pace since the plan started. A target is "at risk" when that line misses the target at
the deadline, or misses a quantified milestone (`6.750 ha trong vụ Đông Xuân`) on its date.
Every verdict comes with one Vietnamese line quoting the figures it rests on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from nhiemvu.lib.vnnumbers import format_vn
from nhiemvu.reporting.status import attainment

# Enough points to see a trend, few enough that a change of pace shows within a quarter.
TREND_WINDOW = 3


@dataclass(frozen=True)
class Point:
    """An accepted cumulative actual at a period's cut-off."""

    day: dt.date
    value: Decimal


@dataclass(frozen=True)
class Projection:
    value: Decimal
    basis: str  # the Vietnamese phrase saying what the line was drawn through


@dataclass(frozen=True)
class Verdict:
    projected: Decimal | None
    at_risk: bool
    reason: str


def vn_day(day: dt.date) -> str:
    """A date as Vietnamese tables write it.

    >>> vn_day(dt.date(2023, 1, 5))
    '05/01/2023'
    """
    return f"{day:%d/%m/%Y}"


def project(
    points: list[Point], *, start: dt.date, until: dt.date, window: int = TREND_WINDOW
) -> Projection | None:
    """The value the trend of the last `window` points reaches on `until` (never below 0).

    >>> pts = [Point(dt.date(2023, 3, 14), Decimal(1500)), Point(dt.date(2023, 4, 14), Decimal(2000)),
    ...        Point(dt.date(2023, 5, 14), Decimal(2500))]
    >>> p = project(pts, start=dt.date(2023, 1, 1), until=dt.date(2023, 12, 31))
    >>> round(p.value), p.basis
    (6284, 'theo xu hướng 3 kỳ gần nhất')

    One point: a straight line from 0 on the plan's first day.

    >>> p = project([Point(dt.date(2023, 7, 2), Decimal(900))], start=dt.date(2023, 1, 1), until=dt.date(2023, 12, 31))
    >>> round(p.value), p.basis
    (1800, 'theo tốc độ từ đầu kế hoạch đến 02/07/2023')
    >>> project([], start=dt.date(2023, 1, 1), until=dt.date(2023, 12, 31)) is None
    True

    A point on or after the date is the answer itself, not a projection.

    >>> project(pts, start=dt.date(2023, 1, 1), until=dt.date(2023, 4, 30)).value
    Decimal('2000')
    """
    if not points:
        return None
    points = sorted(points, key=lambda p: p.day)
    reached = [p for p in points if p.day <= until]
    if reached and (reached[-1].day == until or len(reached) < len(points)):
        return Projection(reached[-1].value, f"theo số liệu đến {vn_day(reached[-1].day)}")
    recent = points[-window:]
    if len(recent) == 1:
        only = recent[0]
        elapsed = (only.day - start).days
        if elapsed <= 0:
            return Projection(only.value, f"theo số liệu đến {vn_day(only.day)}")
        rate = float(only.value) / elapsed
        value = rate * (until - start).days
        return Projection(_dec(value), f"theo tốc độ từ đầu kế hoạch đến {vn_day(only.day)}")
    xs = [(p.day - recent[0].day).days for p in recent]
    ys = [float(p.value) for p in recent]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0
    value = mean_y + slope * ((until - recent[0].day).days - mean_x)
    return Projection(_dec(max(value, 0.0)), f"theo xu hướng {n} kỳ gần nhất")


def _dec(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _figure(value: Decimal, unit: str, *, rounded: bool = False) -> str:
    """A figure with its unit; projections are rounded (a forecast has no business showing cents).

    >>> _figure(Decimal("3.8571"), "%", rounded=True), _figure(Decimal(9000), "ha"), _figure(Decimal("64.2"), "%")
    ('3,9%', '9.000 ha', '64,2%')
    """
    shown = format_vn(value, 0 if abs(value) >= 100 else 1) if rounded else format_vn(value)
    return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}".strip()


def judge_target(
    points: list[Point],
    *,
    comparator: str,
    value: Decimal,
    unit: str,
    start: dt.date,
    deadline: dt.date | None,
    max_value: Decimal | None = None,
    change: str = "",
    baseline: Decimal | None = None,
) -> Verdict:
    """Will this target be met at the deadline? Comparators are honoured (a `≤` bound is missed by going above).

    >>> pts = [Point(dt.date(2023, 3, 14), Decimal(1500)), Point(dt.date(2023, 4, 14), Decimal(2000)),
    ...        Point(dt.date(2023, 5, 14), Decimal(2500))]
    >>> v = judge_target(pts, comparator="=", value=Decimal(9000), unit="ha", start=dt.date(2023, 1, 1), deadline=dt.date(2023, 12, 31))
    >>> v.at_risk, v.reason
    (True, 'Dự báo 6.284/9.000 ha (70%) đến 31/12/2023 theo xu hướng 3 kỳ gần nhất')
    >>> v = judge_target(pts, comparator=">=", value=Decimal(6000), unit="ha", start=dt.date(2023, 1, 1), deadline=dt.date(2023, 12, 31))
    >>> v.at_risk, v.reason
    (False, 'Dự báo 6.284/6.000 ha (105%) đến 31/12/2023 theo xu hướng 3 kỳ gần nhất')

    An upper bound (`không quá 3%`) is at risk when the line climbs over it:

    >>> rising = [Point(dt.date(2023, 3, 14), Decimal("2.0")), Point(dt.date(2023, 6, 14), Decimal("2.6"))]
    >>> judge_target(rising, comparator="<=", value=Decimal(3), unit="%", start=dt.date(2023, 1, 1), deadline=dt.date(2023, 12, 31)).reason
    'Dự báo 3,9% vượt mức không quá 3% đến 31/12/2023 theo xu hướng 2 kỳ gần nhất'

    No figures yet, or no deadline: said so, not guessed.

    >>> judge_target([], comparator="=", value=Decimal(10), unit="km", start=dt.date(2023, 1, 1), deadline=dt.date(2023, 12, 31)).reason
    'Chưa có số liệu được chấp nhận để dự báo'
    >>> judge_target(pts, comparator="=", value=Decimal(10), unit="km", start=dt.date(2023, 1, 1), deadline=None).reason
    'Không có thời hạn hoàn thành để dự báo'
    """
    if deadline is None:
        return Verdict(None, False, "Không có thời hạn hoàn thành để dự báo")
    projection = project(points, start=start, until=deadline)
    if projection is None:
        return Verdict(None, False, "Chưa có số liệu được chấp nhận để dự báo")
    level = attainment(
        comparator=comparator,
        value=value,
        actual=projection.value,
        max_value=max_value,
        change=change,
        baseline=baseline,
    )
    strict_miss = comparator == "<" and projection.value >= value
    at_risk = (level is not None and level < 100) or strict_miss
    when = f"đến {vn_day(deadline)} {projection.basis}"
    if comparator in ("<=", "<"):
        bound = "không quá" if comparator == "<=" else "dưới"
        verb = "vượt mức" if at_risk else "trong mức"
        return Verdict(
            projection.value,
            at_risk,
            f"Dự báo {_figure(projection.value, unit, rounded=True)} {verb} {bound} {_figure(value, unit)} {when}",
        )
    share = f" ({format_vn(level, 0)}%)" if level is not None else ""
    return Verdict(
        projection.value,
        at_risk,
        f"Dự báo {format_vn(projection.value, 0 if projection.value >= 100 else 1)}/{_figure(value, unit)}{share} {when}",
    )


def judge_checkpoint(
    points: list[Point], *, value: Decimal, unit: str, due: dt.date | None, start: dt.date, text: str
) -> Verdict:
    """A milestone with a quantity (`6.750 ha` by the end of the spring–summer season) as an intermediate target.

    >>> pts = [Point(dt.date(2023, 3, 14), Decimal(3000)), Point(dt.date(2023, 4, 14), Decimal(4000))]
    >>> v = judge_checkpoint(pts, value=Decimal(6750), unit="ha", due=dt.date(2023, 5, 31), start=dt.date(2023, 1, 1), text="vụ Đông Xuân")
    >>> v.at_risk, v.reason
    (True, 'Mốc vụ Đông Xuân: dự báo 5.516/6.750 ha (82%) đến 31/05/2023 theo xu hướng 2 kỳ gần nhất')

    A season the plan names without a date can't be checked; the line says so instead of guessing.

    >>> judge_checkpoint(pts, value=Decimal(6750), unit="ha", due=None, start=dt.date(2023, 1, 1), text="vụ Hè Thu").reason
    'Mốc vụ Hè Thu (6.750 ha): chưa rõ thời điểm kết thúc vụ, chưa kiểm tra được'
    """
    if due is None:
        return Verdict(
            None,
            False,
            f"Mốc {text} ({_figure(value, unit)}): chưa rõ thời điểm kết thúc vụ, chưa kiểm tra được",
        )
    projection = project(points, start=start, until=due)
    if projection is None:
        return Verdict(None, False, f"Mốc {text} ({_figure(value, unit)}): chưa có số liệu")
    level = attainment(comparator=">=", value=value, actual=projection.value)
    at_risk = level is not None and level < 100
    return Verdict(
        projection.value,
        at_risk,
        f"Mốc {text}: dự báo {format_vn(projection.value, 0)}/{_figure(value, unit)} ({format_vn(level, 0)}%) "
        f"đến {vn_day(due)} {projection.basis}",
    )


def planned_share(*, start: dt.date, deadline: dt.date | None, day: dt.date) -> float:
    """The share of a target the plan's straight trajectory expects by `day` (0..1).

    >>> planned_share(start=dt.date(2023, 1, 1), deadline=dt.date(2023, 12, 31), day=dt.date(2023, 7, 2))
    0.5
    >>> planned_share(start=dt.date(2023, 1, 1), deadline=None, day=dt.date(2023, 7, 2))
    0.0
    """
    if deadline is None or deadline <= start:
        return 0.0 if deadline is None else 1.0
    share = (day - start).days / (deadline - start).days
    return round(min(max(share, 0.0), 1.0), 4)
