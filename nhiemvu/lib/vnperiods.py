"""Reporting periods of Decree 09/2019/NĐ-CP and working days.

The decree fixes statistical cut-offs so that a report can be compiled and sent before the
month ends: a monthly report covers the 15th of the previous month to the 14th; a quarter runs
from the 15th of the month before it to the 14th of its last month; the half-years 15/12–14/6
and 15/6–14/12; the year 15/12 of the previous year to 14/12.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = [
    "FREQUENCIES",
    "ReportingWindow",
    "add_working_days",
    "is_working_day",
    "period_label",
    "windows_for_year",
]

FREQUENCIES = ("monthly", "quarterly", "half-yearly", "yearly")
ROMAN = ("I", "II", "III", "IV")
CUT_OFF_DAY = 14


@dataclass(frozen=True)
class ReportingWindow:
    """One period to report on: `key` is stable (`2023-Q2`), `label` is what people read."""

    frequency: str
    key: str
    label: str
    starts_on: dt.date
    ends_on: dt.date


def _start_after_cut_off(year: int, month: int) -> dt.date:
    """The day after the cut-off of `month`, i.e. the 15th; month 0 is December of the year before.

    >>> _start_after_cut_off(2023, 0)
    datetime.date(2022, 12, 15)
    """
    if month == 0:
        return dt.date(year - 1, 12, CUT_OFF_DAY + 1)
    return dt.date(year, month, CUT_OFF_DAY + 1)


def period_label(frequency: str, year: int, index: int = 1) -> str:
    """How a period is named in Vietnamese reports.

    >>> period_label("monthly", 2023, 1)
    'Tháng 01/2023'
    >>> period_label("quarterly", 2023, 2)
    'Quý II/2023'
    >>> period_label("half-yearly", 2023, 2)
    '6 tháng cuối năm 2023'
    >>> period_label("yearly", 2023)
    'Năm 2023'
    """
    if frequency == "monthly":
        return f"Tháng {index:02d}/{year}"
    if frequency == "quarterly":
        return f"Quý {ROMAN[index - 1]}/{year}"
    if frequency == "half-yearly":
        return f"6 tháng {'đầu' if index == 1 else 'cuối'} năm {year}"
    if frequency == "yearly":
        return f"Năm {year}"
    raise ValueError(f"unknown frequency {frequency!r}")


def windows_for_year(frequency: str, year: int) -> list[ReportingWindow]:
    """Every period of one frequency in a plan year, with the decree's cut-offs.

    >>> [(w.key, w.starts_on.isoformat(), w.ends_on.isoformat()) for w in windows_for_year("quarterly", 2023)][:2]
    [('2023-Q1', '2022-12-15', '2023-03-14'), ('2023-Q2', '2023-03-15', '2023-06-14')]
    >>> w = windows_for_year("monthly", 2023)[0]
    >>> (w.key, w.starts_on.isoformat(), w.ends_on.isoformat())
    ('2023-01', '2022-12-15', '2023-01-14')
    >>> [(w.key, w.starts_on.isoformat(), w.ends_on.isoformat()) for w in windows_for_year("half-yearly", 2023)]
    [('2023-H1', '2022-12-15', '2023-06-14'), ('2023-H2', '2023-06-15', '2023-12-14')]
    >>> [(w.key, w.starts_on.isoformat(), w.ends_on.isoformat()) for w in windows_for_year("yearly", 2023)]
    [('2023', '2022-12-15', '2023-12-14')]
    """
    if frequency == "monthly":
        return [
            ReportingWindow(
                frequency,
                f"{year}-{m:02d}",
                period_label(frequency, year, m),
                _start_after_cut_off(year, m - 1),
                dt.date(year, m, CUT_OFF_DAY),
            )
            for m in range(1, 13)
        ]
    if frequency == "quarterly":
        return [
            ReportingWindow(
                frequency,
                f"{year}-Q{q}",
                period_label(frequency, year, q),
                _start_after_cut_off(year, 3 * q - 3),
                dt.date(year, 3 * q, CUT_OFF_DAY),
            )
            for q in range(1, 5)
        ]
    if frequency == "half-yearly":
        return [
            ReportingWindow(
                frequency,
                f"{year}-H{h}",
                period_label(frequency, year, h),
                _start_after_cut_off(year, 6 * h - 6),
                dt.date(year, 6 * h, CUT_OFF_DAY),
            )
            for h in (1, 2)
        ]
    if frequency == "yearly":
        return [
            ReportingWindow(
                frequency,
                str(year),
                period_label(frequency, year),
                _start_after_cut_off(year, 0),
                dt.date(year, 12, 14),
            )
        ]
    raise ValueError(f"unknown frequency {frequency!r}")


def is_working_day(
    day: dt.date,
    holidays: Iterable[dt.date] | set[dt.date] = (),
    workdays: Iterable[dt.date] | set[dt.date] = (),
) -> bool:
    """Monday to Friday and not a public holiday, or a Saturday the Government made a working day.

    >>> is_working_day(dt.date(2023, 1, 23), {dt.date(2023, 1, 23)})   # Tết
    False
    >>> is_working_day(dt.date(2023, 1, 14))   # a Saturday
    False
    >>> is_working_day(dt.date(2024, 5, 4), workdays={dt.date(2024, 5, 4)})   # worked for Monday 29/4
    True
    """
    off = holidays if isinstance(holidays, set) else set(holidays)
    if day in off:
        return False
    worked = workdays if isinstance(workdays, set) else set(workdays)
    return day.weekday() < 5 or day in worked


def working_days_after(
    start: dt.date, holidays: set[dt.date], workdays: set[dt.date] | None = None
) -> Iterator[dt.date]:
    worked = workdays or set()
    day = start
    while True:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays, worked):
            yield day


def add_working_days(
    start: dt.date, count: int, holidays: Iterable[dt.date] = (), workdays: Iterable[dt.date] = ()
) -> dt.date:
    """The `count`-th working day after `start` (0 gives `start` itself); `workdays` are the
    Saturdays (or Sundays) the Government made working days in exchange for a day off.

    The cut-off of January 2023's report is Saturday 14/1; two working days later is Tuesday 17/1:
    >>> add_working_days(dt.date(2023, 1, 14), 2)
    datetime.date(2023, 1, 17)

    Tết 2024 (8–14/2) pushes February's send-by date past the holiday:
    >>> tet = {dt.date(2024, 2, d) for d in range(8, 15)}
    >>> add_working_days(dt.date(2024, 2, 14), 2, tet)
    datetime.date(2024, 2, 16)
    >>> add_working_days(dt.date(2024, 2, 7), 2, tet)
    datetime.date(2024, 2, 16)

    In 2024 Monday 29/4 was swapped with Saturday 4/5: two working days after Thursday 2/5 is
    Saturday 4/5, not Monday 6/5:
    >>> add_working_days(dt.date(2024, 5, 2), 2, {dt.date(2024, 4, 29)}, {dt.date(2024, 5, 4)})
    datetime.date(2024, 5, 4)
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return start
    off = set(holidays)
    days = working_days_after(start, off, set(workdays))
    day = start
    for _ in range(count):
        day = next(days)
    return day


def working_days_between(
    start: dt.date, end: dt.date, holidays: Iterable[dt.date] = (), workdays: Iterable[dt.date] = ()
) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start).

    >>> working_days_between(dt.date(2023, 6, 2), dt.date(2023, 6, 9))
    5
    """
    off, worked = set(holidays), set(workdays)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, off, worked):
            count += 1
    return count
