"""One full reporting period walked in Debian's Chromium with the demo users and the seed plan."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from nhiemvu.demo.data import DEMO_PASSWORD, demo_load
from nhiemvu.reporting.models import ProgressReport
from nhiemvu.testing import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def switch_user(page, username: str) -> None:
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/login/")
    browser_login(page, username, DEMO_PASSWORD)


def report(page, code: str, actuals: list[str], narrative: str) -> None:
    page.locator(f'[data-testid="my-task"][data-code="{code}"]').get_by_test_id("open-report").click()
    for i, value in enumerate(actuals, start=1):
        page.get_by_test_id(f"actual-{i}").fill(value)
    page.get_by_label("Kết quả thực hiện").fill(narrative)
    page.get_by_test_id("submit-report").click()
    page.get_by_test_id("my-tasks").wait_for()


def review(page, code: str, decision: str, comment: str = "") -> None:
    row = page.locator(f'[data-testid="submission"][data-code="{code}"]')
    if comment:
        row.get_by_test_id("review-comment").fill(comment)
    row.get_by_test_id(decision).click()
    page.get_by_test_id("submissions").wait_for()


def test_a_unit_reports_two_tasks_one_is_returned_resubmitted_and_both_accepted(
    page, seed_plan_path: Path
) -> None:
    # Mid-June 2023: the June report (15/5–14/6) is due on 16/06/2023.
    with time_machine.travel(dt.datetime(2023, 6, 12, 9, 0, tzinfo=HANOI), tick=True):
        plan, _ = demo_load(plan_path=seed_plan_path)

        browser_login(page, "donvi", DEMO_PASSWORD)
        page.get_by_test_id("nav-my-tasks").click()
        assert "Tháng 06/2023" in page.get_by_role("heading", level=1).locator("..").inner_text()
        rows = page.get_by_test_id("my-task")
        assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.code)")) == ["1.3", "3"]
        report(page, "1.3", ["4.500", "60,5"], "Đã trồng 4.500 ha rừng tập trung.")
        report(page, "3", ["1.200"], "Đã cải tạo 1.200 ha rừng sản xuất.")
        assert page.get_by_test_id("report-status").all_inner_texts() == ["Đã gửi", "Đã gửi"]

        switch_user(page, "khtc")
        page.goto(f"/plans/{plan.pk}/")
        page.get_by_test_id("open-submissions").click()
        review(page, "1.3", "return", "Đề nghị bổ sung diện tích trồng rừng đến hết ngày 14/6.")
        assert "Bị trả lại" in page.locator('[data-testid="submission"][data-code="1.3"]').inner_text()

        switch_user(page, "donvi")
        page.get_by_test_id("nav-my-tasks").click()
        page.locator('[data-testid="my-task"][data-code="1.3"]').get_by_test_id("open-report").click()
        assert "bổ sung diện tích" in page.get_by_test_id("return-comment").inner_text()
        page.get_by_test_id("actual-1").fill("5.000")
        page.get_by_test_id("submit-report").click()
        page.get_by_test_id("my-tasks").wait_for()

        switch_user(page, "khtc")
        page.goto(f"/plans/{plan.pk}/")
        page.get_by_test_id("open-submissions").click()
        review(page, "1.3", "accept")
        review(page, "3", "accept")
        assert page.get_by_test_id("count-accepted").inner_text() == "2"

        page.goto(f"/plans/{plan.pk}/")
        task = page.locator("#task-1\\.3")
        assert task.get_by_test_id("task-status").inner_text() == "Đang thực hiện trong hạn"
        task.get_by_role("link", name="Trồng 9.000 ha").click()
        expect(page.get_by_test_id("attainment")).to_have_text(["55,6%", "94,2%"])
        history = page.get_by_test_id("history").inner_text()
        assert "Đề nghị bổ sung diện tích" in history

    accepted = ProgressReport.objects.filter(status="accepted").order_by("task__code")
    assert [r.task.code for r in accepted] == ["1.3", "3"]
    assert [e.to_status for e in accepted[0].events.order_by("at", "id")] == [
        "draft",
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]


# A browser installed in English asks for English; the interface stays Vietnamese, and so does 8.650.
@pytest.mark.parametrize("page", ["vi-VN", "en-US"], indirect=True)
def test_a_figure_typed_as_8650_survives_two_draft_saves_and_the_submission(
    page, seed_plan_path: Path
) -> None:
    """The defect a user found in an hour: 8.650 came back as 8,65 and was then stored as 8.65."""
    with time_machine.travel(dt.datetime(2023, 6, 12, 9, 0, tzinfo=HANOI), tick=True):
        demo_load(plan_path=seed_plan_path)
        browser_login(page, "donvi", DEMO_PASSWORD)
        page.get_by_test_id("nav-my-tasks").click()
        page.locator('[data-testid="my-task"][data-code="1.3"]').get_by_test_id("open-report").click()
        page.get_by_test_id("actual-1").fill("8.650")
        page.get_by_label("Ước cả năm").first.fill("9.100")
        page.get_by_test_id("actual-2").fill("64,2")
        page.get_by_test_id("percent-done").fill("1.500")  # over 100 %: refused, the figures stay as typed
        page.get_by_test_id("save-draft").click()
        assert page.get_by_test_id("actual-1").input_value() == "8.650"
        assert page.get_by_test_id("percent-done").input_value() == "1.500"
        page.get_by_test_id("percent-done").fill("75,5")
        for _ in range(2):
            page.get_by_test_id("save-draft").click()
            page.get_by_text("Đã lưu nháp.").wait_for()
            flash = page.locator(".nv-messages li").first  # no stray bullet before the message
            assert flash.evaluate("li => getComputedStyle(li).listStyleType") == "none"
            assert page.get_by_test_id("actual-1").input_value() == "8.650"
            assert page.get_by_label("Ước cả năm").first.input_value() == "9.100"
            assert page.get_by_test_id("actual-2").input_value() == "64,2"
            assert page.get_by_test_id("percent-done").input_value() == "75,5"
        page.get_by_test_id("submit-report").click()
        page.get_by_test_id("my-tasks").wait_for()

    report = ProgressReport.objects.get(task__code="1.3")
    values = sorted((v.target.order, v.actual, v.estimate) for v in report.values.select_related("target"))
    assert report.status == "submitted" and report.percent_done == Decimal("75.5")
    assert [(actual, estimate) for _, actual, estimate in values] == [
        (Decimal(8650), Decimal(9100)),
        (Decimal("64.2"), None),
    ]
