"""Vietnamese dates and periods: quarters in Roman numerals, months, half-years, seasons.

Administrative plans state deadlines as periods ("Quý II/2023", "Tháng 12/2023", "6 tháng đầu năm")
and mean the last day of that period; ``find_periods`` finds every such expression in a text
and ``parse_deadline`` turns a deadline cell into a date or a recurrence.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = [
    "Period",
    "find_periods",
    "month_end",
    "parse_deadline",
    "quarter_end",
    "recurrence_of",
    "roman_to_int",
]

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}

# Rice/forestry seasons ("vụ"). Their calendars differ by region (the Mekong delta's Hè Thu is not the
# Red River delta's), so a season is recognised as a period but given no date of its own: the
# spec forbids guessing a date the document does not state.
SEASONS = ("đông xuân", "xuân hè", "hè thu", "thu đông", "chiêm xuân", "mùa", "xuân", "chiêm", "đông", "hè")

# re.VERBOSE ignores literal spaces, so the two-word season names need \s+ spelt out.
_SEASONS_RE = "|".join(s.replace(" ", r"\s+") for s in SEASONS)
_ROMAN_RE = r"(?:VIII|VII|III|IV|IX|VI|II|V|X|I)"
# A quarter's number: Roman as Decree 30/2020 writes it, or Arabic ("Quý 2/2023") as many offices do.
_QNUM_RE = rf"(?:{_ROMAN_RE}\b|[1-4](?![\d.,]?\d))"  # not "quý 1.000", "quý 12"

_PERIOD_RE = re.compile(
    rf"""
    (?P<date>                                   # 30/6/2023, 30-6-2023, 30.6.2023
        (?<![\d/])(?P<d>\d{{1,2}})[/.-](?P<m>\d{{1,2}})[/.-](?P<y>\d{{4}})(?![\d/])
    )
  | (?P<longdate>                               # ngày 30 tháng 6 năm 2023
        ngày\s+(?P<ld>\d{{1,2}})\s+tháng\s+(?P<lm>\d{{1,2}})\s+năm\s+(?P<ly>\d{{4}})
    )
  | (?P<daymonth>                               # trước ngày 20/12 (the year is the plan's)
        ngày\s+(?P<dd>\d{{1,2}})/(?P<dm>\d{{1,2}})(?![\d/])
    )
  | (?P<quarter>                                # Quý I, II/2023 ; Quý II và Quý IV/2023 ; quý III năm 2023
        quý\s+(?P<qs>{_QNUM_RE}(?:\s*(?:,|và|-|–|đến)\s*(?:quý\s+)?{_QNUM_RE})*)
        (?:\s*(?:/|năm)\s*(?P<qy>\d{{4}}))?
    )
  | (?P<half>                                   # 6 tháng đầu năm 2023 ; sáu tháng cuối năm
        (?:6|sáu)\s+tháng\s+(?P<hpart>đầu|cuối)\s+năm(?:\s+(?P<hy>\d{{4}}))?
    )
  | (?P<month>                                  # tháng 12/2023 ; tháng 5 năm 2023 ; tháng 10
        tháng\s+(?P<mm>\d{{1,2}})(?!\d|\s*tháng)(?:\s*(?:/|năm)\s*(?P<my>\d{{4}}))?
    )
  | (?P<season>                                 # vụ Hè Thu năm 2024 (no date: see SEASONS)
        vụ\s+(?P<sname>{_SEASONS_RE})\b(?:\s+năm\s+(?P<sy>\d{{4}}))?
    )
  | (?P<yearend>                                # cuối năm 2023 ; hết năm ; cả năm ; trong năm 2024
        (?:cuối|hết|cả|trong)\s+năm(?!\s+học)(?:\s+(?P<ey>\d{{4}}))?
    )
  | (?P<year>                                   # năm 2023 (only used for deadlines)
        năm\s+(?P<yy>\d{{4}})(?![\d/-])
    )
    """,
    re.VERBOSE | re.IGNORECASE,
)

_DAY_MONTH_RE = re.compile(r"(?<![\d/.-])(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?![\d/.-])")

# Deadline cells of assignment tables: "6/2025", "06/2025" (a month), "2025" (a year),
# "2025 - 2026", "giai đoạn 2021 - 2025" (the last year). Only in a deadline cell or label.
_MONTH_YEAR_RE = re.compile(r"(?<![\d/.])(?P<m>\d{1,2})\s*/\s*(?P<y>(?:19|20)\d{2})(?![\d/])")
_YEARS_ONLY_RE = re.compile(
    r"^\s*(?:(?:trong\s+)?(?:năm|giai\s+đoạn)\s+)?(?:từ\s+(?:năm\s+)?)?(?P<first>(?:19|20)\d{2})"
    r"(?:\s*(?:-|–|—|đến)\s*(?:năm\s+)?(?P<last>(?:19|20)\d{2}))?\s*\.?\s*$",
    re.IGNORECASE,
)

_RECURRENCE = (
    (re.compile(r"\b(?:hằng|hàng|mỗi)\s+tháng\b|\bđịnh\s+kỳ\s+tháng\b", re.IGNORECASE), "monthly"),
    (re.compile(r"\b(?:hằng|hàng|mỗi)\s+quý\b|\bđịnh\s+kỳ\s+quý\b", re.IGNORECASE), "quarterly"),
    (
        re.compile(
            r"\b(?:hằng|hàng|mỗi)\s+năm\b|\bđịnh\s+kỳ\s+năm\b|\b(?:những|các)\s+năm\s+tiếp\s+theo\b",
            re.IGNORECASE,
        ),
        "yearly",
    ),
    (re.compile(r"\bthường\s+xuyên\b|\bliên\s+tục\b|\bhằng\s+ngày\b", re.IGNORECASE), "ongoing"),
)


@dataclass(frozen=True, slots=True)
class Period:
    """A period expression found in a text: its kind, the year written (if any) and its last day."""

    kind: str  # date | quarter | half | month | season | yearend | year
    start: int
    end: int
    text: str
    year: int | None  # the year as written, None when the text leaves it to the context
    month: int | None = None  # last month of the period (None for seasons)
    day: int | None = None  # day for explicit dates

    def due(self, default_year: int | None) -> date | None:
        """Last day of the period, in the written year or ``default_year``."""
        year = self.year or default_year
        if year is None or self.month is None:
            return None
        try:
            return date(year, self.month, self.day) if self.day else month_end(year, self.month)
        except ValueError:
            return None

    def with_year(self, year: int) -> Period:
        return Period(self.kind, self.start, self.end, self.text, year, self.month, self.day)


def roman_to_int(s: str) -> int | None:
    """Roman numerals as used for quarters and sections.

    >>> roman_to_int("IV"), roman_to_int("ii"), roman_to_int("IIII")
    (4, 2, None)
    """
    return ROMAN.get(s.strip().upper())


def month_end(year: int, month: int) -> date:
    """Last day of a month.

    >>> month_end(2024, 2), month_end(2023, 12)
    (datetime.date(2024, 2, 29), datetime.date(2023, 12, 31))
    """
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> date:
    """Last day of a quarter.

    >>> quarter_end(2023, 2), quarter_end(2023, 4)
    (datetime.date(2023, 6, 30), datetime.date(2023, 12, 31))
    """
    return month_end(year, quarter * 3)


def _int(s: str | None) -> int | None:
    return int(s) if s else None


def find_periods(text: str) -> list[Period]:
    """Every period expression in ``text``, in order.

    >>> [(p.kind, p.due(2023)) for p in find_periods("Quý I, II/2023, chỉ đạo; trước 30/6/2023")]
    [('quarter', datetime.date(2023, 6, 30)), ('date', datetime.date(2023, 6, 30))]
    >>> [(p.kind, p.year, p.due(2022)) for p in find_periods("6 tháng đầu năm 2012 tổ chức sơ kết")]
    [('half', 2012, datetime.date(2012, 6, 30))]
    >>> [(p.kind, p.due(2023)) for p in find_periods("Trong vụ xuân hè thực hiện; tháng 5/2023")]
    [('season', None), ('month', datetime.date(2023, 5, 31))]
    """
    out: list[Period] = []
    for m in _PERIOD_RE.finditer(text):
        kind = m.lastgroup
        span = (m.start(), m.end(), m.group(0))
        if kind == "date":
            d, mo = int(m["d"]), int(m["m"])
            if 1 <= d <= 31 and 1 <= mo <= 12:
                out.append(Period("date", *span, int(m["y"]), mo, d))
        elif kind == "longdate":
            d, mo = int(m["ld"]), int(m["lm"])
            if 1 <= d <= 31 and 1 <= mo <= 12:
                out.append(Period("date", *span, int(m["ly"]), mo, d))
        elif kind == "daymonth":
            d, mo = int(m["dd"]), int(m["dm"])
            if 1 <= d <= 31 and 1 <= mo <= 12:
                out.append(Period("date", *span, None, mo, d))
        elif kind == "quarter":
            quarters = [
                int(q) if q.isdigit() else ROMAN[q.upper()]
                for q in re.findall(rf"\b(?:{_ROMAN_RE}|[1-4])\b", m["qs"], re.IGNORECASE)
            ]
            if quarters and max(quarters) <= 4:
                out.append(Period("quarter", *span, _int(m["qy"]), max(quarters) * 3))
        elif kind == "half":
            out.append(Period("half", *span, _int(m["hy"]), 6 if m["hpart"].lower() == "đầu" else 12))
        elif kind == "month":
            mo = int(m["mm"])
            if 1 <= mo <= 12:
                out.append(Period("month", *span, _int(m["my"]), mo))
        elif kind == "season":
            out.append(Period("season", *span, _int(m["sy"]), None))
        elif kind == "yearend":
            out.append(Period("yearend", *span, _int(m["ey"]), 12))
        elif kind == "year":
            out.append(Period("year", *span, int(m["yy"]), 12))
    return out


def recurrence_of(text: str) -> str | None:
    """The recurrence a deadline states: monthly, quarterly, yearly, ongoing; else None.

    >>> recurrence_of("Thường xuyên"), recurrence_of("Hằng quý"), recurrence_of("Tháng 12/2023")
    ('ongoing', 'quarterly', None)
    """
    for pattern, name in _RECURRENCE:
        if pattern.search(text):
            return name
    return None


def parse_deadline(text: str | None, default_year: int | None) -> tuple[date | None, str | None]:
    """A deadline cell as (last day, recurrence). A window ends on its last day.

    >>> parse_deadline("Tháng 12/2023", 2023)
    (datetime.date(2023, 12, 31), None)
    >>> parse_deadline("Trước ngày 15/10/2024", 2024)
    (datetime.date(2024, 10, 15), None)
    >>> parse_deadline("Từ tháng 4 đến tháng 10/2023", 2023)
    (datetime.date(2023, 10, 31), None)
    >>> parse_deadline("6 tháng đầu năm", 2024), parse_deadline("Hằng quý", 2024)
    ((datetime.date(2024, 6, 30), None), (None, 'quarterly'))
    >>> parse_deadline("Quý 2/2023", 2023), parse_deadline("Cả năm", 2023), parse_deadline("Trước 30/6", 2023)
    ((datetime.date(2023, 6, 30), None), (datetime.date(2023, 12, 31), None), (datetime.date(2023, 6, 30), None))

    The forms of assignment tables' cells:

    >>> parse_deadline("6/2025", 2025), parse_deadline("06/2025", 2025), parse_deadline("2025", 2024)
    ((datetime.date(2025, 6, 30), None), (datetime.date(2025, 6, 30), None), (datetime.date(2025, 12, 31), None))
    >>> parse_deadline("2025 - 2026", 2025), parse_deadline("Giai đoạn 2026-2030", 2026)
    ((datetime.date(2026, 12, 31), None), (datetime.date(2030, 12, 31), None))
    >>> parse_deadline("2025 và những năm tiếp theo", 2025), parse_deadline("13/2025", 2025)
    ((None, 'yearly'), (None, None))
    """
    if not text:
        return None, None
    recurrence = recurrence_of(text)
    if recurrence:
        return None, recurrence
    periods = find_periods(text)
    dues = [d for d in (p.due(default_year) for p in periods) if d]
    if not dues:
        for m in _MONTH_YEAR_RE.finditer(text):
            month, year = int(m["m"]), int(m["y"])
            if 1 <= month <= 12:
                dues.append(date(year, month, calendar.monthrange(year, month)[1]))
    if not dues and (years := _YEARS_ONLY_RE.match(text)):
        dues.append(date(int(years["last"] or years["first"]), 12, 31))
    if not dues and default_year:
        # A deadline cell may give a bare day/month ("Trước 30/6", "30/9"): the plan's year is meant.
        # Only here: in running text "07/11 xã" is a ratio, not a date.
        for m in _DAY_MONTH_RE.finditer(text):
            try:
                dues.append(date(default_year, int(m["m"]), int(m["d"])))
            except ValueError:
                continue
    return (max(dues) if dues else None), None
