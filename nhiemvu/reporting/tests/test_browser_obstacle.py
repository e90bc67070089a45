"""In Chromium: the deputy director answers a unit's obstacle on the task page; the unit reads it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

from decimal import Decimal

import pytest

from nhiemvu.reminders.models import Notification, NotificationKind
from nhiemvu.reporting.models import Obstacle, ObstacleStatus
from nhiemvu.reporting.services import (
    ObstacleInput,
    ReportInput,
    periods_generate,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.testing import browser_login, build_cast, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_deputy_answers_an_obstacle_and_the_unit_sees_the_answer(page: Page) -> None:
    cast = build_cast()
    plan = make_plan(cast, tasks=1, targets_per_task=1)
    periods_generate(plan=plan)
    task = plan.tasks.get()
    report = report_start(task=task, period=plan.periods.get(key="2023-06"), user=cast.unit_staff)
    data = ReportInput(
        percent_done=Decimal(40),
        values={t.pk: (Decimal(500), None) for t in task.targets.all()},
        obstacles=[ObstacleInput("Thiếu giống cây lâm nghiệp", needs="Bổ sung kinh phí")],
    )
    report = report_save_draft(report=report, user=cast.unit_staff, revision=report.revision, data=data)
    report_submit(report=report, user=cast.unit_staff)

    browser_login(page, "phogiamdoc")
    page.goto(f"/reporting/tasks/{task.pk}/")
    obstacle = page.get_by_test_id("obstacle")
    assert obstacle.get_by_test_id("obstacle-status").inner_text() == "Chờ xử lý"
    obstacle.get_by_test_id("obstacle-answer-text").fill("Giao Chi cục điều chuyển giống từ vườn ươm tỉnh")
    obstacle.get_by_test_id("obstacle-resolved").check()
    obstacle.get_by_test_id("obstacle-answer-submit").click()
    page.wait_for_load_state()
    assert "Đã ghi ý kiến chỉ đạo" in page.locator(".nv-messages").inner_text()
    obstacle = page.get_by_test_id("obstacle")
    assert obstacle.get_by_test_id("obstacle-status").inner_text() == "Đã tháo gỡ"
    assert Obstacle.objects.get().status == ObstacleStatus.RESOLVED

    page.get_by_test_id("logout").click()
    page.wait_for_url("**/login/")
    browser_login(page, "kiemlam")
    assert Notification.objects.filter(
        kind=NotificationKind.OBSTACLE_ANSWERED, recipient=cast.unit_staff
    ).exists()
    page.goto(f"/reporting/tasks/{task.pk}/")
    obstacle = page.get_by_test_id("obstacle")
    assert (
        "Giao Chi cục điều chuyển giống từ vườn ươm tỉnh"
        in obstacle.get_by_test_id("obstacle-answer").inner_text()
    )
    assert obstacle.get_by_test_id("obstacle-status").inner_text() == "Đã tháo gỡ"
    assert obstacle.get_by_test_id("obstacle-answer-form").count() == 0
