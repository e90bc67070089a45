"""Object-level rules: who may write, submit and review which report. Used by views, forms,
the admin and the commands alike, always through the services."""

from __future__ import annotations

from dataclasses import dataclass

from nhiemvu.organisations.models import Organisation, Role
from nhiemvu.organisations.selectors import AccessScope
from nhiemvu.plans.models import Task

from .models import ProgressReport


@dataclass(frozen=True)
class ReportingUnit:
    """The unit a user reports for on a task, and whether it leads the task or supports it."""

    organisation: Organisation
    is_lead: bool

    @property
    def organisation_id(self) -> int:
        return self.organisation.pk


def reporting_unit(scope: AccessScope, task: Task) -> ReportingUnit | None:
    """The unit the user reports for on this task, or None.

    Unit staff write for the unit they belong to; the lead unit's report wins over a support
    contribution when a user belongs to both, so the support units are read only when the user's
    unit does not lead the task.
    """
    if scope.read_only and not scope.superuser:
        return None
    if task.lead_unit is not None and (scope.superuser or task.lead_unit_id in scope.unit_orgs):
        return ReportingUnit(task.lead_unit, is_lead=True)
    for org in sorted(task.support_units.all(), key=lambda o: o.pk):
        if org.pk in scope.unit_orgs:
            return ReportingUnit(org, is_lead=False)
    return None


def may_write_for(scope: AccessScope, organisation_id: int) -> bool:
    """Unit staff write their own unit's reports; nobody writes another unit's."""
    return scope.superuser or (not scope.read_only and organisation_id in scope.unit_orgs)


def may_edit(scope: AccessScope, report: ProgressReport) -> bool:
    """Unit staff of the reporting unit, while the report is a draft or returned."""
    return report.is_editable and may_write_for(scope, report.organisation_id)


def may_review(scope: AccessScope, task: Task, issuer: Organisation | None = None) -> bool:
    """Planning-finance of the department that issued the plan."""
    issuer_id = issuer.pk if issuer is not None else task.plan.issuer_id
    return scope.superuser or issuer_id in scope.review_orgs


def may_manage_periods(scope: AccessScope, issuer_id: int) -> bool:
    return scope.superuser or issuer_id in scope.review_orgs


def may_answer_obstacle(scope: AccessScope, task: Task) -> bool:
    """The task's leader in charge, the director and planning-finance of the issuing department.

    A provincial reviewer sees the department's plans whole but only reads, hence `read_only`.
    The scope does not keep which bodies a user directs: a director who is also a provincial
    reviewer may answer across the province's subtree, an overlap no real cast has.
    """
    if scope.superuser:
        return True
    if scope.read_only:
        return False
    if task.leader_id is not None and task.leader_id in scope.leader_official_ids:
        return True
    issuer_id = task.plan.issuer_id
    if issuer_id in scope.review_orgs:
        return True
    return Role.DIRECTOR in scope.roles and issuer_id in scope.department_orgs
