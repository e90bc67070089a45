"""The PDF through LibreOffice headless, rendered to PNG in artifacts/ for a person to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from nhiemvu.documents import pdf
from nhiemvu.documents.access import period_queryset
from nhiemvu.documents.data import ReportOptions, build_report
from nhiemvu.documents.services import report_render
from nhiemvu.documents.tests.conftest import REPORT_DATE

# A folder per pass: `make test` runs the SQLite and PostgreSQL passes at once, and these tests
# read back the files they write.
ARTIFACTS = (
    Path(__file__).resolve().parents[3]
    / "artifacts"
    / ("postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite")
)


def test_the_report_renders_to_a_pdf_a_person_can_look_at(quarter):
    if pdf.soffice_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is missing: .ci/run installs libreoffice-writer-nogui")
        pytest.skip("LibreOffice (soffice) is not on PATH: apt-get install libreoffice-writer-nogui")
    period = period_queryset().get(pk=quarter.period.pk)
    report = build_report([period], options=ReportOptions(date=REPORT_DATE))
    content = report_render(report=report, fmt="pdf").content
    assert content.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / "period-report.pdf"
    target.write_bytes(content)
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is missing: the PDF is in artifacts/, not its PNG pages")
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", str(target), str(ARTIFACTS / "period-report")], check=True
    )
    pages = sorted(ARTIFACTS.glob("period-report-*.png"))
    assert pages, "pdftoppm wrote no page"
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, check=False).stdout
    if text:
        assert "BÁO CÁO" in text.decode() and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text.decode()


def test_without_libreoffice_the_pdf_says_so_clearly(quarter, monkeypatch):
    monkeypatch.setattr("nhiemvu.lib.soffice.shutil.which", lambda name: None)
    period = period_queryset().get(pk=quarter.period.pk)
    with pytest.raises(pdf.PdfUnavailableError, match="chưa cài LibreOffice"):
        report_render(report=build_report([period], options=ReportOptions(date=REPORT_DATE)), fmt="pdf")


def _pages_to_png(target: Path, stem: str) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is missing: the PDF is in artifacts/, not its PNG pages")
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(target), str(ARTIFACTS / stem)], check=True)
    return sorted(ARTIFACTS.glob(f"{stem}-*.png"))


def test_a_units_report_and_the_provincial_report_render_to_pdf_pages(quarter, cast):
    """Issue 17: the unit's own report and the province's, as pages a person can look at."""
    from nhiemvu.documents.services import unit_report_render
    from nhiemvu.documents.tests.conftest import build_quarter
    from nhiemvu.reporting.models import ProgressReport

    if pdf.soffice_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is missing: .ci/run installs libreoffice-writer-nogui")
        pytest.skip("LibreOffice (soffice) is not on PATH: apt-get install libreoffice-writer-nogui")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = ProgressReport.objects.get(task__plan=quarter.plan, task__code="1", period__key="2023-06")
    unit = unit_report_render(report=report, fmt="pdf")
    assert unit.content.startswith(b"%PDF")
    (ARTIFACTS / "unit-report.pdf").write_bytes(unit.content)

    other = build_quarter(cast, title="Kế hoạch của Sở Y tế")
    other.plan.issuer = cast.other_department
    other.plan.save()
    periods = list(period_queryset().filter(pk__in=[quarter.period.pk, other.period.pk]))
    provincial = report_render(
        report=build_report(periods, province=cast.province, options=ReportOptions(date=REPORT_DATE)),
        fmt="pdf",
    ).content
    (ARTIFACTS / "provincial-report.pdf").write_bytes(provincial)
    assert _pages_to_png(ARTIFACTS / "unit-report.pdf", "unit-report")
    assert _pages_to_png(ARTIFACTS / "provincial-report.pdf", "provincial-report")
    text = subprocess.run(
        ["pdftotext", "-layout", str(ARTIFACTS / "provincial-report.pdf"), "-"],
        capture_output=True,
        check=False,
    ).stdout.decode()
    if text:
        assert "TM. ỦY BAN NHÂN DÂN" in text and "PHỤ LỤC" in text
