"""A readable text outline of a plan JSON dict (for ``--format text``)."""

from __future__ import annotations

__all__ = ["render_outline"]

_CMP = {"=": "", ">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< "}


def _figure(value: object) -> str:
    """12, 1500000, 64.2: never an exponent."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _target(t: dict) -> str:
    value = _figure(t.get("value"))
    if t.get("comparator") == "range" and t.get("max") is not None:
        value = f"{value}–{_figure(t['max'])}"
    else:
        value = _CMP.get(t.get("comparator") or "=", "") + value
    change = {"increase": " (tăng)", "decrease": " (giảm)"}.get(t.get("change") or "", "")
    return f"{t.get('name')}: {value} {t.get('unit') or ''}{change}".rstrip()


def render_outline(plan: dict) -> str:
    """The plan as indented text: document, references, tasks with their fields, reporting, findings.

    >>> print(render_outline({"document": {"kind": "KH", "number": None, "title": "Thử"},
    ...     "tasks": [{"code": "1", "parent": None, "title": "Trồng rừng", "targets": [], "milestones": []}]}))
    KH (chưa có số): Thử
    <BLANKLINE>
    Nhiệm vụ
      1. Trồng rừng
    """
    doc = plan.get("document") or {}
    lines = [
        f"{doc.get('kind') or '?'} {doc.get('number') or '(chưa có số)'}: {doc.get('title') or ''}".rstrip()
    ]
    meta = [
        doc.get("issuer"),
        doc.get("place"),
        doc.get("issued_on"),
        f"năm {doc['year']}" if doc.get("year") else None,
    ]
    if any(meta):
        lines.append("  " + " · ".join(str(m) for m in meta if m))
    signer = doc.get("signer")
    if signer:
        lines.append(f"  Ký: {signer.get('name')} ({signer.get('title') or ''})")
    refs = plan.get("references") or []
    if refs:
        lines += ["", "Căn cứ"] + [
            f"  - {r['number']}" + (f" ngày {r['date']}" if r.get("date") else "") for r in refs
        ]
    lines += ["", "Nhiệm vụ"]
    for t in plan.get("tasks") or []:
        depth = t["code"].count(".")
        pad = "  " * (depth + 1)
        lines.append(f"{pad}{t['code']}. {t.get('title') or ''}")
        if t.get("leader"):
            lines.append(
                f"{pad}    Lãnh đạo: {t['leader'].get('name')}, {t['leader'].get('title') or ''}".rstrip(", ")
            )
        if t.get("lead_unit"):
            lines.append(f"{pad}    Chủ trì: {t['lead_unit']}")
        if t.get("support_units"):
            lines.append(f"{pad}    Phối hợp: {'; '.join(t['support_units'])}")
        if t.get("deadline") or t.get("recurrence"):
            lines.append(f"{pad}    Thời hạn: {t.get('deadline') or t.get('recurrence')}")
        for x in t.get("targets") or []:
            lines.append(f"{pad}    Chỉ tiêu: {_target(x)}")
        for m in t.get("milestones") or []:
            extra = f" [{_figure(m['value'])} {m.get('unit') or ''}]" if m.get("value") is not None else ""
            lines.append(f"{pad}    Mốc {m.get('due') or '?'}: {m.get('text')}{extra}")
    rep = plan.get("reporting") or {}
    if rep.get("compiler") or rep.get("frequencies"):
        lines += ["", f"Báo cáo: {rep.get('compiler') or '?'} — {', '.join(rep.get('frequencies') or [])}"]
    if plan.get("recipients"):
        lines += ["", "Nơi nhận"] + [f"  - {r}" for r in plan["recipients"]]
    if plan.get("findings"):
        lines += ["", "Cần kiểm tra"] + [
            f"  ! {f['code']}" + (f" ({f['task']})" if f.get("task") else "") + f": {f.get('message')}"
            for f in plan["findings"]
        ]
    return "\n".join(lines)
