"""Vietnam's public holidays for any year, before the Government's yearly announcement.

Labour Code 2019, art. 112 (1): Tết Dương lịch 1/1; Tết Âm lịch 5 days; Giỗ Tổ Hùng Vương 10/3
lunar; Ngày Chiến thắng 30/4; Quốc tế Lao động 1/5; Quốc khánh 2/9 and one day next to it.
Art. 112 (3): a holiday falling on the weekly rest day is made up by a day off on the next working
day. The Government announces each year which days Tết and Quốc khánh take and may swap a working
day with a Saturday (2024: Monday 29/4 off, Saturday 4/5 worked); this module gives the baseline
the announcement usually follows, to be checked against it.

The lunar dates come from the `holidays` package's table of the Vietnamese lunisolar calendar
(UTC+7), 1901–2100. It is not the Chinese calendar (UTC+8): they part when a new moon falls
between 16:00 and 17:00 UTC, as in 1985 (Tết 21/1 in Vietnam, 20/2 in China) and 2030 (2/2
against 3/2). The package's own Vietnam class is not used for the days themselves: it already adds
Ngày Văn hóa Việt Nam (24/11) from 2026, which Resolution 80-NQ/TW announces but the Labour Code
does not hold yet; an administrator adds it to a year when the law does.

The rules, matched on the announcements of 2023–2026:
- Tết is the last day of the lunar year and mùng 1–4 (`TET_DAYS`). A Saturday among them is
  made up the working day before Tết, a Sunday the working day after: the announcements since
  2014 do so, keeping the break in one piece (2024: 8–14/2, 2025: 27/1 for Saturday 1/2).
- Quốc khánh takes the adjacent day that joins a weekend or bridges to one (the rule of the
  `holidays` package, which the announcements of 2021–2026 followed): Monday → Tuesday 3/9,
  Tuesday → Monday 1/9, Wednesday → Tuesday 1/9, Thursday → Friday 3/9, Friday → Thursday 1/9,
  Saturday → Friday 1/9, Sunday → Monday 3/9.
- Every other holiday on a Saturday or Sunday is made up on the next working day that is not
  already off (art. 112 (3)).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from holidays.calendars.chinese import VIETNAMESE_CALENDAR, _ChineseLunisolar

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "DayOff",
    "hung_kings_day",
    "lunar_new_year",
    "statutory_holidays",
]

FIRST_YEAR, LAST_YEAR = 1901, 2100  # the span of the lunisolar table
TET_DAYS = 5  # art. 112 (1) b
HOLIDAY, COMPENSATORY = "holiday", "compensatory"

_LUNAR = _ChineseLunisolar(VIETNAMESE_CALENDAR)
_ONE_DAY = dt.timedelta(days=1)
# The weekday of 2/9 → where its adjacent day falls (Monday is 0).
_NATIONAL_DAY_PARTNER = {0: +1, 1: -1, 2: -1, 3: +1, 4: -1, 5: -1, 6: +1}


class DayOff(NamedTuple):
    """One day off: `kind` is HOLIDAY (the law's own day) or COMPENSATORY (nghỉ bù)."""

    day: dt.date
    name: str
    kind: str = HOLIDAY


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"the lunar table covers {FIRST_YEAR}–{LAST_YEAR}, not {year}")


def lunar_new_year(year: int) -> dt.date:
    """Mùng 1 Tết of the lunar year that starts in `year`, on the Vietnamese calendar.

    >>> lunar_new_year(2030), lunar_new_year(1985)
    (datetime.date(2030, 2, 2), datetime.date(1985, 1, 21))
    """
    _check_year(year)
    day, _estimated = _LUNAR.lunar_new_year_date(year)
    assert day is not None
    return day


def hung_kings_day(year: int) -> dt.date:
    """Giỗ Tổ Hùng Vương, 10/3 of the lunar year that starts in `year`.

    >>> hung_kings_day(2024)
    datetime.date(2024, 4, 18)
    """
    _check_year(year)
    day, _estimated = _LUNAR.hung_kings_date(year)
    assert day is not None
    return day


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def _working_day(start: dt.date, step: dt.timedelta, off: set[dt.date]) -> dt.date:
    """The first day from `start` (excluded) in the direction of `step` that is neither weekend nor off."""
    day = start + step
    while _is_weekend(day) or day in off:
        day += step
    return day


def statutory_holidays(year: int) -> list[DayOff]:
    """The year's days off by the law's baseline, with compensatory days, in date order.

    Days of the law that fall on a weekend are listed too: they are what the compensatory day
    makes up for. Tết 2024 (Saturday 10/2, Sunday 11/2) as announced, 8–14/2:
    >>> [f"{d.day:%d/%m} {d.kind}" for d in statutory_holidays(2024) if d.day.month == 2]
    ['08/02 compensatory', '09/02 holiday', '10/02 holiday', '11/02 holiday', '12/02 holiday', '13/02 holiday', '14/02 compensatory']

    2023: 1/1 a Sunday, Giỗ Tổ on Saturday 29/4 and 30/4 a Sunday, 2/9 a Saturday:
    >>> [f"{d.day:%d/%m}" for d in statutory_holidays(2023) if d.kind == COMPENSATORY]
    ['02/01', '20/01', '26/01', '02/05', '03/05', '04/09']
    >>> [d.name for d in statutory_holidays(2023) if d.day == dt.date(2023, 9, 4)]
    ['Nghỉ bù cho Quốc khánh (2/9), thứ Bảy 02/09']
    """
    tet = lunar_new_year(year)
    law: list[DayOff] = [DayOff(dt.date(year, 1, 1), "Tết Dương lịch")]
    tet_names = ["Tết Nguyên đán (ngày cuối năm Âm lịch)"] + [
        f"Tết Nguyên đán (mùng {n})" for n in range(1, TET_DAYS)
    ]
    tet_days = [DayOff(tet + (i - 1) * _ONE_DAY, name) for i, name in enumerate(tet_names)]
    law += tet_days
    law.append(DayOff(hung_kings_day(year), "Giỗ Tổ Hùng Vương (10/3 Âm lịch)"))
    law.append(DayOff(dt.date(year, 4, 30), "Ngày Chiến thắng (30/4)"))
    law.append(DayOff(dt.date(year, 5, 1), "Ngày Quốc tế Lao động (1/5)"))
    national = dt.date(year, 9, 2)
    law.append(DayOff(national, "Quốc khánh (2/9)"))
    partner = national + _NATIONAL_DAY_PARTNER[national.weekday()] * _ONE_DAY
    law.append(DayOff(partner, "Quốc khánh (ngày liền kề)"))

    off = {d.day for d in law}
    made_up: list[DayOff] = []
    for holiday in law:
        if not _is_weekend(holiday.day):
            continue
        if holiday in tet_days and holiday.day.weekday() == 5:
            day = _working_day(tet_days[0].day, -_ONE_DAY, off)
        elif holiday in tet_days:
            day = _working_day(tet_days[-1].day, _ONE_DAY, off)
        else:
            day = _working_day(holiday.day, _ONE_DAY, off)
        off.add(day)
        weekday = "thứ Bảy" if holiday.day.weekday() == 5 else "Chủ nhật"
        name = f"Nghỉ bù cho {holiday.name}, {weekday} {holiday.day:%d/%m}"
        made_up.append(DayOff(day, name, COMPENSATORY))
    return sorted(law + made_up)
