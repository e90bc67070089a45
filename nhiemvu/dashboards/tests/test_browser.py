"""The dashboards in Debian's Chromium: overview, leader and unit views, and a phone-width check."""

from __future__ import annotations

import pytest

from nhiemvu.testing import browser_login

from .conftest import build_mixed_plan, build_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan(cast, today):
    return build_plan(cast, 6)


@pytest.fixture
def mixed(cast, today):
    return build_mixed_plan(cast)


def test_the_director_reads_the_overview_with_its_chart_and_follows_a_count(page, cast, plan) -> None:
    browser_login(page, "giamdoc")
    page.get_by_test_id("nav-dashboard").click()
    page.locator('[data-testid="trajectory"][data-rendered="true"]').wait_for()
    # Tasks with a deadline or milestone past (all six: nobody ticked the 30/06 milestone), as the list.
    assert page.get_by_test_id("tile-overdue").locator("strong").inner_text() == "6"
    reasons = page.get_by_test_id("risk-reason").all_inner_texts()
    # Task 1 passed its deadline at half its targets; the others behind are judged on their trend.
    assert reasons[0] == "Đã quá hạn, mới đạt 50%" and "Dự báo" in reasons[1]
    page.get_by_test_id("count-overdue").click()
    page.get_by_test_id("task-list").wait_for()
    assert page.get_by_test_id("task-row").count() == 1


def test_a_deputy_opens_their_leader_view(page, cast, plan) -> None:
    browser_login(page, "phogiamdoc")
    page.goto("/dashboards/leader/")
    assert "Lê Thị Phó" in page.get_by_role("heading", level=1).inner_text()
    page.locator('[data-testid="trajectory"][data-rendered="true"]').wait_for()
    assert page.get_by_test_id("submission-record").is_visible()


def test_unit_staff_open_their_unit_view_with_its_submission_record(page, cast, plan) -> None:
    browser_login(page, "kiemlam")
    page.goto(f"/dashboards/units/{cast.forest_unit.pk}/")
    assert "Chi cục Kiểm lâm" in page.get_by_role("heading", level=1).inner_text()
    assert "đúng hạn" in page.get_by_test_id("submission-record").inner_text()


def test_the_overview_fits_a_phone_without_sideways_scrolling(page, cast, plan) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    browser_login(page, "giamdoc")
    page.goto("/dashboards/")
    page.locator('[data-testid="trajectory"][data-rendered="true"]').wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


def test_planning_finance_lists_the_tasks_nobody_leads_and_those_without_figures(page, cast, mixed) -> None:
    browser_login(page, "khtc")
    page.goto("/dashboards/")
    assert page.get_by_test_id("tile-no-data").locator("strong").inner_text() == "3"
    assert "5 chỉ tiêu chưa có số liệu để đánh giá" in page.get_by_test_id("forecast-summary").inner_text()
    page.get_by_test_id("tile-no-data").click()
    page.get_by_test_id("task-list").wait_for()
    assert page.get_by_test_id("list-count").inner_text() == "(3)"
    listed = page.get_by_test_id("task-list").inner_text()
    assert "Chưa có số liệu sau 1/3 thời gian thực hiện" in listed
    assert "Đã quá hạn, chưa có số liệu để đánh giá" in listed
    # The filter menu offers "no leader": chosen and applied, the list keeps its `show=` and narrows.
    page.get_by_label("Lãnh đạo chỉ đạo").select_option("none")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url("**leader=none**")
    assert page.get_by_test_id("list-count").inner_text() == "(1)"
    assert page.get_by_test_id("task-row").inner_text().startswith("7. Nhiệm vụ số 7")
