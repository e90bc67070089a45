"""Reads about plans and tasks, including who may see which."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from nhiemvu.organisations.models import Membership, Organisation
from nhiemvu.organisations.selectors import User, organisation_family_ids

from .models import Finding, Milestone, Plan, Target, Task


def plans_visible_to(user: User) -> QuerySet[Plan]:
    """Plans issued by a body in the same tree as one of the user's organisations.

    A unit (Chi cục) sees its department's plans, a department sees its own, the province's
    reviewers see every department's. Finer, task-level rules come with progress reporting.
    """
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    member_of = Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    return Plan.objects.filter(issuer_id__in=organisation_family_ids(member_of))


def plan_list(user: User) -> QuerySet[Plan]:
    return (
        plans_visible_to(user)
        .select_related("issuer", "source_document")
        .annotate(
            task_count=Count("tasks", distinct=True), target_count=Count("tasks__targets", distinct=True)
        )
        .order_by("-year", "title")
    )


def plan_get(user: User, pk: int) -> Plan:
    """The plan if the user may see it, else 404 (never 403: an ID reveals nothing)."""
    return get_object_or_404(
        plans_visible_to(user).select_related("issuer", "compiler", "source_document"), pk=pk
    )


def _task_queryset() -> QuerySet[Task]:
    return Task.objects.select_related("leader", "lead_unit", "plan").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("order")),
        Prefetch("milestones", queryset=Milestone.objects.order_by("order")),
        Prefetch("support_units", queryset=Organisation.objects.order_by("name")),
        Prefetch("findings", queryset=Finding.objects.order_by("id")),
        "implements",
    )


@dataclass
class TaskNode:
    task: Task
    children: list[TaskNode] = field(default_factory=list)


def plan_task_tree(plan: Plan) -> list[TaskNode]:
    """The plan's tasks as a tree in document order, in a constant number of queries."""
    tasks = list(_task_queryset().filter(plan=plan).order_by("order", "id"))
    nodes = {t.id: TaskNode(t) for t in tasks}
    roots: list[TaskNode] = []
    for t in tasks:
        parent = nodes.get(t.parent_id) if t.parent_id else None
        (parent.children if parent else roots).append(nodes[t.id])
    return roots


def plan_findings(plan: Plan) -> QuerySet[Finding]:
    return plan.findings.select_related("task").order_by("id")


def organisation_tasks(user: User, organisation: Organisation) -> QuerySet[Task]:
    """Tasks the organisation leads or supports, in plans the user may see."""
    visible = plans_visible_to(user)
    led = _task_queryset().filter(plan__in=visible, lead_unit=organisation)
    supported = _task_queryset().filter(plan__in=visible, support_units=organisation)
    return (led | supported).distinct().order_by("-plan__year", "plan_id", "order")
