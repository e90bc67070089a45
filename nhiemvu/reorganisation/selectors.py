"""Reads for mergers and renames: who may reorganise which bodies, and what a change would move.

`transfer_of` is the one place that decides what moves to the successor; the preview page shows
its counts and the services carry out exactly that list, so the preview and the change agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from nhiemvu.organisations.models import (
    Membership,
    Official,
    Organisation,
    OrganisationKind,
    Role,
    Succession,
)
from nhiemvu.organisations.selectors import User, organisation_descendant_ids, organisation_parent_map
from nhiemvu.plans.models import Plan, PlanStatus, PlanTarget, Task
from nhiemvu.reporting.models import ProgressReport, ReportStatus
from nhiemvu.reporting.snapshot import latest_accepted_reports
from nhiemvu.roadmaps.models import RoadmapStep

# Reports a unit is still writing: they follow the unit. A submitted report stays where it was
# sent until Planning-Finance accepts or returns it (its review is under way); an accepted one
# is history and never changes.
MOVING_REPORT_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


# Who may reorganise what ----------------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    """The bodies a user may reorganise (`movable`: merge, rename, dissolve) and the bodies that
    may take their work over or hold a new successor (`receiving`). `everything`: a superuser."""

    everything: bool = False
    movable: frozenset[int] = frozenset()
    receiving: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.movable)

    def may_move(self, org_id: int) -> bool:
        return self.everything or org_id in self.movable

    def may_receive(self, org_id: int) -> bool:
        return self.everything or org_id in self.receiving


def _department_of(org_id: int, parents: Mapping[int, int | None], kinds: Mapping[int, str]) -> int:
    current: int | None = org_id
    while current is not None:
        if kinds.get(current) == OrganisationKind.DEPARTMENT:
            return current
        current = parents.get(current)
    return org_id


def authority_of(user: User) -> Authority:
    """Administrators: every body. The province's reviewers (People's Committee): the bodies under
    their province (departments, districts and their units). An agency's Planning-Finance: the
    units under its own agency (merging two of its Chi cục), never the agency itself."""
    if not user.is_authenticated:
        return Authority()
    if user.is_superuser:
        return Authority(everything=True)
    roles = list(
        Membership.objects.filter(
            user=user, role__in=(Role.PROVINCIAL_REVIEWER, Role.PLANNING_FINANCE)
        ).values_list("organisation_id", "role")
    )
    if not roles:
        return Authority()
    rows = list(Organisation.objects.values_list("id", "parent_id", "kind"))
    parents = {i: p for i, p, _ in rows}
    kinds = {i: k for i, _, k in rows}
    movable: set[int] = set()
    receiving: set[int] = set()
    for org_id, role in roles:
        if role == Role.PROVINCIAL_REVIEWER:
            if kinds.get(org_id) != OrganisationKind.PROVINCE_COMMITTEE:
                continue
            anchor = org_id
        else:
            anchor = _department_of(org_id, parents, kinds)
            if kinds.get(anchor) != OrganisationKind.DEPARTMENT:
                continue
        subtree = organisation_descendant_ids(anchor, parents)
        receiving |= subtree
        movable |= subtree - {anchor}
    return Authority(movable=frozenset(movable), receiving=frozenset(receiving))


def may_reorganise(user: User) -> bool:
    return not authority_of(user).is_empty


def organisations_movable(authority: Authority) -> QuerySet[Organisation]:
    """Bodies still in service the user may merge or rename, for the forms' lists."""
    bodies = Organisation.objects.filter(dissolved_on__isnull=True).exclude(kind=OrganisationKind.EXTERNAL)
    return bodies if authority.everything else bodies.filter(id__in=authority.movable)


def organisations_receiving(authority: Authority) -> QuerySet[Organisation]:
    bodies = Organisation.objects.filter(dissolved_on__isnull=True).exclude(kind=OrganisationKind.EXTERNAL)
    return bodies if authority.everything else bodies.filter(id__in=authority.receiving)


def tree_labels(bodies: QuerySet[Organisation]) -> list[tuple[int, str]]:
    """(id, name indented by its depth) in the order of the tree, for a drop-down "from the tree"."""
    rows = list(bodies.values_list("id", "parent_id", "name"))
    present = {i for i, _, _ in rows}
    children: dict[int | None, list[tuple[int, str]]] = {}
    for i, parent, name in rows:
        children.setdefault(parent if parent in present else None, []).append((i, name))
    out: list[tuple[int, str]] = []

    def visit(parent: int | None, depth: int) -> None:
        for i, name in sorted(children.get(parent, []), key=lambda row: row[1]):
            out.append((i, "\u00a0\u00a0\u00a0" * depth + ("└ " if depth else "") + name))
            visit(i, depth + 1)

    visit(None, 0)
    return out


def successions_visible_to(user: User, authority: Authority | None = None) -> QuerySet[Succession]:
    """The changes recorded on bodies the user may reorganise (all of them for an administrator)."""
    authority = authority_of(user) if authority is None else authority
    changes = Succession.objects.select_related("predecessor__parent", "successor").order_by(
        "-effective_on", "successor__name", "predecessor__name"
    )
    if authority.everything:
        return changes
    if authority.is_empty:
        return changes.none()
    bodies = authority.receiving
    return changes.filter(Q(predecessor_id__in=bodies) | Q(successor_id__in=bodies))


# What a change moves ---------------------------------------------------------------------------


@dataclass
class Transfer:
    """What goes to the successor, and what stays with the old bodies (counted for the preview)."""

    children: list[Organisation] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)  # not closed, issued by an old body
    compiled_plans: list[Plan] = field(default_factory=list)
    plan_targets: list[PlanTarget] = field(default_factory=list)
    lead_tasks: list[Task] = field(default_factory=list)
    support_tasks: list[Task] = field(default_factory=list)  # an old body supports it
    completed_tasks: int = 0  # stay with the old body
    open_steps: int = 0  # roadmap steps not done of the moving tasks: they follow their task
    reports: list[ProgressReport] = field(default_factory=list)
    reports_in_review: int = 0  # submitted: stay with their review
    # Stay with the old unit: the successor already has an open report for that task and period,
    # or the task itself stays (completed).
    reports_kept: list[ProgressReport] = field(default_factory=list)
    officials: list[Official] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)

    @property
    def tasks(self) -> int:
        return len(self.lead_tasks) + len(self.support_tasks)

    @property
    def accounts(self) -> int:
        return len({m.user_id for m in self.memberships})

    def summary(self) -> str:
        """One line for the audit trail (kept in Vietnamese, as the trail's other records are)."""
        return (
            f"{self.tasks} nhiệm vụ đang thực hiện, {len(self.reports)} báo cáo chưa gửi, "
            f"{self.accounts} tài khoản, {len(self.officials)} cán bộ, "
            f"{len(self.children)} đơn vị trực thuộc, {len(self.plans)} kế hoạch đang thực hiện"
        )


def _completed_task_ids(task_ids: Collection[int]) -> set[int]:
    """Tasks whose latest accepted lead report says they were completed (as the dashboards judge)."""
    latest = latest_accepted_reports(task_ids)
    return {task_id for task_id, report in latest.items() if report.completed_on is not None}


def transfer_of(predecessor_ids: Collection[int], successor_id: int | None, day: dt.date) -> Transfer:
    """What merging these bodies into the successor (None: a new body, which has nothing yet) moves.

    Open work moves: tasks of plans not closed that are not completed (as lead or support unit),
    reports still being written, plans not closed, accounts (roles still held on `day`), officials,
    units. History stays.
    """
    old = list(predecessor_ids)
    result = Transfer()
    result.children = list(
        Organisation.objects.filter(parent_id__in=old, dissolved_on__isnull=True).order_by("name")
    )
    running = ~Q(plan__status=PlanStatus.CLOSED)
    result.plans = list(Plan.objects.filter(issuer_id__in=old).exclude(status=PlanStatus.CLOSED))
    result.compiled_plans = list(Plan.objects.filter(compiler_id__in=old).exclude(status=PlanStatus.CLOSED))
    result.plan_targets = list(PlanTarget.objects.filter(running, lead_unit_id__in=old))
    carried = Task.objects.filter(running).filter(
        Q(lead_unit_id__in=old) | Q(pk__in=Task.objects.filter(support_units__in=old).values("pk"))
    )
    tasks = list(
        carried.select_related("plan").prefetch_related("support_units").order_by("plan_id", "order")
    )
    completed = _completed_task_ids([t.pk for t in tasks])
    result.completed_tasks = len(completed)
    for task in tasks:
        if task.pk in completed:
            continue
        (result.lead_tasks if task.lead_unit_id in old else result.support_tasks).append(task)
    result.open_steps = RoadmapStep.objects.filter(
        task__in=[t.pk for t in result.lead_tasks], done_on__isnull=True
    ).count()
    reports = ProgressReport.objects.filter(organisation_id__in=old).exclude(
        task__plan__status=PlanStatus.CLOSED
    )
    result.reports_in_review = reports.filter(status=ReportStatus.SUBMITTED).count()
    # Two units that both reported on one task in one period become one: the successor keeps a
    # single open report there (a database rule), so a second one stays with its old unit.
    taken_open: set[tuple[int, int]] = set()
    taken_version: set[tuple[int, int, int]] = set()
    if successor_id is not None:
        for task_id, period_id, version, status in ProgressReport.objects.filter(
            organisation_id=successor_id
        ).values_list("task_id", "period_id", "version", "status"):
            taken_version.add((task_id, period_id, version))
            if status != ReportStatus.ACCEPTED:
                taken_open.add((task_id, period_id))
    moving = reports.filter(status__in=MOVING_REPORT_STATUSES).select_related("task__plan", "period")
    moving_tasks = {t.pk for t in [*result.lead_tasks, *result.support_tasks]}
    for report in moving.order_by("-is_lead", "pk"):
        key = (report.task_id, report.period_id)
        # A draft on a task that stays (a correction to a completed task) stays with it.
        if report.task_id not in moving_tasks or key in taken_open or (*key, report.version) in taken_version:
            result.reports_kept.append(report)
            continue
        taken_open.add(key)
        taken_version.add((*key, report.version))
        result.reports.append(report)
    result.officials = list(Official.objects.filter(organisation_id__in=old).order_by("full_name"))
    result.memberships = list(
        Membership.objects.filter(organisation_id__in=old)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__username")
    )
    return result


def refusals(
    *,
    predecessors: list[Organisation],
    successor: Organisation | None,
    new_parent: Organisation | None,
    day: dt.date,
    transfer: Transfer | None = None,
) -> list[tuple[str, str]]:
    """Why this change cannot be made, as (Vietnamese, English) pairs; empty when it can."""
    found: list[tuple[str, str]] = []
    if not predecessors:
        found.append(("Hãy chọn ít nhất một cơ quan, đơn vị.", "Choose at least one body."))
        return found
    if not EARLIEST <= day <= LATEST:
        found.append(
            ("Ngày có hiệu lực phải trong khoảng năm 2000 đến năm 2100.", "The date must fall in 2000–2100.")
        )
    parents = organisation_parent_map()
    old_ids = {o.pk for o in predecessors}
    under_old: set[int] = set()
    for body in predecessors:
        under_old |= organisation_descendant_ids(body.pk, parents) - {body.pk}
        if body.dissolved_on is not None:
            found.append(
                (
                    f"«{body.name}» đã giải thể, sáp nhập từ ngày {body.dissolved_on:%d/%m/%Y}.",
                    f"{body.name} was dissolved on {body.dissolved_on:%d/%m/%Y}.",
                )
            )
        if body.active_from is not None and day < body.active_from:
            found.append(
                (
                    f"Ngày có hiệu lực {day:%d/%m/%Y} trước ngày «{body.name}» bắt đầu hoạt động "
                    f"({body.active_from:%d/%m/%Y}).",
                    f"The date is before {body.name} started ({body.active_from:%d/%m/%Y}).",
                )
            )
        if body.parent_id is None:
            found.append(
                (
                    f"«{body.name}» là cơ quan cấp cao nhất, không sáp nhập hay đổi tên ở đây được.",
                    f"{body.name} is at the top of the tree.",
                )
            )
    nested = sorted(o.name for o in predecessors if o.pk in under_old)
    if nested:
        found.append(
            (
                f"{', '.join(f'«{n}»' for n in nested)} trực thuộc một cơ quan khác trong danh sách; "
                "hãy sáp nhập từng cấp một.",
                "A chosen body is under another chosen body.",
            )
        )
    if successor is not None:
        if successor.pk in old_ids:
            found.append(
                (
                    f"Không thể sáp nhập «{successor.name}» vào chính nó.",
                    "A body cannot be merged into itself.",
                )
            )
        elif successor.pk in under_old:
            found.append(
                (
                    f"Không thể sáp nhập vào «{successor.name}»: đơn vị này trực thuộc cơ quan bị sáp nhập.",
                    "A body cannot be merged into its own unit.",
                )
            )
        if successor.dissolved_on is not None:
            found.append(
                (
                    f"Cơ quan kế thừa «{successor.name}» đã giải thể, sáp nhập từ ngày "
                    f"{successor.dissolved_on:%d/%m/%Y}.",
                    "The successor is dissolved.",
                )
            )
        if successor.active_from is not None and day < successor.active_from:
            found.append(
                (
                    f"Ngày có hiệu lực trước ngày «{successor.name}» bắt đầu hoạt động "
                    f"({successor.active_from:%d/%m/%Y}).",
                    "The date is before the successor started.",
                )
            )
    if new_parent is not None and new_parent.dissolved_on is not None:
        found.append(
            (
                f"Cơ quan cấp trên «{new_parent.name}» đã giải thể, sáp nhập từ ngày "
                f"{new_parent.dissolved_on:%d/%m/%Y}.",
                "The new body's parent is dissolved.",
            )
        )
    if new_parent is not None and (new_parent.pk in old_ids or new_parent.pk in under_old):
        found.append(
            (
                f"Cơ quan mới không thể trực thuộc «{new_parent.name}», đơn vị đang bị sáp nhập.",
                "The new body cannot sit under a body being merged.",
            )
        )
    if transfer is not None and not found:
        names = set(successor.children.values_list("name", flat=True)) if successor is not None else set()
        clashes = sorted(
            {c.name for c in transfer.children if c.name in names}
            | _repeats([c.name for c in transfer.children])
        )
        if clashes:
            found.append(
                (
                    "Cơ quan kế thừa sẽ có hai đơn vị trực thuộc cùng tên: "
                    f"{', '.join(f'«{n}»' for n in clashes)}. Hãy sáp nhập hoặc đổi tên các đơn vị này trước.",
                    "The successor would hold two units of the same name.",
                )
            )
        officials = official_clashes(transfer, successor.pk if successor is not None else None)
        if officials:
            found.append(
                (
                    "Cơ quan kế thừa sẽ có hai cán bộ cùng họ tên: "
                    + ", ".join(f"«{n}»" for n in officials)
                    + ". Hãy ghi rõ họ tên (hoặc bỏ bản ghi trùng) trước.",
                    "The successor would hold two officials of the same name.",
                )
            )
    return found


def _repeats(names: list[str]) -> set[str]:
    seen: set[str] = set()
    twice: set[str] = set()
    for name in names:
        (twice if name in seen else seen).add(name)
    return twice


def official_clashes(transfer: Transfer, successor_id: int | None) -> list[str]:
    """Officials of the old bodies whose full name the successor (or another old body) already has."""
    names = [o.full_name for o in transfer.officials]
    if successor_id is not None:
        names += list(
            Official.objects.filter(organisation_id=successor_id).values_list("full_name", flat=True)
        )
    return sorted(_repeats(names))


def permission_refusals(
    authority: Authority,
    predecessors: list[Organisation],
    successor: Organisation | None,
    new_parent: Organisation | None,
) -> list[str]:
    """The names of the bodies in the change that the user may not touch; empty when all is allowed."""
    names = [o.name for o in predecessors if not authority.may_move(o.pk)]
    for body in (successor, new_parent):
        if body is not None and not authority.may_receive(body.pk):
            names.append(body.name)
    return names


@dataclass
class Preview:
    """What the confirmation page shows: what would move, and why it cannot be done if it cannot."""

    transfer: Transfer
    problems: list[str]
    denied: list[str]

    @property
    def possible(self) -> bool:
        return not (self.problems or self.denied)


def change_preview(
    authority: Authority,
    *,
    predecessors: list[Organisation],
    successor: Organisation | None,
    new_parent: Organisation | None,
    day: dt.date,
) -> Preview:
    """The same checks and the same list of rows as the services, without changing anything."""
    transfer = transfer_of([o.pk for o in predecessors], successor.pk if successor else None, day)
    problems = refusals(
        predecessors=predecessors, successor=successor, new_parent=new_parent, day=day, transfer=transfer
    )
    return Preview(
        transfer=transfer,
        problems=[vi for vi, _ in problems],
        denied=permission_refusals(authority, predecessors, successor, new_parent),
    )
