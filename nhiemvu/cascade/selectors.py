"""Reads of the chain province → agency → unit: what the province assigned, proposed links, the roll-up.

A provincial plan is a plan issued by a People's Committee (its decision on every agency's key
tasks); its tasks' lead units are the agencies. The roll-up reads the agency tasks linked to each
provincial task through the plans' snapshot (`reporting.snapshot`), the one read that decides
status and figures, and only combines its verdicts: nothing here judges a report again.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from nhiemvu.lib.vntext import unaccent
from nhiemvu.organisations.models import Organisation, OrganisationKind, Succession
from nhiemvu.organisations.selectors import AccessScope, User, access_scope
from nhiemvu.plans.models import Plan, Target, Task
from nhiemvu.plans.selectors import tasks_visible_to
from nhiemvu.reporting.snapshot import (
    UPPER_BOUNDS,
    PeriodFacts,
    Snapshot,
    TaskState,
    snapshot_load,
    target_text,
)
from nhiemvu.reporting.status import DONE, TaskStatus, attainment, task_status

from .models import TaskLink

PROVINCE = OrganisationKind.PROVINCE_COMMITTEE
# An open obstacle whose report period ended this many days ago still waits for an answer: "tồn đọng".
OBSTACLE_OVERDUE_DAYS = 15
PROPOSALS_SHOWN = 3
PROPOSAL_FLOOR = 0.12  # below this the wording has too little in common to be worth showing
PROPOSAL_CHECKED = 0.25  # the best proposal at or above this is ticked on the review
CITED_BONUS = 0.1  # ranking only: the agency plan cites the provincial decision by its number


# Who sees what ----------------------------------------------------------------------------------


def provincial_plans_visible_to(user: User, scope: AccessScope | None = None) -> QuerySet[Plan]:
    """Provincial plans the user sees whole: provincial reviewers of that province, superusers.

    Not every plan in which the user sees a task: staff of an agency see their agency's provincial
    tasks (as lead unit), never the province's table of every agency.
    """
    scope = access_scope(user) if scope is None else scope
    plans = Plan.objects.filter(issuer__kind=PROVINCE).select_related("issuer", "source_document")
    return plans if scope.superuser else plans.filter(issuer_id__in=scope.department_orgs)


def provincial_tasks_visible_to(user: User, scope: AccessScope | None = None) -> QuerySet[Task]:
    """Tasks of provincial plans: all of them to whoever sees the plan whole, and to an agency's
    director and Planning-Finance the ones assigned to their agency (as lead or partner). Unit staff
    and deputies see none: a unit works on its own agency's tasks, never on another agency's."""
    scope = access_scope(user) if scope is None else scope
    tasks = Task.objects.filter(plan__issuer__kind=PROVINCE)
    if scope.superuser:
        return tasks
    if not scope.department_orgs:
        return tasks.none()
    agencies = scope.department_orgs
    rule = (
        Q(plan__issuer_id__in=agencies)
        | Q(lead_unit_id__in=agencies)
        | Q(pk__in=Task.objects.filter(support_units__in=agencies).values("pk"))
    )
    return tasks.filter(rule)


def provincial_task_get(user: User, pk: int) -> Task:
    return get_object_or_404(
        provincial_tasks_visible_to(user).select_related(
            "plan__issuer", "plan__source_document", "lead_unit"
        ),
        pk=pk,
    )


def agency_get(user: User, plan: Plan, agency_pk: int, scope: AccessScope | None = None) -> Organisation:
    """An agency of the province, for a user who sees the provincial plan whole or manages that agency."""
    scope = access_scope(user) if scope is None else scope
    whole = provincial_plans_visible_to(user, scope).filter(pk=plan.pk).exists()
    if not (whole or scope.superuser or agency_pk in scope.department_orgs):
        raise Http404
    return get_object_or_404(Organisation, pk=agency_pk)


def agency_family(agency_id: int) -> set[int]:
    """The agency and the bodies it succeeded or that succeeded it (renames and mergers, 2025):
    a decision of 2023 assigned tasks to the department under its old name."""
    family = {agency_id}
    pairs = list(Succession.objects.values_list("predecessor_id", "successor_id"))
    grew = True
    while grew:
        grew = False
        for old, new in pairs:
            if (old in family) != (new in family):
                family |= {old, new}
                grew = True
    return family


def tasks_assigned_to(agency_id: int, *, year: int | None = None) -> QuerySet[Task]:
    """Provincial tasks the agency leads or supports, of plans of the year (all years when None)."""
    family = agency_family(agency_id)
    tasks = Task.objects.filter(plan__issuer__kind=PROVINCE).filter(
        Q(lead_unit_id__in=family) | Q(pk__in=Task.objects.filter(support_units__in=family).values("pk"))
    )
    if year is not None:
        tasks = tasks.filter(plan__year=year)
    return tasks.select_related("plan__source_document", "lead_unit").order_by("plan_id", "order")


def plan_links(plan: Plan) -> dict[int, list[TaskLink]]:
    """Agency task id → its links to provincial tasks, with those tasks and their plans."""
    found: dict[int, list[TaskLink]] = defaultdict(list)
    for link in TaskLink.objects.filter(agency_task__plan=plan).select_related(
        "provincial_task__plan__source_document", "provincial_task__lead_unit"
    ):
        found[link.agency_task_id].append(link)
    return found


def cited_numbers(plan: Plan) -> set[str]:
    """The numbers of the documents the plan's tasks implement (`58/QĐ-UBND`), folded for comparison."""
    numbers = plan.tasks.filter(implements__number__gt="").values_list("implements__number", flat=True)
    own = [plan.source_document.number] if plan.source_document_id and plan.source_document else []
    return {fold_number(n) for n in [*numbers, *own] if n}


def fold_number(number: str) -> str:
    """`58/QĐ-UBND`, `58/QD-UBND`, `Số 58 /QĐ - UBND` → `58/qd-ubnd`."""
    return re.sub(r"\s+", "", unaccent(number).lower()).removeprefix("so")


# Proposals: which provincial task(s) an agency task carries out -----------------------------------

# Words every task of every plan uses; they say nothing about which task is which.
_COMMON_WORDS = """
    thuc hien trien khai nhiem vu cac va cua cho tren dia ban tinh nam to chuc tiep tuc day manh
    tang cuong nang cao hieu qua cong tac theo ke hoach de an chuong trinh ve trong voi dat tu co
    duoc da se nhung mot so nham dam bao hoan thanh ket qua cap chi dao quy dinh phoi hop
"""
_COMMON = frozenset(_COMMON_WORDS.split())


@dataclass(frozen=True)
class Candidate:
    """A provincial task an agency may be carrying out."""

    pk: int
    code: str
    title: str
    plan_id: int
    plan_number: str  # the decision's number, "" when it has none
    deadline: dt.date | None

    @classmethod
    def of(cls, task: Task) -> Candidate:
        document = task.plan.source_document
        return cls(
            pk=task.pk,
            code=task.code,
            title=task.title,
            plan_id=task.plan_id,
            plan_number=document.number if document is not None else "",
            deadline=task.deadline,
        )


@dataclass(frozen=True)
class Proposal:
    candidate: Candidate
    score: float
    cited: bool  # the agency plan cites the decision this task is in

    @property
    def percent(self) -> int:
        return round(min(self.score, 1.0) * 100)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", unaccent(text).lower())


def _features(text: str) -> tuple[set[str], set[str]]:
    """Content syllables, and pairs of neighbouring syllables (Vietnamese words are mostly two)."""
    words = _words(text)
    singles = {w for w in words if w not in _COMMON and len(w) > 1 and not w.isdigit()}
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words) if not (a in _COMMON and b in _COMMON)}
    return singles, pairs


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def similarity(a: str, b: str) -> float:
    """How much two task wordings share, 0–1: half on content syllables, half on syllable pairs.

    >>> round(similarity("Trồng mới 9.000 ha rừng", "Trồng rừng tập trung 9.000 ha"), 2)
    0.47
    >>> similarity("Xây dựng nông thôn mới", "Tiêm chủng mở rộng")
    0.0
    """
    sa, pa = _features(a)
    sb, pb = _features(b)
    return 0.5 * _dice(sa, sb) + 0.5 * _dice(pa, pb)


def propose(title: str, candidates: Sequence[Candidate], cited: set[str]) -> list[Proposal]:
    """The provincial tasks an agency task most likely carries out, best first (at most three).

    The score is the wording's similarity; a task of the decision the plan cites ranks above one of
    another decision with the same score, but citing a decision makes no weak match convincing:
    a plan that implements QĐ 58 cites it once for all its tasks.
    """
    scored = []
    for candidate in candidates:
        is_cited = bool(candidate.plan_number) and fold_number(candidate.plan_number) in cited
        score = similarity(title, candidate.title)
        if score >= PROPOSAL_FLOOR:
            scored.append(Proposal(candidate, score, is_cited))
    scored.sort(
        key=lambda p: (-(p.score + (CITED_BONUS if p.cited else 0.0)), p.candidate.plan_id, p.candidate.pk)
    )
    return scored[:PROPOSALS_SHOWN]


def candidates_for(agency_id: int, year: int | None) -> list[Candidate]:
    """Provincial tasks assigned to the agency that year (any year when the plan has none)."""
    return [Candidate.of(t) for t in tasks_assigned_to(agency_id, year=year)]


def draft_proposals(
    *, agency_id: int, year: int | None, tasks: Iterable[tuple[str, str]], references: Iterable[str]
) -> tuple[list[Candidate], dict[str, list[Proposal]]]:
    """For a plan under review: the agency's provincial tasks, and per task code its proposals."""
    candidates = candidates_for(agency_id, year)
    if not candidates:
        return [], {}
    cited = {fold_number(n) for n in references if n}
    return candidates, {code: propose(title, candidates, cited) for code, title in tasks}


# The roll-up -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedTask:
    """An agency task linked to a provincial task, as the snapshot sees it."""

    link_id: int
    state: TaskState
    agency_id: int
    agency: str


@dataclass(frozen=True)
class Contribution:
    agency: str
    task_code: str
    target: str  # the agency target as worded, "" when the task has none in this unit
    actual: Decimal | None


@dataclass(frozen=True)
class RolledTarget:
    """A provincial target and what the linked agency tasks report towards it."""

    name: str
    text: str
    actual: Decimal | None
    attainment: Decimal | None
    summed: bool
    rule: str
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class Rollup:
    """A provincial task as its agencies' linked tasks show it."""

    pk: int
    code: str
    title: str
    plan_id: int
    agency_id: int | None
    agency: str
    deadline: dt.date | None
    status: TaskStatus
    completed_on: dt.date | None
    rule: str
    links: tuple[LinkedTask, ...]
    targets: tuple[RolledTarget, ...]

    @property
    def uncovered(self) -> bool:
        """No agency task carries it out: flagged to the agency and to the province."""
        return not self.links

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def is_done(self) -> bool:
        return self.status in DONE


def rolled_status(
    *, deadline: dt.date | None, today: dt.date, linked: Sequence[TaskState]
) -> tuple[TaskStatus, dt.date | None, str]:
    """A provincial task's category (QĐ 42/2014) from the agency tasks carrying it out, and the rule.

    Completed when every linked task is completed, on the day the last of them was, judged against
    the province's deadline; started as soon as one of them is; not covered at all, it is judged as
    a task nobody has begun. A linked heading (no lead unit, never reported on) does not hold it back.
    """
    if not linked:
        status = task_status(deadline=deadline, today=today, completed_on=None, started=False)
        return status, None, _("Chưa có nhiệm vụ nào của cơ quan triển khai nhiệm vụ này.")
    # A heading linked beside the tasks under it only groups them: it is never reported on.
    linked = [s for s in linked if s.reportable] or linked
    done = all(s.is_done for s in linked)
    days = [s.completed_on for s in linked if s.completed_on is not None]
    completed_on = max(days) if done and days else None
    if done and completed_on is None:  # completed without a date: on time unless the deadline passed
        completed_on = min(today, deadline) if deadline else today
    started = any(s.status != TaskStatus.NOT_STARTED for s in linked)
    status = task_status(deadline=deadline, today=today, completed_on=completed_on, started=started)
    rule = _(
        "Hoàn thành khi cả %(n)d nhiệm vụ triển khai hoàn thành, tính theo ngày hoàn thành muộn nhất so với "
        "thời hạn của tỉnh; đang thực hiện khi ít nhất một nhiệm vụ đã có kết quả được chấp nhận."
    ) % {"n": len(linked)}
    return status, completed_on, rule


def _unit_key(unit: str) -> str:
    return re.sub(r"[\s.]+", "", unaccent(unit).lower())


def rolled_target(target: Target, linked: Sequence[tuple[str, TaskState]]) -> RolledTarget:
    """A provincial target summed from the linked tasks' targets in the same unit, where that is sound.

    Each linked task contributes its target in the same unit of measure whose name is closest. A
    share (%), an upper bound (`không quá`) or a relative change (`giảm 10%`) is never summed:
    each agency's figure is shown instead. When some linked tasks have no target in that unit,
    the sum covers the others and says so.
    """
    text = target_text(target.comparator, target.value, target.max_value, target.unit, target.change)
    key = _unit_key(target.unit)
    contributions = []
    for agency, state in linked:
        same = [t for t in state.targets if _unit_key(t.unit) == key]
        best = max(same, key=lambda t: similarity(t.name, target.name), default=None)
        contributions.append(
            Contribution(agency, state.code, best.text if best else "", best.actual if best else None)
        )
    matched = [c for c in contributions if c.target]
    summable = key not in ("%", "") and target.comparator not in UPPER_BOUNDS and not target.change
    if not summable:
        rule = _(
            "Tỷ lệ, giới hạn hoặc mức tăng giảm không cộng dồn giữa các cơ quan: xem số của từng cơ quan."
        )
        return RolledTarget(target.name, text, None, None, False, rule, tuple(contributions))
    if not matched:
        rule = _("Không nhiệm vụ triển khai nào có chỉ tiêu cùng đơn vị tính (%(unit)s): chưa cộng được.") % {
            "unit": target.unit
        }
        return RolledTarget(target.name, text, None, None, False, rule, tuple(contributions))
    reported = [c.actual for c in matched if c.actual is not None]
    total = sum(reported, Decimal(0)) if reported else None
    rule = _(
        "Cộng số thực hiện của %(m)d/%(n)d nhiệm vụ triển khai có chỉ tiêu cùng đơn vị tính (%(unit)s)."
    ) % {
        "m": len(matched),
        "n": len(contributions),
        "unit": target.unit,
    }
    if len(reported) < len(matched):
        rule += " " + _("%(k)d nhiệm vụ chưa có số liệu được chấp nhận.") % {
            "k": len(matched) - len(reported)
        }
    value = attainment(
        comparator=target.comparator,
        value=target.value,
        actual=total,
        max_value=target.max_value,
        change=target.change,
        baseline=target.baseline,
    )
    return RolledTarget(target.name, text, total, value, True, rule, tuple(contributions))


@dataclass
class Cascade:
    """The roll-up of some provincial tasks, with the snapshots of the agency tasks behind it."""

    rollups: list[Rollup]
    today: dt.date
    snapshot_of: dict[int, Snapshot] = field(default_factory=dict)  # agency task id → the snapshot it is in
    agency_of_task: dict[int, int] = field(default_factory=dict)  # agency task id → agency id


def cascade_load(
    provincial_tasks: QuerySet[Task],
    *,
    today: dt.date | None = None,
    as_of: dt.date | None = None,
    known: Iterable[Snapshot] = (),
) -> Cascade:
    """Roll the given provincial tasks up from their linked agency tasks, in a fixed number of queries.

    `today` and `as_of` as for `snapshot_load`: a report of a past period reads the agencies' accepted
    reports of periods ending by its cut-off. `known`: snapshots already read (the provincial report's,
    of the same day and cut-off); only linked tasks outside them are read again."""
    today = today or timezone.localdate()
    tasks = list(
        provincial_tasks.select_related("lead_unit")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("order")))
        .order_by("plan_id", "order", "id")
    )
    links = list(
        TaskLink.objects.filter(provincial_task__in=[t.pk for t in tasks]).values_list(
            "pk", "provincial_task_id", "agency_task_id"
        )
    )
    agency_task_ids = sorted({a for _, _, a in links})
    snapshot_of: dict[int, Snapshot] = {}
    states: dict[int, TaskState] = {}
    for snapshot in known:
        for state in snapshot.tasks:
            snapshot_of[state.pk], states[state.pk] = snapshot, state
    missing = [pk for pk in agency_task_ids if pk not in states]
    plan_of = dict(Task.objects.filter(pk__in=missing).values_list("pk", "plan_id")) if missing else {}
    if missing:
        rest = snapshot_load(
            plan_ids=sorted(set(plan_of.values())),
            today=today,
            as_of=as_of,
            tasks=Task.objects.filter(pk__in=missing),
        )
        for state in rest.tasks:
            snapshot_of[state.pk], states[state.pk] = rest, state
    plans = {
        pk: (issuer_id, name)
        for pk, issuer_id, name in Plan.objects.filter(
            pk__in={states[a].plan_id for a in agency_task_ids if a in states}
        ).values_list("pk", "issuer_id", "issuer__name")
    }
    by_provincial: dict[int, list[LinkedTask]] = defaultdict(list)
    for link_id, provincial_id, agency_task_id in links:
        linked_state = states.get(agency_task_id)
        if linked_state is None:
            continue
        issuer_id, name = plans[linked_state.plan_id]
        by_provincial[provincial_id].append(LinkedTask(link_id, linked_state, issuer_id, name))
    rollups = []
    for task in tasks:
        linked = sorted(
            by_provincial.get(task.pk, []), key=lambda lt: (lt.agency, lt.state.plan_id, lt.state.code)
        )
        status, completed_on, rule = rolled_status(
            deadline=task.deadline, today=today, linked=[lt.state for lt in linked]
        )
        rollups.append(
            Rollup(
                pk=task.pk,
                code=task.code,
                title=task.title,
                plan_id=task.plan_id,
                agency_id=task.lead_unit_id,
                agency=task.lead_unit.name if task.lead_unit else "",
                deadline=task.deadline,
                status=status,
                completed_on=completed_on,
                rule=rule,
                links=tuple(linked),
                targets=tuple(
                    rolled_target(t, [(lt.agency, lt.state) for lt in linked]) for t in task.targets.all()
                ),
            )
        )
    linked_ids = set(agency_task_ids) & set(states)
    return Cascade(
        rollups,
        today,
        {pk: snapshot_of[pk] for pk in linked_ids},
        {pk: plans[states[pk].plan_id][0] for pk in linked_ids},
    )


# The province's view of its agencies ---------------------------------------------------------------


@dataclass
class AgencyStanding:
    """One agency's record on the tasks the province assigned it, for the annual evaluation."""

    agency_id: int
    agency: str
    assigned: int = 0
    covered: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    reports_due: int = 0
    reports_on_time: int = 0
    obstacles_overdue: int = 0
    rank: int = 0

    @property
    def uncovered(self) -> int:
        return self.assigned - self.covered

    @property
    def uncovered_share(self) -> Decimal:
        return (
            (Decimal(self.uncovered * 100) / self.assigned).quantize(Decimal("0.1"))
            if self.assigned
            else Decimal(0)
        )

    @property
    def done_on_time(self) -> int:
        return self.counts.get(TaskStatus.COMPLETED_ON_TIME.value, 0)

    @property
    def overdue(self) -> int:
        return self.counts.get(TaskStatus.OVERDUE.value, 0)

    @property
    def on_time_share(self) -> Decimal:
        return (
            (Decimal(self.done_on_time * 100) / self.assigned).quantize(Decimal("0.1"))
            if self.assigned
            else Decimal(0)
        )

    @property
    def reports_share(self) -> Decimal:
        if not self.reports_due:
            return Decimal(100)
        return (Decimal(self.reports_on_time * 100) / self.reports_due).quantize(Decimal("0.1"))

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)


def agency_standings(cascade: Cascade) -> list[AgencyStanding]:
    """Every agency the provincial tasks name, ranked: share of its tasks completed on time, then of
    its reports sent on time, then fewest obstacles left waiting, then fewest tasks not taken up."""
    today = cascade.today
    rows: dict[int, AgencyStanding] = {}
    linked_ids: dict[int, set[int]] = defaultdict(set)
    for r in cascade.rollups:
        if r.agency_id is None:
            continue
        row = rows.setdefault(r.agency_id, AgencyStanding(r.agency_id, r.agency))
        row.assigned += 1
        row.covered += 0 if r.uncovered else 1
        row.counts[r.status.value] = row.counts.get(r.status.value, 0) + 1
        linked_ids[r.agency_id] |= {lt.state.pk for lt in r.links}
    # Each snapshot once (the provincial report's are shared by plans of the same cut-off).
    snapshots = {id(s): s for s in cascade.snapshot_of.values()}.values()
    states = {s.pk: s for snapshot in snapshots for s in snapshot.tasks}
    periods: dict[int, list[PeriodFacts]] = defaultdict(list)  # plan → its periods whose send-by date passed
    for snapshot in snapshots:
        for period in snapshot.reporting_periods():
            if period.due_on < today and period not in periods[period.plan_id]:
                periods[period.plan_id].append(period)
    overdue_before = today - dt.timedelta(days=OBSTACLE_OVERDUE_DAYS)
    waiting: dict[int, int] = defaultdict(int)
    for snapshot in snapshots:
        for obstacle in snapshot.obstacles:
            if obstacle.period_ends_on < overdue_before:
                waiting[obstacle.task_id] += 1
    for agency_id, ids in linked_ids.items():
        row = rows[agency_id]
        for task_id in ids:
            state, snapshot = states[task_id], cascade.snapshot_of[task_id]
            for period in periods[state.plan_id]:
                if snapshot.owes(state, period):
                    row.reports_due += 1
                    row.reports_on_time += 1 if snapshot.sent_on_time(task_id, period) else 0
            row.obstacles_overdue += waiting.get(task_id, 0)
    ranked = sorted(rows.values(), key=lambda r: (*_standing_key(r), r.agency))
    previous: tuple[Decimal, ...] | None = None
    for position, row in enumerate(ranked, 1):
        key = _standing_key(row)
        row.rank = ranked[position - 2].rank if key == previous else position
        previous = key
    return ranked


def _standing_key(row: AgencyStanding) -> tuple[Decimal, ...]:
    """Better first: more tasks done on time, fewer not taken up at all (an agency that has not yet
    planned its share does not rank above one that has, for owing no reports), more reports sent
    on time, fewer obstacles left waiting."""
    return (-row.on_time_share, row.uncovered_share, -row.reports_share, Decimal(row.obstacles_overdue))


def decision_tasks_for(agency_ids: Iterable[int], years: Iterable[int]) -> QuerySet[Task]:
    """The tasks the province's decisions of these years assigned to these agencies (as lead)."""
    return Task.objects.filter(
        plan__issuer__kind=PROVINCE, plan__year__in=list(years), lead_unit_id__in=list(agency_ids)
    )


def decision_label(plan_ids: Iterable[int]) -> str:
    """`Quyết định số 58/QĐ-UBND ngày 17/01/2026` for the decisions, joined; their titles if unnumbered."""
    labels = []
    for plan in (
        Plan.objects.filter(pk__in=list(plan_ids)).select_related("source_document").order_by("year", "pk")
    ):
        document = plan.source_document
        if document is not None and document.number:
            when = f" ngày {document.issued_on:%d/%m/%Y}" if document.issued_on else ""
            labels.append(f"{document.get_kind_display()} số {document.number}{when}")
        else:
            labels.append(plan.title)
    return "; ".join(labels)


def status_counts(rollups: Iterable[Rollup]) -> dict[str, int]:
    counts: dict[str, int] = {s.value: 0 for s in TaskStatus}
    for r in rollups:
        counts[r.status.value] += 1
    return counts


def agency_tasks_visible(user: User, ids: Iterable[int]) -> set[int]:
    """Which of these agency tasks the user may open (the links on a page lead only there)."""
    return set(tasks_visible_to(user).filter(pk__in=list(ids)).values_list("pk", flat=True))
