"""How a consolidated report words dates, periods, agencies and people: Vietnamese official usage."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from nhiemvu.lib.vnnumbers import format_vn
from nhiemvu.lib.vntext import unaccent
from nhiemvu.organisations.models import Organisation, OrganisationKind
from nhiemvu.plans.models import Plan


def vn_date(day: dt.date | None) -> str:
    """A date in tables and running text: `05/01/2024`.

    >>> vn_date(dt.date(2024, 1, 5)), vn_date(None)
    ('05/01/2024', '')
    """
    return f"{day:%d/%m/%Y}" if day else ""


def vn_place_date(place: str, day: dt.date) -> str:
    """The place-date line of Decree 30/2020: days below 10 and months 1 and 2 take a leading zero.

    The decree pads exactly those so nobody can turn `tháng 1` into `tháng 11` by hand.

    >>> vn_place_date("Lạng Sơn", dt.date(2024, 1, 5))
    'Lạng Sơn, ngày 05 tháng 01 năm 2024'
    >>> vn_place_date("Lạng Sơn", dt.date(2023, 6, 16))
    'Lạng Sơn, ngày 16 tháng 6 năm 2023'
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def period_phrase(label: str) -> str:
    """A period's label as it reads inside a sentence.

    >>> period_phrase("Quý II/2023"), period_phrase("Tháng 06/2023"), period_phrase("Năm 2023")
    ('quý II năm 2023', 'tháng 6 năm 2023', 'năm 2023')
    >>> period_phrase("6 tháng đầu năm 2023")
    '6 tháng đầu năm 2023'
    """
    if m := re.fullmatch(r"Tháng (\d+)/(\d{4})", label):
        return f"tháng {int(m[1])} năm {m[2]}"
    if m := re.fullmatch(r"Quý ([IV]+)/(\d{4})", label):
        return f"quý {m[1]} năm {m[2]}"
    return label[:1].lower() + label[1:] if label.startswith("Năm") else label


def agency_symbol(symbol: str, name: str) -> str:
    """The agency part of a document symbol: from the plan's own (`KH-SNN` → `SNN`), else from the name.

    >>> agency_symbol("KH-SNN", "Sở Nông nghiệp và PTNT"), agency_symbol("", "Sở Y tế")
    ('SNN', 'SYT')
    >>> agency_symbol("", "UBND tỉnh Lạng Sơn")
    'UBND'
    """
    if "-" in symbol:
        return symbol.split("-", 1)[1]
    if name.upper().startswith("UBND"):
        return "UBND"
    words = [w for w in unaccent(name).replace("&", " ").split() if w.lower() not in {"va", "tinh"}]
    return "".join(w[0].upper() if not w.isupper() else w for w in words)[:10]


def leader_label(leader: str) -> str:
    """`Đồng chí Lê Thị Phó, Phó Giám đốc Sở`, or the line for a task nobody was assigned."""
    if not leader:
        return "Chưa phân công lãnh đạo chỉ đạo"
    return f"Đồng chí {leader}"


def province_name(org: Organisation | None) -> str:
    """`Lạng Sơn` from `UBND tỉnh Lạng Sơn`, the place a department's documents are dated at."""
    while org is not None and org.kind != OrganisationKind.PROVINCE_COMMITTEE:
        org = org.parent if org.parent_id else None
    if org is None:
        return ""
    return re.sub(r"^(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+(tỉnh|thành phố)\s+", "", org.name, flags=re.I)


def plan_reference(plan: Plan) -> str:
    doc = plan.source_document
    if doc is None:
        return f"Kế hoạch {plan.title}"
    number = doc.number or (f"số      /{doc.symbol}" if doc.symbol else "")
    issued = f" ngày {vn_date(doc.issued_on)}" if doc.issued_on else ""
    number = f"số {number}" if doc.number else number
    return f"Kế hoạch {number}{issued} về {plan.title[:1].lower()}{plan.title[1:]}".replace("  ", " ")


# Figures in prose: words, never signs ----------------------------------------------------------------


def quantity(value: Decimal | int | float | None, unit: str) -> str:
    """A figure with its measure as prose writes it: `6.820,75 ha`, `75,8%` (the percent sign glued).

    >>> quantity(Decimal("6820.75"), "ha"), quantity(Decimal("75.8"), "%"), quantity(5, "")
    ('6.820,75 ha', '75,8%', '5')
    """
    figure = format_vn(value)
    if unit == "%":
        return f"{figure}%"
    return f"{figure} {unit}".strip()


def target_words(
    comparator: str, value: Decimal, max_value: Decimal | None, unit: str, change: str = ""
) -> str:
    """A target in the plan's own words: `trên 1.000 ha`, `từ 64,2% trở lên`, `từ 5 đến 7 doanh
    nghiệp`, `không quá 3%`, `giảm 10%`; never `>`, `≥`, `≤` or `khoảng`.

    >>> target_words(">", Decimal(1000), None, "ha"), target_words(">=", Decimal("64.2"), None, "%")
    ('trên 1.000 ha', 'từ 64,2% trở lên')
    >>> target_words("range", Decimal(5), Decimal(7), "doanh nghiệp"), target_words("<=", Decimal(3), None, "%")
    ('từ 5 đến 7 doanh nghiệp', 'không quá 3%')
    >>> target_words("=", Decimal(10), None, "%", "decrease"), target_words("<", Decimal(2), None, "%")
    ('giảm 10%', 'dưới 2%')
    """
    if comparator == "range":
        low = format_vn(value) + ("%" if unit == "%" else "")
        words = f"từ {low} đến {quantity(max_value, unit)}"
    else:
        amount = quantity(value, unit)
        words = {
            ">=": f"từ {amount} trở lên",
            ">": f"trên {amount}",
            "<=": f"không quá {amount}",
            "<": f"dưới {amount}",
        }.get(comparator, amount)
    prefix = {"increase": "tăng ", "decrease": "giảm "}.get(change, "")
    return prefix + words


def result_words(
    comparator: str,
    value: Decimal,
    max_value: Decimal | None,
    unit: str,
    change: str,
    actual: Decimal | None,
    attainment: Decimal | None,
) -> str:
    """What a target reached, in a report's words: `đạt 6.820,75 ha/9.000 ha, bằng 75,8% kế hoạch`.

    >>> result_words("=", Decimal(9000), None, "ha", "", Decimal("6820.75"), Decimal("75.79"))
    'đạt 6.820,75 ha/9.000 ha, bằng 75,8% kế hoạch'
    >>> result_words(">=", Decimal("64.2"), None, "%", "", Decimal("63.1"), Decimal("98.3"))
    'đạt 63,1% (kế hoạch từ 64,2% trở lên), bằng 98,3% kế hoạch'
    >>> result_words("<", Decimal(2), None, "%", "", Decimal("1.5"), Decimal(100))
    'đạt 1,5% (chỉ tiêu dưới 2%), bảo đảm chỉ tiêu'
    >>> result_words("=", Decimal(5), None, "chuỗi", "", None, None)
    'chưa có số liệu (kế hoạch 5 chuỗi)'
    >>> result_words("=", Decimal(10), None, "%", "decrease", Decimal(15), Decimal(150))
    'giảm 15% (kế hoạch giảm 10%), bằng 150% kế hoạch'
    """
    planned = target_words(comparator, value, max_value, unit, change)
    if actual is None:
        return f"chưa có số liệu (kế hoạch {planned})"
    if comparator in ("<", "<="):
        met = attainment is not None and attainment >= 100
        verdict = "bảo đảm chỉ tiêu" if met else "chưa bảo đảm chỉ tiêu"
        return f"đạt {quantity(actual, unit)} (chỉ tiêu {planned}), {verdict}"
    if comparator in ("=", ">=", ">") and unit != "%" and not change:
        text = f"đạt {quantity(actual, unit)}/{quantity(value, unit)}"
    else:
        # A relative target's figure is the change itself: "giảm 15%", not "đạt 15%".
        verb = {"increase": "tăng", "decrease": "giảm"}.get(change, "đạt")
        text = f"{verb} {quantity(actual, unit)} (kế hoạch {planned})"
    if attainment is not None:
        text += f", bằng {format_vn(Decimal(attainment).quantize(Decimal('0.1')))}% kế hoạch"
    return text


def capitalised(text: str) -> str:
    """The first letter in capitals, the rest as written: `Tỷ lệ hộ nghèo` from `tỷ lệ hộ nghèo`.

    >>> capitalised("tỷ lệ che phủ rừng"), capitalised("UBND tỉnh")
    ('Tỷ lệ che phủ rừng', 'UBND tỉnh')
    """
    return text[:1].upper() + text[1:]


def in_sentence(label: str) -> str:
    """A label that opens a line, lower-cased to sit inside a sentence (`Đồng chí X` → `đồng chí X`,
    `Đang thực hiện trong hạn` → `đang thực hiện trong hạn`); names and acronyms keep their capitals.

    >>> in_sentence("Đồng chí Lê Văn A"), in_sentence("UBND tỉnh"), in_sentence("Tháng 06/2023")
    ('đồng chí Lê Văn A', 'UBND tỉnh', 'tháng 06/2023')
    """
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return label
    return label[:1].lower() + label[1:]


def official_name(name: str) -> str:
    """A body's name as its letterhead writes it, abbreviations spelt out (Decree 30/2020, App. I).

    >>> official_name("UBND tỉnh Lạng Sơn"), official_name("Sở Y tế")
    ('Ủy ban nhân dân tỉnh Lạng Sơn', 'Sở Y tế')
    """
    return re.sub(r"^UBND\b", "Ủy ban nhân dân", name)
