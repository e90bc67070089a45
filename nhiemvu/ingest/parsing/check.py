"""Checks on the extracted plan: problems in the document itself, for a person to look at before import."""

from __future__ import annotations

import re

from .recognise import quantities

__all__ = ["arithmetic_findings", "missing_field_findings"]

_TOTAL_RE = re.compile(
    r"""(?:nâng\s+)?tổng\s+số\s+(?P<what>[^,;]*?)\s+lên\s+   # "nâng tổng số xã đạt chuẩn ... lên"
        (?P<total>\d[\d.,]*)(?:/\d+)?\s+(?P<unit>[^\W\d_]+)
        \s*\(\s*hiện\s+(?:có|đạt)\s+(?P<now>\d[\d.,]*)       # "(hiện có 04 xã)"
    """,
    re.VERBOSE | re.IGNORECASE,
)
_SHARE_RE = re.compile(
    r"""(?P<pct>\d+(?:,\d+)?)\s*%\s*kế\s+hoạch(?:\s+năm)?\s*     # "75% kế hoạch năm"
        \(\s*tương\s+đương\s+(?P<amount>\d[\d.,]*)\s*(?P<unit>[^\W\d_]+)\s*\)  # "(tương đương 6.750ha)"
    """,
    re.VERBOSE | re.IGNORECASE,
)


def _num(s: str) -> float:
    from nhiemvu.lib.vnnumbers import parse_number

    return float(parse_number(s) or 0)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a.casefold().split(), b.casefold().split(), strict=False):
        if x != y:
            break
        n += 1
    return n


def arithmetic_findings(code: str, text: str, task_targets: list[dict]) -> list[dict]:
    """Stated figures that contradict each other within one task.

    >>> arithmetic_findings("3.1", "có thêm 02 xã đạt chuẩn nâng cao và 01 xã đạt chuẩn kiểu mẫu, "
    ...     "nâng tổng số xã đạt chuẩn nâng cao toàn huyện lên 07/11 xã (hiện có 04 xã)", [])[0]["code"]
    'arithmetic_mismatch'
    >>> arithmetic_findings("1.3", "đạt từ 75% kế hoạch năm (tương đương 6.750ha)", [{"unit": "ha", "value": 9000}])
    []
    """
    out = []
    for m in _TOTAL_RE.finditer(text):
        total, now, unit = _num(m["total"]), _num(m["now"]), m["unit"].casefold()
        what = m["what"]
        added = [
            q
            for q in quantities(text[: m.start()])
            if q.unit.casefold() == unit and not q.in_parens and q.comparator in ("=", ">=")
        ]
        if not added:
            continue
        # Only the additions to the same measure count: "02 xã đạt chuẩn nâng cao" towards
        # "tổng số xã đạt chuẩn nâng cao", not "01 xã đạt chuẩn kiểu mẫu".
        best = max(_common_prefix(q.name, what) for q in added)
        same = [q for q in added if _common_prefix(q.name, what) == best]
        plus = sum(q.value for q in same)
        if abs(now + plus - total) > 1e-9:
            out.append(
                {
                    "code": "arithmetic_mismatch",
                    "task": code,
                    "excerpt": m.group(0).rstrip(),
                    "message": f"{m['now']} existing + {plus:g} new = {now + plus:g}, not {m['total']}",
                }
            )
    for m in _SHARE_RE.finditer(text):
        pct, amount, unit = _num(m["pct"]), _num(m["amount"]), m["unit"].casefold()
        plans = [t for t in task_targets if str(t.get("unit", "")).casefold() == unit and t.get("value")]
        if plans and all(abs(pct / 100 * float(t["value"]) - amount) > 0.01 * amount for t in plans):
            out.append(
                {
                    "code": "arithmetic_mismatch",
                    "task": code,
                    "excerpt": m.group(0),
                    "message": f"{m['pct']}% of {plans[0]['value']:g} {unit} is not {m['amount']}",
                }
            )
    return out


_FIELD_NAMES = {
    "lead_unit": ("missing_lead_unit", "Đơn vị chủ trì"),
    "deadline": ("missing_deadline", "Thời gian hoàn thành"),
    "leader": ("missing_leader", "Lãnh đạo phụ trách"),
}


def missing_field_findings(tasks: list[dict]) -> list[dict]:
    """A leaf task without a field that most other leaf tasks have.

    >>> leaves = [{"code": c, "parent": None, "title": c, "lead_unit": u, "leader": None, "deadline": "2023-12-31",
    ...            "recurrence": None} for c, u in (("1", "A"), ("2", None), ("3", "B"))]
    >>> [(f["code"], f["task"]) for f in missing_field_findings(leaves)]
    [('missing_lead_unit', '2')]
    """
    parents = {t["parent"] for t in tasks if t.get("parent")}
    leaves = [t for t in tasks if t["code"] not in parents]
    out = []
    for name, (code, label) in _FIELD_NAMES.items():

        def has(t: dict, name: str = name) -> bool:
            return bool(t.get(name)) or (name == "deadline" and bool(t.get("recurrence")))

        having = [t for t in leaves if has(t)]
        if len(having) < 2 or len(having) * 2 <= len(leaves):
            continue
        for t in leaves:
            if not has(t):
                out.append(
                    {
                        "code": code,
                        "task": t["code"],
                        "excerpt": t["title"][:120],
                        "message": f"task {t['code']} names no '{label}' while {len(having)} other tasks do",
                    }
                )
    return out
