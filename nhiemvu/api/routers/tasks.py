"""Tasks with their status category, and targets with their latest accepted figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from ninja import Query, Router

from nhiemvu.organisations.models import Organisation
from nhiemvu.plans.models import Milestone, Target, Task
from nhiemvu.plans.selectors import tasks_visible_to
from nhiemvu.reporting.snapshot import latest_accepted_reports, tasks_progress

from ..builders import target_out, task_detail_out, task_out
from ..pagination import paginate
from ..schemas import Id, Page, TargetFilter, TargetOut, TaskDetailOut, TaskFilter, TaskOut
from .common import READ_ERRORS, ApiRequest

router = Router(tags=["tasks"])


def _tasks(request: ApiRequest) -> QuerySet[Task]:
    return (
        tasks_visible_to(request.user)
        .select_related("leader", "lead_unit", "plan")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("order", "pk")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("order", "pk")),
            Prefetch("support_units", queryset=Organisation.objects.order_by("pk")),
        )
        .order_by("plan_id", "order", "pk")
    )


@router.get("/tasks", response={200: Page[TaskOut], **READ_ERRORS})
def task_list(request: ApiRequest, filters: Query[TaskFilter]) -> dict[str, Any]:
    tasks = _tasks(request)
    tasks = filters.filter(tasks)

    def build(rows: list[Task]) -> list[dict[str, Any]]:
        progress = tasks_progress(rows)
        return [task_out(t, progress[t.pk]) for t in rows]

    if filters.status is None:
        return paginate(request, tasks, filters, build)
    # The status category is computed from accepted reports, not stored: filter after computing.
    everything = list(tasks)
    progress = tasks_progress(everything)
    matching = [t for t in everything if progress[t.pk].status == filters.status]
    return paginate(request, matching, filters, lambda rows: [task_out(t, progress[t.pk]) for t in rows])


@router.get("/tasks/{task_id}", response={200: TaskDetailOut, **READ_ERRORS})
def task_detail(request: ApiRequest, task_id: Id) -> dict[str, Any]:
    task = get_object_or_404(_tasks(request), pk=task_id)
    return task_detail_out(task, tasks_progress([task])[task.pk])


def _targets(request: ApiRequest) -> QuerySet[Target]:
    return Target.objects.filter(task__in=tasks_visible_to(request.user)).order_by(
        "task__plan_id", "task__order", "order", "pk"
    )


def _targets_out(rows: list[Target]) -> list[dict[str, Any]]:
    latest = latest_accepted_reports({t.task_id for t in rows})
    actuals = {v.target_id: v.actual for report in latest.values() for v in report.values.all()}
    return [target_out(t, actuals.get(t.pk)) for t in rows]


@router.get("/targets", response={200: Page[TargetOut], **READ_ERRORS})
def target_list(request: ApiRequest, filters: Query[TargetFilter]) -> dict[str, Any]:
    targets = _targets(request)
    targets = filters.filter(targets)
    return paginate(request, targets, filters, _targets_out)


@router.get("/targets/{target_id}", response={200: TargetOut, **READ_ERRORS})
def target_detail(request: ApiRequest, target_id: Id) -> dict[str, Any]:
    target = get_object_or_404(_targets(request), pk=target_id)
    return _targets_out([target])[0]
