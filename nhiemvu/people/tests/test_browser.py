"""Issue 19's journey in Debian's Chromium: a new administrator, created on the console, sets up an
agency from a sheet (one row wrong, fixed on the page), invites a unit officer, who sets a password
from the e-mailed link and submits a report."""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect

from nhiemvu.organisations.models import Membership, Organisation, Role
from nhiemvu.people.tests.test_setup import UNITS, xlsx
from nhiemvu.plans.models import Plan, PlanStatus
from nhiemvu.reporting.models import ProgressReport
from nhiemvu.reporting.services import periods_generate
from nhiemvu.testing import present

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def set_password(page: Page, link: str, password: str) -> None:
    page.goto(link)
    page.get_by_label("Mật khẩu mới", exact=True).fill(password)
    page.get_by_label("Nhập lại mật khẩu mới").fill(password)
    page.get_by_test_id("invitation-save").click()
    expect(page.get_by_text("Đã đặt mật khẩu.")).to_be_visible()


def test_a_new_administrator_sets_up_an_agency_from_a_sheet_and_an_invited_officer_reports(
    page: Page, live_server, settings, seed_plan_path: Path, tmp_path: Path
) -> None:
    settings.NHIEMVU_SITE_URL = live_server.url
    with time_machine.travel(dt.datetime(2023, 6, 12, 9, 0, tzinfo=HANOI), tick=True):
        out = io.StringIO()
        call_command(
            "setup", "--admin", "quantri", "--admin-email", "quantri@langson.gov.vn", "--yes", stdout=out
        )
        set_password(
            page, out.getvalue().split("Set the password at:\n")[1].strip(), "Quản trị hệ thống 2023"
        )

        # No agency yet: "Cán bộ" leads the administrator to the setup page.
        page.get_by_test_id("nav-people").click()
        expect(page).to_have_url(re.compile(r"/people/setup/$"))
        sheet = [*UNITS[:4], ["Chi cục Kiểm lâm", "CCKL", "", "Sở NN & PTNT Lạng Sơn", "Chi cục"]]
        (tmp_path / "danh-ba.xlsx").write_bytes(xlsx(sheet))
        page.get_by_test_id("sheet-file").set_input_files(str(tmp_path / "danh-ba.xlsx"))
        page.get_by_test_id("setup-sheet-read").click()
        expect(page.get_by_test_id("setup-summary")).to_have_text(
            "Sẽ tạo 3 cơ quan, đơn vị mới; 0 đã có; 1 dòng có lỗi."
        )
        error = page.get_by_test_id("setup-row-error")
        expect(error).to_have_count(1)
        assert "«Sở NN & PTNT Lạng Sơn» không có trong bảng" in error.inner_text()
        page.get_by_test_id("setup-create").click()  # refused: nothing is created while a row is wrong
        expect(page.get_by_test_id("setup-error")).to_contain_text("Chưa ghi gì: dòng 4")
        assert Organisation.objects.count() == 0
        page.locator('input[name="row-3-parent"]').fill("Sở NN&PTNT")
        page.get_by_test_id("setup-check").click()
        expect(page.get_by_test_id("setup-summary")).to_have_text(
            "Sẽ tạo 4 cơ quan, đơn vị mới; 0 đã có; 0 dòng có lỗi."
        )
        page.get_by_test_id("setup-create").click()
        expect(page.get_by_text("Đã tạo 4 cơ quan, đơn vị")).to_be_visible()
        forest = Organisation.objects.get(name="Chi cục Kiểm lâm")
        assert forest.parent is not None and forest.parent.short_name == "Sở NN&PTNT"

        # The administrator invites the forest unit's officer.
        page.get_by_test_id("people-add").click()
        page.get_by_label("Họ và tên").fill("Hoàng Thị Lan")
        page.get_by_label("Thư điện tử").fill("lan.ht@langson.gov.vn")
        page.get_by_label("Đơn vị", exact=True).select_option(label="Chi cục Kiểm lâm")
        page.get_by_label("Vai trò").select_option(label="Cán bộ đơn vị")
        page.get_by_label("Chức vụ").fill("Chuyên viên")
        page.get_by_test_id("person-save").click()
        expect(page.get_by_test_id("person-state")).to_contain_text("chưa đặt mật khẩu")

        # The plan arrives through the console, and the year's periods with it.
        call_command("import", str(seed_plan_path), "--yes", stdout=io.StringIO())
        plan = Plan.objects.get()
        plan.status = PlanStatus.ACTIVE
        plan.save(update_fields=["status"])
        periods_generate(plan=plan)
        page.get_by_test_id("logout").click()

        # The officer opens the e-mailed link, sets a password and reports.
        [invitation] = [m for m in mail.outbox if m.to == ["lan.ht@langson.gov.vn"]]
        link = re.search(r"http\S+/people/invitation/\S+/", str(invitation.body))
        assert link is not None
        set_password(page, link.group(0), "Rừng Mẫu Sơn xanh mãi")
        page.get_by_test_id("nav-my-tasks").click()
        task = page.locator('[data-testid="my-task"][data-code="1.3"]')
        task.get_by_test_id("open-report").click()
        page.get_by_test_id("actual-1").fill("4.500")
        page.get_by_test_id("actual-2").fill("60,5")
        page.get_by_label("Kết quả thực hiện").fill("Đã trồng 4.500 ha rừng tập trung.")
        page.get_by_test_id("submit-report").click()
        expect(
            page.locator('[data-testid="my-task"][data-code="1.3"]').get_by_test_id("report-status")
        ).to_have_text("Đã gửi")

    lan = User.objects.get(email="lan.ht@langson.gov.vn")
    assert list(Membership.objects.filter(user=lan).values_list("organisation__name", "role")) == [
        ("Chi cục Kiểm lâm", Role.UNIT_STAFF)
    ]
    report = ProgressReport.objects.get(task__code="1.3")
    assert (report.status, report.created_by, report.organisation) == ("submitted", lan, forest)
    assert sorted(present(v.actual for v in report.values.all())) == [Decimal("60.5"), Decimal(4500)]
