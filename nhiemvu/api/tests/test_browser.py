"""In Chromium: a user makes a token on the token page, opens the offline docs, and the token works."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

import pytest
from django.test import Client

from nhiemvu.testing import browser_login, build_cast

from .conftest import Api

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_makes_a_token_and_reads_the_docs_without_any_outside_request(page: Page) -> None:
    build_cast()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    browser_login(page, "kiemlam")
    page.goto("/account/tokens/")
    page.get_by_label("Tên khóa").fill("Hệ thống quản lý văn bản")
    page.get_by_label("Quyền").select_option("read")
    page.get_by_test_id("create-token").click()
    token = page.get_by_test_id("new-token-value").input_value()
    assert token.startswith("nv_")
    assert Api(Client(), token).get("/me").json()["scope"] == "read"

    page.get_by_test_id("api-docs").click()
    page.wait_for_url("**/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "nhiemvu API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() >= 25
    # Offline: every file came from the app itself, nothing from a CDN.
    assert [u for u in requested if not u.startswith(("http://localhost", "http://127.0.0.1"))] == []
