"""In Chromium: an administrator follows a 2027 plan's warning to the year's holidays, adds the
day the announcement gives (typed 15/2/2027), confirms the year, and the plan's warning is gone."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model

from nhiemvu.plans.models import Plan
from nhiemvu.reporting.models import Holiday, HolidayKind, HolidayYear
from nhiemvu.reporting.services import periods_generate
from nhiemvu.testing import PASSWORD, browser_login, build_cast, make_plan

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_confirms_2027_and_the_plans_warning_goes(page: Page) -> None:
    from playwright.sync_api import expect

    cast = build_cast()
    get_user_model().objects.create_superuser("quantri", "quantri@example.vn", PASSWORD)
    plan = make_plan(cast, tasks=1, targets_per_task=1)
    Plan.objects.filter(pk=plan.pk).update(
        year=2027,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        reporting_frequencies=["monthly"],
    )
    plan.refresh_from_db()
    periods_generate(plan=plan)

    browser_login(page, "quantri")
    page.goto(f"/plans/{plan.pk}/")
    warning = page.get_by_test_id("holiday-warning")
    expect(warning).to_contain_text("chưa được xác nhận")
    warning.get_by_role("link", name="2027").click()

    expect(page.get_by_test_id("holiday-status")).to_contain_text("Chưa xác nhận")
    expect(page.locator('[data-testid="holiday-row"][data-day="06/02/2027"]')).to_contain_text("mùng 1")
    page.get_by_test_id("holiday-day").fill("15/2/2027")
    page.get_by_test_id("holiday-name").fill("Nghỉ hoán đổi theo thông báo")
    page.get_by_test_id("holiday-kind").select_option("swapped")
    page.get_by_test_id("holiday-add").click()
    expect(page.locator(".nv-messages")).to_contain_text("Đã thêm ngày nghỉ 15/02/2027")
    expect(page.locator('[data-testid="holiday-row"][data-day="15/02/2027"]')).to_contain_text(
        "Nghỉ hoán đổi theo thông báo"
    )
    page.get_by_test_id("holiday-source").fill("Thông báo 99/TB-BNV")
    page.get_by_test_id("holiday-confirm").click()
    expect(page.get_by_test_id("holiday-status")).to_contain_text("Đã xác nhận")

    page.goto(f"/plans/{plan.pk}/")
    expect(page.get_by_test_id("plan-title")).to_be_visible()
    expect(page.get_by_test_id("holiday-warning")).to_have_count(0)
    assert Holiday.objects.get(day=dt.date(2027, 2, 15)).kind == HolidayKind.SWAPPED
    assert HolidayYear.objects.get(year=2027).source == "Thông báo 99/TB-BNV"
