"""Each role walks its pages in Chromium on a phone (390×844), in Vietnamese, on the living demo.

Every page is checked for what a phone user notices first: the page must not scroll sideways
(wide tables scroll inside their own box), and no English may show in the Vietnamese interface.
At 1366 px the navigation stays on one line, and on a phone it folds behind one button.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from nhiemvu.demo.data import DEMO_PASSWORD, demo_load
from nhiemvu.plans.models import Plan, PlanStatus
from nhiemvu.reporting.models import ProgressReport, ReportingPeriod, ReportStatus
from nhiemvu.testing import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.datetime(2026, 12, 5, 9, 0, tzinfo=HANOI)
PHONE = {"width": 390, "height": 844}

# Words of English interface text that Vietnamese never uses; user data in the demo is Vietnamese.
ENGLISH = re.compile(
    r"\b(the|and|of|this|that|with|from|your|please|error|errors|enter|field|required|submit|save|"
    r"cancel|delete|search|password|username|login|log in|logout|log out|report|reports|dashboard|"
    r"none|true|false|next|previous|upload|download|select|choose|yes|page|task|tasks|plan|plans|"
    r"target|targets|status|deadline|overdue|unit|units|notification|notifications|welcome|"
    r"permission|not found|forbidden|invalid)\b",
    re.IGNORECASE,
)

# Elements wider than the screen that are not inside a box that scrolls or clips them.
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const boxed = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
    return false; };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1 && !boxed(el)) wide.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""

# The visible text, without the language menu (which names «English» on purpose).
TEXT_JS = """() => {
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('select, option, script, style, [hidden]').forEach(e => e.remove());
  document.body.appendChild(clone); clone.style.position = 'absolute'; clone.style.left = '-99999px';
  const text = clone.innerText; clone.remove(); return text;
}"""


def _urls(role: str) -> list[str]:
    plan = Plan.objects.get(status=PlanStatus.ACTIVE, year=2026, kind="plan", issuer__kind="department")
    task = plan.tasks.get(code="1")
    returned = ProgressReport.objects.get(task__plan=plan, status=ReportStatus.RETURNED)
    current = ReportingPeriod.objects.get(plan=plan, key="2026-12")
    last_closed = returned.period
    decision = Plan.objects.get(year=2026, issuer__kind="province_committee")
    common = [
        reverse("plans:plan-list"),
        reverse("plans:plan-detail", args=[plan.pk]),
        reverse("dashboards:overview"),
        reverse("dashboards:task-list") + "?show=overdue",
        reverse("reporting:task-detail", args=[task.pk]),
        reverse("reminders:notification-list"),
        reverse("organisations:organisation-list"),
    ]
    return {
        "khtc": [
            *common,
            reverse("reporting:period-list", args=[plan.pk]),
            reverse("reporting:submissions", args=[last_closed.pk]),
            reverse("ingest:upload"),
            reverse("audit:log-list"),
            reverse("api-tokens:token-list"),
            reverse("cascade:plan-links", args=[plan.pk]),
            reverse("plans:directive-list"),
            reverse("people:agency", args=[plan.issuer_id]),
            reverse("people:add", args=[plan.issuer_id]),
            reverse("people:import", args=[plan.issuer_id]),
        ],
        "giamdoc": [*common, reverse("audit:log-list")],
        "phogiamdoc": [*common, reverse("dashboards:leader")],
        "donvi": [
            *common,
            reverse("reporting:my-tasks"),
            reverse("reporting:report-edit", args=[task.pk, current.pk]),
            reverse("reporting:report-edit", args=[returned.task_id, returned.period_id]),
        ],
        "ubndtinh": [
            *common[:4],
            reverse("documents:provincial-report"),
            reverse("dashboards:province"),
            reverse("dashboards:province-agency", args=[decision.pk, plan.issuer_id]),
            reverse("cascade:provincial-task", args=[decision.tasks.get(code="2").pk]),
        ],
    }[role]


@pytest.fixture
def demo(seed_plan_path: Path):
    with time_machine.travel(TODAY, tick=False):
        demo_load(plan_path=seed_plan_path, live=True)
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.mark.parametrize("role", ["khtc", "giamdoc", "phogiamdoc", "donvi", "ubndtinh"])
def test_each_role_walks_its_pages_on_a_phone_in_vietnamese(browser, live_server, demo, role: str) -> None:
    context = browser.new_context(locale="vi-VN", base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        browser_login(page, role, DEMO_PASSWORD)
        problems = []
        for url in _urls(role):
            response = page.goto(url)
            assert response is not None and response.status == 200, (url, response and response.status)
            fit = page.evaluate(OVERFLOW_JS)
            if fit["scroll"] > fit["width"] or fit["wide"]:
                problems.append((url, "sideways", fit))
            english = sorted({m.group(0) for m in ENGLISH.finditer(page.evaluate(TEXT_JS))})
            if english:
                problems.append((url, "English", english))
        assert problems == []
        # The menu folds behind one button and opens on a tap.
        menu = page.locator("#nv-menu")
        assert not menu.is_visible()
        page.get_by_test_id("menu-button").click()
        page.get_by_test_id("nav-dashboard").click()
        page.wait_for_url("**/dashboards/")
    finally:
        context.close()


def test_the_report_form_on_a_phone_has_full_width_figures(browser, live_server, demo) -> None:
    context = browser.new_context(locale="vi-VN", base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    try:
        browser_login(page, "donvi", DEMO_PASSWORD)
        plan = Plan.objects.get(status=PlanStatus.ACTIVE, year=2026, kind="plan", issuer__kind="department")
        task = plan.tasks.get(code="1")
        current = ReportingPeriod.objects.get(plan=plan, key="2026-12")
        page.goto(reverse("reporting:report-edit", args=[task.pk, current.pk]))
        box = page.get_by_test_id("actual-1").bounding_box()
        assert box is not None and box["width"] > 300  # was 47 px
        page.get_by_test_id("actual-1").fill("8.650")
        page.get_by_test_id("save-draft").click()
        assert page.get_by_test_id("actual-1").input_value() == "8.650"
    finally:
        context.close()


@pytest.mark.parametrize("role", ["khtc", "giamdoc", "donvi", "ubndtinh"])
def test_at_1366_px_the_navigation_is_one_line(browser, live_server, demo, role: str) -> None:
    context = browser.new_context(
        locale="vi-VN", base_url=live_server.url, viewport={"width": 1366, "height": 768}
    )
    page = context.new_page()
    try:
        browser_login(page, role, DEMO_PASSWORD)
        page.goto(reverse("plans:plan-list"))
        tops = page.locator("#nv-menu > li").evaluate_all(
            "items => items.map(i => i.getBoundingClientRect().top)"
        )
        assert tops and max(tops) - min(tops) < 10, tops
        assert not page.get_by_test_id("menu-button").is_visible()
    finally:
        context.close()
