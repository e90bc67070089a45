"""The chain in Debian's Chromium: the province walks down to a unit's report in three clicks, and an
agency confirms on the import review which provincial tasks its plan carries out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from nhiemvu.cascade.models import TaskLink
from nhiemvu.cascade.services import task_link_add
from nhiemvu.demo.chain import decision_load
from nhiemvu.plans.models import Plan, PlanStatus
from nhiemvu.reporting.services import (
    ReportInput,
    periods_generate,
    report_accept,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.testing import browser_login, build_cast, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HANOI = dt.timezone(dt.timedelta(hours=7))


def test_the_province_walks_down_to_a_unit_report_in_three_clicks(page, shared_dir: Path) -> None:
    cast = build_cast()
    decision = decision_load(province=cast.province, year=2023)
    plan = make_plan(cast, tasks=2, targets_per_task=1)
    plan.status = PlanStatus.ACTIVE
    plan.save()
    periods_generate(plan=plan)
    forest = decision.tasks.get(code="2")  # "Trồng rừng tập trung 9.000 ha, … che phủ rừng …"
    task = plan.tasks.get(code="1")
    task_link_add(user=cast.planning_finance, provincial_task=forest, agency_task=task)
    with time_machine.travel(dt.datetime(2023, 6, 16, 9, 0, tzinfo=HANOI), tick=False):
        report = report_start(task=task, period=plan.periods.get(key="2023-06"), user=cast.unit_staff)
        data = ReportInput(
            percent_done=Decimal(40),
            narrative="Đã trồng 500 ha rừng.",
            values={t.pk: (Decimal(500), None) for t in task.targets.all()},
        )
        report = report_save_draft(report=report, user=cast.unit_staff, revision=report.revision, data=data)
        report_accept(report=report_submit(report=report, user=cast.unit_staff), user=cast.planning_finance)

    browser_login(page, "ubndtinh")
    page.get_by_test_id("nav-province").click()
    rows = page.get_by_test_id("agency-row")
    expect(rows).to_have_count(decision.tasks.values("lead_unit").distinct().count())
    department = rows.filter(has_text=cast.department.name)
    expect(department.get_by_test_id("agency-uncovered")).to_have_text("3")  # four assigned, one carried

    department.get_by_test_id("agency-link").click()  # 1
    expect(page.get_by_test_id("agency-name")).to_have_text(cast.department.name)
    carried = page.get_by_test_id("rollup").filter(has=page.get_by_test_id("linked-task"))
    expect(carried).to_have_count(1)
    expect(carried.get_by_test_id("rollup-status")).to_have_text("Đang thực hiện quá hạn")  # 2023 is over
    expect(carried.get_by_test_id("rolled-actual").first).to_have_text("500 (5,6%)")  # of 9.000 ha
    expect(page.get_by_test_id("uncovered-flag")).to_have_count(3)

    carried.get_by_test_id("agency-task-link").click()  # 2
    page.wait_for_url(f"**/reporting/tasks/{task.pk}/")
    with page.expect_download() as download:
        page.get_by_test_id("unit-report-docx").first.click()  # 3
    assert download.value.suggested_filename.endswith(".docx")


def test_an_agency_confirms_its_links_on_the_import_review(page, shared_dir: Path) -> None:
    cast = build_cast()
    decision = decision_load(province=cast.province, year=2023)
    browser_login(page, "khtc")
    page.get_by_test_id("nav-import").click()
    page.get_by_test_id("upload-file").set_input_files(
        str(shared_dir / "corpus" / "seed" / "lang-son-snn-2023.txt")
    )
    page.get_by_test_id("upload-submit").click()
    page.get_by_test_id("review-form").wait_for()

    forest = page.get_by_test_id("review-links-1.3")
    expect(forest.get_by_role("checkbox").first).to_be_checked()
    expect(forest.get_by_test_id("link-proposal").first).to_contain_text("Trồng rừng tập trung")
    # Nothing convincing for the growing-area codes: the officer picks the provincial task by hand.
    other = decision.tasks.get(code="1")
    page.get_by_test_id("review-links-1.2").get_by_role("combobox").select_option(str(other.pk))
    # And unticks the BIIG1 proposal for task 2, to decide on it later.
    page.get_by_test_id("review-links-2").get_by_role("checkbox").first.uncheck()
    page.get_by_test_id("confirm-issuer").check()
    page.get_by_test_id("confirm").click()
    page.get_by_test_id("task-tree").wait_for()

    plan = Plan.objects.get(issuer=cast.department)
    links = {
        (link.agency_task.code, link.provincial_task.code)
        for link in TaskLink.objects.filter(agency_task__plan=plan)
    }
    assert ("1.3", "2") in links and ("1.2", "1") in links and ("3", "4") in links
    assert not any(code == "2" for code, _ in links)

    page.get_by_test_id("open-plan-links").click()
    expect(page.locator("#task-1\\.2").get_by_test_id("link")).to_contain_text("Đẩy mạnh tái cơ cấu")
    # The provincial task left without any of the plan's tasks is flagged to the agency.
    expect(page.get_by_test_id("uncovered")).to_contain_text("Hợp phần 3")
    page.locator("#task-2").get_by_test_id("accept-proposal").first.click()
    expect(page.locator("#task-2").get_by_test_id("link")).to_contain_text("Hợp phần 3")
    expect(page.get_by_test_id("uncovered")).to_have_count(0)
