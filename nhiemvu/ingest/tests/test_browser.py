"""The import journey in Debian's Chromium: upload, review, edit, confirm, find the plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from nhiemvu.plans.models import Plan
from nhiemvu.testing import browser_login, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROGRESS_VALUE_JS = """() => {
  const bar = document.querySelector('[data-testid="import-progress-bar"]');
  return bar ? bar.getAttribute('value') : null;
}"""


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


def _worker(tmp_path: Path):
    """A real `nhiemvu worker` process on this test's database and queue (the live server's)."""
    import os
    import subprocess
    import sys

    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TASK_QUEUE_URL": settings.TASK_QUEUE_URL,
        "WORKER_THREADS": "1",
    }
    log = (tmp_path / "worker.log").open("wb")
    return subprocess.Popen([sys.executable, "-m", "nhiemvu", "worker"], env=env, stdout=log, stderr=log)


def test_a_scanned_pdf_is_read_by_the_worker_while_its_progress_bar_advances(
    page, tmp_path: Path, shared_dir: Path
) -> None:
    """Issue 16: upload a scan, watch the bar advance page by page, leave and come back, land on the
    review with the unsure words marked, confirm."""
    import time

    from nhiemvu.ingest.parsing import ocr
    from nhiemvu.ingest.parsing.tests.scanned import scanned_pdf, tools_missing

    problem = tools_missing() or (None if ocr.tesseract_ready() else "tesseract-ocr-vie is missing")
    if problem:
        pytest.fail(f"{problem}: .ci/run installs it") if __import__("os").environ.get("CI") else pytest.skip(
            problem
        )
    scan = tmp_path / "ke-hoach-scan.pdf"
    scan.write_bytes(scanned_pdf(shared_dir / "corpus" / "dev" / "nghe-an-sgddt-2023.txt"))
    build_cast()
    browser_login(page, "khtc")
    worker = _worker(tmp_path)
    try:
        page.get_by_test_id("nav-import").click()
        page.get_by_test_id("upload-file").set_input_files(str(scan))
        page.get_by_test_id("upload-submit").click()
        page.get_by_test_id("import-progress").wait_for()
        progress_url = page.url

        # Leave while it is read, and come back through the import page's list.
        page.get_by_test_id("nav-import").click()
        page.get_by_test_id("unfinished-imports").get_by_role("link", name="ke-hoach-scan.pdf").click()
        assert page.url == progress_url

        seen: list[str] = []
        deadline = time.monotonic() + 240
        while "/progress/" in page.url and time.monotonic() < deadline:
            # One look, in the page: between a count and a read the bar may be swapped by htmx or the
            # page may leave for the review (a read of a gone element waited 15 s and failed).
            try:
                value = page.evaluate(PROGRESS_VALUE_JS)
            except PlaywrightError:  # the page navigated to the review between two looks
                value = None
            if value and (not seen or seen[-1] != value):
                seen.append(value)
            page.wait_for_timeout(300)
        page.get_by_test_id("review-form").wait_for()
        assert [int(v) for v in seen] == sorted(int(v) for v in seen) and len(seen) >= 2, seen

        summary = page.get_by_test_id("ocr-summary").inner_text()
        assert "4 trang, độ tin cậy trung bình" in summary
        marks = page.locator(".nv-ocr-mark")
        assert marks.count() >= 1
        assert "Nhận dạng chưa chắc chắn" in marks.first.get_attribute("title")
        assert "Lê Đình Khuê" in page.get_by_test_id("source-text").inner_text()

        page.get_by_test_id("confirm-issuer").check()
        page.get_by_test_id("confirm").click()
        page.get_by_test_id("task-tree").wait_for()
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    plan = Plan.objects.get()
    assert plan.tasks.count() == 9
