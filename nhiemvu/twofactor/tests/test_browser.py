"""In Chromium: a Planning-Finance officer whose agency requires two-factor sign-in sets it up at
their first sign-in, then signs in again with a recovery code."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from nhiemvu.organisations.models import Role
from nhiemvu.testing import browser_login, build_cast
from nhiemvu.twofactor import services

from .conftest import code_for

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _key_from(secret: str) -> str:
    """The hex key an authenticator app derives from the secret typed in by hand."""
    from base64 import b32decode

    return b32decode(secret.replace(" ", "")).hex()


def test_an_officer_enrols_at_first_sign_in_and_later_signs_in_with_a_recovery_code(page: Page) -> None:
    cast = build_cast()
    services.policy_set(
        actor=cast.planning_finance,
        agency=cast.department,
        roles=[Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.PLANNING_FINANCE],
    )

    browser_login(page, "khtc")
    expect(page).to_have_url(re.compile(r"/account/two-factor/enrol/\?next=%2Fplans%2F$"))
    expect(page.get_by_test_id("twofactor-required")).to_contain_text("Phòng Kế hoạch – Tài chính")
    expect(page.get_by_test_id("twofactor-qr").locator("svg")).to_be_visible()
    # The plans list is not open yet.
    page.goto("/plans/")
    expect(page).to_have_url(re.compile(r"/account/two-factor/enrol/"))

    secret = page.get_by_test_id("twofactor-secret").inner_text()
    page.get_by_label("Mã 6 chữ số trong ứng dụng").fill(code_for(_key_from(secret)))
    page.get_by_role("button", name="Xác nhận và bật").click()

    codes = page.get_by_test_id("recovery-code")
    expect(codes).to_have_count(10)
    kept = codes.all_inner_texts()
    page.get_by_test_id("codes-kept").click()
    expect(page).to_have_url(re.compile(r"/plans/$"))
    expect(page.get_by_role("heading", name="Kế hoạch")).to_be_visible()

    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    browser_login(page, "khtc")
    expect(page).to_have_url(re.compile(r"/account/two-factor/verify/"))
    page.get_by_label("Mã xác thực hoặc mã khôi phục").fill(kept[0])
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(r"/plans/$"))
    expect(page.get_by_role("heading", name="Kế hoạch")).to_be_visible()
    expect(page.locator(".nv-messages")).to_contain_text("Còn 9 mã")
