"""A task of the province's decision that no agency task carries out is flagged, a month after the
decision, to the agency's Planning-Finance and to the province's reviewers; not every day."""

from __future__ import annotations

import datetime as dt

import pytest

from nhiemvu.cascade.models import TaskLink
from nhiemvu.plans.models import Plan
from nhiemvu.reminders.models import Notification, NotificationKind
from nhiemvu.testing import Cast, make_decision, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(cast: Cast) -> Plan:
    decision = make_decision(
        cast,
        [
            ("1", "Trồng rừng", cast.department),
            ("2", "Cải tạo rừng sản xuất", cast.department),
            ("3", "Tiêm chủng mở rộng", cast.other_department),
        ],
    )
    plan = make_plan(cast, tasks=1)
    TaskLink.objects.create(provincial_task=decision.tasks.get(code="1"), agency_task=plan.tasks.get())
    return decision


def _untaken() -> list[Notification]:
    return list(
        Notification.objects.filter(kind=NotificationKind.PROVINCIAL_TASK_UNTAKEN).order_by("recipient_id")
    )


def test_untaken_tasks_are_flagged_a_month_after_the_decision(cast: Cast, decision: Plan, remind) -> None:
    remind(dt.date(2023, 2, 10))  # 24 days: the agencies are still planning
    assert _untaken() == []

    remind(dt.date(2023, 2, 20))
    notices = {n.recipient: n for n in _untaken()}
    # Sở Y tế has no Planning-Finance account in the cast: only the province hears of its task.
    assert set(notices) == {cast.planning_finance, cast.reviewer}
    mine = notices[cast.planning_finance]
    assert mine.subject.startswith("1 nhiệm vụ tỉnh giao chưa có nhiệm vụ triển khai")
    assert "Nhiệm vụ 2. Cải tạo rừng sản xuất" in mine.body and "Trồng rừng" not in mine.body
    assert mine.url.endswith(f"/province/{decision.pk}/agencies/{cast.department.pk}/")
    province = notices[cast.reviewer]
    assert "Sở Nông nghiệp và Phát triển nông thôn: 2" in province.body and "Sở Y tế: 3" in province.body

    remind(dt.date(2023, 2, 21))  # the same list the next day: nothing new
    assert len(_untaken()) == 2

    # The department links its task 2 later: the province hears the shorter list, the department nothing.
    other = make_plan(cast, tasks=1, title="Kế hoạch bổ sung")
    TaskLink.objects.create(provincial_task=decision.tasks.get(code="2"), agency_task=other.tasks.get())
    remind(dt.date(2023, 3, 1))
    every = _untaken()
    assert [n.recipient for n in every].count(cast.planning_finance) == 1
    latest = [n for n in every if n.recipient == cast.reviewer][-1]
    assert "Sở Y tế: 3" in latest.body and "Sở Nông nghiệp" not in latest.body
