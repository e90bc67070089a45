"""Reads about plans and tasks, including who may see which."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from nhiemvu.organisations.models import Official, Organisation, OrganisationKind, Role
from nhiemvu.organisations.selectors import (
    AccessScope,
    User,
    access_scope,
    organisation_descendant_ids,
    organisation_parent_map,
)

from .models import Finding, Plan, PlanKind, PlanTarget, Target, Task


def _reached(scope: AccessScope, column: str, *, whole_plans: bool = True) -> QuerySet[Any]:
    """`column` ("pk", or "plan_id" for their plans) of the tasks a scope reaches: whole plans of its
    departments (unless `whole_plans` is off), tasks it leads and their sub-tasks, tasks its units
    lead or support. Each way is read through its own index, and the reads are joined with UNION:
    one condition ORing them over the tasks joined to their support units can use no index, and
    read every task of every year for every unit officer's and deputy's page."""
    tasks = Task.objects.order_by()  # no ordering: it would join each task's plan only to sort
    through = "task_id" if column == "pk" else f"task__{column}"
    ways: list[QuerySet[Any]] = []
    if whole_plans and scope.department_orgs:
        ways.append(tasks.filter(plan__issuer_id__in=scope.department_orgs).values(column))
    if scope.leader_official_ids:
        ways.append(tasks.filter(leader_id__in=scope.leader_official_ids).values(column))
        ways.append(tasks.filter(parent__leader_id__in=scope.leader_official_ids).values(column))
    if scope.unit_orgs:
        ways.append(tasks.filter(lead_unit_id__in=scope.unit_orgs).values(column))
        support = Task.support_units.through.objects.order_by()
        ways.append(support.filter(organisation_id__in=scope.unit_orgs).values(through))
    if not ways:
        return tasks.none().values(column)
    first, *rest = ways
    return first.union(*rest) if rest else first


def tasks_visible_to(user: User, scope: AccessScope | None = None) -> QuerySet[Task]:
    """Every task the user may open; anything else is a 404.

    Director and planning-finance see their department's plans whole, a provincial reviewer
    the province's; a deputy the tasks they lead (and their sub-tasks); unit staff the tasks
    their unit leads or supports.
    """
    scope = access_scope(user) if scope is None else scope
    if scope.superuser:
        return Task.objects.all()
    if scope.is_empty:
        return Task.objects.none()
    return Task.objects.filter(pk__in=_reached(scope, "pk"))


def plans_visible_to(user: User, scope: AccessScope | None = None) -> QuerySet[Plan]:
    """Plans of the user's departments, and plans in which the user can see at least one task."""
    scope = access_scope(user) if scope is None else scope
    if scope.superuser:
        return Plan.objects.all()
    if scope.is_empty:
        return Plan.objects.none()
    # A department's plans are whole: the tasks are asked only for the plans reached some other way.
    return Plan.objects.filter(
        Q(issuer_id__in=scope.department_orgs) | Q(pk__in=_reached(scope, "plan_id", whole_plans=False))
    )


def plans_carried_by_units(unit_orgs: frozenset[int]) -> QuerySet[Plan]:
    """Plans in which the units lead or support at least one task: the units' ways of the
    visibility rule alone (`_reached`), each read through its own index."""
    return Plan.objects.filter(pk__in=_reached(AccessScope(unit_orgs=unit_orgs), "plan_id"))


def _count_per_plan(rows: QuerySet[Any], plan: str) -> Coalesce:
    """How many of `rows` belong to the plan of the outer row (`plan`: their path to its id)."""
    counted = rows.filter(**{plan: OuterRef("pk")}).order_by().values(plan).annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")), 0)


def plan_list(user: User) -> QuerySet[Plan]:
    # Each plan's counts are read by its own key: counting over the plans joined to their tasks and
    # targets had PostgreSQL join every task and target of every year before keeping the listed plans.
    return (
        plans_visible_to(user)
        .select_related("issuer", "source_document")
        .annotate(
            task_count=_count_per_plan(Task.objects.all(), "plan_id"),
            target_count=_count_per_plan(Target.objects.all(), "task__plan_id"),
        )
        .order_by("-year", "title")
    )


def plan_get(user: User, pk: int, scope: AccessScope | None = None) -> Plan:
    """The plan if the user may see it, else 404 (never 403: an ID reveals nothing)."""
    return get_object_or_404(
        plans_visible_to(user, scope).select_related("issuer", "compiler", "source_document"), pk=pk
    )


def _task_queryset() -> QuerySet[Task]:
    return Task.objects.select_related("leader", "lead_unit", "plan").prefetch_related(
        "targets",
        "milestones",
        Prefetch("support_units", queryset=Organisation.objects.order_by("name")),
        Prefetch("findings", queryset=Finding.objects.order_by("id")),
        "implements",
    )


@dataclass
class TaskNode:
    task: Task
    children: list[TaskNode] = field(default_factory=list)
    context_only: bool = False
    progress: Any = None  # reporting's TaskProgress, filled in by the view


def walk(nodes: list[TaskNode]) -> Iterator[TaskNode]:
    """Every node of a tree, depth first, in document order."""
    for node in nodes:
        yield node
        yield from walk(node.children)


def plan_task_tree(plan: Plan, user: User, scope: AccessScope | None = None) -> list[TaskNode]:
    """The plan's tasks the user may see, as a tree in document order, in a constant number of queries.

    The headings above a visible task are kept (flagged `context_only`) so a sub-task reads in place.
    """
    tasks = list(_task_queryset().filter(plan=plan).order_by("order", "id"))
    visible = set(tasks_visible_to(user, scope).filter(plan=plan).values_list("pk", flat=True))
    by_id = {t.id: t for t in tasks}
    keep = set(visible)
    for task_id in visible:
        parent_id = by_id[task_id].parent_id
        while parent_id is not None and parent_id not in keep:
            keep.add(parent_id)
            parent_id = by_id[parent_id].parent_id
    tasks = [t for t in tasks if t.id in keep]
    nodes = {t.id: TaskNode(t, context_only=t.id not in visible) for t in tasks}
    roots: list[TaskNode] = []
    for t in tasks:
        parent = nodes.get(t.parent_id) if t.parent_id else None
        (parent.children if parent else roots).append(nodes[t.id])
    return roots


def plan_targets(plan: Plan) -> QuerySet[PlanTarget]:
    """The plan's own targets (under no task), in the document's order."""
    return plan.plan_targets.select_related("lead_unit").order_by("order", "pk")


def plan_findings(plan: Plan) -> QuerySet[Finding]:
    return plan.findings.select_related("task").order_by("id")


def organisation_tasks(user: User, organisation: Organisation) -> QuerySet[Task]:
    """Tasks the organisation leads or supports, among those the user may see."""
    carried = Task.objects.filter(Q(lead_unit=organisation) | Q(support_units=organisation)).values("pk")
    return (
        _task_queryset()
        .filter(pk__in=carried)
        .filter(pk__in=tasks_visible_to(user).values("pk"))
        .order_by("-plan__year", "plan_id", "order")
    )


# --- directives and meeting conclusions (plans of kind DIRECTIVE) --------------------------------

# The bodies that receive a directive's tasks: the agencies whose plans a department's staff run.
AGENCY_KINDS = (OrganisationKind.DEPARTMENT, OrganisationKind.PROVINCE_COMMITTEE, OrganisationKind.DISTRICT)


def directive_agencies(user: User, scope: AccessScope | None = None) -> QuerySet[Organisation]:
    """Agencies the user records directives for: where they are planning-finance or director.

    Planning-finance reviews the department's reports, so it runs its directives as it runs its
    plans; the director assigns them. A provincial reviewer only reads. The scope does not keep
    which bodies a user directs, so a director who is also a provincial reviewer would reach the
    province's agencies: an overlap no real cast has (as in `reporting.access.may_answer_obstacle`).
    """
    scope = access_scope(user) if scope is None else scope
    if scope.superuser:
        return Organisation.objects.filter(kind__in=AGENCY_KINDS).order_by("name")
    ids = set(scope.review_orgs)
    if Role.DIRECTOR in scope.roles:
        ids |= scope.department_orgs
    return Organisation.objects.filter(pk__in=ids, kind__in=AGENCY_KINDS).order_by("name")


def directive_unit_ids(agency_ids: list[int]) -> set[int]:
    """The bodies a directive of these agencies may name as lead or supporting units: their subtrees."""
    parents = organisation_parent_map()
    found: set[int] = set()
    for agency_id in agency_ids:
        found |= organisation_descendant_ids(agency_id, parents)
    return found


def directive_units(agency_ids: list[int]) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=directive_unit_ids(agency_ids)).order_by("name")


def directive_leaders(agency_ids: list[int]) -> QuerySet[Official]:
    return (
        Official.objects.filter(organisation_id__in=directive_unit_ids(agency_ids))
        .select_related("organisation")
        .order_by("full_name")
    )


def directive_document_issuers(agency_ids: list[int]) -> QuerySet[Organisation]:
    """Who may have issued a directive to these agencies: the agencies and every body above them."""
    parents = organisation_parent_map()
    found: set[int] = set()
    for agency_id in agency_ids:
        current: int | None = agency_id
        while current is not None and current not in found:
            found.add(current)
            current = parents.get(current)
    return Organisation.objects.filter(pk__in=found).order_by("parent_id", "name")


def directive_tasks(user: User, year: int, scope: AccessScope | None = None) -> QuerySet[Task]:
    """The directive tasks of a year the user may see, by document date then order in the document.

    Ready for `tasks_progress` (targets and milestones prefetched) and for a list that names the
    document, its issuer and the lead unit without a query per row.
    """
    return (
        tasks_visible_to(user, scope)
        .filter(plan__kind=PlanKind.DIRECTIVE, plan__year=year)
        .select_related("plan__source_document__issuer", "plan__issuer", "lead_unit", "leader")
        .prefetch_related(
            "targets", "milestones", Prefetch("support_units", queryset=Organisation.objects.order_by("name"))
        )
        .order_by("-plan__source_document__issued_on", "plan_id", "order", "pk")
    )


def directive_years(user: User, scope: AccessScope | None = None) -> list[int]:
    """The years in which the user sees at least one directive, latest first."""
    return sorted(
        set(
            plans_visible_to(user, scope)
            .filter(kind=PlanKind.DIRECTIVE)
            .values_list("year", flat=True)
            .distinct()
        ),
        reverse=True,
    )
