"""A lead unit's own period report as an official document (Decree 30/2020): what the unit entered
for one task and one period — its figures, its account of results, obstacles and proposals — so
the unit never retypes it into Word. The unit's head signs; the number is the unit's (`BC-CCKL`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from nhiemvu.organisations.models import Official, Organisation
from nhiemvu.reporting.models import ProgressReport
from nhiemvu.reporting.status import attainment
from nhiemvu.roadmaps.selectors import PeriodRoadmap, StepLine, period_roadmap

from .data import Letterhead
from .wording import (
    agency_symbol,
    capitalised,
    in_sentence,
    period_phrase,
    plan_reference,
    province_name,
    result_words,
    vn_date,
)

# The head of a unit by the word its name starts with (how the signature block names the office).
HEAD_TITLES: tuple[tuple[str, str], ...] = (
    ("chi cục", "CHI CỤC TRƯỞNG"),
    ("văn phòng", "CHÁNH VĂN PHÒNG"),
    ("thanh tra", "CHÁNH THANH TRA"),
    ("phòng", "TRƯỞNG PHÒNG"),
    ("ban", "TRƯỞNG BAN"),
    ("trung tâm", "GIÁM ĐỐC"),
    ("ubnd", "CHỦ TỊCH"),
    ("ủy ban nhân dân", "CHỦ TỊCH"),
    ("sở", "GIÁM ĐỐC"),
    ("cục", "CỤC TRƯỞNG"),
)


@dataclass
class UnitReport:
    """Everything a unit's report says; `docx.render_unit_docx` renders this and nothing else."""

    letterhead: Letterhead
    title: str
    summary: str
    intro: str
    results: list[str]
    figures: list[str]
    obstacles: list[str]
    proposals: list[str]
    closing: str
    recipients: list[str]
    signer_title: str
    signer_name: str
    signer_prefix: str = ""
    filename: str = ""
    period_label: str = ""
    task_code: str = ""
    task_title: str = ""
    attachments: list[str] = field(default_factory=list)


def head_title(unit_name: str) -> str:
    """`CHI CỤC TRƯỞNG` for a Chi cục, `TRƯỞNG PHÒNG` for a Phòng, `GIÁM ĐỐC` for a Trung tâm.

    >>> head_title("Chi cục Kiểm lâm"), head_title("Phòng Kế hoạch - Tài chính"), head_title("Hội Nông dân")
    ('CHI CỤC TRƯỞNG', 'TRƯỞNG PHÒNG', 'THỦ TRƯỞNG ĐƠN VỊ')
    """
    low = unit_name.casefold()
    return next((title for head, title in HEAD_TITLES if low.startswith(head + " ")), "THỦ TRƯỞNG ĐƠN VỊ")


def _head_of(unit: Organisation) -> str:
    """The name of the unit's head, when nhiemvu knows who that is; else the line stays for the pen."""
    heads = Official.objects.filter(organisation=unit, is_active=True).filter(
        Q(position__iregex=r"^(chi cục trưởng|cục trưởng|trưởng|giám đốc|chánh|chủ tịch)")
    )
    head = heads.order_by("pk").first()
    return head.full_name if head else ""


def _step_words(line: StepLine, *, done: bool) -> str:
    who = f", {line.responsible} phụ trách" if line.responsible else ""
    when = f"ngày {vn_date(line.done_on)}" if done and line.done_on else f"hạn {vn_date(line.due)}"
    return f"{line.title.strip().rstrip('.;')} ({when}{who})"


def roadmap_lines(roadmap: PeriodRoadmap) -> list[str]:
    """The lead unit's roadmap in the report: steps done in the period, then those late at its end.

    >>> import datetime as dt
    >>> from nhiemvu.roadmaps.models import StepStatus
    >>> done = StepLine("Khảo sát hiện trạng", dt.date(2023, 6, 10), dt.date(2023, 6, 8), "", StepStatus.DONE)
    >>> late = StepLine("Lập hồ sơ thiết kế", dt.date(2023, 6, 12), None, "Lê Văn A", StepStatus.OVERDUE)
    >>> for line in roadmap_lines(PeriodRoadmap(done=[done], overdue=[late])):
    ...     print(line)
    - Theo lộ trình triển khai, trong kỳ đã hoàn thành: Khảo sát hiện trạng (ngày 08/06/2023).
    - Chậm so với lộ trình triển khai: Lập hồ sơ thiết kế (hạn 12/06/2023, Lê Văn A phụ trách).
    """
    lines = []
    if roadmap.done:
        steps = "; ".join(_step_words(line, done=True) for line in roadmap.done)
        lines.append(f"- Theo lộ trình triển khai, trong kỳ đã hoàn thành: {steps}.")
    if roadmap.overdue:
        steps = "; ".join(_step_words(line, done=False) for line in roadmap.overdue)
        lines.append(f"- Chậm so với lộ trình triển khai: {steps}.")
    return lines


def build_unit_report(report: ProgressReport, *, date: dt.date | None = None) -> UnitReport:
    """The official form of one submitted progress report (lead or supporting unit)."""
    task, period, unit = report.task, report.period, report.organisation
    plan = task.plan
    agency = plan.issuer
    doc = plan.source_document
    phrase = period_phrase(period.label)
    day = date or timezone.localdate()
    letterhead = Letterhead(
        parent_agency=agency.name.upper(),
        agency=unit.name.upper(),
        agency_name=unit.name,
        symbol=agency_symbol("", unit.short_name or unit.name),
        number="",
        place=(doc.place if doc and doc.place else "") or province_name(agency),
        date=day,
    )
    role = "chủ trì" if report.is_lead else "phối hợp"
    intro = (
        f"Thực hiện {plan_reference(plan)}, {unit.name} được giao {role} thực hiện nhiệm vụ "
        f"{task.code}: {task.title.rstrip('.;')}. {unit.name} báo cáo kết quả thực hiện {phrase} (số liệu từ "
        f"ngày {vn_date(period.starts_on)} đến ngày {vn_date(period.ends_on)}) như sau:"
    )
    results = [line.strip() for line in report.narrative.splitlines() if line.strip()]
    figures = []
    for value in report.values.select_related("target").order_by("target__order", "target__pk"):
        t = value.target
        level = attainment(
            comparator=t.comparator,
            value=t.value,
            actual=value.actual,
            max_value=t.max_value,
            change=t.change,
            baseline=t.baseline,
        )
        words = result_words(t.comparator, t.value, t.max_value, t.unit, t.change, value.actual, level)
        figures.append(f"- {capitalised(t.name)}: {words}.")
    if report.percent_done is not None and not figures:
        from nhiemvu.lib.vnnumbers import format_vn

        figures.append(f"- Khối lượng công việc hoàn thành khoảng {format_vn(report.percent_done)}%.")
    if report.completed_on:
        figures.append(f"- Nhiệm vụ đã hoàn thành ngày {vn_date(report.completed_on)}.")
    if report.is_lead:
        figures += roadmap_lines(period_roadmap(task, period.starts_on, period.ends_on))
    obstacles, proposals = [], []
    for o in report.obstacles.order_by("pk"):
        obstacles.append(f"- {o.description.strip().rstrip('.;')}.")
        if o.needs.strip():
            to = f" {o.addressed_to.strip()}" if o.addressed_to.strip() else ""
            proposals.append(f"- Đề nghị{to} {in_sentence(o.needs.strip()).rstrip('.;')}.")
    for line in report.proposals.splitlines():
        if line.strip():
            proposals.append(f"- {line.strip().lstrip('-–+• ').rstrip('.;')}.")
    compiler = plan.compiler.name if plan.compiler else "Phòng Kế hoạch - Tài chính"
    closing = (
        f"Trên đây là báo cáo kết quả thực hiện nhiệm vụ {task.code} {phrase} của {unit.name}, "
        f"kính gửi {compiler} tổng hợp, báo cáo lãnh đạo {agency.name}./."
    )
    symbol = re.sub(r"[^A-Za-z0-9-]", "", letterhead.symbol) or "don-vi"
    return UnitReport(
        letterhead=letterhead,
        title="BÁO CÁO",
        summary=f"Kết quả thực hiện nhiệm vụ {task.code} {phrase}",
        intro=intro,
        results=results,
        figures=figures,
        obstacles=obstacles,
        proposals=proposals,
        closing=closing,
        recipients=[f"{agency.name} (qua {compiler});", "Lưu: VT."],
        signer_title=head_title(unit.name),
        signer_name=_head_of(unit),
        filename=f"bao-cao-{symbol}-nv{task.code}-{period.key}".replace("/", "-"),
        period_label=period.label,
        task_code=task.code,
        task_title=task.title,
        attachments=[a.original_name for a in report.attachments.order_by("pk")],
    )
