"""Planning-Finance records a meeting conclusion with two tasks in Debian's Chromium, finds them in
the year's list and opens one: the journey of the directive pages."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from nhiemvu.plans.models import Plan, PlanKind, PlanStatus
from nhiemvu.testing import PASSWORD, browser_login, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_planning_finance_records_a_conclusion_with_two_tasks_and_opens_one(page) -> None:
    cast = build_cast()
    browser_login(page, "khtc", PASSWORD)
    page.get_by_test_id("nav-directives").click()
    expect(page.get_by_role("heading", name="Nhiệm vụ từ văn bản chỉ đạo")).to_be_visible()
    page.get_by_test_id("directive-new").click()

    form = page.get_by_test_id("directive-form")
    form.get_by_label("Loại văn bản").select_option(label="Thông báo")
    form.get_by_label("Số, ký hiệu").fill("125/TB-UBND")
    form.get_by_label("Ngày ban hành").fill("10/3/2025")
    form.get_by_label("Cơ quan ban hành", exact=True).select_option(label="UBND tỉnh Thử Nghiệm")
    form.get_by_label("Trích yếu").fill("Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với Sở")

    first = page.get_by_test_id("directive-task-form").nth(0)
    first.get_by_label("Nội dung nhiệm vụ").fill("Rà soát diện tích rừng bị cháy năm 2024")
    first.get_by_label("Đơn vị chủ trì").select_option(label="Chi cục Kiểm lâm")
    first.get_by_label("Thời hạn hoàn thành").fill("30/6/2025")

    page.get_by_test_id("directive-add-task").click()
    second = page.get_by_test_id("directive-task-form").nth(1)
    expect(second).to_be_visible()
    second.get_by_label("Nội dung nhiệm vụ").fill("Xây dựng đề án phát triển nông thôn mới")
    second.get_by_label("Đơn vị chủ trì").select_option(label="Chi cục Phát triển nông thôn")
    second.get_by_label("Đơn vị phối hợp").select_option(label="Chi cục Kiểm lâm")
    second.get_by_label("Thời hạn hoàn thành").fill("30/6/2025")
    page.get_by_test_id("directive-save").click()

    rows = page.get_by_test_id("directive-task")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("Đã ghi nhận văn bản 125/TB-UBND với 2 nhiệm vụ.")).to_be_visible()
    expect(page.get_by_test_id("directive-deadline").nth(0)).to_have_text("30/06/2025")
    expect(page.get_by_test_id("directive-deadline").nth(1)).to_have_text("30/06/2025")
    expect(page.get_by_test_id("directive-year")).to_have_value("2025")

    plan = Plan.objects.get()
    assert (plan.kind, plan.status, plan.issuer, plan.year) == (
        PlanKind.DIRECTIVE,
        PlanStatus.ACTIVE,
        cast.department,
        2025,
    )
    assert plan.source_document is not None
    assert (plan.source_document.number, plan.source_document.issued_on, plan.source_document.issuer) == (
        "125/TB-UBND",
        dt.date(2025, 3, 10),
        cast.province,
    )
    tasks = list(plan.tasks.order_by("order"))
    assert [(t.code, t.lead_unit, t.deadline) for t in tasks] == [
        ("1", cast.forest_unit, dt.date(2025, 6, 30)),
        ("2", cast.rural_unit, dt.date(2025, 6, 30)),
    ]
    assert list(tasks[1].support_units.all()) == [cast.forest_unit]
    assert plan.periods.count() == 4

    page.get_by_role("link", name="Xây dựng đề án phát triển nông thôn mới").click()
    page.wait_for_url(f"**/reporting/tasks/{tasks[1].pk}/")
    expect(page.get_by_role("heading", name="Xây dựng đề án phát triển nông thôn mới")).to_be_visible()
