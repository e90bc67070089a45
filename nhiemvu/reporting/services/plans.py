"""Starting to track an imported plan."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from nhiemvu.organisations.selectors import access_scope
from nhiemvu.plans.models import Plan, PlanStatus

from .. import access
from ..errors import NotAllowedError, PlanClosedError
from ._common import full_save
from .periods import periods_generate


@transaction.atomic
def plan_activate(*, plan: Plan, user: User) -> Plan:
    """Start tracking an imported plan: it becomes active and gets its reporting calendar."""
    if not access.may_manage_periods(access_scope(user), plan.issuer_id):
        raise NotAllowedError(
            "Chỉ Phòng Kế hoạch – Tài chính được đưa kế hoạch vào theo dõi.", message_en="Not allowed."
        )
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.CLOSED:
        raise PlanClosedError(
            "Kế hoạch đã kết thúc, không thể đưa lại vào theo dõi.",
            message_en="The plan is closed; it cannot be activated again.",
        )
    if plan.status != PlanStatus.ACTIVE:
        plan.status = PlanStatus.ACTIVE
        full_save(plan)
    periods_generate(plan=plan)
    return plan
