"""Reads of the roadmaps: a task's steps, who may be responsible, what a period report and the
reminder round need to know."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from nhiemvu.organisations.models import Official
from nhiemvu.organisations.selectors import AccessScope, User, organisation_descendant_ids
from nhiemvu.plans.models import Plan, Task
from nhiemvu.reporting.selectors import task_get

from .models import RoadmapStep, StepStatus


def steps_of(task: Task) -> QuerySet[RoadmapStep]:
    """The task's steps by due date, with who is responsible: one query."""
    return RoadmapStep.objects.filter(task=task).select_related("responsible").order_by("due", "order", "pk")


def step_get(user: User, pk: int, scope: AccessScope | None = None) -> RoadmapStep:
    """A step of a task the user may open, else 404 (an id reveals nothing)."""
    step = get_object_or_404(RoadmapStep.objects.select_related("responsible"), pk=pk)
    step.task = task_get(user, step.task_id, scope)
    return step


def responsible_choices(task: Task) -> QuerySet[Official]:
    """Officials who may carry a step: active officials of the lead unit or of a body under it."""
    if task.lead_unit_id is None:
        return Official.objects.none()
    units = organisation_descendant_ids(task.lead_unit_id)
    return Official.objects.filter(organisation_id__in=units, is_active=True).order_by("full_name", "pk")


@dataclass(frozen=True)
class StepLine:
    """One step as a report or a list shows it: plain values, no ORM object."""

    title: str
    due: dt.date
    done_on: dt.date | None
    responsible: str
    status: StepStatus


@dataclass
class PeriodRoadmap:
    """What a period report says of the roadmap: the steps done in the period, those late at its end,
    and every step due by its end (for the summary beside the report form)."""

    done: list[StepLine] = field(default_factory=list)
    overdue: list[StepLine] = field(default_factory=list)
    due_by_end: list[StepLine] = field(default_factory=list)


def _line(step: RoadmapStep, day: dt.date) -> StepLine:
    return StepLine(
        title=step.title,
        due=step.due,
        done_on=step.done_on,
        responsible=step.responsible.full_name if step.responsible else "",
        status=step.status_on(day),
    )


def period_roadmap(task: Task, starts_on: dt.date, ends_on: dt.date) -> PeriodRoadmap:
    """The roadmap as of a period's end, in one query.

    Done in the period: a completion date inside it. Overdue at its end: due on or before the
    end and not done by then (a step done after the end was still late at the end: the report
    speaks of the period, not of the day it is written).
    """
    result = PeriodRoadmap()
    for step in steps_of(task).filter(Q(due__lte=ends_on) | Q(done_on__gte=starts_on, done_on__lte=ends_on)):
        done_by_end = step.done_on is not None and step.done_on <= ends_on
        line = _line(step, ends_on + dt.timedelta(days=1))
        if step.done_on is not None and starts_on <= step.done_on <= ends_on:
            result.done.append(line)
        if step.due <= ends_on:
            result.due_by_end.append(line)
            if not done_by_end:
                result.overdue.append(line)
    return result


def open_steps_due_between(plan: Plan, since: dt.date, until: dt.date) -> list[RoadmapStep]:
    """Steps not done of the plan's tasks with a lead unit, due in [since, until], with their task,
    lead unit and responsible official's account loaded: what the reminder round chases."""
    return list(
        RoadmapStep.objects.filter(
            task__plan=plan,
            task__lead_unit__isnull=False,
            done_on__isnull=True,
            due__gte=since,
            due__lte=until,
        )
        .select_related("task__lead_unit", "responsible__user")
        .order_by("due", "task__order", "order", "pk")
    )
