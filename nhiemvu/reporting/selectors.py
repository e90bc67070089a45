"""Reads of the reporting cycle: periods, reports, and each task's progress and status."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from nhiemvu.organisations.selectors import AccessScope, User, access_scope
from nhiemvu.plans.models import Milestone, Plan, Target, Task
from nhiemvu.plans.selectors import tasks_visible_to

from .errors import AttachmentMissingError
from .models import (
    Attachment,
    Obstacle,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    ReviewEvent,
    TargetValue,
)
from .services import reporting_frequency
from .status import MilestoneStatus, TaskStatus, attainment, milestone_status, task_status

logger = logging.getLogger(__name__)


def periods_of(plan: Plan, *, reporting_only: bool = False) -> QuerySet[ReportingPeriod]:
    periods = plan.periods.order_by("ends_on", "starts_on")
    if reporting_only:
        periods = periods.filter(frequency=reporting_frequency(plan))
    return periods


def period_current(plan: Plan, today: dt.date | None = None) -> ReportingPeriod | None:
    """The reporting period units are working on: the first whose send-by date has not passed."""
    today = today or timezone.localdate()
    periods = periods_of(plan, reporting_only=True)
    return periods.filter(due_on__gte=today).first() or periods.last()


def period_get(user: User, pk: int, scope: AccessScope | None = None) -> ReportingPeriod:
    from nhiemvu.plans.selectors import plans_visible_to

    return get_object_or_404(
        ReportingPeriod.objects.select_related("plan", "plan__issuer").filter(
            plan__in=plans_visible_to(user, scope)
        ),
        pk=pk,
    )


def reports_visible_to(user: User, scope: AccessScope | None = None) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.filter(task__in=tasks_visible_to(user, scope))


def report_get(user: User, pk: int, scope: AccessScope | None = None) -> ProgressReport:
    return get_object_or_404(
        reports_visible_to(user, scope).select_related("task", "task__plan", "period", "organisation"), pk=pk
    )


def task_get(user: User, pk: int, scope: AccessScope | None = None) -> Task:
    return get_object_or_404(
        tasks_visible_to(user, scope).select_related("plan", "plan__issuer", "leader", "lead_unit", "parent"),
        pk=pk,
    )


def task_for_report(user: User, pk: int, scope: AccessScope | None = None) -> Task:
    """`task_get` with the task's targets and milestones loaded, for the report form and its save."""
    return get_object_or_404(
        tasks_visible_to(user, scope)
        .select_related("plan", "plan__issuer", "leader", "lead_unit", "parent")
        .prefetch_related(
            "targets",
            "milestones",
        ),
        pk=pk,
    )


@dataclass
class TargetProgress:
    target: Target
    actual: Decimal | None
    estimate: Decimal | None
    attainment: Decimal | None


@dataclass
class MilestoneProgress:
    milestone: Milestone
    status: MilestoneStatus


@dataclass
class TaskProgress:
    """Where a task stands, from its lead unit's accepted reports only."""

    task: Task
    status: TaskStatus
    report: ProgressReport | None
    percent_done: Decimal | None
    targets: list[TargetProgress] = field(default_factory=list)
    milestones: list[MilestoneProgress] = field(default_factory=list)

    @property
    def mean_attainment(self) -> Decimal | None:
        """The average attainment of the task's targets, each capped at 100%: one overshoot can't hide a shortfall."""
        values = [min(t.attainment, Decimal(100)) for t in self.targets if t.attainment is not None]
        if not values:
            return self.percent_done
        return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"))


def latest_accepted_reports(
    task_ids: Iterable[int], *, as_of: dt.date | None = None, plan_ids: Iterable[int] | None = None
) -> dict[int, ProgressReport]:
    """Each task's most recent accepted lead report (latest period, then latest version).

    Picks the latest report per task from bare ids first, then loads only those with their
    figures: a province's year holds 12,000 accepted reports, of which a page needs 1,000.
    Give `plan_ids` when the tasks are whole plans: the filter stays small whatever their number.
    Four queries (ids, reports, their figures, their met milestones), or one when there are none.
    """
    wanted = set(task_ids)
    reports = ProgressReport.objects.filter(is_lead=True, status=ReportStatus.ACCEPTED)
    if plan_ids is not None:
        reports = reports.filter(task__plan_id__in=list(plan_ids))
    else:
        reports = reports.filter(task_id__in=list(wanted))
    if as_of is not None:
        reports = reports.filter(period__ends_on__lte=as_of)
    # Ascending, so the dict keeps each task's last report.
    latest_ids = dict(reports.order_by("task_id", "period__ends_on", "version").values_list("task_id", "pk"))
    chosen = [pk for task_id, pk in latest_ids.items() if task_id in wanted]
    if not chosen:
        return {}
    return {
        r.task_id: r
        for r in ProgressReport.objects.filter(pk__in=chosen)
        .select_related("period")
        .prefetch_related(Prefetch("values", queryset=TargetValue.objects.all()), "milestones_met")
    }


def tasks_progress(
    tasks: list[Task],
    *,
    today: dt.date | None = None,
    as_of: dt.date | None = None,
    plan_ids: Iterable[int] | None = None,
) -> dict[int, TaskProgress]:
    """Status, attainment and milestones for tasks whose targets and milestones are prefetched.

    Judged from accepted lead reports whose period ends by `as_of` (all when None), as of `today`.
    """
    today = today or timezone.localdate()
    latest = latest_accepted_reports([t.pk for t in tasks], as_of=as_of, plan_ids=plan_ids)
    met_ids: dict[int, set[int]] = {}
    for task_id, accepted in latest.items():
        met_ids[task_id] = {m.pk for m in accepted.milestones_met.all()}
    result: dict[int, TaskProgress] = {}
    for task in tasks:
        report = latest.get(task.pk)
        values = {v.target_id: v for v in report.values.all()} if report else {}
        started = report is not None and (
            (report.percent_done or 0) > 0 or any(v.actual for v in values.values()) or bool(report.narrative)
        )
        status = task_status(
            deadline=task.deadline,
            today=today,
            completed_on=report.completed_on if report else None,
            started=started,
        )
        targets = []
        for target in task.targets.all():
            value = values.get(target.pk)
            actual = value.actual if value else None
            targets.append(
                TargetProgress(
                    target=target,
                    actual=actual,
                    estimate=value.estimate if value else None,
                    attainment=attainment(
                        comparator=target.comparator,
                        value=target.value,
                        actual=actual,
                        max_value=target.max_value,
                        change=target.change,
                        baseline=target.baseline,
                    ),
                )
            )
        milestones = [
            MilestoneProgress(
                m, milestone_status(due=m.due, met=m.pk in met_ids.get(task.pk, set()), today=today)
            )
            for m in task.milestones.all()
        ]
        result[task.pk] = TaskProgress(
            task=task,
            status=status,
            report=report,
            percent_done=report.percent_done if report else None,
            targets=targets,
            milestones=milestones,
        )
    return result


def task_history(task: Task) -> QuerySet[ProgressReport]:
    """All reports on a task, newest period first, with their review events."""
    return (
        task.reports.select_related("period", "organisation", "supersedes", "created_by")
        .prefetch_related(
            Prefetch("events", queryset=ReviewEvent.objects.select_related("actor").order_by("at", "id")),
            Prefetch("values", queryset=TargetValue.objects.select_related("target")),
            Prefetch("obstacles", queryset=Obstacle.objects.select_related("answered_by")),
            "attachments",
        )
        .order_by("-period__ends_on", "-is_lead", "organisation__name", "-version")
    )


@dataclass
class MyTaskRow:
    task: Task
    report: ProgressReport | None
    is_lead: bool
    late: bool


def my_tasks(
    user: User, period: ReportingPeriod, *, scope: AccessScope | None = None, today: dt.date | None = None
) -> list[MyTaskRow]:
    """The tasks the user's units carry in the period's plan, with their open or latest report."""
    scope = access_scope(user) if scope is None else scope
    today = today or timezone.localdate()
    tasks = list(
        Task.objects.filter(plan_id=period.plan_id)
        .filter(Q(lead_unit_id__in=scope.unit_orgs) | Q(support_units__in=scope.unit_orgs))
        .distinct()
        .select_related("lead_unit", "leader")
        .prefetch_related("targets", "milestones", "support_units")
        .order_by("order")
    )
    reports = ProgressReport.objects.filter(
        period=period, task__in=tasks, organisation_id__in=scope.unit_orgs
    ).order_by("version")
    by_task: dict[int, ProgressReport] = {}
    for row in reports:
        by_task[row.task_id] = row
    rows = []
    for task in tasks:
        report = by_task.get(task.pk)
        is_lead = task.lead_unit_id in scope.unit_orgs
        done = report is not None and report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
        rows.append(
            MyTaskRow(task=task, report=report, is_lead=is_lead, late=not done and today > period.due_on)
        )
    return rows


@dataclass
class SubmissionRow:
    task: Task
    report: ProgressReport | None
    contributions: list[ProgressReport]


def submissions(period: ReportingPeriod) -> list[SubmissionRow]:
    """Every task of the period's plan with its lead report's state and the support units' contributions."""
    tasks = list(
        Task.objects.filter(plan_id=period.plan_id).select_related("lead_unit", "leader").order_by("order")
    )
    reports = (
        ProgressReport.objects.filter(period=period)
        .select_related("organisation")
        .prefetch_related(Prefetch("events", queryset=ReviewEvent.objects.order_by("at", "id")))
        .order_by("version")
    )
    lead: dict[int, ProgressReport] = {}
    support: dict[int, dict[int, ProgressReport]] = {}
    for report in reports:
        if report.is_lead:
            lead[report.task_id] = report
        else:
            support.setdefault(report.task_id, {})[report.organisation_id] = report
    return [
        SubmissionRow(task=t, report=lead.get(t.pk), contributions=list(support.get(t.pk, {}).values()))
        for t in tasks
        if t.lead_unit_id is not None or t.pk in lead
    ]


def plans_carried_by(scope: AccessScope) -> QuerySet[Plan]:
    """Plans in which the user's units lead or support at least one task."""
    if scope.superuser:
        return Plan.objects.order_by("-year", "title")
    carried = Task.objects.filter(Q(lead_unit_id__in=scope.unit_orgs) | Q(support_units__in=scope.unit_orgs))
    return Plan.objects.filter(pk__in=carried.values("plan_id")).order_by("-year", "title")


def tasks_with_plan_data(plan_id: int) -> QuerySet[Task]:
    """A plan's tasks with what status and attainment need, prefetched."""
    return (
        Task.objects.filter(plan_id=plan_id)
        .select_related("plan", "plan__issuer", "leader", "lead_unit", "parent")
        .prefetch_related(
            "targets",
            "milestones",
            "support_units",
        )
        .order_by("order")
    )


def attachment_open(attachment: Attachment) -> Any:
    """The attachment's stored file, open for reading; AttachmentMissingError (logged) when the
    storage no longer has it, instead of a server error halfway through the download."""
    name = attachment.file.name
    try:
        if name and attachment.file.storage.exists(name):
            return attachment.file.open("rb")
    except OSError:
        pass
    logger.error("Attachment %s: file %r missing from storage", attachment.pk, name)
    raise AttachmentMissingError(
        f"Tệp «{attachment.original_name}» không còn trong kho lưu trữ. Đề nghị đơn vị tải lên lại; "
        "quản trị hệ thống đã được ghi nhận lỗi.",
        message_en=f"The file {attachment.original_name!r} is missing from storage; ask the unit to upload it again.",
    )
