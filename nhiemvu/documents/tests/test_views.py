"""Who may download the period report and the provincial one; the buttons on the period page; the
PDF and the provincial report built by the worker (issue 16)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from nhiemvu.documents import pdf
from nhiemvu.documents.models import JobStatus, ReportJob
from nhiemvu.documents.tests.conftest import build_quarter
from nhiemvu.testing import drain_jobs

WHOLE_PLAN = ["director", "planning_finance", "reviewer"]
NOT_WHOLE = ["deputy", "unit_staff", "outsider"]


@pytest.mark.parametrize("who", WHOLE_PLAN)
def test_those_who_see_the_whole_plan_download_the_docx(client, quarter, who):
    client.force_login(getattr(quarter.cast, who))
    response = client.get(reverse("documents:period-report", args=[quarter.period.pk, "docx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-SNN-2023-Q2.docx"'
    assert Document(io.BytesIO(response.content)).paragraphs[0].text == "BÁO CÁO"


@pytest.mark.parametrize("who", NOT_WHOLE)
def test_anyone_else_gets_a_404(client, quarter, who):
    client.force_login(getattr(quarter.cast, who))
    response = client.get(reverse("documents:period-report", args=[quarter.period.pk, "xlsx"]))
    assert response.status_code == 404


def test_the_xlsx_downloads_and_an_unknown_format_is_a_404(client, quarter):
    client.force_login(quarter.cast.planning_finance)
    response = client.get(reverse("documents:period-report", args=[quarter.period.pk, "xlsx"]))
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Chỉ tiêu"
    assert client.get(f"/documents/periods/{quarter.period.pk}/report.odt").status_code == 404


def test_without_libreoffice_the_pdf_job_says_so_on_its_page(client, quarter, monkeypatch):
    monkeypatch.setattr("nhiemvu.lib.soffice.shutil.which", lambda name: None)
    client.force_login(quarter.cast.planning_finance)
    response = client.get(reverse("documents:period-report", args=[quarter.period.pk, "pdf"]))
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("documents:report-job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="queued"' in page and 'hx-trigger="every 1s"' in page
    drain_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    page = client.get(reverse("documents:report-job", args=[job.pk])).content.decode()
    assert "chưa cài LibreOffice" in page and 'data-testid="report-job-failed"' in page


def test_the_pdf_is_built_by_the_worker_and_downloaded_by_its_requester_only(client, quarter):
    if pdf.soffice_path() is None:
        pytest.skip("LibreOffice is not installed")
    client.force_login(quarter.cast.planning_finance)
    client.get(reverse("documents:period-report", args=[quarter.period.pk, "pdf"]))
    job = ReportJob.objects.get()
    drain_jobs()
    page = client.get(reverse("documents:report-job", args=[job.pk]), headers={"HX-Request": "true"})
    assert (
        'data-testid="report-job-download"' in page.content.decode()
        and "hx-trigger" not in page.content.decode()
    )
    download = client.get(reverse("documents:report-job-download", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")
    assert download["Content-Disposition"].endswith('.pdf"')
    client.force_login(quarter.cast.director)  # may read the report, but did not ask for this file
    assert client.get(reverse("documents:report-job-download", args=[job.pk])).status_code == 404


def test_the_period_page_offers_the_three_downloads(client, quarter):
    client.force_login(quarter.cast.planning_finance)
    page = client.get(reverse("reporting:submissions", args=[quarter.period.pk])).content.decode()
    for fmt in ("docx", "xlsx", "pdf"):
        assert reverse("documents:period-report", args=[quarter.period.pk, fmt]) in page


def test_the_provincial_report_spans_the_chosen_plans_for_a_reviewer(client, cast):
    first = build_quarter(cast, title="Kế hoạch A")
    second = build_quarter(cast, title="Kế hoạch B")
    second.plan.issuer = cast.other_department
    second.plan.save()
    client.force_login(cast.reviewer)
    url = reverse("documents:provincial-report")
    page = client.get(url, {"period": "2023-Q2"}).content.decode()
    assert "Sở Y tế" in page and "Kế hoạch A" in page
    response = client.get(
        url, {"period": "2023-Q2", "plan": [first.plan.pk, second.plan.pk], "format": "docx"}
    )
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("documents:report-job", args=[job.pk])
    drain_jobs()
    response = client.get(reverse("documents:report-job-download", args=[job.pk]))
    document = Document(io.BytesIO(response.content))
    assert document.tables[0].rows[0].cells[0].text.strip() == "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM"
    agencies = [row.cells[1].text for row in document.tables[1].rows[1:]]
    assert sorted(agencies) == ["Sở Nông nghiệp và Phát triển nông thôn", "Sở Y tế"]


@pytest.mark.parametrize("who", ["director", "planning_finance", "unit_staff", "outsider"])
def test_the_provincial_page_is_a_404_for_everyone_but_reviewers(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("documents:provincial-report")).status_code == 404
