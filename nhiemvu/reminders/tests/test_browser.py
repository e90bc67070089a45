"""In Chromium: the bell shows the unread count, the list opens, everything is marked read."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

import datetime as dt
from io import StringIO

import pytest
import time_machine
from playwright.sync_api import expect

from nhiemvu.plans.models import PlanStatus
from nhiemvu.reminders.management.commands.remind import Command
from nhiemvu.reporting.services import periods_generate
from nhiemvu.testing import browser_login, build_cast, make_plan

from .conftest import HANOI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_unit_sees_the_bell_opens_the_list_and_marks_all_read(page: Page) -> None:
    cast = build_cast()
    plan = make_plan(cast, tasks=3, targets_per_task=1)
    plan.status = PlanStatus.ACTIVE
    plan.save(update_fields=["status"])
    periods_generate(plan=plan)
    with time_machine.travel(dt.datetime(2023, 6, 16, 8, 0, tzinfo=HANOI), tick=False):
        Command(stdout=StringIO()).handle_one()

    browser_login(page, "kiemlam")
    # Tasks 1 and 3 are the forest unit's: due today, twice.
    assert page.get_by_test_id("bell-count").inner_text() == "2"
    page.get_by_test_id("nav-bell").click()
    page.wait_for_url("**/reminders/")
    items = page.get_by_test_id("notification")
    assert items.count() == 2
    assert "Hôm nay (16/06/2023) là hạn gửi báo cáo Tháng 06/2023" in items.first.inner_text()
    assert items.evaluate_all("rows => rows.map(r => r.dataset.read)") == ["0", "0"]

    page.get_by_test_id("read-all").click()
    page.wait_for_url("**/reminders/")
    # The same address as before the click: wait for the bell to go, not for the address.
    expect(page.get_by_test_id("bell-count")).to_have_count(0)
    assert page.get_by_test_id("notification").evaluate_all("rows => rows.map(r => r.dataset.read)") == [
        "1",
        "1",
    ]
    assert page.get_by_test_id("read-all").is_disabled()
