"""Who may download the period report and the provincial one; the buttons on the period page."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from nhiemvu.documents import pdf
from nhiemvu.documents.tests.conftest import build_quarter

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


def test_without_libreoffice_the_pdf_button_returns_to_the_page_with_a_message(client, quarter, monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    client.force_login(quarter.cast.planning_finance)
    response = client.get(reverse("documents:period-report", args=[quarter.period.pk, "pdf"]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reporting:submissions", args=[quarter.period.pk])
    assert "chưa cài LibreOffice" in response.content.decode()


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
    document = Document(io.BytesIO(response.content))
    assert document.tables[0].rows[0].cells[0].text.strip() == "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM"
    agencies = [row.cells[1].text for row in document.tables[1].rows[1:]]
    assert sorted(agencies) == ["Sở Nông nghiệp và Phát triển nông thôn", "Sở Y tế"]


@pytest.mark.parametrize("who", ["director", "planning_finance", "unit_staff", "outsider"])
def test_the_provincial_page_is_a_404_for_everyone_but_reviewers(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("documents:provincial-report")).status_code == 404
