"""Every write of a roadmap: add, change, delete a step, mark it done and undo that.

Only the lead unit's staff write (`access.may_edit_roadmap`); each service checks it itself, so
the views, the admin and any later API cannot get round it. Changes reach the audit trail through
django-auditlog (the model is in `audit.registry.AUDITED_MODELS`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from nhiemvu.core.services import validated_save
from nhiemvu.organisations.models import Official
from nhiemvu.organisations.selectors import AccessScope, access_scope, organisation_descendant_ids
from nhiemvu.plans.models import PlanStatus, Task

from .access import may_edit_roadmap
from .errors import RoadmapError, RoadmapNotAllowedError
from .models import RoadmapStep


@dataclass(frozen=True)
class StepInput:
    """What a person enters for a step; the form checks its shape, the service its meaning."""

    title: str
    due: dt.date
    responsible: Official | None = None
    note: str = ""
    done_on: dt.date | None = None


def _writable_task(task_id: int, user: User, scope: AccessScope | None) -> Task:
    """The task, locked, once the user is known to write its roadmap and the plan still runs.

    Locking the task row serialises writes to one roadmap (the next `order` is read, then used).
    """
    scope = access_scope(user) if scope is None else scope
    task = Task.objects.select_for_update(of=("self",)).select_related("plan", "lead_unit").get(pk=task_id)
    if task.lead_unit is None:
        raise RoadmapError(
            "Nhiệm vụ chưa có đơn vị chủ trì nên chưa lập được lộ trình.",
            message_en="The task has no lead unit, so it has no roadmap yet.",
        )
    if not may_edit_roadmap(scope, task):
        raise RoadmapNotAllowedError(
            f"Chỉ cán bộ của đơn vị chủ trì ({task.lead_unit.name}) được lập và sửa lộ trình nhiệm vụ này.",
            message_en="Only the lead unit's staff may write this task's roadmap.",
        )
    if task.plan.status == PlanStatus.CLOSED:
        raise RoadmapError(
            "Kế hoạch đã kết thúc, lộ trình không sửa được nữa.",
            message_en="The plan is closed; its roadmaps can no longer change.",
        )
    return task


def _check(task: Task, data: StepInput, today: dt.date) -> None:
    if not data.title.strip():
        raise RoadmapError("Hãy ghi nội dung công việc của bước.", message_en="A step needs a description.")
    if data.responsible is not None:
        assert task.lead_unit_id is not None  # _writable_task refused a task without one
        if (
            data.responsible.organisation_id not in organisation_descendant_ids(task.lead_unit_id)
            or not data.responsible.is_active
        ):
            raise RoadmapError(
                f"{data.responsible.full_name} không phải cán bộ đang công tác ở đơn vị chủ trì "
                f"({task.lead_unit}); hãy chọn người của đơn vị.",
                message_en="The responsible official must work in the lead unit.",
            )
    _check_done_on(data.done_on, today)


def _check_done_on(done_on: dt.date | None, today: dt.date) -> None:
    if done_on is not None and done_on > today:
        raise RoadmapError(
            f"Ngày hoàn thành ({done_on:%d/%m/%Y}) không được sau hôm nay ({today:%d/%m/%Y}).",
            message_en="The date a step was done cannot be in the future.",
        )


def _save(step: RoadmapStep) -> None:
    validated_save(step, error=RoadmapError, where="Bước lộ trình", where_en="Roadmap step")


@transaction.atomic
def step_create(*, task: Task, user: User, data: StepInput, scope: AccessScope | None = None) -> RoadmapStep:
    """A new step at the end of the task's roadmap."""
    task = _writable_task(task.pk, user, scope)
    _check(task, data, timezone.localdate())
    last = RoadmapStep.objects.filter(task=task).aggregate(last=Max("order"))["last"] or 0
    step = RoadmapStep(
        task=task,
        order=last + 1,
        title=data.title.strip(),
        due=data.due,
        responsible=data.responsible,
        note=data.note.strip(),
        done_on=data.done_on,
        created_by=user,
        updated_by=user,
    )
    _save(step)
    return step


def _locked_step(step: RoadmapStep, user: User, scope: AccessScope | None) -> RoadmapStep:
    task = _writable_task(step.task_id, user, scope)
    locked = RoadmapStep.objects.select_for_update().get(pk=step.pk)
    locked.task = task
    return locked


@transaction.atomic
def step_update(
    *, step: RoadmapStep, user: User, data: StepInput, scope: AccessScope | None = None
) -> RoadmapStep:
    """Change what a step says: its work, due date, responsible official, note and completion date."""
    step = _locked_step(step, user, scope)
    _check(step.task, data, timezone.localdate())
    step.title = data.title.strip()
    step.due = data.due
    step.responsible = data.responsible
    step.note = data.note.strip()
    step.done_on = data.done_on
    step.updated_by = user
    _save(step)
    return step


@transaction.atomic
def step_delete(*, step: RoadmapStep, user: User, scope: AccessScope | None = None) -> None:
    step = _locked_step(step, user, scope)
    step.delete()


@transaction.atomic
def step_mark_done(
    *, step: RoadmapStep, user: User, done_on: dt.date | None = None, scope: AccessScope | None = None
) -> RoadmapStep:
    """Record the step as done, today unless a date is given; marking it again keeps the first date."""
    step = _locked_step(step, user, scope)
    today = timezone.localdate()
    day = done_on or today
    _check_done_on(day, today)
    if step.done_on is not None and done_on is None:
        return step  # a second click (two tabs, a double submit) changes nothing
    step.done_on = day
    step.updated_by = user
    _save(step)
    return step


@transaction.atomic
def step_mark_undone(*, step: RoadmapStep, user: User, scope: AccessScope | None = None) -> RoadmapStep:
    """Undo `step_mark_done`: the step is open again (and its reminders may follow)."""
    step = _locked_step(step, user, scope)
    if step.done_on is None:
        return step
    step.done_on = None
    step.updated_by = user
    _save(step)
    return step
