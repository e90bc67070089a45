"""Where tasks and plans stand on a date: the one read every page, report and rule projects from.

`tasks_progress` judges some loaded tasks from their latest accepted lead reports (4 queries): what a
task page, the plan tree and the API show. `snapshot_load` adds what a whole picture needs, in a
fixed number of queries whatever the number of plans, tasks or reports,

    plans (1) · periods (1) · tasks, targets, milestones (3) · each task's latest accepted lead
    report with its figures and met milestones (4, `tasks_progress`) · the history of
    accepted figures (1) · the percent-done history of tasks without targets (1) · open obstacles
    (1) · proposals (1) · the lead reports of the reporting periods begun (1)

and returns frozen dataclasses, no ORM objects: the dashboard, the consolidated report and the
lists behind them group, sort and word these facts, and never decide them again. The rules are
here, once: a task's status (QĐ 42/2014, `status.task_status`), what counts as done, late, at risk
or without data (the forecast, `forecast.assess_target`), which periods units report on
(`selectors.reporting_frequency`) and whether a report was sent on time.

Only accepted lead reports count, and only those whose period ends by `as_of`: what a unit
claims in a draft does not count until Planning-Finance accepts it, and a report built later
for the same cut-off shows the same figures. An obstacle or a proposal of a report that an
accepted correction replaced is left out, so nothing is listed twice.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from nhiemvu.lib.vnnumbers import format_vn
from nhiemvu.plans.models import Milestone, PlanStatus, Target, Task

from . import forecast
from .models import Obstacle, ObstacleStatus, ProgressReport, ReportingPeriod, ReportStatus, TargetValue
from .selectors import reporting_frequency
from .status import DONE, MilestoneStatus, TaskStatus, attainment, milestone_status, task_status

COMPARATOR_SIGNS = {"=": "", ">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< "}
UPPER_BOUNDS = ("<=", "<")


def target_text(comparator: str, value: Decimal, max_value: Decimal | None, unit: str, change: str) -> str:
    """A target as the plan words it: `≥ 64,2 %`, `5–7 doanh nghiệp`, `giảm 10 %`.

    >>> target_text(">=", Decimal("64.2"), None, "%", ""), target_text("range", Decimal(5), Decimal(7), "DN", "")
    ('≥ 64,2 %', '5–7 DN')
    """
    if comparator == "range":
        figure = f"{format_vn(value)}–{format_vn(max_value)}"
    else:
        figure = COMPARATOR_SIGNS.get(comparator, "") + format_vn(value)
    prefix = {"increase": "tăng ", "decrease": "giảm "}.get(change, "")
    return f"{prefix}{figure} {unit}".strip()


# Where each task stands: its latest accepted lead report, judged (also on its own, for a task page and the API) ----


@dataclass
class TargetProgress:
    target: Target
    actual: Decimal | None
    estimate: Decimal | None
    attainment: Decimal | None


@dataclass
class MilestoneProgress:
    milestone: Milestone
    status: MilestoneStatus


@dataclass
class TaskProgress:
    """Where a task stands, from its lead unit's accepted reports only."""

    task: Task
    status: TaskStatus
    report: ProgressReport | None
    percent_done: Decimal | None
    targets: list[TargetProgress] = field(default_factory=list)
    milestones: list[MilestoneProgress] = field(default_factory=list)

    @property
    def mean_attainment(self) -> Decimal | None:
        """The average attainment of the task's targets, each capped at 100%: one overshoot can't hide a shortfall."""
        values = [min(t.attainment, Decimal(100)) for t in self.targets if t.attainment is not None]
        if not values:
            return self.percent_done
        return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"))


def latest_accepted_reports(
    task_ids: Iterable[int], *, as_of: dt.date | None = None, plan_ids: Iterable[int] | None = None
) -> dict[int, ProgressReport]:
    """Each task's most recent accepted lead report (latest period, then latest version).

    Picks the latest report per task from bare ids first, then loads only those with their
    figures: a province's year holds 12,000 accepted reports, of which a page needs 1,000.
    Give `plan_ids` when the tasks are whole plans: the filter stays small whatever their number.
    Four queries (ids, reports, their figures, their met milestones), or one when there are none.
    """
    wanted = set(task_ids)
    reports = ProgressReport.objects.filter(is_lead=True, status=ReportStatus.ACCEPTED)
    if plan_ids is not None:
        reports = reports.filter(task__plan_id__in=list(plan_ids))
    else:
        reports = reports.filter(task_id__in=list(wanted))
    if as_of is not None:
        reports = reports.filter(period__ends_on__lte=as_of)
    # Ascending, so the dict keeps each task's last report.
    latest_ids = dict(reports.order_by("task_id", "period__ends_on", "version").values_list("task_id", "pk"))
    chosen = [pk for task_id, pk in latest_ids.items() if task_id in wanted]
    if not chosen:
        return {}
    return {
        r.task_id: r
        for r in ProgressReport.objects.filter(pk__in=chosen)
        .select_related("period")
        .prefetch_related(Prefetch("values", queryset=TargetValue.objects.all()), "milestones_met")
    }


def tasks_progress(
    tasks: list[Task],
    *,
    today: dt.date | None = None,
    as_of: dt.date | None = None,
    plan_ids: Iterable[int] | None = None,
) -> dict[int, TaskProgress]:
    """Status, attainment and milestones for tasks whose targets and milestones are prefetched.

    Judged from accepted lead reports whose period ends by `as_of` (all when None), as of `today`.
    """
    today = today or timezone.localdate()
    latest = latest_accepted_reports([t.pk for t in tasks], as_of=as_of, plan_ids=plan_ids)
    met_ids: dict[int, set[int]] = {}
    for task_id, accepted in latest.items():
        met_ids[task_id] = {m.pk for m in accepted.milestones_met.all()}
    result: dict[int, TaskProgress] = {}
    for task in tasks:
        report = latest.get(task.pk)
        values = {v.target_id: v for v in report.values.all()} if report else {}
        started = report is not None and (
            (report.percent_done or 0) > 0 or any(v.actual for v in values.values()) or bool(report.narrative)
        )
        status = task_status(
            deadline=task.deadline,
            today=today,
            completed_on=report.completed_on if report else None,
            started=started,
        )
        targets = []
        for target in task.targets.all():
            value = values.get(target.pk)
            actual = value.actual if value else None
            targets.append(
                TargetProgress(
                    target=target,
                    actual=actual,
                    estimate=value.estimate if value else None,
                    attainment=attainment(
                        comparator=target.comparator,
                        value=target.value,
                        actual=actual,
                        max_value=target.max_value,
                        change=target.change,
                        baseline=target.baseline,
                    ),
                )
            )
        milestones = [
            MilestoneProgress(
                m, milestone_status(due=m.due, met=m.pk in met_ids.get(task.pk, set()), today=today)
            )
            for m in task.milestones.all()
        ]
        result[task.pk] = TaskProgress(
            task=task,
            status=status,
            report=report,
            percent_done=report.percent_done if report else None,
            targets=targets,
            milestones=milestones,
        )
    return result


# The facts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFacts:
    pk: int
    title: str
    year: int
    starts_on: dt.date
    ends_on: dt.date
    closed: bool


@dataclass(frozen=True)
class PeriodFacts:
    pk: int
    plan_id: int
    key: str  # `2023-Q2`: the same period of every plan of a year shares it
    label: str
    frequency: str
    starts_on: dt.date
    ends_on: dt.date
    due_on: dt.date
    reporting: bool  # of the plan's finest frequency: the periods units report on

    @property
    def short_label(self) -> str:
        return self.label.replace("Tháng ", "T").replace("Quý ", "Q")


@dataclass(frozen=True)
class TargetState:
    pk: int
    name: str
    unit: str
    comparator: str
    value: Decimal
    max_value: Decimal | None
    change: str
    actual: Decimal | None
    estimate: Decimal | None
    attainment: Decimal | None  # not capped: 120 means exceeded
    history: tuple[forecast.Point, ...]  # every accepted figure by the cut-off, one per period
    verdict: forecast.Verdict | None  # None for a finished task's target: it is not forecast

    @property
    def text(self) -> str:
        return target_text(self.comparator, self.value, self.max_value, self.unit, self.change)

    @property
    def upper_bound(self) -> bool:
        return self.comparator in UPPER_BOUNDS


@dataclass(frozen=True)
class MilestoneState:
    pk: int
    text: str
    due: dt.date | None
    status: MilestoneStatus

    @property
    def missed(self) -> bool:
        return self.status == MilestoneStatus.MISSED


@dataclass(frozen=True)
class DueItem:
    """Something a task must deliver by a day: one of its milestones, or the task itself by its deadline."""

    day: dt.date | None
    kind: str  # "milestone" | "deadline"
    text: str
    task_id: int
    task_code: str
    task_title: str
    unit: str  # the task's lead unit
    overdue: bool  # the day passed without it
    met: bool = False  # a milestone an accepted report says was met
    status: str = ""  # the milestone's status, or the task's for its deadline


@dataclass(frozen=True)
class TaskState:
    """One task as of the snapshot's day: its facts, its figures and the verdicts on them."""

    pk: int
    plan_id: int
    code: str
    title: str
    depth: int
    leader_id: int | None
    leader: str  # `Lê Thị Phó, Phó Giám đốc Sở`, "" when nobody was assigned
    lead_unit_id: int | None
    lead_unit: str
    deadline: dt.date | None
    status: TaskStatus
    completed_on: dt.date | None  # the day its accepted report says it was completed; None until then
    percent_done: Decimal | None
    mean_attainment: Decimal | None  # of its targets, each capped at 100 %; else its percent done
    reported_in: str  # the period of the accepted report its figures come from
    narrative: str
    targets: tuple[TargetState, ...]
    milestones: tuple[MilestoneState, ...]
    # Forecast: at risk (its first reason), without data (its first reason), notes on undated checkpoints.
    at_risk: bool
    reason: str | Promise
    no_data: bool
    no_data_reason: str | Promise
    notes: tuple[str, ...]

    @property
    def reportable(self) -> bool:
        """A heading with no lead unit and no report only groups its sub-tasks: shown, not counted."""
        return self.lead_unit_id is not None or bool(self.reported_in)

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def attainment(self) -> Decimal | None:
        return self.mean_attainment

    @property
    def is_done(self) -> bool:
        return self.status in DONE

    @property
    def overdue(self) -> bool:
        return self.status == TaskStatus.OVERDUE

    @property
    def late(self) -> bool:
        """Its deadline or one of its milestones has passed undone: what the "overdue" numbers count."""
        return self.overdue or (not self.is_done and any(m.missed for m in self.milestones))

    @functools.cached_property  # read twice per task by the dashboard; the dataclass is frozen
    def due_items(self) -> list[DueItem]:
        """Its milestones, then its deadline ("Hoàn thành nhiệm vụ"), each with whether it was missed."""
        items = [
            DueItem(
                m.due,
                "milestone",
                m.text,
                self.pk,
                self.code,
                self.title,
                self.lead_unit,
                m.missed,
                m.status == MilestoneStatus.MET,
                str(m.status),
            )
            for m in self.milestones
        ]
        items.append(
            DueItem(
                self.deadline,
                "deadline",
                "Hoàn thành nhiệm vụ",
                self.pk,
                self.code,
                self.title,
                self.lead_unit,
                self.overdue,
                self.is_done,
                self.status.value,
            )
        )
        return items

    def due_by(self, day: dt.date) -> list[DueItem]:
        """What an unfinished task still owes by `day`, missed ones included: the "due" rule."""
        if self.is_done:
            return []
        return [d for d in self.due_items if not d.met and d.day is not None and d.day <= day]

    @property
    def judged_without_data(self) -> bool:
        """Flagged only because figures are missing: no milestone missed, nothing projected short."""
        return (
            bool(self.attention)
            and self.no_data
            and not self.at_risk
            and not any(m.missed for m in self.milestones)
        )

    @property
    def attention(self) -> str | Promise:
        """Why someone should look at this unfinished task, or "": a milestone missed, then the forecast."""
        if self.is_done:
            return ""
        missed = next((m for m in self.milestones if m.missed), None)
        if missed is not None:
            return f"Chậm mốc: {missed.text} (hạn {missed.due:%d/%m/%Y})"
        if self.at_risk:
            return self.reason
        return self.no_data_reason if self.no_data else ""


@dataclass(frozen=True)
class ObstacleFacts:
    task_id: int
    unit: str
    period_label: str
    period_ends_on: dt.date
    description: str
    needs: str
    addressed_to: str
    status: ObstacleStatus
    answer: str


@dataclass(frozen=True)
class ProposalFacts:
    task_id: int
    unit: str
    period_label: str
    period_ends_on: dt.date
    text: str


@dataclass(frozen=True)
class Submission:
    """A task's lead report for one period: when it was first sent, and where its last version stands."""

    first_sent: dt.datetime | None
    status: ReportStatus


@dataclass(frozen=True)
class Snapshot:
    today: dt.date  # the day status is judged on
    as_of: dt.date | None  # accepted reports of periods ending after it are not counted; None: all
    plans: dict[int, PlanFacts]
    periods: tuple[PeriodFacts, ...]  # by end, then start
    tasks: tuple[TaskState, ...]  # by plan, then the plan's order
    obstacles: tuple[ObstacleFacts, ...]  # open ones, newest period first
    proposals: tuple[ProposalFacts, ...]  # by period
    submissions: dict[tuple[int, int], Submission]  # (task, period) → lead report

    def reporting_periods(self, plan_id: int | None = None) -> list[PeriodFacts]:
        return [p for p in self.periods if p.reporting and (plan_id is None or p.plan_id == plan_id)]

    def sent_on_time(self, task_id: int, period: PeriodFacts) -> bool | None:
        """None when the task's lead report for the period was never sent; else whether by its send-by date."""
        sub = self.submissions.get((task_id, period.pk))
        if sub is None or sub.first_sent is None:
            return None
        return timezone.localdate(sub.first_sent) <= period.due_on

    def owes(self, task: TaskState, period: PeriodFacts) -> bool:
        """Did the task's lead unit owe a report for the period? Not after the task's deadline had passed."""
        return (
            task.lead_unit_id is not None
            and period.plan_id == task.plan_id
            and not (task.deadline and period.starts_on > task.deadline)
        )


# The read --------------------------------------------------------------------------------------------


def snapshot_load(
    *,
    plan_ids: Sequence[int],
    today: dt.date | None = None,
    as_of: dt.date | None = None,
    tasks: QuerySet[Task] | None = None,
) -> Snapshot:
    """The plans' state on `today`, from accepted lead reports of periods ending by `as_of`.

    `tasks` narrows the snapshot to some of the plans' tasks (those a user may see, a leader's, a
    unit's); every task of the plans otherwise. 14 queries whatever the plans hold (11 when there are
    no accepted reports yet).
    """
    from nhiemvu.plans.models import Plan

    today = today or timezone.localdate()
    plan_ids = list(plan_ids)
    until = as_of or dt.date.max
    plans = {
        p.pk: PlanFacts(p.pk, p.title, p.year, p.starts_on, p.ends_on, p.status == PlanStatus.CLOSED)
        for p in Plan.objects.filter(pk__in=plan_ids).only(
            "pk", "title", "year", "starts_on", "ends_on", "status", "reporting_frequencies"
        )
    }
    periods = _periods(plan_ids)
    # Only the columns the states below read: a province's 1,000 tasks, 3,000 targets and their
    # milestones are built into model instances on every rebuild, and their timestamps and texts no
    # page shows made up much of it. The instances stay in here (the states copy what they need).
    rows = list(
        (tasks if tasks is not None else Task.objects.filter(plan_id__in=plan_ids))
        .filter(plan_id__in=plan_ids)
        .select_related("leader", "lead_unit")
        .only(*_TASK_FIELDS)
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.only(*_TARGET_FIELDS)),
            Prefetch("milestones", queryset=Milestone.objects.only(*_MILESTONE_FIELDS)),
        )
        .order_by("plan_id", "order", "id")
    )
    task_ids = [t.pk for t in rows]
    progress = tasks_progress(rows, today=today, as_of=as_of, plan_ids=plan_ids)
    history = _target_history(task_ids, until)
    percent = _percent_history([t.pk for t in rows if not t.targets.all()], until)
    states = tuple(
        _task_state(t, progress[t.pk], plans[t.plan_id], history, percent.get(t.pk, ()), today) for t in rows
    )
    return Snapshot(
        today=today,
        as_of=as_of,
        plans=plans,
        periods=periods,
        tasks=states,
        obstacles=_open_obstacles(task_ids, until),
        proposals=_proposals(task_ids, until),
        submissions=_submissions(task_ids, [p.pk for p in periods if p.reporting and p.starts_on <= today]),
    )


_TASK_FIELDS = (
    "plan",
    "code",
    "title",
    "deadline",
    "order",
    "leader__full_name",
    "leader__position",
    "lead_unit__name",
)
_TARGET_FIELDS = ("task", "name", "unit", "comparator", "value", "max_value", "baseline", "change", "order")
_MILESTONE_FIELDS = ("task", "due", "text", "value", "unit", "order")


def _periods(plan_ids: list[int]) -> tuple[PeriodFacts, ...]:
    rows = (
        ReportingPeriod.objects.filter(plan_id__in=plan_ids)
        .select_related("plan")
        .only(
            "pk",
            "plan_id",
            "plan__reporting_frequencies",
            "frequency",
            "key",
            "label",
            "starts_on",
            "ends_on",
            "due_on",
        )
        .order_by("ends_on", "starts_on", "plan_id")
    )
    return tuple(
        PeriodFacts(
            pk=p.pk,
            plan_id=p.plan_id,
            key=p.key,
            label=p.label,
            frequency=p.frequency,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            due_on=p.due_on,
            reporting=p.frequency == reporting_frequency(p.plan),
        )
        for p in rows
    )


def _series(rows: Iterable[tuple[int, dt.date, int, Decimal | None]]) -> dict[int, list[forecast.Point]]:
    """One point per key and period, the latest version winning (a correction replaces its period's figure).

    Rows come ordered by key, period end, version.
    """
    series: dict[int, list[forecast.Point]] = defaultdict(list)
    for key, day, _version, value in rows:
        if value is None:  # the queries leave blanks out; the type cannot say so
            continue
        points = series[key]
        if points and points[-1].day == day:
            points[-1] = forecast.Point(day, value)
        else:
            points.append(forecast.Point(day, value))
    return series


def _target_history(task_ids: list[int], until: dt.date) -> dict[int, list[forecast.Point]]:
    """1 query: every accepted figure of these tasks' targets, for the trajectory and the trend."""
    return _series(
        TargetValue.objects.filter(
            # The same rows either way (a figure's target is its report's task's); through the
            # targets PostgreSQL reads only these tasks' figures, not every year's (bench/growth.py).
            target__task_id__in=task_ids,
            report__task_id__in=task_ids,
            report__is_lead=True,
            report__status=ReportStatus.ACCEPTED,
            report__period__ends_on__lte=until,
            actual__isnull=False,
        )
        .order_by("target_id", "report__period__ends_on", "report__version")
        .values_list("target_id", "report__period__ends_on", "report__version", "actual")
    )


def _percent_history(bare: list[int], until: dt.date) -> dict[int, list[forecast.Point]]:
    """1 query (always, so the count is the same whatever the tasks): tasks without targets are
    forecast on their percent done."""
    return _series(
        ProgressReport.objects.filter(
            task_id__in=bare or [0],
            is_lead=True,
            status=ReportStatus.ACCEPTED,
            period__ends_on__lte=until,
            percent_done__isnull=False,
        )
        .order_by("task_id", "period__ends_on", "version")
        .values_list("task_id", "period__ends_on", "version", "percent_done")
    )


def _counted_reports(task_ids: list[int], until: dt.date) -> QuerySet[ProgressReport]:
    """Accepted reports by the cut-off that no accepted correction replaced."""
    return ProgressReport.objects.filter(
        task_id__in=task_ids, status=ReportStatus.ACCEPTED, period__ends_on__lte=until
    ).exclude(superseded_by__status=ReportStatus.ACCEPTED)


def _open_obstacles(task_ids: list[int], until: dt.date) -> tuple[ObstacleFacts, ...]:
    """1 query: obstacles not yet resolved, lead units' and support units' alike, newest period first."""
    rows = (
        Obstacle.objects.filter(report__in=_counted_reports(task_ids, until))
        .exclude(status=ObstacleStatus.RESOLVED)
        .order_by(
            "-report__period__ends_on",
            "report__task_id",
            "-report__is_lead",
            "report__organisation__name",
            "id",
        )
        .values_list(
            "report__task_id",
            "report__organisation__name",
            "report__period__label",
            "report__period__ends_on",
            "description",
            "needs",
            "addressed_to",
            "status",
            "answer",
        )
    )
    return tuple(ObstacleFacts(*r[:7], ObstacleStatus(r[7]), r[8]) for r in rows)


def _proposals(task_ids: list[int], until: dt.date) -> tuple[ProposalFacts, ...]:
    """1 query: what units proposed in their counted reports, by period."""
    rows = (
        _counted_reports(task_ids, until)
        .exclude(proposals="")
        .order_by("period__ends_on", "task_id", "-is_lead", "organisation__name")
        .values_list("task_id", "organisation__name", "period__label", "period__ends_on", "proposals")
    )
    return tuple(ProposalFacts(*r[:4], r[4].strip()) for r in rows if r[4].strip())


def _submissions(task_ids: list[int], period_ids: list[int]) -> dict[tuple[int, int], Submission]:
    """1 query: the lead reports of the reporting periods begun, whatever their status, for each unit's record."""
    first_sent: dict[tuple[int, int], dt.datetime | None] = {}
    status: dict[tuple[int, int], ReportStatus] = {}
    rows = (
        ProgressReport.objects.filter(task_id__in=task_ids, period_id__in=period_ids or [0], is_lead=True)
        .order_by("version")
        .values_list("task_id", "period_id", "status", "submitted_at")
    )
    for task_id, period_id, state, sent in rows:  # ascending versions: the last one is the current state
        key = (task_id, period_id)
        status[key] = ReportStatus(state)
        earlier = first_sent.get(key)
        first_sent[key] = sent if earlier is None or (sent is not None and sent < earlier) else earlier
    return {key: Submission(first_sent[key], status[key]) for key in status}


# The rules: one task's verdicts ------------------------------------------------------------------------


def _task_state(
    task: Task,
    item: TaskProgress,
    plan: PlanFacts,
    history: dict[int, list[forecast.Point]],
    percent: Sequence[forecast.Point],
    today: dt.date,
) -> TaskState:
    """The task's figures and the forecast's verdicts. Finished tasks are not forecast; overdue
    ones are, on what they reached by the deadline. A task is at risk, or lacks data, when any of
    its targets does (the first reason is kept); a quantified milestone is checked as a checkpoint."""
    judge = item.status not in DONE
    verdicts: list[forecast.Verdict] = []
    targets = []
    for tp in item.targets:
        t = tp.target
        verdict = None
        if judge:
            verdict = forecast.assess_target(
                history.get(t.pk, []),
                today=today,
                comparator=t.comparator,
                value=t.value,
                unit=t.unit,
                start=plan.starts_on,
                deadline=task.deadline,
                window_end=plan.ends_on,
                max_value=t.max_value,
                change=t.change,
                baseline=t.baseline,
            )
            verdicts.append(verdict)
        targets.append(
            TargetState(
                pk=t.pk,
                name=t.name,
                unit=t.unit,
                comparator=t.comparator,
                value=t.value,
                max_value=t.max_value,
                change=t.change,
                actual=tp.actual,
                estimate=tp.estimate,
                attainment=tp.attainment,
                history=tuple(history.get(t.pk, ())),
                verdict=verdict,
            )
        )
    if judge and not item.targets:
        verdicts.append(
            forecast.assess_target(
                list(percent),
                today=today,
                comparator=">=",
                value=Decimal(100),
                unit="%",
                start=plan.starts_on,
                deadline=task.deadline,
                window_end=plan.ends_on,
            )
        )
    at_risk = next((v for v in verdicts if v.at_risk), None)
    no_data = next((v for v in verdicts if v.no_data), None)
    notes: list[str] = []
    if judge and item.status != TaskStatus.OVERDUE:
        # A checkpoint is a projection; past the task's deadline its missed milestones are listed as overdue.
        for mp in item.milestones:
            m = mp.milestone
            if m.value is None:
                continue
            checked = forecast.judge_checkpoint(
                _milestone_series(m, item, history, percent),
                value=m.value,
                unit=m.unit,
                due=m.due,
                start=plan.starts_on,
                text=m.text,
            )
            if checked.at_risk and at_risk is None:
                at_risk = checked
            elif not checked.at_risk and m.due is None:
                notes.append(str(checked.reason))
    report = item.report
    return TaskState(
        pk=task.pk,
        plan_id=task.plan_id,
        code=task.code,
        title=task.title,
        depth=task.depth,
        leader_id=task.leader_id,
        leader=str(task.leader) if task.leader_id else "",
        lead_unit_id=task.lead_unit_id,
        lead_unit=task.lead_unit.name if task.lead_unit else "",
        deadline=task.deadline,
        status=TaskStatus(item.status),
        completed_on=report.completed_on if report is not None and item.status in DONE else None,
        percent_done=item.percent_done,
        mean_attainment=item.mean_attainment,
        reported_in=report.period.label if report else "",
        narrative=report.narrative if report else "",
        targets=tuple(targets),
        milestones=tuple(
            MilestoneState(mp.milestone.pk, mp.milestone.text, mp.milestone.due, mp.status)
            for mp in item.milestones
        ),
        at_risk=at_risk is not None,
        reason=at_risk.reason if at_risk else "",
        no_data=no_data is not None,
        no_data_reason=no_data.reason if no_data else "",
        notes=tuple(notes),
    )


def _milestone_series(
    milestone: Milestone,
    item: TaskProgress,
    history: dict[int, list[forecast.Point]],
    percent: Sequence[forecast.Point],
) -> list[forecast.Point]:
    """The figures a quantified milestone is checked against: the target in the same unit, else percent done."""
    for tp in item.targets:
        if tp.target.unit == milestone.unit:
            return history.get(tp.target.pk, [])
    return list(percent) if milestone.unit == "%" else []
