"""The lunar holidays and the law's baseline, as tables of examples.

Developed on: the published days of 2023–2026 (the announcements, and the holiday table nhiemvu
shipped with). Evaluated on: 2027–2030, computed, and cross-checked for every year of the table
against a second, independent method, Hồ Ngọc Đức's astronomical algorithm for the Vietnamese
calendar (new moons and solar terms at UTC+7), written out below.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from nhiemvu.lib.vnholidays import (
    COMPENSATORY,
    FIRST_YEAR,
    LAST_YEAR,
    hung_kings_day,
    lunar_new_year,
    statutory_holidays,
)
from nhiemvu.lib.vnperiods import add_working_days, is_working_day, working_days_between

D = dt.date

# Mùng 1 Tết and Giỗ Tổ Hùng Vương (10/3 lunar) as the Government announced them.
PUBLISHED = [
    (2023, D(2023, 1, 22), D(2023, 4, 29)),
    (2024, D(2024, 2, 10), D(2024, 4, 18)),
    (2025, D(2025, 1, 29), D(2025, 4, 7)),
    (2026, D(2026, 2, 17), D(2026, 4, 26)),
]
# Computed here and by Hồ Ngọc Đức's algorithm; 2030 is a year the Chinese calendar has 3/2.
COMPUTED = [
    (2027, D(2027, 2, 6), D(2027, 4, 16)),
    (2028, D(2028, 1, 26), D(2028, 4, 4)),
    (2029, D(2029, 2, 13), D(2029, 4, 23)),
    (2030, D(2030, 2, 2), D(2030, 4, 12)),
]


@pytest.mark.parametrize(("year", "tet", "hung_kings"), PUBLISHED + COMPUTED)
def test_tet_and_hung_kings_day_fall_on_the_vietnamese_calendars_dates(
    year: int, tet: dt.date, hung_kings: dt.date
) -> None:
    assert lunar_new_year(year) == tet
    assert hung_kings_day(year) == hung_kings


@pytest.mark.parametrize(
    ("year", "vietnam", "china"),
    [
        (1985, D(1985, 1, 21), D(1985, 2, 20)),  # a whole month apart (a leap month placed differently)
        (2007, D(2007, 2, 17), D(2007, 2, 18)),
        (2030, D(2030, 2, 2), D(2030, 2, 3)),
    ],
)
def test_it_reads_the_vietnamese_calendar_not_the_chinese_one(
    year: int, vietnam: dt.date, china: dt.date
) -> None:
    from holidays.calendars.chinese import CHINESE_CALENDAR, _ChineseLunisolar

    assert lunar_new_year(year) == vietnam
    assert _ChineseLunisolar(CHINESE_CALENDAR).lunar_new_year_date(year)[0] == china


def test_years_outside_the_lunar_table_are_refused() -> None:
    with pytest.raises(ValueError, match="1901–2100"):
        statutory_holidays(LAST_YEAR + 1)


# --- the second method: Hồ Ngọc Đức, "Âm lịch Việt Nam" (amlich.js), at UTC+7 -------------------

TZ = 7.0


def _jd_from_date(d: int, m: int, y: int) -> int:
    a = (14 - m) // 12
    y, m = y + 4800 - a, m + 12 * a - 3
    return d + (153 * m + 2) // 5 + 365 * y + y // 4 - y // 100 + y // 400 - 32045


def _jd_to_date(jd: int) -> dt.date:
    a = jd + 32044
    b = (4 * a + 3) // 146097
    c = a - (b * 146097) // 4
    d = (4 * c + 3) // 1461
    e = c - (1461 * d) // 4
    m = (5 * e + 2) // 153
    return D(b * 100 + d - 4800 + m // 10, m + 3 - 12 * (m // 10), e - (153 * m + 2) // 5 + 1)


def _new_moon(k: int) -> float:
    """Julian day of the k-th new moon after 1/1/1900 (Meeus, as in amlich.js)."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    dr = math.pi / 180
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 = c1 - 0.4068 * math.sin(mpr * dr) + 0.0161 * math.sin(dr * 2 * mpr)
    c1 = c1 - 0.0004 * math.sin(dr * 3 * mpr)
    c1 = c1 + 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr))
    c1 = c1 - 0.0074 * math.sin(dr * (m - mpr)) + 0.0004 * math.sin(dr * (2 * f + m))
    c1 = c1 - 0.0004 * math.sin(dr * (2 * f - m)) - 0.0006 * math.sin(dr * (2 * f + mpr))
    c1 = c1 + 0.0010 * math.sin(dr * (2 * f - mpr)) + 0.0005 * math.sin(dr * (2 * mpr + m))
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - delta_t


def _new_moon_day(k: int) -> int:
    return math.floor(_new_moon(k) + 0.5 + TZ / 24)


def _sun_longitude_sector(day: int) -> int:
    """Which of the 12 sectors (solar terms' 30°) the sun is in at the start of local `day`."""
    t = (day - 0.5 - TZ / 24 - 2451545.0) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    lon = (l0 + dl) * dr
    lon -= math.pi * 2 * math.floor(lon / (math.pi * 2))
    return math.floor(lon / math.pi * 6)


def _month_11_start(year: int) -> int:
    """The first day of the lunar month holding the winter solstice of `year`."""
    k = math.floor((_jd_from_date(31, 12, year) - 2415021) / 29.530588853)
    start = _new_moon_day(k)
    return _new_moon_day(k - 1) if _sun_longitude_sector(start) >= 9 else start


def _leap_month_offset(a11: int) -> int:
    k = math.floor((a11 - 2415021.076998695) / 29.530588853 + 0.5)
    i, arc = 1, _sun_longitude_sector(_new_moon_day(k + 1))
    while True:
        last, i = arc, i + 1
        arc = _sun_longitude_sector(_new_moon_day(k + i))
        if arc == last or i >= 14:
            return i - 1


def _lunar_to_solar(day: int, month: int, year: int) -> dt.date:
    """A day of a (non-leap) lunar month of `year`, for months before the 11th."""
    a11, b11 = _month_11_start(year - 1), _month_11_start(year)
    k = math.floor(0.5 + (a11 - 2415021.076998695) / 29.530588853)
    offset = (month - 11) % 12
    if b11 - a11 > 365 and offset >= _leap_month_offset(a11):
        offset += 1
    return _jd_to_date(_new_moon_day(k + offset) + day - 1)


def test_the_second_method_gives_the_published_days() -> None:
    for year, tet, hung_kings in PUBLISHED + COMPUTED:
        assert (_lunar_to_solar(1, 1, year), _lunar_to_solar(10, 3, year)) == (tet, hung_kings)


def test_the_lunar_table_agrees_with_the_astronomical_computation_in_every_year_it_covers() -> None:
    differ = [
        year
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
        if (lunar_new_year(year), hung_kings_day(year))
        != (_lunar_to_solar(1, 1, year), _lunar_to_solar(10, 3, year))
    ]
    assert differ == []


# --- the law's baseline -------------------------------------------------------------------------

# The weekdays off of each year as announced (the weekend days inside a break left out), and the
# days where the announcement swapped a working day, which the baseline cannot know.
ANNOUNCED = {
    2023: ("02/01 20/01 23/01 24/01 25/01 26/01 01/05 02/05 03/05 01/09 04/09", ""),
    2024: ("01/01 08/02 09/02 12/02 13/02 14/02 18/04 29/04 30/04 01/05 02/09 03/09", "29/04"),
    2025: ("01/01 27/01 28/01 29/01 30/01 31/01 07/04 30/04 01/05 02/05 01/09 02/09", "02/05"),
    2026: ("01/01 16/02 17/02 18/02 19/02 20/02 27/04 30/04 01/05 01/09 02/09", ""),
}


@pytest.mark.parametrize("year", sorted(ANNOUNCED))
def test_the_baseline_gives_the_announced_weekdays_off_but_for_the_swaps(year: int) -> None:
    announced, swapped = (set(s.split()) for s in ANNOUNCED[year])
    computed = {f"{d.day:%d/%m}" for d in statutory_holidays(year) if d.day.weekday() < 5}
    assert computed == announced - swapped


@pytest.mark.parametrize(
    ("year", "made_up"),
    [
        (2023, "02/01 20/01 26/01 02/05 03/05 04/09"),  # 1/1 Sun; Tết Sat+Sun; 29/4 Sat, 30/4 Sun; 2/9 Sat
        (2025, "27/01"),  # Tết's Saturday 1/2, made up before Tết as announced
        (2027, "04/02 10/02 03/05"),  # mùng 1 Saturday, mùng 2 Sunday; 1/5 Saturday
        (2028, "03/01 24/01 02/05 04/09"),  # 1/1 Sat; Tết's Saturday 29/1; 30/4 Sun; 2/9 Sat
        (2029, "04/09"),  # 2/9 a Sunday: Monday 3/9 is its adjacent day, Tuesday 4/9 the made-up one
    ],
)
def test_a_holiday_on_a_weekend_gives_a_day_off_on_a_working_day(year: int, made_up: str) -> None:
    assert " ".join(f"{d.day:%d/%m}" for d in statutory_holidays(year) if d.kind == COMPENSATORY) == made_up


def test_national_day_takes_the_adjacent_day_that_joins_the_weekend() -> None:
    partner = {
        year: next(
            f"{d.day:%d/%m}" for d in statutory_holidays(year) if d.name == "Quốc khánh (ngày liền kề)"
        )
        for year in range(2023, 2031)
    }
    # 2023–2026 as announced; 2/9 falls on Sat, Mon, Tue, Wed, Thu, Sat, Sun, Mon in 2023–2030.
    assert partner == {
        2023: "01/09",
        2024: "03/09",
        2025: "01/09",
        2026: "01/09",
        2027: "03/09",
        2028: "01/09",
        2029: "03/09",
        2030: "03/09",
    }


# --- working days with make-up Saturdays ----------------------------------------------------------


def test_a_make_up_saturday_is_a_working_day_unless_it_is_also_a_day_off() -> None:
    saturday = D(2024, 5, 4)
    assert not is_working_day(saturday)
    assert is_working_day(saturday, workdays={saturday})
    assert not is_working_day(saturday, {saturday}, {saturday})


def test_send_by_dates_count_the_make_up_saturday() -> None:
    off, worked = {D(2024, 4, 29), D(2024, 4, 30), D(2024, 5, 1)}, {D(2024, 5, 4)}
    # Cut-off Friday 26/4/2024, two working days: Thursday 2/5 and Friday 3/5 without the swap's
    # Saturday; with it, Thursday 2/5 is the first and Friday 3/5 the second all the same, but a
    # third is Saturday 4/5, not Monday 6/5.
    assert add_working_days(D(2024, 4, 26), 3, off) == D(2024, 5, 6)
    assert add_working_days(D(2024, 4, 26), 3, off, worked) == D(2024, 5, 4)
    assert working_days_between(D(2024, 5, 1), D(2024, 5, 6), off, worked) == 4
