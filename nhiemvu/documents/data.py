"""What a consolidated period report says, as plain dataclasses, and the selector that fills them.

Renderers (docx, xlsx, chart) only ever see these dataclasses: the ORM stays here, so a
report's numbers are decided once and every format shows the same ones. The selector runs a
fixed number of queries whatever the number of plans, tasks, targets or periods.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from nhiemvu.lib.vnnumbers import format_vn
from nhiemvu.lib.vntext import unaccent
from nhiemvu.organisations.models import Organisation, OrganisationKind, Role
from nhiemvu.organisations.selectors import AccessScope, User, access_scope, organisation_descendant_ids
from nhiemvu.plans.models import Task
from nhiemvu.reporting.models import (
    Obstacle,
    ObstacleStatus,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
)
from nhiemvu.reporting.selectors import TaskProgress, tasks_progress
from nhiemvu.reporting.services import reporting_frequency
from nhiemvu.reporting.status import MilestoneStatus, TaskStatus

COMPARATOR_SIGNS = {"=": "", ">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< "}
DONE = (TaskStatus.COMPLETED_ON_TIME, TaskStatus.COMPLETED_LATE)
# A task whose deadline falls in the next period and whose targets stand below this share is
# flagged "at risk": a fifth of the way still to go with at most one period left.
AT_RISK_BELOW = Decimal(80)

DEFAULT_SIGNER = ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
PROVINCIAL_SIGNER = ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


# Vietnamese dates -------------------------------------------------------------------------------


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


def target_text(comparator: str, value: Decimal, max_value: Decimal | None, unit: str, change: str) -> str:
    """`≥ 64,2 %`, `5–7 doanh nghiệp`, `giảm 10 %`.

    >>> target_text(">=", Decimal("64.2"), None, "%", ""), target_text("range", Decimal(5), Decimal(7), "DN", "")
    ('≥ 64,2 %', '5–7 DN')
    """
    if comparator == "range":
        figure = f"{format_vn(value)}–{format_vn(max_value)}"
    else:
        figure = COMPARATOR_SIGNS.get(comparator, "") + format_vn(value)
    prefix = {"increase": "tăng ", "decrease": "giảm "}.get(change, "")
    return f"{prefix}{figure} {unit}".strip()


# The dataclasses ---------------------------------------------------------------------------------


@dataclass
class Letterhead:
    """The two-column header of Decree 30/2020 and the document's number line."""

    parent_agency: str
    agency: str
    agency_name: str  # as it reads in running text, not upper-cased
    symbol: str
    number: str
    place: str
    date: dt.date

    @property
    def number_line(self) -> str:
        # Official practice leaves the number blank for the clerk who registers the document.
        return f"Số: {self.number or '       '}/BC-{self.symbol}"

    @property
    def place_date(self) -> str:
        return vn_place_date(self.place, self.date)


@dataclass
class TargetLine:
    name: str
    unit: str
    target: str
    value: Decimal
    max_value: Decimal | None
    actual: Decimal | None
    estimate: Decimal | None
    attainment: Decimal | None
    comparator: str


@dataclass
class TaskLine:
    plan_index: int
    agency: str
    code: str
    title: str
    depth: int
    lead_unit: str
    leader: str
    deadline: dt.date | None
    reportable: bool
    status: str
    status_label: str
    percent_done: Decimal | None
    attainment: Decimal | None
    targets: list[TargetLine]
    narrative: str
    reported_in: str
    at_risk: str = ""

    @property
    def is_done(self) -> bool:
        return self.status in DONE


@dataclass
class ObstacleLine:
    task_code: str
    task_title: str
    unit: str
    period: str
    description: str
    needs: str
    addressed_to: str
    status_label: str
    answer: str


@dataclass
class ProposalLine:
    task_code: str
    unit: str
    period: str
    text: str


@dataclass
class LeaderGroup:
    """Obstacles and proposals of the tasks one leader directs: the director reads them by deputy."""

    leader: str
    obstacles: list[ObstacleLine] = field(default_factory=list)
    proposals: list[ProposalLine] = field(default_factory=list)


@dataclass
class DueItem:
    due: dt.date | None
    task_code: str
    task_title: str
    lead_unit: str
    text: str
    kind: str  # "milestone" | "deadline"
    overdue: bool


@dataclass
class UnitSubmissions:
    """One unit's lead reports over the reporting periods inside the report's window."""

    agency: str
    unit: str
    tasks_led: int
    due: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    accepted: int = 0
    returned: int = 0

    @property
    def missing(self) -> int:
        return self.due - self.submitted


@dataclass
class PlanBlock:
    """One plan's share of the report: the whole report for an agency, one agency in the provincial one."""

    plan_id: int
    agency: str
    plan_title: str
    plan_reference: str
    period_label: str
    starts_on: dt.date
    ends_on: dt.date
    counts: dict[str, int]
    attainment: Decimal | None
    tasks: list[TaskLine] = field(default_factory=list)


@dataclass
class PeriodReport:
    """Everything a consolidated report says; docx, xlsx and the chart render this and nothing else."""

    letterhead: Letterhead
    title: str
    summary: str
    intro: str
    period_key: str
    period_label: str
    next_label: str
    provincial: bool
    plans: list[PlanBlock]
    counts: dict[str, int]
    attention: list[TaskLine]
    leaders: list[LeaderGroup]
    priorities: list[DueItem]
    submissions: list[UnitSubmissions]
    recipients: list[str]
    signer_prefix: str
    signer_title: str
    signer_name: str
    status_labels: dict[str, str] = field(default_factory=lambda: dict(TaskStatus.choices))

    @property
    def tasks(self) -> list[TaskLine]:
        return [t for block in self.plans for t in block.tasks]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def filename(self) -> str:
        agency = self.letterhead.symbol if not self.provincial else "UBND-tinh"
        return f"bao-cao-{agency}-{self.period_key}".replace("/", "-")


@dataclass
class ReportOptions:
    """What the person issuing the report may set; everything else comes from the database."""

    number: str = ""
    date: dt.date | None = None
    place: str = ""
    signer_prefix: str | None = None
    signer_title: str | None = None
    signer_name: str = ""
    recipients: list[str] | None = None


# The selector ------------------------------------------------------------------------------------


def period_queryset():  # type: ignore[no-untyped-def]
    """Periods with what the letterhead needs, so the report's query count does not depend on it."""
    return ReportingPeriod.objects.select_related(
        "plan", "plan__issuer", "plan__issuer__parent", "plan__source_document"
    )


def _leader_label(task: Task) -> str:
    if task.leader is None:
        return "Chưa phân công lãnh đạo chỉ đạo"
    return f"Đồng chí {task.leader}"


def _province_name(org: Organisation | None) -> str:
    """`Lạng Sơn` from `UBND tỉnh Lạng Sơn`, the place a department's documents are dated at."""
    while org is not None and org.kind != OrganisationKind.PROVINCE_COMMITTEE:
        org = org.parent if org.parent_id else None
    if org is None:
        return ""
    return re.sub(r"^(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+(tỉnh|thành phố)\s+", "", org.name, flags=re.I)


def _plan_reference(plan) -> str:  # type: ignore[no-untyped-def]
    doc = plan.source_document
    if doc is None:
        return f"Kế hoạch {plan.title}"
    number = doc.number or (f"số      /{doc.symbol}" if doc.symbol else "")
    issued = f" ngày {vn_date(doc.issued_on)}" if doc.issued_on else ""
    number = f"số {number}" if doc.number else number
    return f"Kế hoạch {number}{issued} về {plan.title[:1].lower()}{plan.title[1:]}".replace("  ", " ")


def _tasks_of(plan_ids: list[int]) -> list[Task]:
    return list(
        Task.objects.filter(plan_id__in=plan_ids)
        .select_related("leader", "lead_unit")
        .prefetch_related(
            "targets",
            "milestones",
        )
        .order_by("plan_id", "order", "id")
    )


def _at_risk(progress: TaskProgress, next_end: dt.date | None) -> str:
    """Why a task still in time may miss it, or "" (a missed milestone, or little done with its deadline near)."""
    if progress.status in DONE or progress.status == TaskStatus.OVERDUE:
        return ""
    missed = [m for m in progress.milestones if m.status == MilestoneStatus.MISSED]
    if missed:
        return f"Chậm mốc: {missed[0].milestone.text} (hạn {vn_date(missed[0].milestone.due)})"
    deadline = progress.task.deadline
    if deadline and next_end and deadline <= next_end:
        level = progress.mean_attainment
        if level is None or level < AT_RISK_BELOW:
            shown = f"{format_vn(level, 1)}%" if level is not None else "chưa có số liệu"
            return f"Hạn {vn_date(deadline)}, mới đạt {shown}"
    return ""


def _task_line(plan_index: int, agency: str, progress: TaskProgress, reportable: bool, next_end) -> TaskLine:  # type: ignore[no-untyped-def]
    task = progress.task
    return TaskLine(
        plan_index=plan_index,
        agency=agency,
        code=task.code,
        title=task.title,
        depth=task.depth,
        lead_unit=task.lead_unit.name if task.lead_unit else "",
        leader=_leader_label(task),
        deadline=task.deadline,
        reportable=reportable,
        status=str(progress.status),
        status_label=str(progress.status.label),
        percent_done=progress.percent_done,
        attainment=progress.mean_attainment,
        targets=[
            TargetLine(
                name=t.target.name,
                unit=t.target.unit,
                target=target_text(
                    t.target.comparator, t.target.value, t.target.max_value, t.target.unit, t.target.change
                ),
                value=t.target.value,
                max_value=t.target.max_value,
                actual=t.actual,
                estimate=t.estimate,
                attainment=t.attainment,
                comparator=t.target.comparator,
            )
            for t in progress.targets
        ],
        narrative=progress.report.narrative if progress.report else "",
        reported_in=progress.report.period.label if progress.report else "",
        at_risk=_at_risk(progress, next_end) if reportable else "",
    )


def build_report(
    periods: Sequence[ReportingPeriod],
    *,
    options: ReportOptions | None = None,
    province: Organisation | None = None,
) -> PeriodReport:
    """The consolidated report of one period across one plan (an agency's) or several (the province's).

    `periods` are the same period (`2023-Q2`) of each plan, loaded with `period_queryset()`.
    A period consolidates the latest accepted lead report of each task whose own period ends by
    the cut-off, and task status is judged at the cut-off, so the report can be rebuilt later
    with the same figures. Runs 7 queries + 4 per distinct cut-off date (11 for one year).
    """
    options = options or ReportOptions()
    if not periods:
        raise ValueError("a report needs at least one period")
    periods = sorted(periods, key=lambda p: (p.plan.issuer.name, p.plan_id))
    provincial = province is not None or len(periods) > 1
    first = periods[0]
    plan_ids = [p.plan_id for p in periods]
    report_date = options.date or timezone.localdate()

    # 1 query: every period of these plans; the next period and the units' periods come from it.
    all_periods = list(ReportingPeriod.objects.filter(plan_id__in=plan_ids).order_by("ends_on", "starts_on"))
    next_by_plan: dict[int, ReportingPeriod | None] = {}
    unit_periods: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in periods:
        same = [p for p in all_periods if p.plan_id == period.plan_id and p.frequency == period.frequency]
        next_by_plan[period.plan_id] = next((p for p in same if p.starts_on > period.ends_on), None)
        finest = reporting_frequency(period.plan)
        unit_periods[period.plan_id] = [
            p
            for p in all_periods
            if p.plan_id == period.plan_id
            and p.frequency == finest
            and period.starts_on <= p.ends_on <= period.ends_on
        ]

    # 3 queries: tasks, targets, milestones.
    tasks = _tasks_of(plan_ids)
    by_plan: dict[int, list[Task]] = defaultdict(list)
    for task in tasks:
        by_plan[task.plan_id].append(task)

    # 4 queries per distinct cut-off (plans of one year share the decree's cut-offs: one batch).
    progress: dict[int, TaskProgress] = {}
    cutoffs: dict[dt.date, list[int]] = defaultdict(list)
    for period in periods:
        cutoffs[period.ends_on].append(period.plan_id)
    for cutoff, batch in cutoffs.items():
        batch_tasks = [t for plan_id in batch for t in by_plan[plan_id]]
        progress.update(
            tasks_progress(batch_tasks, today=min(report_date, cutoff), as_of=cutoff, plan_ids=batch)
        )

    # 2 queries: unresolved obstacles and proposals of the accepted reports inside the window,
    # leaving out a report an accepted correction replaced, so nothing is listed twice.
    window_start = min(p.starts_on for p in periods)
    window_end = max(p.ends_on for p in periods)
    in_window = {
        "status": ReportStatus.ACCEPTED,
        "task__plan_id__in": plan_ids,
        "period__ends_on__gte": window_start,
        "period__ends_on__lte": window_end,
    }
    window_reports = ProgressReport.objects.filter(**in_window).exclude(
        superseded_by__status=ReportStatus.ACCEPTED
    )
    order = ("period__ends_on", "task_id", "-is_lead", "organisation__name")
    obstacle_rows = list(
        Obstacle.objects.filter(report__in=window_reports)
        .exclude(status=ObstacleStatus.RESOLVED)
        .values(
            "report__task_id",
            "report__period__ends_on",
            "report__period__label",
            "report__organisation__name",
            "description",
            "needs",
            "addressed_to",
            "status",
            "answer",
        )
        .order_by(*(f"report__{o}" if not o.startswith("-") else f"-report__{o[1:]}" for o in order), "id")
    )
    proposal_rows = list(
        window_reports.exclude(proposals="")
        .values("task_id", "period__ends_on", "period__label", "organisation__name", "proposals")
        .order_by(*order)
    )
    # 1 query: every lead report of the units' periods, for the submissions sheet.
    unit_period_ids = [p.pk for ps in unit_periods.values() for p in ps]
    lead_reports = list(
        ProgressReport.objects.filter(period_id__in=unit_period_ids, is_lead=True)
        .values("task_id", "period_id", "status", "submitted_at", "version")
        .order_by("version")
    )

    task_by_id = {t.pk: t for t in tasks}
    period_by_plan = {p.plan_id: p for p in periods}
    blocks: list[PlanBlock] = []
    counts_all = {s.value: 0 for s in TaskStatus}
    attention: list[TaskLine] = []
    priorities: list[DueItem] = []
    for index, period in enumerate(periods):
        plan = period.plan
        agency = plan.issuer.name
        next_period = next_by_plan[plan.pk]
        next_end = next_period.ends_on if next_period else plan.ends_on
        counts = {s.value: 0 for s in TaskStatus}
        lines = []
        for task in by_plan[plan.pk]:
            item = progress[task.pk]
            # A heading task with no lead unit is only a group of its sub-tasks: shown, not counted.
            reportable = task.lead_unit_id is not None or item.report is not None
            line = _task_line(index, agency, item, reportable, next_end)
            lines.append(line)
            if not reportable:
                continue
            counts[line.status] += 1
            if line.status == TaskStatus.OVERDUE or line.at_risk:
                attention.append(line)
            if line.is_done:
                continue
            for m in item.milestones:
                if m.status in (MilestoneStatus.MISSED, MilestoneStatus.DUE) and m.milestone.due <= next_end:
                    priorities.append(
                        DueItem(
                            due=m.milestone.due,
                            task_code=task.code,
                            task_title=task.title,
                            lead_unit=line.lead_unit,
                            text=m.milestone.text,
                            kind="milestone",
                            overdue=m.status == MilestoneStatus.MISSED,
                        )
                    )
            if task.deadline and task.deadline <= next_end:
                priorities.append(
                    DueItem(
                        due=task.deadline,
                        task_code=task.code,
                        task_title=task.title,
                        lead_unit=line.lead_unit,
                        text="Hoàn thành nhiệm vụ",
                        kind="deadline",
                        overdue=line.status == TaskStatus.OVERDUE,
                    )
                )
        for key, value in counts.items():
            counts_all[key] += value
        levels = [t.attainment for t in lines if t.reportable and t.attainment is not None]
        blocks.append(
            PlanBlock(
                plan_id=plan.pk,
                agency=agency,
                plan_title=plan.title,
                plan_reference=_plan_reference(plan),
                period_label=period.label,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                counts=counts,
                attainment=(sum(levels) / len(levels)).quantize(Decimal("0.1")) if levels else None,
                tasks=lines,
            )
        )
    priorities.sort(key=lambda d: (d.due or dt.date.max, d.task_code))

    groups: dict[str, LeaderGroup] = {}

    def group_of(task_id: int, ends_on: dt.date) -> tuple[Task, LeaderGroup] | None:
        task = task_by_id[task_id]
        period = period_by_plan[task.plan_id]
        if not period.starts_on <= ends_on <= period.ends_on:
            return None  # another plan's window in a provincial report
        label = _leader_label(task)
        return task, groups.setdefault(label, LeaderGroup(leader=label))

    for row in obstacle_rows:
        found = group_of(row["report__task_id"], row["report__period__ends_on"])
        if found is None:
            continue
        task, group = found
        group.obstacles.append(
            ObstacleLine(
                task_code=task.code,
                task_title=task.title,
                unit=row["report__organisation__name"],
                period=row["report__period__label"],
                description=row["description"],
                needs=row["needs"],
                addressed_to=row["addressed_to"],
                status_label=str(ObstacleStatus(row["status"]).label),
                answer=row["answer"],
            )
        )
    for row in proposal_rows:
        found = group_of(row["task_id"], row["period__ends_on"])
        if found is None or not row["proposals"].strip():
            continue
        task, group = found
        group.proposals.append(
            ProposalLine(
                task_code=task.code,
                unit=row["organisation__name"],
                period=row["period__label"],
                text=row["proposals"].strip(),
            )
        )
    leaders = sorted(
        (g for g in groups.values() if g.obstacles or g.proposals),
        key=lambda g: (g.leader.startswith("Chưa"), g.leader),
    )

    submissions = _submissions(periods, by_plan, unit_periods, lead_reports)

    letterhead = _letterhead(first, province, options, report_date, provincial)
    prefix, title = PROVINCIAL_SIGNER if provincial else DEFAULT_SIGNER
    phrase = period_phrase(first.label)
    if provincial:
        intro = (
            f"Ủy ban nhân dân tỉnh tổng hợp kết quả thực hiện các nhiệm vụ trọng tâm {phrase} của "
            f"{len(periods)} cơ quan, đơn vị (số liệu chốt đến ngày {vn_date(window_end)}) như sau:"
        )
    else:
        intro = (
            f"Thực hiện {blocks[0].plan_reference}, {first.plan.issuer.name} báo cáo kết quả thực hiện "
            f"{phrase} (số liệu từ ngày {vn_date(first.starts_on)} đến ngày {vn_date(first.ends_on)}) như sau:"
        )
    next_periods = [p for p in next_by_plan.values() if p is not None]
    return PeriodReport(
        letterhead=letterhead,
        title="BÁO CÁO",
        summary=f"Kết quả thực hiện các nhiệm vụ trọng tâm {phrase}",
        intro=intro,
        period_key=first.key,
        period_label=first.label,
        next_label=next_periods[0].label if next_periods else f"cuối năm {first.plan.year}",
        provincial=provincial,
        plans=blocks,
        counts=counts_all,
        attention=attention,
        leaders=leaders,
        priorities=priorities,
        submissions=submissions,
        recipients=options.recipients or _default_recipients(provincial),
        signer_prefix=options.signer_prefix if options.signer_prefix is not None else prefix,
        signer_title=options.signer_title if options.signer_title is not None else title,
        signer_name=options.signer_name,
    )


def _default_recipients(provincial: bool) -> list[str]:
    if provincial:
        return ["Chủ tịch, các PCT UBND tỉnh;", "Các sở, ban, ngành tỉnh;", "Lưu: VT, KT."]
    return ["UBND tỉnh (b/c);", "Giám đốc Sở;", "Các Phó Giám đốc Sở;", "Lưu: VT, KHTC."]


def _letterhead(
    first: ReportingPeriod,
    province: Organisation | None,
    options: ReportOptions,
    report_date: dt.date,
    provincial: bool,
) -> Letterhead:
    issuer = first.plan.issuer
    doc = first.plan.source_document
    if provincial:
        body = province or issuer.parent or issuer
        return Letterhead(
            parent_agency="",
            agency=body.name.upper(),
            agency_name=body.name,
            symbol="UBND",
            number=options.number,
            place=options.place or _province_name(body) or body.name,
            date=report_date,
        )
    return Letterhead(
        parent_agency=issuer.parent.name.upper() if issuer.parent else "",
        agency=issuer.name.upper(),
        agency_name=issuer.name,
        symbol=agency_symbol(doc.symbol if doc else "", issuer.short_name or issuer.name),
        number=options.number,
        place=options.place or (doc.place if doc and doc.place else "") or _province_name(issuer),
        date=report_date,
    )


def _submissions(
    periods: Sequence[ReportingPeriod],
    by_plan: dict[int, list[Task]],
    unit_periods: dict[int, list[ReportingPeriod]],
    lead_reports: list[dict],
) -> list[UnitSubmissions]:
    """Per lead unit: reports owed over the window's reporting periods, sent, on time, accepted, returned."""
    state: dict[tuple[int, int], dict] = {}
    first_sent: dict[tuple[int, int], dt.datetime] = {}
    for row in lead_reports:  # ascending versions: the last one is the current state
        key = (row["task_id"], row["period_id"])
        state[key] = row
        if row["submitted_at"] and (key not in first_sent or row["submitted_at"] < first_sent[key]):
            first_sent[key] = row["submitted_at"]
    rows: dict[tuple[int, str], UnitSubmissions] = {}
    for period in periods:
        for task in by_plan[period.plan_id]:
            if task.lead_unit is None:
                continue
            unit = rows.setdefault(
                (period.plan_id, task.lead_unit.name),
                UnitSubmissions(agency=period.plan.issuer.name, unit=task.lead_unit.name, tasks_led=0),
            )
            unit.tasks_led += 1
            for unit_period in unit_periods[period.plan_id]:
                key = (task.pk, unit_period.pk)
                unit.due += 1
                sent = first_sent.get(key)
                if sent is None:
                    continue
                unit.submitted += 1
                if timezone.localdate(sent) <= unit_period.due_on:
                    unit.on_time += 1
                else:
                    unit.late += 1
                status = state[key]["status"]
                unit.accepted += status == ReportStatus.ACCEPTED
                unit.returned += status == ReportStatus.RETURNED
    return sorted(rows.values(), key=lambda u: (u.agency, u.unit))


# Who may build which report ----------------------------------------------------------------------


def may_report_on(scope: AccessScope, issuer_id: int) -> bool:
    """A period report shows the whole plan: for those who see it whole (director, planning-finance, province)."""
    return scope.sees_whole_plan_of(issuer_id)


def may_report_province(scope: AccessScope) -> bool:
    return scope.superuser or Role.PROVINCIAL_REVIEWER in scope.roles


def period_for_report(user: User, pk: int, scope: AccessScope | None = None) -> ReportingPeriod:
    """The period if the user may download its consolidated report, else 404."""
    scope = access_scope(user) if scope is None else scope
    period = get_object_or_404(period_queryset(), pk=pk)
    if not may_report_on(scope, period.plan.issuer_id):
        raise Http404
    return period


def period_by_key(user: User, plan_id: int, key: str, scope: AccessScope | None = None) -> ReportingPeriod:
    scope = access_scope(user) if scope is None else scope
    period = get_object_or_404(period_queryset(), plan_id=plan_id, key=key)
    if not may_report_on(scope, period.plan.issuer_id):
        raise Http404
    return period


def provincial_periods(
    user: User,
    key: str,
    *,
    plan_ids: Sequence[int] | None = None,
    province_id: int | None = None,
    scope: AccessScope | None = None,
) -> tuple[list[ReportingPeriod], Organisation | None]:
    """The `key` period of each plan for the provincial report: the given plans, or every plan under a province.

    Only provincial reviewers and superusers; only plans whose issuer the user sees whole.
    """
    scope = access_scope(user) if scope is None else scope
    if not may_report_province(scope):
        raise Http404
    periods = period_queryset().filter(key=key)
    if not scope.superuser:
        periods = periods.filter(plan__issuer_id__in=scope.department_orgs)
    province = None
    if province_id is not None:
        province = get_object_or_404(Organisation, pk=province_id)
        periods = periods.filter(plan__issuer_id__in=organisation_descendant_ids(province.pk))
    if plan_ids is not None:
        periods = periods.filter(plan_id__in=list(plan_ids))
    return list(periods.order_by("plan__issuer__name", "plan_id")), province
