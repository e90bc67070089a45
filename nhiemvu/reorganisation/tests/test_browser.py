"""In Chromium: an administrator merges two units from the organisation list, typing the date as
people do (1/3/2025), reads the preview, confirms, and lands on the successor with the moved tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from nhiemvu.organisations.models import Organisation, Succession
from nhiemvu.plans.models import PlanStatus
from nhiemvu.testing import PASSWORD, browser_login, build_cast, make_plan

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_merges_two_units_previews_and_confirms(page: Page) -> None:
    cast = build_cast()
    plan = make_plan(cast, tasks=2, targets_per_task=1)
    plan.status = PlanStatus.ACTIVE
    plan.save()
    User.objects.create_superuser("quantri", "quantri@example.vn", PASSWORD)

    browser_login(page, "quantri")
    page.goto("/organisations/")
    page.get_by_test_id("reorganisation-link").click()
    page.get_by_test_id("merge-link").click()
    form = page.get_by_test_id("merge-form")
    form.get_by_test_id("predecessors").select_option(
        value=[str(cast.forest_unit.pk), str(cast.rural_unit.pk)]
    )
    form.get_by_label("Thành lập cơ quan mới").check()
    form.get_by_test_id("new-name").fill("Chi cục Kiểm lâm và Phát triển nông thôn")
    form.get_by_test_id("new-kind").select_option(value="sub_department")
    form.get_by_test_id("new-parent").select_option(value=str(cast.department.pk))
    form.get_by_test_id("effective-on").fill("1/3/2025")
    form.get_by_test_id("decision").fill("Quyết định 123/QĐ-UBND")
    form.get_by_test_id("preview").click()

    preview = page.get_by_test_id("change-preview")
    expect(preview.get_by_test_id("preview-summary")).to_have_text(
        "2 nhiệm vụ đang thực hiện, 0 báo cáo chưa gửi, 1 tài khoản, 0 đơn vị trực thuộc sẽ chuyển sang "
        "Chi cục Kiểm lâm và Phát triển nông thôn."
    )
    expect(page.get_by_text("Có hiệu lực từ ngày 01/03/2025")).to_be_visible()
    assert not Succession.objects.exists()  # the preview changed nothing
    page.get_by_test_id("confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Chi cục Kiểm lâm và Phát triển nông thôn")
    expect(page.locator(".nv-messages")).to_contain_text("Đã ghi nhận thay đổi")
    tasks = page.get_by_test_id("organisation-tasks")
    expect(tasks).to_contain_text("Nhiệm vụ số 1")
    expect(tasks).to_contain_text("Nhiệm vụ số 2")
    expect(page.get_by_text("Kế thừa Chi cục Kiểm lâm")).to_be_visible()
    successor = Organisation.objects.get(name="Chi cục Kiểm lâm và Phát triển nông thôn")
    assert set(plan.tasks.values_list("lead_unit_id", flat=True)) == {successor.pk}
    # The list of changes shows both, with the date and the decision.
    page.goto("/organisations/changes/")
    expect(page.get_by_test_id("change")).to_have_count(2)
    expect(page.get_by_test_id("changes")).to_contain_text("01/03/2025")
    expect(page.get_by_test_id("changes")).to_contain_text("Quyết định 123/QĐ-UBND")
