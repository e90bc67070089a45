"""Writes of the cascade: an agency links its tasks to the provincial tasks they carry out.

Planning-Finance of the agency (or an administrator) links; the province reads. A link is removed
without touching any report: the agency task keeps its reports, the provincial task's roll-up
simply no longer counts them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from nhiemvu.core.errors import DomainError, PermissionDenied
from nhiemvu.organisations.selectors import access_scope
from nhiemvu.plans.models import Plan, Task

from .models import TaskLink
from .selectors import PROVINCE, agency_family, tasks_assigned_to


class LinkError(DomainError):
    code = "link_invalid"


def may_link(user: Any, plan: Plan) -> bool:
    """Planning-Finance of the agency that issued the plan, or an administrator."""
    scope = access_scope(user)
    return scope.superuser or plan.issuer_id in scope.review_orgs


def _require(user: Any, plan: Plan) -> None:
    if not may_link(user, plan):
        raise PermissionDenied(
            "Chỉ Phòng Kế hoạch – Tài chính của cơ quan được liên kết nhiệm vụ với nhiệm vụ tỉnh giao.",
            message_en="Only the agency's Planning-Finance division may link tasks to provincial tasks.",
        )


def _check_pair(provincial_task: Task, agency_task: Task) -> None:
    if agency_task.plan.issuer.kind == PROVINCE:
        raise LinkError(
            "Nhiệm vụ được liên kết phải thuộc kế hoạch của một cơ quan, không phải của UBND tỉnh.",
            message_en="The linked task must belong to an agency's plan, not the province's.",
        )
    if provincial_task.plan.issuer.kind != PROVINCE:
        raise LinkError(
            "Chỉ liên kết được với nhiệm vụ trong quyết định, kế hoạch của UBND tỉnh.",
            message_en="Tasks can only be linked to tasks of the provincial People's Committee's decisions.",
        )
    family = agency_family(agency_task.plan.issuer_id)
    assigned = (
        provincial_task.lead_unit_id in family or provincial_task.support_units.filter(pk__in=family).exists()
    )
    if not assigned:
        raise LinkError(
            f"Nhiệm vụ {provincial_task.code} của tỉnh không giao cho {agency_task.plan.issuer.name}.",
            message_en=f"Provincial task {provincial_task.code} is not assigned to {agency_task.plan.issuer.name}.",
        )


def _load(task_id: int) -> Task:
    return Task.objects.select_related("plan__issuer", "lead_unit").get(pk=task_id)


@transaction.atomic
def task_link_add(*, user: Any, provincial_task: Task, agency_task: Task) -> TaskLink:
    """The agency task carries out (a share of) the provincial task; adding it twice changes nothing."""
    provincial_task, agency_task = _load(provincial_task.pk), _load(agency_task.pk)
    _require(user, agency_task.plan)
    _check_pair(provincial_task, agency_task)
    link, created = TaskLink.objects.get_or_create(
        provincial_task=provincial_task, agency_task=agency_task, defaults={"linked_by": user}
    )
    if created:
        link.full_clean()
    return link


@transaction.atomic
def task_link_remove(*, user: Any, link: TaskLink) -> None:
    """Unlink; the agency task's reports stay, the provincial roll-up stops counting them."""
    link = TaskLink.objects.select_related("agency_task__plan__issuer").get(pk=link.pk)
    _require(user, link.agency_task.plan)
    link.delete()


@transaction.atomic
def plan_links_set(*, user: Any, plan: Plan, chosen: Mapping[str, set[int]]) -> int:
    """From the import review: for each task code, exactly these provincial tasks (ids) are linked.

    Codes not in `chosen` keep their links. Every id must be a provincial task assigned to the
    agency; otherwise nothing is written. Returns the number of links the plan now has.
    """
    _require(user, plan)
    allowed = {t.pk: t for t in tasks_assigned_to(plan.issuer_id)}
    unknown = {pk for ids in chosen.values() for pk in ids} - set(allowed)
    if unknown:
        raise LinkError(
            "Có nhiệm vụ tỉnh giao không thuộc cơ quan này hoặc không còn tồn tại; hãy tải lại trang.",
            message_en="A chosen provincial task is not assigned to this agency or no longer exists; reload the page.",
        )
    tasks = {t.code: t for t in plan.tasks.all()}
    for code, ids in chosen.items():
        task = tasks.get(code)
        if task is None:
            continue
        TaskLink.objects.filter(agency_task=task).exclude(provincial_task_id__in=ids).delete()
        have = set(TaskLink.objects.filter(agency_task=task).values_list("provincial_task_id", flat=True))
        for pk in sorted(ids - have):
            link = TaskLink(provincial_task=allowed[pk], agency_task=task, linked_by=user)
            link.full_clean()
            link.save()
    return TaskLink.objects.filter(agency_task__plan=plan).count()
