"""What the review screen tells the reviewer about a document: its defects as Vietnamese sentences,
checked again after each correction, and whether it belongs to the agency it is imported for.

The extractor's findings carry a code, the task, an excerpt and a short English message (the
plan-JSON contract, read by other tools); a person reads a sentence in the interface's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from nhiemvu.ingest.parsing.check import missing_field_findings
from nhiemvu.lib.vntext import unaccent
from nhiemvu.organisations.models import Organisation

from .matching import loose_key

# Findings that follow from fields the reviewer can edit: recomputed from the edited plan.
_RECHECKED = {
    "missing_lead_unit",
    "missing_leader",
    "missing_deadline",
    "deadline_after_plan",
    "blank_number",
    "blank_date",
}


def finding_sentence(finding: dict[str, Any], plan: dict[str, Any]) -> str:
    """One finding as a sentence a reviewer reads, never its code."""
    code = finding.get("code") or ""
    task = finding.get("task") or ""
    excerpt = finding.get("excerpt") or ""
    year = (plan.get("document") or {}).get("year")
    words = {"task": task, "excerpt": excerpt, "year": year or "?"}
    if code == "year_mismatch":
        return _("Nhiệm vụ %(task)s: năm ghi trong «%(excerpt)s» khác năm của kế hoạch (%(year)s).") % words
    if code == "deadline_after_plan":
        deadline = next((t.get("deadline") for t in plan.get("tasks") or [] if t.get("code") == task), None)
        words["deadline"] = dt.date.fromisoformat(deadline).strftime("%d/%m/%Y") if deadline else excerpt
        return _("Nhiệm vụ %(task)s: thời hạn %(deadline)s nằm sau năm của kế hoạch (%(year)s).") % words
    missing = {
        "missing_lead_unit": _("đơn vị chủ trì"),
        "missing_leader": _("lãnh đạo chỉ đạo"),
        "missing_deadline": _("thời hạn hoàn thành"),
    }
    if code in missing:
        words["what"] = missing[code]
        return _("Nhiệm vụ %(task)s chưa ghi %(what)s, trong khi các nhiệm vụ khác đều có.") % words
    if code == "no_tasks":
        return _(
            "Không tìm thấy nhiệm vụ nào được đánh số trong văn bản. Hãy nhập các nhiệm vụ ở ô «Thêm nhiệm vụ» "
            "cuối trang, lưu để kiểm tra lại, rồi mới xác nhận."
        )
    if code == "blank_number":
        return _("Văn bản để trống số (chỉ có ký hiệu «%(excerpt)s»).") % words
    if code == "blank_date":
        return _("Văn bản để trống ngày hoặc tháng ban hành («%(excerpt)s»).") % words
    if code == "unreadable_row":
        return (
            _(
                "Nhiệm vụ %(task)s: dòng «%(excerpt)s» của bảng không đọc được đầy đủ (số thứ tự lạ, trùng, hoặc "
                "thiếu nội dung); đã giữ lại phần đọc được, hãy đối chiếu với văn bản."
            )
            % words
        )
    if code == "numbering_gap":
        return (
            _(
                "Nhiệm vụ %(task)s: số thứ tự nhảy cóc (văn bản bỏ qua một số trước «%(excerpt)s»); hãy kiểm tra "
                "xem có nhiệm vụ nào bị thiếu."
            )
            % words
        )
    if code == "arithmetic_mismatch":
        return _("Nhiệm vụ %(task)s: các con số trong «%(excerpt)s» không khớp nhau.") % words
    if task:
        return _("Nhiệm vụ %(task)s có điểm cần kiểm tra: «%(excerpt)s».") % words
    return _("Văn bản có điểm cần kiểm tra: «%(excerpt)s».") % words


def findings_recheck(findings: list[dict[str, Any]], plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings of an edited plan: those about editable fields computed again, the rest kept
    while their task is still there (a corrected field clears its finding; nothing else is lost)."""
    tasks = plan.get("tasks") or []
    codes = {t.get("code") for t in tasks}
    kept = [
        f
        for f in findings
        if f.get("code") not in _RECHECKED
        and (not f.get("task") or f.get("task") in codes)
        and not (f.get("code") == "no_tasks" and tasks)  # tasks were added by hand
    ]
    document = plan.get("document") or {}
    year = document.get("year")
    fresh: list[dict[str, Any]] = []
    old = {(f.get("code"), f.get("task")): f for f in findings}
    if document.get("symbol") and not document.get("number") and ("blank_number", None) in old:
        fresh.append(old[("blank_number", None)])
    if not document.get("issued_on") and ("blank_date", None) in old:
        fresh.append(old[("blank_date", None)])
    for task in tasks:
        deadline = task.get("deadline")
        if deadline and year and dt.date.fromisoformat(deadline).year > int(year):
            fresh.append(
                old.get(("deadline_after_plan", task.get("code")))
                or {
                    "code": "deadline_after_plan",
                    "task": task.get("code"),
                    "excerpt": deadline,
                    "message": "",
                }
            )
    fresh += missing_field_findings([{**t, "parent": t.get("parent")} for t in tasks])
    order = {t.get("code"): i for i, t in enumerate(tasks)}
    return sorted(kept + fresh, key=lambda f: (f.get("task") is not None, order.get(f.get("task"), 0)))


def issuer_warnings(
    plan: dict[str, Any], issuer: Organisation, tree: dict[int, Organisation] | None = None
) -> list[str]:
    """Why this document may belong to another body than the agency chosen for it (empty if none).

    The issuer is compared with every name the agency goes by (abbreviations spelled out), the
    place with the names of the agency and the bodies above it (a province's plan names its
    province in the place-date line). `tree` holds the bodies already loaded (no query then).
    """
    document = plan.get("document") or {}
    warnings = []
    written = (document.get("issuer") or "").strip()
    if written and loose_key(written) not in {loose_key(n) for n in issuer.all_names}:
        warnings.append(
            _("Văn bản do «%(written)s» ban hành, nhưng đang được nhập cho «%(agency)s».")
            % {"written": written, "agency": issuer.name}
        )
    place = (document.get("place") or "").strip()
    if place:
        chain = _chain(issuer, tree)
        where = unaccent(" | ".join(n for body in chain for n in body.all_names).casefold())
        if unaccent(place.casefold()) not in where:
            warnings.append(
                _("Văn bản ghi địa danh «%(place)s», không thuộc %(agency)s.")
                % {"place": place, "agency": " – ".join(body.name for body in chain)}
            )
    return warnings


def _chain(issuer: Organisation, tree: dict[int, Organisation] | None) -> list[Organisation]:
    """The agency and the bodies above it, from `tree` when it holds them, else from the database."""
    chain, body = [issuer], issuer
    while body.parent_id is not None:
        parent = (tree or {}).get(body.parent_id) or body.parent
        if parent is None:
            break
        chain.append(parent)
        body = parent
    return chain
