"""In Chromium: the idle warning appears before the session ends, "Tiếp tục làm việc" keeps it,
typing keeps it, and a page left alone goes to the sign-in form saying why (issue 21, item 2).

The limits are shortened to seconds for the test; the server and the page read the same settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from nhiemvu.testing import browser_login, build_cast

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def short_limits(settings: Any) -> None:
    settings.SESSION_IDLE_SECONDS = 8
    settings.SESSION_IDLE_WARNING_SECONDS = 4
    settings.SESSION_SEEN_RESOLUTION_SECONDS = 1


def test_the_page_warns_keeps_the_session_on_request_and_ends_it_when_left_alone(
    page: Page, short_limits: None
) -> None:
    build_cast()
    browser_login(page, "kiemlam")
    page.goto("/account/")
    warning = page.get_by_test_id("session-warning")
    assert warning.is_hidden()
    warning.wait_for(state="visible", timeout=6000)  # 8 s idle - 1 s resolution - 4 s warning
    assert "Phiên làm việc sắp kết thúc" in warning.inner_text()
    page.get_by_test_id("session-continue").click()
    warning.wait_for(state="hidden", timeout=3000)

    # Typing in the page is activity too: the session outlives its idle limit while someone types.
    for _ in range(6):
        page.keyboard.press("Shift")
        page.wait_for_timeout(1500)
    assert page.url.endswith("/account/") and warning.is_hidden()

    # Left alone: the page goes to the sign-in form, which says why.
    page.wait_for_url("**/login/**", timeout=15000)
    assert "expired=idle" in page.url
    assert "không thao tác" in page.get_by_test_id("session-expired").inner_text()


def test_the_password_can_be_shown_while_typed(page: Page) -> None:
    page.goto("/login/")
    field = page.get_by_label("Mật khẩu", exact=True)
    field.fill("trong rung 8.650 ha")
    assert field.get_attribute("type") == "password"
    page.get_by_test_id("show-passwords").check()
    assert field.get_attribute("type") == "text" and field.input_value() == "trong rung 8.650 ha"
    page.get_by_test_id("show-passwords").uncheck()
    assert field.get_attribute("type") == "password"


def test_the_new_password_shows_its_length_against_the_rule(page: Page) -> None:
    build_cast()
    browser_login(page, "kiemlam")
    page.goto("/account/password/")
    page.get_by_label("Mật khẩu mới", exact=True).fill("ngắn quá")
    meter = page.get_by_test_id("password-meter")
    assert meter.inner_text() == "Mới 8 ký tự: cần ít nhất 12."
    page.get_by_label("Mật khẩu mới", exact=True).fill("trồng rừng 8.650 ha")
    assert meter.inner_text() == "19 ký tự: đủ dài."
