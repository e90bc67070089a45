"""Vietnamese numbers, ranges and comparators as written in administrative documents.

Vietnamese uses "." to group thousands and "," as the decimal mark: ``1.000`` is one thousand,
``64,2`` is 64.2, and leading zeros are kept for counts (``05 chuỗi``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "NUMBER_PATTERN",
    "Quantity",
    "comparator_after",
    "comparator_before",
    "format_vn",
    "parse_decimal",
    "parse_number",
    "parse_range",
]

# One number: thousands groups with "." (exactly three digits each), an optional decimal part with ",".
# "1.5" (a dot followed by fewer than three digits) is read as a decimal too, for files typed on
# an English keyboard.
NUMBER_PATTERN = r"""
    (?:\d{1,3}(?:\.\d{3})+(?:,\d+)?     # 1.000 / 106.000 / 1.000,5
     | \d+,\d+                          # 64,2
     | \d+\.\d{1,2}(?!\d)               # 1.5 (English decimal point)
     | \d+)                             # 05 / 2023
"""
_NUMBER_RE = re.compile(rf"^\s*({NUMBER_PATTERN})\s*$", re.VERBOSE)

_RANGE_RE = re.compile(
    rf"""
    ^\s*(?:từ\s+)?
    (?P<lo>{NUMBER_PATTERN})\s*%?\s*
    (?:-|–|—|đến|tới)\s*
    (?P<hi>{NUMBER_PATTERN})
    """,
    re.VERBOSE | re.IGNORECASE,
)

# Comparators as (phrase, comparator). Longest phrases first so "không dưới" wins over "dưới".
COMPARATORS_BEFORE: tuple[tuple[str, str], ...] = (
    ("không dưới", ">="),
    ("không ít hơn", ">="),
    ("tối thiểu", ">="),
    ("ít nhất", ">="),
    ("không quá", "<="),
    ("không vượt quá", "<="),
    ("tối đa", "<="),
    ("dưới mức", "<="),
    ("nhiều hơn", ">"),
    ("cao hơn", ">"),
    ("vượt", ">"),
    ("trên", ">"),
    ("hơn", ">"),
    ("dưới", "<"),
)
COMPARATORS_AFTER: tuple[tuple[str, str], ...] = (
    ("trở lên", ">="),
    ("trở xuống", "<="),
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its comparator (and the upper bound of a range)."""

    value: float
    comparator: str = "="
    max: float | None = None


def parse_number(text: str) -> float | None:
    """Read one Vietnamese-written number; None when the text is not a number.

    >>> parse_number("1.000"), parse_number("64,2"), parse_number("05"), parse_number("106.000")
    (1000, 64.2, 5, 106000)
    >>> parse_number("1.000,5"), parse_number("abc")
    (1000.5, None)
    """
    m = _NUMBER_RE.match(text)
    if not m:
        return None
    s = m.group(1)
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s):
        s = s.replace(".", "")
    value = float(s)
    return int(value) if value.is_integer() else value


def parse_range(text: str) -> tuple[float, float] | None:
    """Read a range ``5-7``, ``8,5-9%``, ``từ 80 đến 90``; None when it is not one.

    >>> parse_range("5-7"), parse_range("từ 80 đến 90"), parse_range("8,5-9%")
    ((5, 7), (80, 90), (8.5, 9))
    >>> parse_range("2022 - 2030 giai đoạn") is None  # a span of years is a period, not a range
    False
    """
    m = _RANGE_RE.match(text)
    if not m:
        return None
    lo, hi = parse_number(m.group("lo")), parse_number(m.group("hi"))
    if lo is None or hi is None or hi < lo:
        return None
    return lo, hi


def comparator_before(words: str) -> str | None:
    """The comparator the words just before a number imply, or None.

    >>> comparator_before("tỷ lệ đạt tối thiểu"), comparator_before("sản lượng trên")
    ('>=', '>')
    >>> comparator_before("không quá"), comparator_before("Trồng") is None
    ('<=', True)
    """
    low = words.casefold().rstrip()
    for phrase, comparator in COMPARATORS_BEFORE:
        if low == phrase or low.endswith(" " + phrase):
            return comparator
    return None


def comparator_after(words: str) -> str | None:
    """The comparator a phrase after a quantity implies ("64,2% trở lên"), or None.

    >>> comparator_after(" trở lên; có"), comparator_after(" xã") is None
    ('>=', True)
    """
    low = words.casefold().lstrip()
    for phrase, comparator in COMPARATORS_AFTER:
        if low.startswith(phrase):
            return comparator
    return None


def format_vn(number: float | int | str | Decimal | None, places: int | None = None) -> str:
    """A number as Vietnamese documents write it: "." groups thousands, "," marks decimals.

    `places=None` keeps the number's own decimals without trailing zeros; an int rounds half up
    (a report's figures must add up the way a person rounds them, not banker's rounding).

    >>> format_vn(9000), format_vn(Decimal("9000.0000")), format_vn(64.2), format_vn(Decimal("1000.5"))
    ('9.000', '9.000', '64,2', '1.000,5')
    >>> format_vn(Decimal("66.666"), 1), format_vn(1234567.891, 2), format_vn(0.05, 1), format_vn(-1500)
    ('66,7', '1.234.567,89', '0,1', '-1.500')
    >>> format_vn(None), format_vn("12,5")
    ('', '12,5')
    """
    if number is None or number == "":
        return ""
    try:
        value = Decimal(str(number))
    except InvalidOperation:
        return str(number)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    else:
        value = value.normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + fraction if fraction else "")


def parse_decimal(text: str, decimal_mark: str = ",", group_mark: str = ".") -> Decimal:
    """A number typed into a form, read exactly (no float) with the locale's two marks.

    Vietnamese by default: "." groups thousands, "," marks decimals. A group mark that does not
    group thousands ("64.2" typed on an English keyboard) is read as the decimal mark; anything
    ambiguous or malformed ("1.2.3", "1,000,5") raises ValueError rather than guess a figure.

    >>> parse_decimal("8.650"), parse_decimal("1.234.567,891"), parse_decimal("64,2"), parse_decimal("0,5")
    (Decimal('8650'), Decimal('1234567.891'), Decimal('64.2'), Decimal('0.5'))
    >>> parse_decimal("64.2"), parse_decimal("-1.500"), parse_decimal(" 1 000 "), parse_decimal("−7,25")
    (Decimal('64.2'), Decimal('-1500'), Decimal('1000'), Decimal('-7.25'))
    >>> parse_decimal("1,234,567.891", ".", ","), parse_decimal("8,650", ".", ","), parse_decimal("64,2", ".", ",")
    (Decimal('1234567.891'), Decimal('8650'), Decimal('64.2'))
    >>> for bad in ("1.2.3", "1,000,5", "abc", "", "1.000.00", "--1", "1e5"):
    ...     try:
    ...         parse_decimal(bad)
    ...     except ValueError:
    ...         pass
    ...     else:
    ...         print("accepted", bad)
    """
    s = re.sub(r"[\s\u00a0\u202f]", "", text).replace("\u2212", "-")
    sign = ""
    if s[:1] in "+-" and s:
        sign, s = ("-" if s[0] == "-" else ""), s[1:]
    d, g = re.escape(decimal_mark), re.escape(group_mark)
    grouped = rf"\d{{1,3}}(?:{g}\d{{3}})+"
    if m := re.fullmatch(rf"({grouped}|\d+)(?:{d}(\d+))?", s):
        whole, fraction = m.group(1).replace(group_mark, ""), m.group(2)
    elif m := re.fullmatch(rf"(\d*){d}(\d+)", s):  # ",5" = 0,5
        whole, fraction = m.group(1) or "0", m.group(2)
    elif m := re.fullmatch(rf"(\d+){g}(\d+)", s):  # one other mark, not a thousands group: a decimal
        whole, fraction = m.group(1), m.group(2)
    else:
        raise ValueError(text)
    return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
