"""Planning-Finance edits the agency's report template in Chromium: from the submissions page to
the templates page, the default downloaded, edited (as in Word), uploaded, used by the next report;
a broken one refused on the page with the paragraph at fault."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from nhiemvu.documents.models import ReportTemplate
from nhiemvu.documents.tests.conftest import build_quarter
from nhiemvu.testing import browser_login, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _with_line(path: Path, out: Path, after: str, text: str) -> None:
    document = Document(str(path))
    anchor = next(p for p in document.paragraphs if p.text == after)
    anchor._p.addnext(anchor.insert_paragraph_before(text)._p)
    document.save(str(out))


def test_planning_finance_uploads_an_edited_template_and_the_report_uses_it(page, tmp_path: Path) -> None:
    quarter = build_quarter(build_cast())
    browser_login(page, "khtc")
    page.goto(f"/reporting/periods/{quarter.period.pk}/submissions/")
    page.get_by_test_id("open-templates").click()
    row = page.get_by_test_id("template-period")
    assert "Mẫu mặc định" in row.get_by_test_id("template-state").inner_text()
    with page.expect_download() as download:
        row.get_by_test_id("template-current").click()
    default = tmp_path / "mau.docx"
    download.value.save_as(default)

    broken = tmp_path / "mau-loi.docx"
    _with_line(default, broken, "{{ intro }}", "Kính gửi: {{ noi_gui }}")
    row.get_by_test_id("template-file").set_input_files(str(broken))
    row.get_by_test_id("template-upload").click()
    assert "Mẫu dùng chỗ trống không có: noi_gui" in page.locator(".nv-messages").inner_text()
    assert not ReportTemplate.objects.exists()

    edited = tmp_path / "mau-so.docx"
    _with_line(default, edited, "{{ intro }}", "Kính gửi: Ủy ban nhân dân tỉnh Thử Nghiệm.")
    row = page.get_by_test_id("template-period")
    row.get_by_test_id("template-file").set_input_files(str(edited))
    row.get_by_test_id("template-upload").click()
    assert "Đã lưu mẫu mới" in page.locator(".nv-messages").inner_text()
    assert "Mẫu riêng «mau-so.docx»" in page.get_by_test_id("template-period").inner_text()

    page.goto(f"/reporting/periods/{quarter.period.pk}/submissions/")
    with page.expect_download() as download:
        page.get_by_test_id("report-downloads").get_by_role("button", name=".docx").click()
    texts = [p.text for p in Document(io.BytesIO(Path(download.value.path()).read_bytes())).paragraphs]
    assert "Kính gửi: Ủy ban nhân dân tỉnh Thử Nghiệm." in texts and "I. KẾT QUẢ CHUNG" in texts
