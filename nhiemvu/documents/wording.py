"""How a consolidated report words dates, periods, agencies and people: Vietnamese official usage."""

from __future__ import annotations

import datetime as dt
import re

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
