"""In Chromium: a forest-unit officer signs in on nhiemvu's own login page with the password the
province's directory (a real slapd) holds, and lands on the unit's plans."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from nhiemvu.testing import browser_login, build_cast, make_plan

from .conftest import LDAP_PASSWORDS, Directory

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_unit_officer_signs_in_with_the_directory_password_and_sees_the_units_plan(
    page: Page, directory: Directory
) -> None:
    cast = build_cast()
    plan = make_plan(cast, tasks=1)

    browser_login(page, "lan", LDAP_PASSWORDS["lan"])

    expect(page.get_by_role("link", name=plan.title)).to_be_visible()
    page.get_by_role("link", name=plan.title).click()
    expect(page.get_by_text("Nhiệm vụ số 1")).to_be_visible()


def test_a_wrong_directory_password_stays_on_the_login_page(page: Page, directory: Directory) -> None:
    build_cast()

    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
