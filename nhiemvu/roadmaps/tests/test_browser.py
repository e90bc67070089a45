"""In Chromium: the forest unit's staff build the roadmap of their task on the task page, the
director reads it there without any control to change it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from nhiemvu.organisations.models import Official
from nhiemvu.roadmaps.models import RoadmapStep
from nhiemvu.testing import browser_login, build_cast, make_plan

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_staff_add_a_step_and_mark_it_done_and_the_director_reads_it(page: Page) -> None:
    cast = build_cast()
    plan = make_plan(cast, tasks=1, targets_per_task=1)
    task = plan.tasks.get()
    forester = Official.objects.create(
        full_name="Hoàng Văn Lâm", position="Chuyên viên", organisation=cast.forest_unit, user=cast.unit_staff
    )
    Official.objects.create(
        full_name="Nguyễn Văn Rừng", position="Kiểm lâm viên", organisation=cast.forest_unit
    )

    browser_login(page, "kiemlam")
    page.goto(f"/reporting/tasks/{task.pk}/")
    roadmap = page.get_by_test_id("roadmap")
    expect(roadmap.get_by_test_id("roadmap-empty")).to_be_visible()
    roadmap.get_by_test_id("roadmap-add-open").click()
    roadmap.get_by_test_id("step-title").fill("Khảo sát hiện trạng rừng phòng hộ")
    roadmap.get_by_test_id("step-due").fill("30/6/2025")
    roadmap.get_by_test_id("step-responsible").select_option(label="Hoàng Văn Lâm — Chuyên viên")
    roadmap.get_by_test_id("step-save").click()

    expect(roadmap.get_by_test_id("roadmap-notice")).to_contain_text("Đã thêm bước hạn 30/06/2025")
    row = roadmap.get_by_test_id("roadmap-step")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("step-due-text")).to_have_text("30/06/2025")
    expect(row.get_by_test_id("step-responsible-text")).to_have_text("Hoàng Văn Lâm")
    # 30/06/2025 is past by now: the step shows as late until it is marked done.
    late = dt.date.today() > dt.date(2025, 6, 30)
    expect(row.get_by_test_id("step-status")).to_have_text("Quá hạn" if late else "Chưa đến hạn")
    step = RoadmapStep.objects.get()
    assert (step.task, step.title, step.due, step.responsible, step.done_on, step.created_by) == (
        task,
        "Khảo sát hiện trạng rừng phòng hộ",
        dt.date(2025, 6, 30),
        forester,
        None,
        cast.unit_staff,
    )

    # A typing slip gets a message on the form, nothing is saved, and the date is shown as typed.
    roadmap.get_by_test_id("roadmap-add-open").click()
    roadmap.get_by_test_id("step-title").fill("Nghiệm thu")
    roadmap.get_by_test_id("step-due").fill("31/02/2025")
    roadmap.get_by_test_id("step-save").click()
    expect(roadmap.get_by_test_id("step-due-error")).to_contain_text("«31/02/2025» không phải là ngày hợp lệ")
    expect(roadmap.get_by_test_id("step-due")).to_have_value("31/02/2025")
    assert RoadmapStep.objects.count() == 1

    row.get_by_test_id("step-mark-done").click()
    expect(row.get_by_test_id("step-status")).to_have_text("Đã hoàn thành")
    expect(row.get_by_test_id("step-undo")).to_be_visible()
    step.refresh_from_db()
    assert step.done_on == dt.date.today()

    page.get_by_test_id("logout").click()
    page.wait_for_url("**/login/")
    browser_login(page, "giamdoc")
    page.goto(f"/reporting/tasks/{task.pk}/")
    row = page.get_by_test_id("roadmap").get_by_test_id("roadmap-step")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("step-title-text")).to_have_text("Khảo sát hiện trạng rừng phòng hộ")
    expect(row.get_by_test_id("step-due-text")).to_have_text("30/06/2025")
    expect(row.get_by_test_id("step-status")).to_have_text("Đã hoàn thành")
    roadmap = page.get_by_test_id("roadmap")
    for control in ("step-edit", "step-delete", "step-mark-done", "step-undo", "step-form", "roadmap-add"):
        expect(roadmap.get_by_test_id(control)).to_have_count(0)
