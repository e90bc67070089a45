"""The forecast's rules as a table: past the deadline it judges what was reached, without figures how
much time has gone, otherwise the trend; each verdict with its kind and the line a person reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from nhiemvu.reporting import forecast
from nhiemvu.reporting.forecast import Point

START = dt.date(2023, 1, 1)
MID_YEAR = dt.date(2023, 6, 30)
YEAR_END = dt.date(2023, 12, 31)
HALF = [Point(dt.date(2023, 5, 14), Decimal(400)), Point(dt.date(2023, 6, 14), Decimal(500))]
FULL = [Point(dt.date(2023, 6, 14), Decimal(1000))]

CASES = [
    # (figures, today, comparator, value, deadline, window end, kind, reason)
    (HALF, dt.date(2023, 7, 1), ">=", 1000, MID_YEAR, None, "at_risk", "Đã quá hạn, mới đạt 50%"),
    (
        [],
        dt.date(2023, 7, 1),
        ">=",
        1000,
        MID_YEAR,
        None,
        "no_data",  # nothing to compare: shown as "no data", saying it is late
        "Đã quá hạn, chưa có số liệu để đánh giá",
    ),
    (FULL, dt.date(2023, 7, 1), ">=", 1000, MID_YEAR, None, "on_track", "Đã hết hạn, chỉ tiêu đã đạt"),
    (
        [Point(dt.date(2023, 6, 14), Decimal(4))],
        dt.date(2023, 7, 1),
        "<=",
        3,
        MID_YEAR,
        None,
        "at_risk",
        "Đã quá hạn, thực hiện 4 ha vượt mức không quá 3 ha",
    ),
    (
        [Point(dt.date(2023, 6, 14), Decimal(2))],
        dt.date(2023, 7, 1),
        "<=",
        3,
        MID_YEAR,
        None,
        "on_track",
        "Đã hết hạn, thực hiện trong mức",
    ),
    # No figures: a third of 1/1–31/12 is gone on 3 May, not on 1 May.
    (
        [],
        dt.date(2023, 5, 3),
        ">=",
        1000,
        YEAR_END,
        None,
        "no_data",
        "Chưa có số liệu sau 1/3 thời gian thực hiện",
    ),
    (
        [],
        dt.date(2023, 5, 1),
        ">=",
        1000,
        YEAR_END,
        None,
        "not_judged",
        "Chưa có số liệu; chưa hết 1/3 thời gian thực hiện",
    ),
    # No deadline: the plan's end bounds the window instead.
    (
        [],
        dt.date(2023, 7, 1),
        ">=",
        1000,
        None,
        YEAR_END,
        "no_data",
        "Chưa có số liệu sau 1/3 thời gian thực hiện",
    ),
    (
        HALF,
        dt.date(2023, 7, 1),
        ">=",
        1000,
        None,
        YEAR_END,
        "not_judged",
        "Không có thời hạn hoàn thành để dự báo",
    ),
    # Time left and figures: the trend decides (100 ha a month from 500 ha on 14/06: 1.145 ha by 31/12).
    (
        HALF,
        dt.date(2023, 7, 1),
        ">=",
        2000,
        YEAR_END,
        None,
        "at_risk",
        "Dự báo 1.145/2.000 ha (57%) đến 31/12/2023 theo xu hướng 2 kỳ gần nhất",
    ),
    (
        HALF,
        dt.date(2023, 7, 1),
        ">=",
        1000,
        YEAR_END,
        None,
        "on_track",
        "Dự báo 1.145/1.000 ha (115%) đến 31/12/2023 theo xu hướng 2 kỳ gần nhất",
    ),
]


@pytest.mark.parametrize(
    ("points", "today", "comparator", "value", "deadline", "window_end", "kind", "reason"), CASES
)
def test_each_target_gets_its_kind_and_a_line_saying_which(
    points, today, comparator, value, deadline, window_end, kind, reason
) -> None:
    verdict = forecast.assess_target(
        points,
        today=today,
        comparator=comparator,
        value=Decimal(value),
        unit="ha",
        start=START,
        deadline=deadline,
        window_end=window_end,
    )
    assert (verdict.kind, str(verdict.reason)) == (kind, reason)
    assert verdict.at_risk == (kind == "at_risk") and verdict.no_data == (kind == "no_data")


def test_the_lines_of_the_rules_are_translated_when_shown_in_english() -> None:
    from django.utils import translation

    verdict = forecast.assess_target(
        HALF,
        today=dt.date(2023, 7, 1),
        comparator=">=",
        value=Decimal(1000),
        unit="ha",
        start=START,
        deadline=MID_YEAR,
    )
    with translation.override("en"):
        assert str(verdict.reason) == "Past the deadline, only 50% reached"
    with translation.override("vi"):
        assert str(verdict.reason) == "Đã quá hạn, mới đạt 50%"
