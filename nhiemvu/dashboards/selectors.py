"""What the dashboards show: status counts, target bars, trajectory, due and late items, obstacles, forecasts.

One builder serves the overview, the leader view, the unit view and the lists behind every
number, in a fixed number of queries whatever the number of plans, tasks or reports:

    plans (1) · periods (1) · tasks, targets, milestones (3) · latest accepted reports with their
    figures and met milestones (4, `reporting.selectors.tasks_progress`) · the history of accepted figures (1)
    · percent-done history of tasks without targets (1) · open obstacles (1) · lead reports of the
    last periods for the submission record (1)

The filters on leader, unit and status are applied in Python over the loaded rows, so the
filter menus list every leader and unit in reach without another query. Rows handed to the
templates are plain dataclasses (no ORM objects), which keeps rendering free of lazy loads.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.functional import Promise

from nhiemvu.documents.data import target_text
from nhiemvu.organisations.models import Official, Organisation
from nhiemvu.organisations.selectors import AccessScope, User, access_scope
from nhiemvu.plans.models import Milestone, Plan, PlanStatus, Target, Task
from nhiemvu.plans.selectors import plans_visible_to, tasks_visible_to
from nhiemvu.reporting.models import (
    Obstacle,
    ObstacleStatus,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    TargetValue,
)
from nhiemvu.reporting.selectors import tasks_progress
from nhiemvu.reporting.services import reporting_frequency
from nhiemvu.reporting.status import MilestoneStatus, TaskStatus

from . import forecast

DONE = (TaskStatus.COMPLETED_ON_TIME, TaskStatus.COMPLETED_LATE)
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
    pk: int
    code: str
    title: str
    plan_id: int
    plan_title: str
    leader_id: int | None
    leader: str
    unit_id: int | None
    unit: str
    deadline: dt.date | None
    status: str
    status_label: str
    attainment: Decimal | None
    percent_done: Decimal | None
    at_risk: bool = False
    reason: str | Promise = ""
    notes: list[str] = field(default_factory=list)
    due_soon: bool = False
    has_obstacle: bool = False
    # A target (or, without targets, the task's percent done) has no figure past a third of its window.
    no_data: bool = False
    no_data_reason: str | Promise = ""
    late: bool = False  # its deadline or one of its milestones is overdue: what the "overdue" numbers count

    @property
    def is_done(self) -> bool:
        return self.status in DONE

    @property
    def overdue(self) -> bool:
        return self.status == TaskStatus.OVERDUE


@dataclass
class DueItem:
    day: dt.date | None
    kind: str  # "deadline" | "milestone"
    text: str
    task_id: int
    task_code: str
    unit: str
    overdue: bool
    status: str = ""


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


def dashboard_build(
    user: User,
    filters: Filters,
    *,
    page: PageScope | None = None,
    today: dt.date | None = None,
    scope: AccessScope | None = None,
) -> Dashboard:
    """Everything a dashboard page shows, for the tasks the user may see within `page` and `filters`."""
    scope = access_scope(user) if scope is None else scope
    page = page or PageScope("overview")
    today = today or timezone.localdate()

    # 1 query: the plans in reach (the menu), narrowed to the chosen one.
    plans = list(
        plans_visible_to(user, scope)
        .order_by("-year", "title")
        .values("pk", "title", "year", "starts_on", "ends_on", "status")
    )
    # Unless one is chosen, the plans being carried out: a finished year's plan stays in the
    # menu but would otherwise mix its dates and figures into this year's chart and counts.
    current = [p["pk"] for p in plans if p["status"] != PlanStatus.CLOSED]
    plan_ids = current or [p["pk"] for p in plans]
    if filters.plan is not None:
        plan_ids = [p["pk"] for p in plans]
        if filters.plan not in plan_ids:
            raise Http404
        plan_ids = [filters.plan]
    plan_by_id = {p["pk"]: p for p in plans}

    # 1 query: the periods of those plans; units report on each plan's finest frequency.
    periods = list(
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
        .order_by("ends_on", "starts_on")
    )
    reporting = [p for p in periods if p.frequency == reporting_frequency(p.plan)]
    cutoff = None
    if filters.period:
        chosen = [p for p in periods if p.key == filters.period]
        cutoff = min((p.ends_on for p in chosen), default=None)
    status_day = min(today, cutoff) if cutoff else today
    as_of = cutoff or dt.date.max

    # 3 queries: the tasks in reach with their targets and milestones.
    tasks_qs = tasks_visible_to(user, scope).filter(plan_id__in=plan_ids)
    if page.kind == "leader":
        tasks_qs = tasks_qs.filter(Q(leader_id=page.pk) | Q(parent__leader_id=page.pk))
    elif page.kind == "unit":
        tasks_qs = tasks_qs.filter(Q(lead_unit_id=page.pk) | Q(support_units=page.pk)).distinct()
    all_tasks = list(
        tasks_qs.select_related("leader", "lead_unit")
        .prefetch_related(
            "targets",
            "milestones",
        )
        .order_by("plan_id", "order", "id")
    )
    leaders = sorted({(t.leader_id, str(t.leader)) for t in all_tasks if t.leader_id}, key=lambda x: x[1])
    units = sorted(
        {(t.lead_unit_id, t.lead_unit.name) for t in all_tasks if t.lead_unit_id}, key=lambda x: x[1]
    )

    def chosen(value: int | None, wanted: int | str | None) -> bool:
        return wanted is None or value == (None if wanted == NOBODY else wanted)

    tasks = [
        t for t in all_tasks if chosen(t.leader_id, filters.leader) and chosen(t.lead_unit_id, filters.unit)
    ]
    task_ids = [t.pk for t in tasks]

    # 4 queries: each task's latest accepted lead report by the cut-off, with figures and milestones met.
    progress = tasks_progress(tasks, today=status_day, as_of=as_of, plan_ids=plan_ids)
    # A heading with no lead unit and no report only groups its sub-tasks: not counted.
    tasks = [t for t in tasks if t.lead_unit_id is not None or progress[t.pk].report is not None]

    # 1 query: every accepted figure of these tasks, for the trajectory and the trend.
    history: dict[int, list[forecast.Point]] = defaultdict(list)
    last_version: dict[tuple[int, dt.date], int] = {}
    rows_qs = (
        TargetValue.objects.filter(
            report__task_id__in=task_ids,
            report__is_lead=True,
            report__status=ReportStatus.ACCEPTED,
            report__period__ends_on__lte=as_of,
            actual__isnull=False,
        )
        .order_by("target_id", "report__period__ends_on", "report__version")
        .values_list("target_id", "report__period__ends_on", "report__version", "actual")
    )
    for target_id, day, version, actual in rows_qs:
        series = history[target_id]
        if series and series[-1].day == day:
            if version >= last_version.get((target_id, day), 0):
                series[-1] = forecast.Point(day, actual)  # a correction replaces its period's figure
        else:
            series.append(forecast.Point(day, actual))
        last_version[(target_id, day)] = version
    # 1 query: tasks without targets are forecast on their percent done.
    percent: dict[int, list[forecast.Point]] = defaultdict(list)
    bare = [t.pk for t in tasks if not t.targets.all()]
    for task_id, day, value in (
        ProgressReport.objects.filter(
            task_id__in=bare or [0],
            is_lead=True,
            status=ReportStatus.ACCEPTED,
            period__ends_on__lte=as_of,
            percent_done__isnull=False,
        )
        .order_by("task_id", "period__ends_on", "version")
        .values_list("task_id", "period__ends_on", "percent_done")
    ):
        series = percent[task_id]
        if series and series[-1].day == day:
            series[-1] = forecast.Point(day, value)
        else:
            series.append(forecast.Point(day, value))

    # 1 query: obstacles not yet resolved, newest first, leaving out reports a correction replaced.
    obstacle_rows = list(
        Obstacle.objects.filter(
            report__task_id__in=task_ids,
            report__status=ReportStatus.ACCEPTED,
            report__period__ends_on__lte=as_of,
        )
        .exclude(status=ObstacleStatus.RESOLVED)
        .exclude(report__superseded_by__status=ReportStatus.ACCEPTED)
        .order_by("-report__period__ends_on", "report__task_id", "id")
        .values(
            "report__task_id",
            "report__organisation__name",
            "report__period__label",
            "description",
            "needs",
            "addressed_to",
            "status",
        )
    )

    # 1 query: lead reports of the last periods that fell due, for each unit's record.
    past_keys: list[str] = []
    for p in reversed(reporting):
        if p.due_on < status_day and p.key not in past_keys:
            past_keys.append(p.key)
        if len(past_keys) == SUBMISSION_PERIODS:
            break
    past_keys.reverse()
    record_periods = [p for p in reporting if p.key in past_keys]
    sent_rows = ProgressReport.objects.filter(
        task_id__in=task_ids, is_lead=True, period_id__in=[p.pk for p in record_periods] or [0]
    ).values_list("task_id", "period_id", "submitted_at")
    first_sent: dict[tuple[int, int], dt.datetime] = {}
    for task_id, period_id, sent in sent_rows:
        if sent is not None and (
            (task_id, period_id) not in first_sent or sent < first_sent[(task_id, period_id)]
        ):
            first_sent[(task_id, period_id)] = sent

    # Python from here on: no more queries.
    obstacle_tasks = {o["report__task_id"] for o in obstacle_rows}
    rows: list[TaskRow] = []
    bars: list[TargetBar] = []
    overdue: list[DueItem] = []
    due_soon: list[DueItem] = []
    timeline: list[DueItem] = []
    soon = status_day + dt.timedelta(days=SOON_DAYS)
    counts = {s.value: 0 for s in TaskStatus}
    for task in tasks:
        item = progress[task.pk]
        plan = plan_by_id[task.plan_id]
        start = plan["starts_on"]
        status = TaskStatus(item.status)
        counts[status.value] += 1
        row = TaskRow(
            pk=task.pk,
            code=task.code,
            title=task.title,
            plan_id=task.plan_id,
            plan_title=plan["title"],
            leader_id=task.leader_id,
            leader=str(task.leader) if task.leader_id else "",
            unit_id=task.lead_unit_id,
            unit=task.lead_unit.name if task.lead_unit_id else "",
            deadline=task.deadline,
            status=status.value,
            status_label=str(status.label),
            attainment=item.mean_attainment,
            percent_done=item.percent_done,
            has_obstacle=task.pk in obstacle_tasks,
        )
        # Finished tasks are not forecast; overdue ones are, on what they reached by the deadline.
        judge = status not in DONE
        for tp in item.targets:
            target = tp.target
            verdict = (
                forecast.assess_target(
                    history.get(target.pk, []),
                    today=status_day,
                    comparator=target.comparator,
                    value=target.value,
                    unit=target.unit,
                    start=start,
                    deadline=task.deadline,
                    window_end=plan["ends_on"],
                    max_value=target.max_value,
                    change=target.change,
                    baseline=target.baseline,
                )
                if judge
                else None
            )
            upper = target.comparator in ("<=", "<")
            if upper and tp.actual is not None and target.value:
                width = float(min(tp.actual / target.value * 100, Decimal(100)))
            else:
                width = float(min(tp.attainment or 0, Decimal(100)))
            bars.append(
                TargetBar(
                    task_id=task.pk,
                    task_code=task.code,
                    name=target.name,
                    unit=target.unit,
                    target=target_text(
                        target.comparator, target.value, target.max_value, target.unit, target.change
                    ),
                    actual=tp.actual,
                    attainment=tp.attainment,
                    width=round(width, 1),
                    at_risk=bool(verdict and verdict.at_risk),
                    reason=verdict.reason if verdict else "",
                    upper_bound=upper,
                    no_data=bool(verdict and verdict.no_data),
                    kind=verdict.kind if verdict else "",
                )
            )
            if verdict:
                _note_verdict(row, verdict)
        if judge and not item.targets:
            _note_verdict(
                row,
                forecast.assess_target(
                    percent.get(task.pk, []),
                    today=status_day,
                    comparator=">=",
                    value=Decimal(100),
                    unit="%",
                    start=start,
                    deadline=task.deadline,
                    window_end=plan["ends_on"],
                ),
            )
        for mp in item.milestones:
            m = mp.milestone
            # A checkpoint is a projection; past the task's deadline its missed milestones are listed as overdue.
            if judge and status != TaskStatus.OVERDUE and m.value is not None:
                series = _series_for_milestone(m, item, history, percent.get(task.pk, []))
                verdict = forecast.judge_checkpoint(
                    series, value=m.value, unit=m.unit, due=m.due, start=start, text=m.text
                )
                if verdict.at_risk and not row.at_risk:
                    row.at_risk, row.reason = True, verdict.reason
                elif not verdict.at_risk and m.due is None:
                    row.notes.append(verdict.reason)
            entry = DueItem(
                day=m.due,
                kind="milestone",
                text=m.text,
                task_id=task.pk,
                task_code=task.code,
                unit=row.unit,
                overdue=mp.status == MilestoneStatus.MISSED,
                status=str(mp.status),
            )
            if m.due and status_day - dt.timedelta(
                days=TIMELINE_BEFORE
            ) <= m.due <= status_day + dt.timedelta(days=TIMELINE_AFTER):
                timeline.append(entry)
            if status in DONE:
                continue
            if mp.status == MilestoneStatus.MISSED:
                overdue.append(entry)
                row.late = True
            elif mp.status == MilestoneStatus.DUE and m.due and m.due <= soon:
                due_soon.append(entry)
        deadline_item = DueItem(
            day=task.deadline,
            kind="deadline",
            text="Hoàn thành nhiệm vụ",
            task_id=task.pk,
            task_code=task.code,
            unit=row.unit,
            overdue=status == TaskStatus.OVERDUE,
            status=status.value,
        )
        if status == TaskStatus.OVERDUE:
            overdue.append(deadline_item)
            row.late = True
        elif status not in DONE and task.deadline and status_day <= task.deadline <= soon:
            due_soon.append(deadline_item)
            row.due_soon = True
        rows.append(row)

    # The status filter narrows what is listed; the counts keep every status so they can be compared.
    if filters.status:
        keep = {r.pk for r in rows if r.status == filters.status}
        rows = [r for r in rows if r.pk in keep]
        bars = [b for b in bars if b.task_id in keep]
        overdue = [d for d in overdue if d.task_id in keep]
        due_soon = [d for d in due_soon if d.task_id in keep]
        timeline = [d for d in timeline if d.task_id in keep]
        obstacle_rows = [o for o in obstacle_rows if o["report__task_id"] in keep]
        tasks = [t for t in tasks if t.pk in keep]

    code_of = {t.pk: t.code for t in tasks}
    obstacles = [
        ObstacleItem(
            task_id=o["report__task_id"],
            task_code=code_of.get(o["report__task_id"], ""),
            unit=o["report__organisation__name"],
            period=o["report__period__label"],
            description=o["description"],
            needs=o["needs"],
            addressed_to=o["addressed_to"],
            status_label=str(ObstacleStatus(o["status"]).label),
        )
        for o in obstacle_rows
    ]
    overdue.sort(key=lambda d: (d.day or dt.date.min, d.task_code))
    due_soon.sort(key=lambda d: (d.day or dt.date.max, d.task_code))
    timeline.sort(key=lambda d: (d.day or dt.date.max, d.task_code))
    outlook = {forecast.AT_RISK: 0, forecast.NO_DATA: 0, forecast.ON_TRACK: 0, forecast.NOT_JUDGED: 0}
    for bar in bars:
        if bar.kind:
            outlook[bar.kind] += 1
    # Worst first: what is at risk, then what cannot be judged, then the lowest attainment.
    bars_total = len(bars)
    bars.sort(
        key=lambda b: (
            not b.at_risk,
            not b.no_data,
            b.upper_bound,
            b.attainment if b.attainment is not None else Decimal(-1),
        )
    )

    return Dashboard(
        filters=filters,
        today=status_day,
        cutoff=cutoff,
        plans=[(p["pk"], p["title"]) for p in plans],
        period_options=_period_options(reporting),
        leaders=leaders,
        units=units,
        counts=[(s.value, str(s.label), counts[s.value]) for s in TaskStatus],
        rows=rows,
        bars=bars[:BARS_SHOWN],
        bars_total=bars_total,
        chart=_trajectory(tasks, plan_by_id, reporting, history, status_day),
        timeline=timeline[:30],
        overdue=overdue,
        due_soon=due_soon,
        obstacles=obstacles,
        by_leader=_groups(rows, "leader_id", "leader"),
        by_unit=_groups(rows, "unit_id", "unit"),
        submissions=_submission_rows(tasks, record_periods, first_sent),
        submission_labels=[_short_label(p) for p in _first_of_each_key(record_periods)],
        outlook=outlook,
    )


def _note_verdict(row: TaskRow, verdict: forecast.Verdict) -> None:
    """A task is at risk, or lacks data, when any of its targets does; the first reason is kept."""
    if verdict.at_risk and not row.at_risk:
        row.at_risk, row.reason = True, verdict.reason
    if verdict.no_data and not row.no_data:
        row.no_data, row.no_data_reason = True, verdict.reason


def _series_for_milestone(
    milestone: Milestone, item, history: dict[int, list[forecast.Point]], percent: list[forecast.Point]
) -> list[forecast.Point]:  # type: ignore[no-untyped-def]
    """The figures a quantified milestone is checked against: the target in the same unit, else percent done."""
    for tp in item.targets:
        if tp.target.unit == milestone.unit:
            return history.get(tp.target.pk, [])
    return percent if milestone.unit == "%" else []


def _period_options(reporting: list[ReportingPeriod]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for p in reporting:
        seen.setdefault(p.key, p.label)
    return list(seen.items())


def _first_of_each_key(periods: list[ReportingPeriod]) -> list[ReportingPeriod]:
    seen: dict[str, ReportingPeriod] = {}
    for p in periods:
        seen.setdefault(p.key, p)
    return list(seen.values())


def _short_label(period: ReportingPeriod) -> str:
    return period.label.replace("Tháng ", "T").replace("Quý ", "Q")


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
    tasks: list[Task], periods: list[ReportingPeriod], first_sent: dict[tuple[int, int], dt.datetime]
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
            SubmissionRow(task.lead_unit_id, task.lead_unit.name, [SubmissionCell(label=k) for k in keys]),
        )
        for cell in row.cells:
            period = by_plan_key.get((task.plan_id, cell.label))
            if period is None or (task.deadline and period.starts_on > task.deadline):
                continue  # the plan has no such period, or the task was over before it began
            cell.due += 1
            sent = first_sent.get((task.pk, period.pk))
            if sent is None:
                continue
            if timezone.localdate(sent) <= period.due_on:
                cell.on_time += 1
            else:
                cell.late += 1
    return sorted(rows.values(), key=lambda r: r.unit)


def _trajectory(
    tasks: list[Task],
    plan_by_id: dict[int, dict],
    reporting: list[ReportingPeriod],
    history: dict[int, list[forecast.Point]],
    today: dt.date,
) -> dict:
    """Mean attainment of all targets (each capped at 100%) at each cut-off, against the straight-line plan.

    Actual values stop at the last cut-off reached; a target with no figure yet counts as 0.
    Built with a difference array over the cut-offs, so its cost is one step per figure.
    """
    days = sorted({p.ends_on for p in reporting})
    targets = [(task, target) for task in tasks for target in task.targets.all()]
    if not days or not targets:
        return {"labels": [], "planned": [], "actual": []}
    diff = [0.0] * (len(days) + 1)
    spans: dict[tuple[dt.date, dt.date | None], int] = defaultdict(int)
    for task, target in targets:
        spans[(plan_by_id[task.plan_id]["starts_on"], task.deadline)] += 1
        value = float(target.value)
        previous = 0.0
        for point in history.get(target.pk, []):
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
        actual.append(round(running / n * 100, 1) if day <= today else None)
    return {
        "labels": [f"{d:%d/%m/%Y}" for d in days],
        "planned": [round(p / n * 100, 1) for p in planned],
        "actual": actual,
    }


# Caching -------------------------------------------------------------------------------------------

# Building the province's overview costs about a second of Python (1,000 tasks' ORM objects and
# prefetches), while the figures change only when someone saves a report, a task or a period.
# So the built dashboard is cached, keyed by a stamp of those tables: any write changes the
# stamp and the next request rebuilds. The TTL only bounds memory and edits made behind the
# ORM's back (a raw UPDATE does not touch `updated_at`).
CACHE_SECONDS = 300
_STAMPED = (Plan, Task, Target, Milestone, ReportingPeriod, ProgressReport, Obstacle)


def data_stamp() -> str:
    """The last change and the row count of every table a dashboard reads, in one query.

    Remembered for DASHBOARD_STAMP_SECONDS: when units submit several reports a second, checking
    on every read would rebuild the page on almost every read. Figures may then lag by that long.
    """
    seconds = settings.DASHBOARD_STAMP_SECONDS
    if seconds <= 0:
        return _read_data_stamp()
    stamp = cache.get("dashboards:stamp")
    if stamp is None:
        stamp = _read_data_stamp()
        cache.set("dashboards:stamp", stamp, seconds)
    return str(stamp)


def _read_data_stamp() -> str:
    parts = ", ".join(
        f'(SELECT MAX(updated_at) FROM "{m._meta.db_table}"), (SELECT COUNT(*) FROM "{m._meta.db_table}")'
        for m in _STAMPED
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")  # table names from the models, no user input
        row = cursor.fetchone()
    return "|".join(str(v) for v in row)


def dashboard_key(
    user: User, filters: Filters, *, page: PageScope, scope: AccessScope, today: dt.date
) -> str:
    """The cache key of one dashboard, without the data stamp (no query): the entry stored under it
    carries the stamp it was built at, so a stale entry can be served while it is rebuilt.

    Two users with the same scope see the same tasks, so they share an entry.
    """
    key_source = repr((scope, page, filters, today))
    return "dashboards:" + hashlib.sha256(key_source.encode()).hexdigest()


# Stale-while-revalidate. An entry is `(stamp, value, built_at)`. When the stamp has moved, one
# request (the one that takes the lock, across threads and processes when the cache is shared)
# rebuilds in a background thread while it and everyone else are served the previous value; without
# that, every request arriving after a stamp change rebuilt the same province-sized page at once.
# With DASHBOARD_STAMP_SECONDS <= 0 ("always fresh", as the tests use) the rebuild is synchronous.
REBUILD_LOCK_SECONDS = 120
REBUILD_WAIT_SECONDS = 30  # for a board someone else is building, before building it too
T = TypeVar("T")
logger = logging.getLogger(__name__)


def lock_key(key: str) -> str:
    return f"{key}:rebuild"


def fresh_or_stale(key: str, stamp: str, build: Callable[[], T]) -> tuple[T, bool]:
    """The value under `key`: `(value, True)` when this call built it, `(value, False)` when cached.

    A stale entry is returned as is, and rebuilt in the background by whoever takes the lock.
    """
    entry = cache.get(key)
    if entry is None or (settings.DASHBOARD_STAMP_SECONDS <= 0 and entry[0] != stamp):
        return store(key, stamp, build), True
    entry_stamp, value, _built_at = entry
    if entry_stamp != stamp:
        rebuild_in_background(key, stamp, build)
    return value, False


def store(key: str, stamp: str, build: Callable[[], T]) -> T:
    value = build()
    cache.set(key, (stamp, value, time.time()), CACHE_SECONDS)
    return value


def rebuild_in_background(key: str, stamp: str, build: Callable[[], object]) -> threading.Thread | None:
    """Start a rebuild of `key` unless one is already running (the lock); the thread, for tests."""
    if not cache.add(lock_key(key), 1, timeout=REBUILD_LOCK_SECONDS):
        return None
    thread = threading.Thread(
        target=_rebuild_in_thread, args=(key, stamp, build), name=f"rebuild {key}", daemon=True
    )
    thread.start()
    return thread


def rebuild(key: str, stamp: str, build: Callable[[], object]) -> None:
    """What the background thread runs (tests call it directly): store the new value, log a
    failure, release the lock."""
    try:
        store(key, stamp, build)
    except Exception:
        logger.exception("Rebuilding dashboard %s failed", key)
    finally:
        cache.delete(lock_key(key))


def _rebuild_in_thread(key: str, stamp: str, build: Callable[[], object]) -> None:
    try:
        rebuild(key, stamp, build)
    finally:
        connection.close()  # the thread's own connection; nobody else will close it


def dashboard_current(
    user: User, filters: Filters, *, page: PageScope, today: dt.date, scope: AccessScope, stamp: str
) -> Dashboard:
    """The board as of `stamp`: the cached one if it is that fresh, else built now and cached.

    For rebuilding a page's body, which must not be made from a stale board.
    """
    key = dashboard_key(user, filters, page=page, scope=scope, today=today)
    deadline = time.monotonic() + REBUILD_WAIT_SECONDS
    while True:
        entry = cache.get(key)
        if entry is not None and entry[0] == stamp:
            return entry[1]
        # The task list rebuilds the same board: one of us builds it, the other waits for it.
        if cache.add(lock_key(key), 1, timeout=REBUILD_LOCK_SECONDS):
            try:
                return store(
                    key, stamp, lambda: dashboard_build(user, filters, page=page, today=today, scope=scope)
                )
            finally:
                cache.delete(lock_key(key))
        if time.monotonic() > deadline:
            return dashboard_build(user, filters, page=page, today=today, scope=scope)
        time.sleep(0.1)


def dashboard_cached(
    user: User,
    filters: Filters,
    *,
    page: PageScope | None = None,
    today: dt.date | None = None,
    scope: AccessScope | None = None,
) -> Dashboard:
    """`dashboard_build`, reused while nothing it reads has changed: 1 query on a hit (the stamp,
    itself cached for DASHBOARD_STAMP_SECONDS). After a change the previous board is served while
    a background thread builds the new one."""
    scope = access_scope(user) if scope is None else scope
    page = page or PageScope("overview")
    today = today or timezone.localdate()
    key = dashboard_key(user, filters, page=page, scope=scope, today=today)

    def build() -> Dashboard:
        return dashboard_build(user, filters, page=page, today=today, scope=scope)

    board, _ = fresh_or_stale(key, data_stamp(), build)
    return board
