"""Who may write a task's roadmap: the staff of its lead unit, nobody else (the department reads it)."""

from __future__ import annotations

from nhiemvu.organisations.selectors import AccessScope
from nhiemvu.plans.models import Task


def may_edit_roadmap(scope: AccessScope, task: Task) -> bool:
    """Unit staff of the lead unit or of a body above it (`unit_orgs` holds their subtrees).

    Support units, the director, deputies, Planning-Finance and provincial reviewers read the
    roadmap on the task page: the roadmap is the lead unit's own commitment, as its report is.
    """
    if task.lead_unit_id is None:
        return False
    return scope.superuser or (not scope.read_only and task.lead_unit_id in scope.unit_orgs)
