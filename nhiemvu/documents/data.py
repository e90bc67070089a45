"""What a consolidated period report says, as plain dataclasses, and the projection that fills them.

Renderers (docx, xlsx, chart) only ever see these dataclasses. The figures and verdicts come from
the plans' snapshot (`reporting.snapshot`), the same read the dashboards project, so a report and
a dashboard cannot disagree about a task; this module selects, groups and words them. Who may
build a report is in `access`, how it words dates and names in `wording`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone, translation

from nhiemvu.cascade.selectors import (
    AgencyStanding,
    Rollup,
    agency_standings,
    cascade_load,
    decision_label,
    decision_tasks_for,
)
from nhiemvu.organisations.models import Organisation
from nhiemvu.reporting.models import ReportingPeriod, ReportStatus
from nhiemvu.reporting.snapshot import DueItem, PeriodFacts, Snapshot, TaskState, snapshot_load
from nhiemvu.reporting.status import DONE, TaskStatus

from .wording import (
    agency_symbol,
    leader_label,
    official_name,
    period_phrase,
    plan_reference,
    province_name,
    result_words,
    target_words,
    vn_date,
    vn_place_date,
)

DEFAULT_SIGNER = ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
# A People's Committee signs collectively (Decree 30/2020, art. 8): "TM." the committee, "KT." the chair.
PROVINCIAL_SIGNER = ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
# The reports are official documents: Vietnamese whatever language the interface speaks
# (status labels and the forecast's lazily translated reasons would otherwise follow the reader's choice).
DOCUMENT_LANGUAGE = "vi"


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
    value: Decimal
    max_value: Decimal | None
    actual: Decimal | None
    estimate: Decimal | None
    attainment: Decimal | None
    comparator: str
    change: str = ""

    @property
    def planned(self) -> str:
        """The target in the plan's words: `từ 64,2% trở lên`."""
        return target_words(self.comparator, self.value, self.max_value, self.unit, self.change)

    @property
    def result(self) -> str:
        """What it reached, in words: `đạt 6.820,75 ha/9.000 ha, bằng 75,8% kế hoạch`."""
        return result_words(
            self.comparator, self.value, self.max_value, self.unit, self.change, self.actual, self.attainment
        )


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
    no_data: bool = False  # flagged for having no figures to judge, not for a projected shortfall

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
    agency: str = ""


@dataclass
class ProposalLine:
    task_code: str
    unit: str
    period: str
    text: str
    agency: str = ""


@dataclass
class LeaderGroup:
    """Obstacles and proposals of the tasks one leader directs: the director reads them by deputy."""

    leader: str
    obstacles: list[ObstacleLine] = field(default_factory=list)
    proposals: list[ProposalLine] = field(default_factory=list)


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
class AgencyRow:
    """One agency in the provincial summary: its tasks by outcome and its reports, and its rank."""

    agency: str
    total: int
    done_on_time: int
    overdue: int
    reports_due: int
    reports_on_time: int
    rank: int = 0

    @property
    def on_time_share(self) -> Decimal:
        return Decimal(self.done_on_time * 100) / self.total if self.total else Decimal(0)

    @property
    def reports_share(self) -> Decimal:
        return Decimal(self.reports_on_time * 100) / self.reports_due if self.reports_due else Decimal(100)


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
class CascadeSection:
    """The provincial report's account of the tasks the province's decision assigned: each agency's
    standing on them (rolled up from the agency tasks carrying them out) and the tasks not taken up."""

    decision: str  # `Quyết định số 58/QĐ-UBND ngày 17/01/2026`
    standings: list[AgencyStanding]
    tasks: list[Rollup]

    @property
    def uncovered(self) -> list[Rollup]:
        return [t for t in self.tasks if t.uncovered]


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
    status_labels: dict[str, str] = field(default_factory=lambda: {k: str(v) for k, v in TaskStatus.choices})
    agency_rows: list[AgencyRow] = field(default_factory=list)
    agency_of_task: dict[int, str] = field(default_factory=dict)  # task id -> its plan's agency
    issuer_id: int | None = None  # the agency whose report this is (None for the province's)
    cascade: CascadeSection | None = None  # the province's: its decision's tasks, agency by agency

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


# The projection ----------------------------------------------------------------------------------


def build_report(
    periods: Sequence[ReportingPeriod],
    *,
    options: ReportOptions | None = None,
    province: Organisation | None = None,
) -> PeriodReport:
    """The consolidated report of one period across one plan (an agency's) or several (the province's).

    `periods` are the same period (`2023-Q2`) of each plan, loaded with `access.period_queryset()`.
    Each plan is read as of its period's cut-off (`snapshot_load`, one read per distinct cut-off:
    plans of one year share the decree's), so the report can be rebuilt later with the same figures.
    """
    if not periods:
        raise ValueError("a report needs at least one period")
    options = options or ReportOptions()
    periods = sorted(periods, key=lambda p: (p.plan.issuer.name, p.plan_id))
    provincial = province is not None or len(periods) > 1
    report_date = options.date or timezone.localdate()
    with translation.override(DOCUMENT_LANGUAGE):
        snapshots = _snapshots(periods, report_date)
        blocks = [_plan_block(i, period, snapshots[period.plan_id]) for i, period in enumerate(periods)]
        return _report(periods, blocks, snapshots, options, province, report_date, provincial)


def _snapshots(periods: Sequence[ReportingPeriod], report_date: dt.date) -> dict[int, Snapshot]:
    """Each plan's snapshot at its period's cut-off, status judged then (or on the report's date if earlier)."""
    by_cutoff: dict[dt.date, list[int]] = defaultdict(list)
    for period in periods:
        by_cutoff[period.ends_on].append(period.plan_id)
    snapshots: dict[int, Snapshot] = {}
    for cutoff, plan_ids in by_cutoff.items():
        snapshot = snapshot_load(plan_ids=plan_ids, today=min(report_date, cutoff), as_of=cutoff)
        snapshots.update(dict.fromkeys(plan_ids, snapshot))
    return snapshots


@dataclass(frozen=True)
class _Block:
    """A plan's block with what the rest of the report draws from it."""

    block: PlanBlock
    period: ReportingPeriod
    next_period: PeriodFacts | None
    unit_periods: list[PeriodFacts]  # the periods units reported on inside this one
    tasks: list[TaskState]
    priorities: list[DueItem]


def _plan_block(index: int, period: ReportingPeriod, snapshot: Snapshot) -> _Block:
    plan = period.plan
    agency = plan.issuer.name
    own = [p for p in snapshot.periods if p.plan_id == plan.pk]
    following = (p for p in own if p.frequency == period.frequency and p.starts_on > period.ends_on)
    next_period = next(following, None)
    next_end = next_period.ends_on if next_period else plan.ends_on
    tasks = [t for t in snapshot.tasks if t.plan_id == plan.pk]
    counts = {s.value: 0 for s in TaskStatus}
    lines = []
    priorities: list[DueItem] = []
    for task in tasks:
        line = _task_line(index, agency, task)
        lines.append(line)
        if not task.reportable:
            continue
        counts[task.status.value] += 1
        if not task.is_done:
            priorities.extend(task.due_by(next_end))
    levels = [t.attainment for t in lines if t.reportable and t.attainment is not None]
    block = PlanBlock(
        plan_id=plan.pk,
        agency=agency,
        plan_title=plan.title,
        plan_reference=plan_reference(plan),
        period_label=period.label,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        counts=counts,
        attainment=(sum(levels, Decimal(0)) / len(levels)).quantize(Decimal("0.1")) if levels else None,
        tasks=lines,
    )
    unit_periods = [p for p in own if p.reporting and period.starts_on <= p.ends_on <= period.ends_on]
    return _Block(block, period, next_period, unit_periods, tasks, priorities)


def _task_line(plan_index: int, agency: str, task: TaskState) -> TaskLine:
    return TaskLine(
        plan_index=plan_index,
        agency=agency,
        code=task.code,
        title=task.title,
        depth=task.depth,
        lead_unit=task.lead_unit,
        leader=leader_label(task.leader),
        deadline=task.deadline,
        reportable=task.reportable,
        status=task.status.value,
        status_label=str(task.status.label),
        percent_done=task.percent_done,
        attainment=task.mean_attainment,
        targets=[
            TargetLine(
                name=t.name,
                unit=t.unit,
                value=t.value,
                max_value=t.max_value,
                actual=t.actual,
                estimate=t.estimate,
                attainment=t.attainment,
                comparator=t.comparator,
                change=t.change,
            )
            for t in task.targets
        ],
        narrative=task.narrative,
        reported_in=task.reported_in,
        # Why a task still in time needs attention; an overdue one is listed for being overdue.
        at_risk=str(task.attention) if task.reportable and not task.overdue else "",
        no_data=task.reportable and not task.overdue and task.judged_without_data,
    )


def _leader_groups(blocks: list[_Block], snapshots: dict[int, Snapshot]) -> list[LeaderGroup]:
    """Open obstacles and proposals of the reports inside each plan's window, by the leader in charge."""
    groups: dict[str, LeaderGroup] = {}
    # The snapshot lists obstacles newest period first; the report reads them in time order. Sorted
    # once per snapshot: the plans of a provincial report share one.
    in_time_order = {id(s): sorted(s.obstacles, key=lambda o: o.period_ends_on) for s in snapshots.values()}
    for b in blocks:
        tasks = {t.pk: t for t in b.tasks}
        snapshot = snapshots[b.period.plan_id]
        inside = b.period.starts_on, b.period.ends_on

        for o in in_time_order[id(snapshot)]:
            if o.task_id in tasks and inside[0] <= o.period_ends_on <= inside[1]:
                _group(groups, tasks[o.task_id]).obstacles.append(
                    ObstacleLine(
                        task_code=tasks[o.task_id].code,
                        task_title=tasks[o.task_id].title,
                        unit=o.unit,
                        period=o.period_label,
                        description=o.description,
                        needs=o.needs,
                        addressed_to=o.addressed_to,
                        status_label=str(o.status.label),
                        answer=o.answer,
                        agency=b.block.agency,
                    )
                )
        for p in snapshot.proposals:
            if p.task_id in tasks and inside[0] <= p.period_ends_on <= inside[1]:
                _group(groups, tasks[p.task_id]).proposals.append(
                    ProposalLine(
                        task_code=tasks[p.task_id].code,
                        unit=p.unit,
                        period=p.period_label,
                        text=p.text,
                        agency=b.block.agency,
                    )
                )
    return sorted(
        (g for g in groups.values() if g.obstacles or g.proposals),
        key=lambda g: (g.leader.startswith("Chưa"), g.leader),
    )


def _group(groups: dict[str, LeaderGroup], task: TaskState) -> LeaderGroup:
    label = leader_label(task.leader)
    return groups.setdefault(label, LeaderGroup(leader=label))


def _submissions(blocks: list[_Block], snapshots: dict[int, Snapshot]) -> list[UnitSubmissions]:
    """Per lead unit: reports owed over the window's reporting periods, sent, on time, accepted, returned."""
    rows: dict[tuple[int, str], UnitSubmissions] = {}
    for b in blocks:
        snapshot = snapshots[b.period.plan_id]
        for task in b.tasks:
            if task.lead_unit_id is None:
                continue
            unit = rows.setdefault(
                (b.period.plan_id, task.lead_unit),
                UnitSubmissions(agency=b.block.agency, unit=task.lead_unit, tasks_led=0),
            )
            unit.tasks_led += 1
            for period in b.unit_periods:
                unit.due += 1
                on_time = snapshot.sent_on_time(task.pk, period)
                if on_time is None:
                    continue
                unit.submitted += 1
                unit.on_time += on_time
                unit.late += not on_time
                status = snapshot.submissions[(task.pk, period.pk)].status
                unit.accepted += status == ReportStatus.ACCEPTED
                unit.returned += status == ReportStatus.RETURNED
    return sorted(rows.values(), key=lambda u: (u.agency, u.unit))


def _report(
    periods: list[ReportingPeriod],
    blocks: list[_Block],
    snapshots: dict[int, Snapshot],
    options: ReportOptions,
    province: Organisation | None,
    report_date: dt.date,
    provincial: bool,
) -> PeriodReport:
    first = periods[0]
    counts = {s.value: 0 for s in TaskStatus}
    for b in blocks:
        for key, value in b.block.counts.items():
            counts[key] += value
    attention = [
        line
        for b in blocks
        for line in b.block.tasks
        if line.reportable and (line.status == TaskStatus.OVERDUE or line.at_risk)
    ]
    priorities = sorted(
        (d for b in blocks for d in b.priorities), key=lambda d: (d.day or dt.date.max, d.task_code)
    )
    prefix, title = PROVINCIAL_SIGNER if provincial else DEFAULT_SIGNER
    phrase = period_phrase(first.label)
    if provincial:
        intro = (
            f"Ủy ban nhân dân tỉnh tổng hợp kết quả thực hiện các nhiệm vụ trọng tâm {phrase} của "
            f"{len(periods)} cơ quan, đơn vị (số liệu chốt đến ngày {vn_date(max(p.ends_on for p in periods))}) như sau:"
        )
    else:
        intro = (
            f"Thực hiện {blocks[0].block.plan_reference}, {first.plan.issuer.name} báo cáo kết quả thực hiện "
            f"{phrase} (số liệu từ ngày {vn_date(first.starts_on)} đến ngày {vn_date(first.ends_on)}) như sau:"
        )
    next_periods = [b.next_period for b in blocks if b.next_period is not None]
    submissions = _submissions(blocks, snapshots)
    return PeriodReport(
        letterhead=_letterhead(first, province, options, report_date, provincial),
        title="BÁO CÁO",
        summary=f"Kết quả thực hiện các nhiệm vụ trọng tâm {phrase}",
        intro=intro,
        period_key=first.key,
        period_label=first.label,
        next_label=next_periods[0].label if next_periods else f"cuối năm {first.plan.year}",
        provincial=provincial,
        plans=[b.block for b in blocks],
        counts=counts,
        attention=attention,
        leaders=_leader_groups(blocks, snapshots),
        priorities=priorities,
        submissions=submissions,
        agency_rows=_agency_rows(blocks, submissions) if provincial else [],
        agency_of_task={t.pk: b.block.agency for b in blocks for t in b.tasks},
        issuer_id=None if provincial else first.plan.issuer_id,
        recipients=options.recipients or _default_recipients(provincial),
        signer_prefix=options.signer_prefix if options.signer_prefix is not None else prefix,
        signer_title=options.signer_title if options.signer_title is not None else title,
        signer_name=options.signer_name,
        cascade=_cascade(periods, snapshots, report_date) if provincial else None,
    )


def _cascade(
    periods: list[ReportingPeriod], snapshots: dict[int, Snapshot], report_date: dt.date
) -> CascadeSection | None:
    """The decisions' tasks assigned to the report's agencies, rolled up as of the period's cut-off
    from the report's own snapshots (a linked task outside the report's plans is read apart); None
    when the province has issued no decision for the year (or has not stored it)."""
    cutoff = max(p.ends_on for p in periods)
    tasks = decision_tasks_for({p.plan.issuer_id for p in periods}, {p.plan.year for p in periods})
    if not tasks.exists():
        return None
    known = {id(s): s for s in snapshots.values() if s.as_of == cutoff}.values()
    cascade = cascade_load(tasks, today=min(report_date, cutoff), as_of=cutoff, known=known)
    return CascadeSection(
        decision=decision_label({r.plan_id for r in cascade.rollups}),
        standings=agency_standings(cascade),
        tasks=cascade.rollups,
    )


def _agency_rows(blocks: list[_Block], submissions: list[UnitSubmissions]) -> list[AgencyRow]:
    """Agencies ranked by the share of their tasks completed on time, then of reports sent on time."""
    rows: dict[str, AgencyRow] = {}
    for b in blocks:
        counts = b.block.counts
        row = rows.setdefault(b.block.agency, AgencyRow(b.block.agency, 0, 0, 0, 0, 0))
        row.total += sum(counts.values())
        row.done_on_time += counts.get(TaskStatus.COMPLETED_ON_TIME.value, 0)
        row.overdue += counts.get(TaskStatus.OVERDUE.value, 0)
    for unit in submissions:
        if unit.agency in rows:
            rows[unit.agency].reports_due += unit.due
            rows[unit.agency].reports_on_time += unit.on_time
    ranked = sorted(rows.values(), key=lambda r: (-r.on_time_share, -r.reports_share, r.overdue, r.agency))
    previous: tuple[Decimal, Decimal, int] | None = None
    for position, row in enumerate(ranked, 1):
        key = (row.on_time_share, row.reports_share, row.overdue)
        row.rank = ranked[position - 2].rank if key == previous else position
        previous = key
    return ranked


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
            agency=official_name(body.name).upper(),
            agency_name=body.name,
            symbol="UBND",
            number=options.number,
            place=options.place or province_name(body) or body.name,
            date=report_date,
        )
    return Letterhead(
        parent_agency=issuer.parent.name.upper() if issuer.parent else "",
        agency=issuer.name.upper(),
        agency_name=issuer.name,
        symbol=agency_symbol(doc.symbol if doc else "", issuer.short_name or issuer.name),
        number=options.number,
        place=options.place or (doc.place if doc and doc.place else "") or province_name(issuer),
        date=report_date,
    )
