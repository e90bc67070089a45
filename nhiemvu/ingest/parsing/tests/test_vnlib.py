"""Tables of examples for nhiemvu.lib: numbers, comparators, dates/periods, text normalisation.

Lists named ``DEV_*`` hold examples the rules were developed on (taken from the development
corpus, ../shared/corpus); ``GENERAL_*`` lists are made-up examples of how plans are written
elsewhere, used to check that the rules generalise.
"""

from __future__ import annotations

from datetime import date

import pytest

from nhiemvu.lib.vndates import find_periods, parse_deadline, quarter_end, recurrence_of, roman_to_int
from nhiemvu.lib.vnnumbers import comparator_after, comparator_before, parse_number, parse_range
from nhiemvu.lib.vntext import new_tone_placement, normalise, unaccent

DEV_NUMBERS: list[tuple[str, float | None]] = [
    ("1.000", 1000),
    ("9.000", 9000),
    ("64,2", 64.2),
    ("05", 5),
    ("106.000", 106000),
    ("1.650", 1650),
    ("25,5", 25.5),
    ("0,5", 0.5),
    ("330.000", 330000),
    ("1.250", 1250),
]
GENERAL_NUMBERS = [
    ("1.000.000", 1000000),
    ("2.500,75", 2500.75),
    ("3", 3),
    ("1.5", 1.5),
    ("12,05", 12.05),
    ("x", None),
    ("", None),
    ("1,2,3", None),
]


@pytest.mark.parametrize(("text", "expected"), DEV_NUMBERS + GENERAL_NUMBERS)
def test_it_reads_vietnamese_numbers(text, expected):
    assert parse_number(text) == expected


DEV_RANGES: list[tuple[str, tuple[float, float] | None]] = [
    ("5-7", (5, 7)),
    ("10-15", (10, 15)),
    ("từ 80 đến 90", (80, 90)),
    ("8,5-9%", (8.5, 9)),
    ("5-10%", (5, 10)),
]
GENERAL_RANGES: list[tuple[str, tuple[float, float] | None]] = [
    ("từ 2 đến 3", (2, 3)),
    ("1.000 - 1.500", (1000, 1500)),
    ("7-5", None),
    ("abc", None),
]


@pytest.mark.parametrize(("text", "expected"), DEV_RANGES + GENERAL_RANGES)
def test_it_reads_ranges(text, expected):
    assert parse_range(text) == expected


DEV_COMPARATORS_BEFORE = [
    ("tối thiểu", ">="),
    ("sản lượng trên", ">"),
    ("không quá", "<="),
    ("đạt trên", ">"),
    ("Trồng", None),
    ("giảm tối thiểu", ">="),
]
GENERAL_COMPARATORS_BEFORE = [
    ("ít nhất", ">="),
    ("không dưới", ">="),
    ("tối đa", "<="),
    ("dưới", "<"),
    ("hơn", ">"),
    ("nhiều hơn", ">"),
    ("dưới mức", "<="),
    ("phấn đấu", None),
]


@pytest.mark.parametrize(("words", "expected"), DEV_COMPARATORS_BEFORE + GENERAL_COMPARATORS_BEFORE)
def test_it_reads_comparators_before_a_number(words, expected):
    assert comparator_before(words) == expected


@pytest.mark.parametrize(("words", "expected"), [(" trở lên.", ">="), (" trở xuống", "<="), (" xã", None)])
def test_it_reads_comparators_after_a_quantity(words, expected):
    assert comparator_after(words) == expected


DEV_DEADLINES = [
    ("Tháng 12/2023", 2023, date(2023, 12, 31), None),
    ("Trước ngày 31/8/2023", 2023, date(2023, 8, 31), None),
    ("Quý IV/2023", 2023, date(2023, 12, 31), None),
    ("Quý III/2022", 2022, date(2022, 9, 30), None),
    ("Quý I/2025", 2024, date(2025, 3, 31), None),
    ("Thường xuyên", 2023, None, "ongoing"),
    ("Hằng quý", 2024, None, "quarterly"),
    ("6 tháng đầu năm", 2024, date(2024, 6, 30), None),
    ("Trước ngày 15/10/2024", 2024, date(2024, 10, 15), None),
    ("", 2024, None, None),
]
GENERAL_DEADLINES = [
    ("Quý I, II/2023", 2023, date(2023, 6, 30), None),
    ("Quý II và Quý IV/2023", 2023, date(2023, 12, 31), None),
    ("Từ tháng 4 đến tháng 10/2023", 2023, date(2023, 10, 31), None),
    ("Tháng 2 năm 2024", 2024, date(2024, 2, 29), None),
    ("Hàng tháng", 2024, None, "monthly"),
    ("Hằng năm", 2024, None, "yearly"),
    ("6 tháng cuối năm 2023", 2023, date(2023, 12, 31), None),
    ("Năm 2023", 2023, date(2023, 12, 31), None),
    ("Cuối năm", 2023, date(2023, 12, 31), None),
    ("ngày 30 tháng 6 năm 2023", 2023, date(2023, 6, 30), None),
    (
        "Trước 20/12",
        2023,
        date(2023, 12, 20),
        None,
    ),  # in a deadline cell a bare day/month is a date (not in prose)
    ("Trước ngày 20/12", 2023, date(2023, 12, 20), None),
]


@pytest.mark.parametrize(("text", "year", "due", "recurrence"), DEV_DEADLINES + GENERAL_DEADLINES)
def test_it_reads_deadlines(text, year, due, recurrence):
    assert parse_deadline(text, year) == (due, recurrence)


DEV_PERIODS = [
    ("Quý I, II/2023, chỉ đạo", "quarter", 2023, date(2023, 6, 30)),
    ("Quý I, II, III/2017, tăng cường", "quarter", 2017, date(2017, 9, 30)),
    ("trong quý II/2023", "quarter", 2023, date(2023, 6, 30)),
    ("6 tháng đầu năm 2012 tổ chức", "half", 2012, date(2012, 6, 30)),
    ("tháng 5/2023 hoàn thành", "month", 2023, date(2023, 5, 31)),
    ("Trong vụ xuân hè thực hiện", "season", None, None),
    ("vụ Hè Thu năm 2024", "season", 2024, None),
]
GENERAL_PERIODS = [
    ("vụ Đông Xuân 2023-2024", "season", None, None),
    ("quý III năm 2023", "quarter", 2023, date(2023, 9, 30)),
    ("sáu tháng đầu năm", "half", None, None),
    ("hết năm 2023", "yearend", 2023, date(2023, 12, 31)),
]


@pytest.mark.parametrize(("text", "kind", "year", "due"), DEV_PERIODS + GENERAL_PERIODS)
def test_it_finds_periods(text, kind, year, due):
    p = find_periods(text)[0]
    assert (p.kind, p.year, p.due(None)) == (kind, year, due)


def test_it_knows_roman_quarters():
    assert [roman_to_int(r) for r in ("I", "II", "III", "IV")] == [1, 2, 3, 4]
    assert quarter_end(2023, 2) == date(2023, 6, 30)
    assert recurrence_of("Liên tục") == "ongoing"


DEV_TEXT = [
    ("Phòng Văn hoá và Thông tin", "Phòng Văn hóa và Thông tin"),
    ("Nghe\u0302\u0323 An\r\n", "Nghệ An"),  # NFD + CRLF like nghe-an-sgddt-2023.txt
    ("Kỹ thuật an toàn", "Kỹ thuật an toàn"),
]
GENERAL_TEXT = [
    ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
    ("thuỷ lợi, hoà giải, khoẻ", "thủy lợi, hòa giải, khỏe"),
    ("quý, hoàng, hoặc, khuỷu, thuận", "quý, hoàng, hoặc, khuỷu, thuận"),
    ("Số:\u00a0\u00a0 /KH", "Số: /KH"),
]


@pytest.mark.parametrize(("text", "expected"), DEV_TEXT + GENERAL_TEXT)
def test_it_normalises_text(text, expected):
    assert normalise(text) == expected


def test_tone_placement_and_unaccent():
    assert new_tone_placement("HOÁ") == "HÓA"
    assert unaccent("Đồng chí Nguyễn Phúc Đạt") == "Dong chi Nguyen Phuc Dat"
