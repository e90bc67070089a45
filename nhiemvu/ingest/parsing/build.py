"""The whole chain: bytes -> blocks -> segments -> recognised fields -> checks -> plan JSON dict."""

from __future__ import annotations

import re
from collections import Counter

from nhiemvu.lib.plan_json import SCHEMA, plan_json_problem
from nhiemvu.lib.vndates import parse_deadline

from . import recognise as rec
from .check import arithmetic_findings, missing_field_findings
from .errors import ExtractionError
from .ocr import TESSERACT_LANG, Scans
from .read import read_blocks
from .segment import Segments, TaskNode, segment
from .vocab import DOC_KINDS

__all__ = ["SCHEMA", "build_plan", "extract"]


_TITLE_PERIOD_RE = re.compile(
    r"giai\s+đoạn\s+(?:(?:19|20)\d{2})\s*[-–—]\s*(?P<last>(?:19|20)\d{2})|năm\s+(?P<year>(?:19|20)\d{2})(?![\d/-])",
    re.IGNORECASE,
)


def _plan_year(seg: Segments, issued_year: int | None) -> int | None:
    """The plan's year (plan-json.md, "Real-world shapes"): the title's own period ("năm 2024", the
    last year of "giai đoạn 2021 - 2025"), else the issue date's year; never the date of a document
    the plan cites. Only a plan with neither falls back to the years its opening lines name."""
    years = [int(m["last"] or m["year"]) for m in _TITLE_PERIOD_RE.finditer(seg.title or "")]
    if years:
        return years[-1] if issued_year is None else min(years, key=lambda y: abs(y - issued_year))
    if issued_year is not None:
        return issued_year
    years = [int(y) for y in re.findall(r"năm\s+(\d{4})(?![\d/-])", " ".join(seg.preamble[:3]))]
    if years:
        return years[-1]
    # Nothing dates the document itself: the year its text names most often (deadlines included).
    counted = Counter(int(y) for y in re.findall(r"(?<![\d/])((?:19|20)\d{2})(?!\d)", " ".join(seg.all_text)))
    return counted.most_common(1)[0][0] if counted else None


def _fallback_title(seg: Segments) -> str | None:
    """A title for a document without a kind line: an official letter's subject ("V/v …"), else
    its first line of ordinary text."""
    for line in seg.all_text[:15]:
        m = re.match(r"^\s*V/v\s*[:.]?\s*(?P<subject>\S.*)$", line, re.IGNORECASE)
        if m:
            return m["subject"].strip()
    return next((t for t in seg.preamble[:5] if 10 <= len(t) <= 300 and not t.isupper()), None)


def _task_dict(node: TaskNode, plan_year: int | None, findings: list[dict]) -> dict:
    f = node.fields
    deadline, recurrence = parse_deadline(f.get("deadline"), plan_year)
    targets = rec.task_targets(node.title, node.body, f.get("targets"))
    hits = rec.milestones(node.text, plan_year)
    for h in hits:
        # The spec's rule: a year other than the plan's or the one before it, in a step of the task.
        if h.written_year and plan_year and h.written_year not in (plan_year, plan_year - 1):
            findings.append(
                {
                    "code": "year_mismatch",
                    "task": node.code,
                    "excerpt": h.period_text,
                    "message": f"{h.written_year} is not the plan year {plan_year}",
                }
            )
    if deadline and plan_year and deadline.year > plan_year:
        findings.append(
            {
                "code": "deadline_after_plan",
                "task": node.code,
                "excerpt": f.get("deadline"),
                "message": f"due {deadline.isoformat()}, after the {plan_year} plan period",
            }
        )
    elif deadline and plan_year and deadline.year < plan_year - 1:
        findings.append(
            {
                "code": "year_mismatch",
                "task": node.code,
                "excerpt": f.get("deadline"),
                "message": f"{deadline.year} is not the plan year {plan_year}",
            }
        )
    findings += arithmetic_findings(node.code, node.text, targets)
    if node.unreadable:
        # No numbered row is dropped: one read only in part is a task with what could be read.
        kind, written = node.unreadable
        findings.append(
            {
                "code": "numbering_gap" if kind == "gap" else "unreadable_row",
                "task": node.code,
                "excerpt": f"{node.code}. {node.title}" if kind == "gap" else f"STT {written}",
                "message": {
                    "number": f"the table row numbered {written!r} is kept as task {node.code}",
                    "duplicate": f"a second table row numbered {written!r} is kept as task {node.code}",
                    "no_title": f"the table row numbered {written!r} has no task text",
                    "gap": f"the numbering jumps from {written} to {node.code}",
                }[kind],
            }
        )
    return {
        "code": node.code,
        "parent": node.parent,
        "title": node.title,
        "leader": rec.leader(f.get("leader")),
        "lead_unit": rec.unit(f.get("lead_unit")),
        "support_units": rec.units(f.get("support_units")),
        "deadline": deadline.isoformat() if deadline else None,
        "recurrence": recurrence,
        "targets": targets,
        "milestones": [
            {"due": h.due.isoformat() if h.due else None, "text": h.text, "value": h.value, "unit": h.unit}
            for h in hits
        ],
        "product": f.get("product") or None,
        "excerpt": "\n".join(
            [f"{node.code}. {node.title}", *node.body, *(f"{k}: {v}" for k, v in node.fields.items())]
        ),
    }


def build_plan(seg: Segments) -> dict:
    """The plan JSON of ``../shared/spec/plan-json.md`` from segmented text."""
    if seg.title is None:
        seg.title = _fallback_title(seg)
    front = rec.letterhead(seg.front or seg.all_text[:8])
    number, symbol, number_excerpt = rec.doc_number(front)
    place, issued, date_blank, date_excerpt = rec.place_and_date(front)
    plan_year = _plan_year(seg, issued.year if issued else _year_of(date_excerpt))
    preamble_text = " ".join([seg.title or "", *seg.preamble])
    kind = DOC_KINDS.get(seg.kind_word or "") or (re.split(r"[-/]", symbol)[0] if symbol else None)
    findings: list[dict] = []
    if symbol and number is None:
        findings.append(
            {
                "code": "blank_number",
                "task": None,
                "excerpt": number_excerpt,
                "message": "the document number is blank",
            }
        )
    if date_blank:
        findings.append(
            {
                "code": "blank_date",
                "task": None,
                "excerpt": date_excerpt,
                "message": "the issue day or month is blank",
            }
        )
    tasks = [_task_dict(node, plan_year, findings) for node in seg.tasks]
    findings += missing_field_findings(tasks)
    order = {t["code"]: i for i, t in enumerate(tasks)}
    findings.sort(key=lambda f: (f["task"] is not None, order.get(f["task"], 0)))
    refs = rec.references(
        [
            *seg.front,
            seg.title or "",
            *seg.preamble,
            *(t["excerpt"] for t in tasks),
            *seg.organisation,
            *seg.appendix,
        ],
        number,
    )
    return {
        "schema": SCHEMA,
        "document": {
            "kind": kind,
            "number": number,
            "symbol": symbol,
            "issuer": rec.issuer(front, preamble_text),
            "place": place,
            "issued_on": issued.isoformat() if issued else None,
            "year": plan_year,
            "title": seg.title or "",
            "signer": rec.signer(seg.closing or seg.all_text[-8:]),
        },
        "references": refs,
        "tasks": tasks,
        "targets": rec.plan_targets(seg.goal_lines, seg.goal_rows),
        "reporting": rec.reporting(seg.organisation),
        "recipients": rec.recipients(seg.closing),
        "findings": findings,
        "source_text": "\n".join(seg.all_text),
    }


def _year_of(excerpt: str | None) -> int | None:
    m = re.search(r"(\d{4})", excerpt or "")
    return int(m.group(1)) if m else None


NO_TASKS_FINDING = {
    "code": "no_tasks",
    "task": None,
    "excerpt": None,
    "message": "no numbered tasks were found in the document",
}


def extract(data: bytes, filename: str, max_bytes: int, scans: Scans | None = None) -> dict:
    if len(data) > max_bytes:
        raise ExtractionError(
            "too_large",
            f"Tệp quá lớn ({len(data) // (1024 * 1024)} MB); giới hạn là {max_bytes // (1024 * 1024)} MB",
            f"The file is too large ({len(data) // (1024 * 1024)} MB); the limit is {max_bytes // (1024 * 1024)} MB",
        )
    if not data.strip():
        raise ExtractionError("empty", "Tệp rỗng, không có nội dung", "The file is empty")
    blocks = read_blocks(data, filename, scans)
    if not blocks:
        raise ExtractionError("empty", "Tệp không có nội dung văn bản", "The file has no text")
    seg = segment(blocks)
    plan = build_plan(seg)
    if not seg.tasks and plan["document"]["year"] is None:
        # Neither tasks nor a year: nothing that makes a plan.
        raise ExtractionError(
            "no_tasks",
            "Không tìm thấy nhiệm vụ nào được đánh số trong văn bản",
            "No numbered tasks were found in the document",
        )
    if plan["document"]["year"] is None:
        raise ExtractionError(
            "no_year",
            "Không xác định được năm của kế hoạch: văn bản không ghi ngày ban hành hay năm nào",
            "The plan's year cannot be told: the document names no issue date and no year",
        )
    if not seg.tasks:
        # Read, but nothing to track: the plan JSON all the same (document, references, reporting,
        # recipients), so a person can add the tasks by hand on the review screen.
        plan["findings"].insert(0, NO_TASKS_FINDING)
    if scans is not None and scans.pages:
        # Read from page pictures: how sure the recogniser was, page by page, for the review screen.
        plan["ocr"] = {"engine": f"tesseract {TESSERACT_LANG}", "pages": scans.pages}
    # The output check: what leaves the extractor has the spec's shape (nhiemvu.lib.plan_json).
    problem = plan_json_problem(plan)
    if problem is not None:
        where = ".".join(str(p) for p in problem[0])
        raise ExtractionError(
            "invalid_output",
            f"Kết quả trích xuất không đúng định dạng kế hoạch JSON (tại «{where}»; lỗi xử lý)",
            f"The extracted plan does not have the plan JSON shape (at {where}: {problem[1]})",
        )
    return plan
