"""What the dashboards show: status counts, target bars, trajectory, due and late items, obstacles, forecasts.

A projection of the plans' snapshot (`reporting.snapshot`): that read decides every figure and
verdict; this module groups, sorts and counts them for the overview, the leader view, the unit
view and the lists behind every number. The filters on leader, unit and status are applied over
the snapshot's rows, so the filter menus list every leader and unit in reach without another
query. Rows handed to the templates are plain dataclasses (no ORM objects).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Min, Q
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.functional import Promise

from nhiemvu.organisations.models import Official, Organisation, OrganisationKind
from nhiemvu.organisations.selectors import AccessScope, User, access_scope
from nhiemvu.plans.models import PlanStatus
from nhiemvu.plans.selectors import plans_visible_to, tasks_visible_to
from nhiemvu.reporting import forecast
from nhiemvu.reporting.models import ReportingPeriod
from nhiemvu.reporting.snapshot import DueItem, PeriodFacts, Snapshot, TaskState, snapshot_load
from nhiemvu.reporting.status import TaskStatus

SOON_DAYS = 30
# Lists on the dashboard stop here; the count beside each links to the full list.
SHOWN = 12
BARS_SHOWN = 24
SUBMISSION_PERIODS = 6
TIMELINE_BEFORE, TIMELINE_AFTER = 60, 120
SHOWS = ("overdue", "due30", "at_risk", "no_data", "obstacles", "done", "all")
# `?leader=none` / `?unit=none`: the tasks nobody was assigned, which the "whose is it" tables count.
NOBODY = "none"


@dataclass(frozen=True)
class Filters:
    """The query string every dashboard and list shares: `?plan=&leader=&unit=&status=&period=`.

    `leader` and `unit` take an id, or NOBODY for the tasks without one.
    """

    plan: int | None = None
    leader: int | str | None = None
    unit: int | str | None = None
    status: str = ""
    period: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> Filters:
        def number(name: str) -> int | None:
            raw = query.get(name, "")
            return int(raw) if raw.isdigit() else None

        def who(name: str) -> int | str | None:
            return NOBODY if query.get(name, "") == NOBODY else number(name)

        status = query.get("status", "")
        return cls(
            plan=number("plan"),
            leader=who("leader"),
            unit=who("unit"),
            status=status if status in TaskStatus.values else "",
            period=query.get("period", "")[:16],
        )

    def query(self, **changes: object) -> str:
        """The filters as a query string, with some changed: `status=overdue&plan=3`."""
        data = {**self.__dict__, **changes}
        return urlencode({k: v for k, v in data.items() if v not in (None, "")})

    @property
    def active(self) -> bool:
        return any(v not in (None, "") for v in self.__dict__.values())


@dataclass
class TargetBar:
    task_id: int
    task_code: str
    name: str
    unit: str
    target: str  # `≥ 64,2 %`
    actual: Decimal | None
    attainment: Decimal | None
    width: float  # 0..100 for the bar; an upper bound shows how much of the allowance is used
    at_risk: bool
    reason: str | Promise
    upper_bound: bool
    no_data: bool = False
    kind: str = ""  # the forecast's kind; "" for a finished task's target, which is not forecast


@dataclass
class TaskRow:
    """A task as the dashboard lists it: the snapshot's `TaskState` (read through, attribute by
    attribute: `row.code`, `row.is_done`, `row.late`) with what only a listing adds."""

    state: TaskState
    plan_title: str
    has_obstacle: bool = False
    due_soon: bool = False  # its deadline falls in the next SOON_DAYS

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "state":  # copy and pickle look for hooks before `state` is set
            raise AttributeError(name)
        return getattr(self.state, name)

    @property
    def unit(self) -> str:
        return self.state.lead_unit

    @property
    def unit_id(self) -> int | None:
        return self.state.lead_unit_id


@dataclass
class ObstacleItem:
    task_id: int
    task_code: str
    unit: str
    period: str
    description: str
    needs: str
    addressed_to: str
    status_label: str


@dataclass
class Group:
    """One leader's or one unit's share: the "whose is it" table."""

    pk: int | None
    name: str
    total: int = 0
    overdue: int = 0
    at_risk: int = 0
    done: int = 0


@dataclass
class SubmissionCell:
    label: str
    due: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def missing(self) -> int:
        return self.due - self.on_time - self.late


@dataclass
class SubmissionRow:
    unit_id: int
    unit: str
    cells: list[SubmissionCell]


@dataclass
class Dashboard:
    filters: Filters
    today: dt.date
    cutoff: dt.date | None
    plans: list[tuple[int, str]]
    period_options: list[tuple[str, str]]
    leaders: list[tuple[int, str]]
    units: list[tuple[int, str]]
    counts: list[tuple[str, str, int]]  # (status, label, n)
    rows: list[TaskRow]
    bars: list[TargetBar]
    bars_total: int
    chart: dict
    timeline: list[DueItem]
    overdue: list[DueItem]
    due_soon: list[DueItem]
    obstacles: list[ObstacleItem]
    by_leader: list[Group]
    by_unit: list[Group]
    submissions: list[SubmissionRow]
    submission_labels: list[str]
    # Targets of unfinished tasks by forecast kind (forecast.AT_RISK, NO_DATA, ON_TRACK, NOT_JUDGED).
    outlook: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(n for _, _, n in self.counts)

    @property
    def at_risk(self) -> list[TaskRow]:
        return [r for r in self.rows if r.at_risk]

    @property
    def no_data(self) -> list[TaskRow]:
        return [r for r in self.rows if r.no_data]

    @property
    def overdue_count(self) -> int:
        return len(self.overdue)

    @functools.cached_property
    def tasks_in(self) -> dict[str, int]:
        """How many tasks each list behind a number holds: the number the dashboard shows for it."""
        return {show: len(self.rows_for(show)) for show in SHOWS}

    def rows_for(self, show: str) -> list[TaskRow]:
        """The rows behind one number of the dashboard."""
        if show == "overdue":
            return [r for r in self.rows if r.late]
        if show == "due30":
            ids = {d.task_id for d in self.due_soon}
            return [r for r in self.rows if r.pk in ids]
        if show == "at_risk":
            return self.at_risk
        if show == "no_data":
            return self.no_data
        if show == "obstacles":
            return [r for r in self.rows if r.has_obstacle]
        if show == "done":
            return [r for r in self.rows if r.is_done]
        return self.rows


# Scopes: which tasks a page is about ---------------------------------------------------------------


@dataclass(frozen=True)
class PageScope:
    """The overview (everything visible), a leader's tasks, or a unit's."""

    kind: str  # "overview" | "leader" | "unit"
    pk: int | None = None
    name: str = ""


def leader_scope(user: User, official_id: int | None, scope: AccessScope | None = None) -> PageScope:
    """A deputy's own page, or any leader's for those who see the department whole; else 404."""
    scope = access_scope(user) if scope is None else scope
    if official_id is None:
        if not scope.leader_official_ids:
            raise Http404
        official_id = min(scope.leader_official_ids)
    official = Official.objects.filter(pk=official_id).values("pk", "full_name", "organisation_id").first()
    if official is None:
        raise Http404
    allowed = (
        scope.superuser
        or official_id in scope.leader_official_ids
        or official["organisation_id"] in scope.department_orgs
    )
    if not allowed:
        raise Http404
    return PageScope("leader", official_id, official["full_name"])


def unit_scope(user: User, org_id: int, scope: AccessScope | None = None) -> PageScope:
    """A unit's page: for its own staff and for those who see its department whole; else 404."""
    scope = access_scope(user) if scope is None else scope
    org = Organisation.objects.filter(pk=org_id).values("pk", "name").first()
    if org is None or not (scope.superuser or org_id in scope.unit_orgs or org_id in scope.department_orgs):
        raise Http404
    return PageScope("unit", org_id, org["name"])


# The builder ---------------------------------------------------------------------------------------


def dashboard_build(
    user: User,
    filters: Filters,
    *,
    page: PageScope | None = None,
    today: dt.date | None = None,
    scope: AccessScope | None = None,
) -> Dashboard:
    """Everything a dashboard page shows, for the tasks the user may see within `page` and `filters`:
    the plans' snapshot (`reporting.snapshot`) projected. 1 query for the plan menu (and 1 for the
    chosen period's cut-off) beside the snapshot's."""
    scope = access_scope(user) if scope is None else scope
    page = page or PageScope("overview")
    today = today or timezone.localdate()
    # The province's decisions on every agency's tasks are followed through the agencies' plans
    # (`cascade`): their own tasks are never reported on, and would count as not started here.
    visible = plans_visible_to(user, scope).exclude(issuer__kind=OrganisationKind.PROVINCE_COMMITTEE)
    plans = list(visible.order_by("-year", "title").values("pk", "title", "status"))
    # Unless one is chosen, the plans being carried out: a finished year's plan stays in the
    # menu but would otherwise mix its dates and figures into this year's chart and counts.
    plan_ids = [p["pk"] for p in plans if p["status"] != PlanStatus.CLOSED] or [p["pk"] for p in plans]
    if filters.plan is not None:
        if filters.plan not in {p["pk"] for p in plans}:
            raise Http404
        plan_ids = [filters.plan]
    cutoff = None
    if filters.period:
        cutoff = ReportingPeriod.objects.filter(plan_id__in=plan_ids, key=filters.period).aggregate(
            day=Min("ends_on")
        )["day"]
    tasks = tasks_visible_to(user, scope)
    if page.kind == "leader":
        tasks = tasks.filter(Q(leader_id=page.pk) | Q(parent__leader_id=page.pk))
    elif page.kind == "unit":
        tasks = tasks.filter(Q(lead_unit_id=page.pk) | Q(support_units=page.pk)).distinct()
    snapshot = snapshot_load(
        plan_ids=plan_ids, today=min(today, cutoff) if cutoff else today, as_of=cutoff, tasks=tasks
    )
    return dashboard_project(snapshot, filters, plans=[(p["pk"], p["title"]) for p in plans])


def dashboard_project(snapshot: Snapshot, filters: Filters, *, plans: list[tuple[int, str]]) -> Dashboard:
    """The snapshot grouped, sorted and counted as a dashboard shows it; the leader and unit
    filters narrow it here, so the menus keep every leader and unit in reach."""
    day = snapshot.today
    leaders = sorted({(t.leader_id, t.leader) for t in snapshot.tasks if t.leader_id}, key=lambda x: x[1])
    units = sorted(
        {(t.lead_unit_id, t.lead_unit) for t in snapshot.tasks if t.lead_unit_id}, key=lambda x: x[1]
    )

    def chosen(value: int | None, wanted: int | str | None) -> bool:
        return wanted is None or value == (None if wanted == NOBODY else wanted)

    tasks = [
        t
        for t in snapshot.tasks
        if t.reportable and chosen(t.leader_id, filters.leader) and chosen(t.lead_unit_id, filters.unit)
    ]
    counts = Counter(t.status.value for t in tasks)
    # The status filter narrows what is listed; the counts keep every status so they can be compared.
    if filters.status:
        tasks = [t for t in tasks if t.status == filters.status]
    ids = {t.pk for t in tasks}
    obstacles = [o for o in snapshot.obstacles if o.task_id in ids]
    with_obstacle = {o.task_id for o in obstacles}
    soon = day + dt.timedelta(days=SOON_DAYS)
    window = (day - dt.timedelta(days=TIMELINE_BEFORE), day + dt.timedelta(days=TIMELINE_AFTER))
    rows, bars, overdue, due_soon, timeline = [], [], [], [], []
    for task in tasks:
        row = _row(task, snapshot, task.pk in with_obstacle)
        bars.extend(_bars(task))
        timeline += [
            d for d in task.due_items if d.kind == "milestone" and d.day and window[0] <= d.day <= window[1]
        ]
        for d in task.due_by(soon):
            if d.overdue:
                overdue.append(d)
            elif d.day is not None and d.day >= day:
                due_soon.append(d)
                row.due_soon = row.due_soon or d.kind == "deadline"
        rows.append(row)
    code_of = {t.pk: t.code for t in tasks}
    overdue.sort(key=lambda d: (d.day or dt.date.min, d.task_code))
    due_soon.sort(key=lambda d: (d.day or dt.date.max, d.task_code))
    timeline.sort(key=lambda d: (d.day or dt.date.max, d.task_code))
    outlook = Counter(
        {forecast.AT_RISK: 0, forecast.NO_DATA: 0, forecast.ON_TRACK: 0, forecast.NOT_JUDGED: 0}
    )
    outlook.update(b.kind for b in bars if b.kind)
    # Worst first: what is at risk, then what cannot be judged, then the lowest attainment.
    bars.sort(
        key=lambda b: (
            not b.at_risk,
            not b.no_data,
            b.upper_bound,
            b.attainment if b.attainment is not None else Decimal(-1),
        )
    )
    reporting = snapshot.reporting_periods()
    record = _record_periods(reporting, day)
    return Dashboard(
        filters=filters,
        today=day,
        cutoff=snapshot.as_of,
        plans=plans,
        period_options=[(p.key, p.label) for p in _first_of_each_key(reporting)],
        leaders=leaders,
        units=units,
        counts=[(s.value, str(s.label), counts[s.value]) for s in TaskStatus],
        rows=rows,
        bars=bars[:BARS_SHOWN],
        bars_total=len(bars),
        chart=_trajectory(tasks, snapshot, reporting),
        timeline=timeline[:30],
        overdue=overdue,
        due_soon=due_soon,
        obstacles=[
            ObstacleItem(
                o.task_id,
                code_of[o.task_id],
                o.unit,
                o.period_label,
                o.description,
                o.needs,
                o.addressed_to,
                str(o.status.label),
            )
            for o in obstacles
        ],
        by_leader=_groups(rows, "leader_id", "leader"),
        by_unit=_groups(rows, "unit_id", "unit"),
        submissions=_submission_rows(tasks, record, snapshot),
        submission_labels=[p.short_label for p in _first_of_each_key(record)],
        outlook=dict(outlook),
    )


def _row(task: TaskState, snapshot: Snapshot, has_obstacle: bool) -> TaskRow:
    return TaskRow(task, snapshot.plans[task.plan_id].title, has_obstacle)


def _bars(task: TaskState) -> list[TargetBar]:
    """A bar per target: how far it has come; an upper bound shows how much of its allowance is used."""
    bars = []
    for t in task.targets:
        if t.upper_bound and t.actual is not None and t.value:
            width = float(min(t.actual / t.value * 100, Decimal(100)))
        else:
            width = float(min(t.attainment or 0, Decimal(100)))
        verdict = t.verdict
        bars.append(
            TargetBar(
                task_id=task.pk,
                task_code=task.code,
                name=t.name,
                unit=t.unit,
                target=t.text,
                actual=t.actual,
                attainment=t.attainment,
                width=round(width, 1),
                at_risk=bool(verdict and verdict.at_risk),
                reason=verdict.reason if verdict else "",
                upper_bound=t.upper_bound,
                no_data=bool(verdict and verdict.no_data),
                kind=verdict.kind if verdict else "",
            )
        )
    return bars


def _record_periods(reporting: list[PeriodFacts], day: dt.date) -> list[PeriodFacts]:
    """The reporting periods of the last SUBMISSION_PERIODS send-by dates passed: each unit's record."""
    keys: list[str] = []
    for p in reversed(reporting):
        if p.due_on < day and p.key not in keys:
            keys.append(p.key)
        if len(keys) == SUBMISSION_PERIODS:
            break
    return [p for p in reporting if p.key in keys]


def _first_of_each_key(periods: list[PeriodFacts]) -> list[PeriodFacts]:
    seen: dict[str, PeriodFacts] = {}
    for p in periods:
        seen.setdefault(p.key, p)
    return list(seen.values())


def _groups(rows: list[TaskRow], key: str, name: str) -> list[Group]:
    """Tasks per leader or lead unit; those without one form a group of their own (pk None, no name:
    the template words it in the reader's language)."""
    groups: dict[int | None, Group] = {}
    for row in rows:
        pk = getattr(row, key)
        group = groups.setdefault(pk, Group(pk=pk, name=getattr(row, name) if pk else ""))
        group.total += 1
        group.overdue += row.late
        group.at_risk += row.at_risk
        group.done += row.is_done
    return sorted(groups.values(), key=lambda g: (-g.overdue, -g.at_risk, g.name))


def _submission_rows(
    tasks: list[TaskState], periods: list[PeriodFacts], snapshot: Snapshot
) -> list[SubmissionRow]:
    """Per lead unit and period: lead reports owed, sent on time, sent late; the rest is missing."""
    keys = [p.key for p in _first_of_each_key(periods)]
    by_plan_key = {(p.plan_id, p.key): p for p in periods}
    rows: dict[int, SubmissionRow] = {}
    for task in tasks:
        if task.lead_unit_id is None:
            continue
        row = rows.setdefault(
            task.lead_unit_id,
            SubmissionRow(task.lead_unit_id, task.lead_unit, [SubmissionCell(label=k) for k in keys]),
        )
        for cell in row.cells:
            period = by_plan_key.get((task.plan_id, cell.label))
            if period is None or not snapshot.owes(task, period):
                continue  # the plan has no such period, or the task was over before it began
            cell.due += 1
            on_time = snapshot.sent_on_time(task.pk, period)
            if on_time is not None:
                cell.on_time += on_time
                cell.late += not on_time
    return sorted(rows.values(), key=lambda r: r.unit)


def _share(comparator: str, value: float, actual: float) -> float:
    """Capped attainment as a float (0..1) for the trajectory: the chart needs speed, not Decimal exactness.

    >>> _share(">=", 200.0, 50.0), _share("<=", 3.0, 6.0), _share("<=", 3.0, 2.0), _share("=", 0.0, 1.0)
    (0.25, 0.5, 1.0, 1.0)
    """
    if comparator in ("<=", "<"):
        return 1.0 if actual <= value else value / actual
    if value == 0:
        return 1.0
    return min(actual / value, 1.0)


def _trajectory(tasks: list[TaskState], snapshot: Snapshot, reporting: list[PeriodFacts]) -> dict:
    """Mean attainment of all targets (each capped at 100%) at each cut-off, against the straight-line plan.

    Actual values stop at the last cut-off reached; a target with no figure yet counts as 0.
    Built with a difference array over the cut-offs, so its cost is one step per figure.
    """
    days = sorted({p.ends_on for p in reporting})
    targets = [(task, target) for task in tasks for target in task.targets]
    if not days or not targets:
        return {"labels": [], "planned": [], "actual": []}
    diff = [0.0] * (len(days) + 1)
    spans: dict[tuple[dt.date, dt.date | None], int] = defaultdict(int)
    for task, target in targets:
        spans[(snapshot.plans[task.plan_id].starts_on, task.deadline)] += 1
        value = float(target.value)
        previous = 0.0
        for point in target.history:
            i = bisect.bisect_left(days, point.day)
            if i >= len(days):
                break
            share = _share(target.comparator, value, float(point.value))
            diff[i] += share - previous
            previous = share
    # Targets share a handful of (start, deadline) pairs: the plan line costs one step per pair.
    planned = [
        sum(
            k * forecast.planned_share(start=start, deadline=deadline, day=day)
            for (start, deadline), k in spans.items()
        )
        for day in days
    ]
    n = len(targets)
    actual: list[float | None] = []
    running = 0.0
    for i, day in enumerate(days):
        running += diff[i]
        actual.append(round(running / n * 100, 1) if day <= snapshot.today else None)
    return {
        "labels": [f"{d:%d/%m/%Y}" for d in days],
        "planned": [round(p / n * 100, 1) for p in planned],
        "actual": actual,
    }
