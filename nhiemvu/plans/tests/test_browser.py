"""Browser journeys over the plan pages, in Debian's Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from nhiemvu.testing import PASSWORD, browser_login, build_cast, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_deputy_logs_in_reads_a_plan_and_follows_a_unit(page) -> None:
    cast = build_cast()
    plan = make_plan(cast, tasks=3, targets_per_task=2)
    browser_login(page, "phogiamdoc", PASSWORD)
    page.get_by_role("link", name=plan.title).click()
    page.wait_for_url(f"**/plans/{plan.pk}/")
    expect(page.get_by_test_id("task")).to_have_count(3)
    assert page.get_by_test_id("target").count() == 6
    assert page.get_by_test_id("task-tree").get_by_text("1.000 ha").count() == 3
    page.locator("#task-1").get_by_role("link", name="Chi cục Kiểm lâm").click()
    expect(page.get_by_role("heading", name="Chi cục Kiểm lâm")).to_be_visible()
    expect(page.get_by_test_id("organisation-tasks").locator("tbody tr")).to_have_count(2)


def test_a_wrong_password_gets_a_vietnamese_message(page) -> None:
    build_cast()
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill("giamdoc")
    page.get_by_label("Mật khẩu", exact=True).fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text().startswith("Tên đăng nhập hoặc mật khẩu không đúng")


def test_the_plan_page_fits_a_phone(page) -> None:
    cast = build_cast()
    plan = make_plan(cast, tasks=2)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "giamdoc", PASSWORD)
    page.goto(f"/plans/{plan.pk}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
