"""Where each target will stand at its deadline, from the accepted reports so far; pure functions.

The projection is deliberately simple so a person can redo it on paper: a straight line
through the last few accepted cumulative actuals (least squares), or, with a single report,
the pace since the plan started. A target is "at risk" when that line misses the target at
the deadline, or misses a quantified milestone (`6.750 ha trong vụ Đông Xuân`) on its date.
Every verdict comes with one Vietnamese line quoting the figures it rests on.

Before any projection, `assess_target` applies two rules that need no trend: a target whose
deadline has passed below its level is at risk, whatever a line would say; and a target with
no accepted figure once a third of its window has gone (or its deadline) is "no data — cannot
judge", its own category, so silence is never counted as being on track.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

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


# What a verdict says, for counting and grouping: only AT_RISK and NO_DATA need someone's attention.
AT_RISK, NO_DATA, ON_TRACK, NOT_JUDGED = "at_risk", "no_data", "on_track", "not_judged"


@dataclass(frozen=True)
class Verdict:
    projected: Decimal | None
    at_risk: bool
    # The rules' own lines are translated lazily: one cached board serves every language.
    reason: str | Promise
    no_data: bool = False

    @property
    def kind(self) -> str:
        if self.at_risk:
            return AT_RISK
        if self.no_data:
            return NO_DATA
        return ON_TRACK if self.projected is not None else NOT_JUDGED


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


def past_a_third(*, start: dt.date, end: dt.date, today: dt.date) -> bool:
    """Has a third of the window from `start` to `end` gone by? Long enough that a unit should have
    reported something (a quarterly reporter has had at least one cut-off in a year's window).

    >>> past_a_third(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31), today=dt.date(2023, 5, 3))
    True
    >>> past_a_third(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31), today=dt.date(2023, 5, 1))
    False
    >>> past_a_third(start=dt.date(2023, 1, 1), end=dt.date(2023, 1, 1), today=dt.date(2023, 1, 1))
    True
    """
    return (today - start).days * 3 >= (end - start).days


def assess_target(
    points: list[Point],
    *,
    today: dt.date,
    comparator: str,
    value: Decimal,
    unit: str,
    start: dt.date,
    deadline: dt.date | None,
    window_end: dt.date | None = None,
    max_value: Decimal | None = None,
    change: str = "",
    baseline: Decimal | None = None,
) -> Verdict:
    """The verdict on an unfinished target as of `today`: past its deadline it is judged on what was
    reached; without figures, on how much of its window has gone; otherwise on its trend
    (`judge_target`). `window_end` stands in for a missing deadline (the plan's end).

    Past the deadline below the target: at risk, whatever the trend.

    >>> pts = [Point(dt.date(2023, 5, 14), Decimal(200)), Point(dt.date(2023, 6, 14), Decimal(400))]
    >>> args = dict(comparator=">=", value=Decimal(1000), unit="ha", start=dt.date(2023, 1, 1), deadline=dt.date(2023, 6, 30))
    >>> v = assess_target(pts, today=dt.date(2023, 7, 1), **args)
    >>> v.kind, str(v.reason)
    ('at_risk', 'Đã quá hạn, mới đạt 40%')

    Past the deadline without a figure there is nothing to compare: "no data", saying it is late.

    >>> v = assess_target([], today=dt.date(2023, 7, 1), **args)
    >>> v.kind, str(v.reason)
    ('no_data', 'Đã quá hạn, chưa có số liệu để đánh giá')
    >>> assess_target([Point(dt.date(2023, 6, 14), Decimal(1000))], today=dt.date(2023, 7, 1), **args).kind
    'on_track'

    An upper bound past its deadline is at risk when the last figure is over it.

    >>> v = assess_target([Point(dt.date(2023, 6, 14), Decimal("3.5"))], today=dt.date(2023, 7, 1),
    ...                   comparator="<=", value=Decimal(3), unit="%", start=dt.date(2023, 1, 1), deadline=dt.date(2023, 6, 30))
    >>> v.kind, str(v.reason)
    ('at_risk', 'Đã quá hạn, thực hiện 3,5% vượt mức không quá 3%')

    No figures once a third of the window has gone: its own category, never "on track".

    >>> args["deadline"] = dt.date(2023, 12, 31)
    >>> v = assess_target([], today=dt.date(2023, 7, 1), **args)
    >>> v.kind, str(v.reason)
    ('no_data', 'Chưa có số liệu sau 1/3 thời gian thực hiện')
    >>> v = assess_target([], today=dt.date(2023, 3, 1), **args)
    >>> v.kind, str(v.reason)
    ('not_judged', 'Chưa có số liệu; chưa hết 1/3 thời gian thực hiện')

    With figures and time left, the trend decides (`judge_target`): 200 ha a month reaches 1.000 ha.

    >>> assess_target(pts, today=dt.date(2023, 7, 1), **args).kind
    'on_track'
    """
    if deadline is not None and today > deadline:
        last = max(points, key=lambda p: p.day) if points else None
        if last is None:
            return Verdict(None, False, _("Đã quá hạn, chưa có số liệu để đánh giá"), no_data=True)
        level = attainment(
            comparator=comparator,
            value=value,
            actual=last.value,
            max_value=max_value,
            change=change,
            baseline=baseline,
        )
        missed = level is not None and level < 100
        if comparator in ("<=", "<"):
            if not missed:
                return Verdict(last.value, False, _("Đã hết hạn, thực hiện trong mức"))
            line = (
                _("Đã quá hạn, thực hiện {actual} vượt mức không quá {target}")
                if comparator == "<="
                else _("Đã quá hạn, thực hiện {actual}, không dưới {target}")
            )
            return Verdict(
                last.value,
                True,
                format_lazy(line, actual=_figure(last.value, unit), target=_figure(value, unit)),
            )
        if not missed:
            return Verdict(last.value, False, _("Đã hết hạn, chỉ tiêu đã đạt"))
        return Verdict(
            last.value,
            True,
            format_lazy(
                _("Đã quá hạn, mới đạt {share}%"), share=format_vn(level, 0) if level is not None else "0"
            ),
        )
    if not points:
        end = deadline or window_end
        if end is not None and past_a_third(start=start, end=end, today=today):
            return Verdict(None, False, _("Chưa có số liệu sau 1/3 thời gian thực hiện"), no_data=True)
        return Verdict(None, False, _("Chưa có số liệu; chưa hết 1/3 thời gian thực hiện"))
    return judge_target(
        points,
        comparator=comparator,
        value=value,
        unit=unit,
        start=start,
        deadline=deadline,
        max_value=max_value,
        change=change,
        baseline=baseline,
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
