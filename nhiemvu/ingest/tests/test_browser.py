"""The import journey in Debian's Chromium: upload, review, edit, confirm, find the plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhiemvu.plans.models import Plan
from nhiemvu.testing import browser_login, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page, path: Path) -> None:
    page.get_by_test_id("nav-import").click()
    page.get_by_test_id("upload-file").set_input_files(str(path))
    page.get_by_test_id("upload-submit").click()
    page.get_by_test_id("review-form").wait_for()


def test_planning_finance_imports_the_seed_txt_and_a_docx_editing_one_field(page, shared_dir: Path) -> None:
    build_cast()
    browser_login(page, "khtc")

    upload(page, shared_dir / "corpus" / "seed" / "lang-son-snn-2023.txt")
    assert "Lạng Sơn" in page.get_by_test_id("source-text").inner_text()
    assert page.locator(".nv-finding").count() >= 3  # blank number, blank date, the 2017 typo in 1.3
    title = page.get_by_test_id("task-title-1.3")
    title.fill("Trồng 9.000 ha rừng, tỷ lệ che phủ rừng đạt 64,2% trở lên")
    page.get_by_test_id("confirm-issuer").check()  # the cast's province is not Lạng Sơn: warned
    page.get_by_test_id("confirm").click()
    page.get_by_test_id("task-tree").wait_for()
    assert page.get_by_test_id("task").count() == 6
    assert page.get_by_test_id("target").count() == 9
    assert page.locator("#task-1\\.3").get_by_text("Trồng 9.000 ha rừng, tỷ lệ che phủ").is_visible()

    upload(page, shared_dir / "corpus" / "dev" / "quang-ninh-syt-2024.docx")
    page.get_by_test_id("confirm-issuer").check()
    page.get_by_test_id("confirm").click()
    page.get_by_test_id("task-tree").wait_for()

    page.goto("/plans/")
    assert page.get_by_test_id("plan-list").locator("tbody tr").count() == 2
    seed = Plan.objects.get(year=2023)
    assert seed.tasks.get(code="1.3").title.startswith("Trồng 9.000 ha rừng")
    assert Plan.objects.filter(year=2024).exists()


def test_a_scanned_or_empty_file_gets_a_message_and_writes_nothing(page, tmp_path: Path) -> None:
    build_cast()
    browser_login(page, "khtc")
    empty = tmp_path / "trong.txt"
    empty.write_bytes(b"")
    page.get_by_test_id("nav-import").click()
    page.get_by_test_id("upload-file").set_input_files(str(empty))
    page.get_by_test_id("upload-submit").click()
    errors = page.get_by_test_id("upload-errors").inner_text()
    assert "trống" in errors.lower() or "rỗng" in errors.lower()
    assert Plan.objects.count() == 0


def test_a_foreign_plan_is_flagged_and_its_partners_stay_outside_the_tree(page, tmp_path: Path) -> None:
    from nhiemvu.organisations.models import Organisation, OrganisationKind

    from .test_review_protects_the_tree import FOREIGN, OUTSIDE

    cast = build_cast()
    browser_login(page, "khtc")
    plan_file = tmp_path / "ke-hoach-so-y-te.txt"
    plan_file.write_text(FOREIGN, encoding="utf-8")
    upload(page, plan_file)
    warning = page.get_by_test_id("issuer-warning")
    assert "Quảng Ninh" in warning.inner_text() and "Sở Y tế" in warning.inner_text()
    for name in OUTSIDE:
        assert "cơ quan ngoài" in page.locator(f'[data-testid="org-match"][data-name="{name}"]').inner_text()
    # The source text stays in view beside the task being edited.
    assert page.get_by_test_id("source-text").evaluate("e => getComputedStyle(e).position") == "sticky"
    review_url = page.url
    page.get_by_test_id("confirm").click()  # not ticked: refused, nothing written
    page.get_by_test_id("issuer-confirm").get_by_role("alert").wait_for()
    assert not Plan.objects.exists()
    page.get_by_test_id("confirm-issuer").check()
    page.get_by_test_id("confirm").click()
    page.get_by_test_id("task-tree").wait_for()
    for name in OUTSIDE:
        body = Organisation.objects.get(name=name)
        assert body.kind == OrganisationKind.EXTERNAL and body.parent_id != cast.department.pk
    page.goto(review_url)  # what *Back* asks for after confirming: the plan, not a 404
    page.get_by_test_id("task-tree").wait_for()
    assert "Kế hoạch này đã được nhập" in page.content()


def test_a_plan_target_typed_the_vietnamese_way_survives_recheck_and_confirm(page, tmp_path: Path) -> None:
    from nhiemvu.ingest.parsing.tests.test_plan_targets import HEAD, PURPOSE, TASKS

    build_cast()
    browser_login(page, "khtc")
    plan_file = tmp_path / "ke-hoach-du-lich.txt"
    plan_file.write_text(HEAD + PURPOSE + TASKS, encoding="utf-8")
    upload(page, plan_file)
    section = page.get_by_test_id("plan-targets")
    names = section.locator("input[name$='-name']")
    assert "Tổng thu từ du lịch" in [names.nth(i).input_value() for i in range(names.count())]
    spare = section.locator("tr.nv-spare")
    spare.locator("input[name$='-name']").fill("Diện tích rừng trồng mới")
    spare.locator("input[name$='-unit']").fill("ha")
    spare.locator("select[name$='-comparator']").select_option(">=")
    spare.locator("input[name$='-value']").fill("8.650")
    spare.locator("input[name$='-lead_unit']").fill("Chi cục Kiểm lâm")
    page.get_by_test_id("confirm-issuer").check()
    page.get_by_test_id("recheck").click()
    page.get_by_test_id("review-form").wait_for()
    values = page.get_by_test_id("plan-targets").locator("input[name$='-value']")
    assert "8.650" in [values.nth(i).input_value() for i in range(values.count())]
    page.get_by_test_id("confirm-issuer").check()
    page.get_by_test_id("confirm").click()
    page.get_by_test_id("task-tree").wait_for()
    assert "≥ 8.650 ha" in page.get_by_test_id("plan-targets").inner_text()
    added = Plan.objects.get().plan_targets.get(name="Diện tích rừng trồng mới")
    assert added.lead_unit is not None and added.lead_unit.name == "Chi cục Kiểm lâm"
    assert (added.value, added.comparator) == (8650, ">=")
