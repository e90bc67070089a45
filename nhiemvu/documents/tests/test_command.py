"""`nhiemvu report`: the agency's report and the provincial one, written to a file."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from nhiemvu.documents.tests.conftest import build_quarter
from nhiemvu.documents.tests.test_docx import signature_table


def test_it_writes_the_docx_with_the_given_number_date_and_signer(quarter, tmp_path):
    out = tmp_path / "bc.docx"
    stdout = io.StringIO()
    call_command(
        "report", str(quarter.plan.pk), "--period", "2023-Q2", "-o", str(out), "--number", "07",
        "--date", "2023-06-16", "--signer-name", "Vũ Văn Thịnh", stdout=stdout,
    )  # fmt: skip
    document = Document(str(out))
    assert document.tables[0].rows[1].cells[0].text == "Số: 07/BC-SNN"
    assert document.tables[0].rows[1].cells[1].text == "Lạng Sơn, ngày 16 tháng 6 năm 2023"
    signature = signature_table(document)
    assert [p.text for p in signature.rows[0].cells[1].paragraphs if p.text][-1] == "Vũ Văn Thịnh"
    assert "Quý II/2023" in stdout.getvalue()
    # Vietnamese number format in the command's own output: "75.174 byte", never "75,174".
    assert re.search(r"\(docx, \d{1,3}(?:\.\d{3})+ byte\)", stdout.getvalue()), stdout.getvalue()


def test_it_writes_the_provincial_xlsx_across_plans(cast, tmp_path):
    first, second = build_quarter(cast, title="A"), build_quarter(cast, title="B")
    out = tmp_path / "tinh.xlsx"
    call_command(
        "report", "--plans", f"{first.plan.pk},{second.plan.pk}", "--period", "2023-Q2", "-o", str(out)
    )
    ws = load_workbook(out)["Chỉ tiêu"]
    # Titled by the province; then the header row (five) and the twelve target rows of both plans.
    assert ws["A1"].value == "UBND tỉnh Thử Nghiệm" and ws["A3"].value == "2 cơ quan, đơn vị"
    assert ws["A5"].value == "Cơ quan" and ws.max_row == 5 + 12


def test_a_user_who_does_not_see_the_plan_is_refused(quarter, tmp_path):
    with pytest.raises(CommandError, match="không có quyền"):
        call_command(
            "report",
            str(quarter.plan.pk),
            "--period",
            "2023-Q2",
            "-o",
            str(tmp_path / "x.docx"),
            "--as",
            "syte",
        )


def test_an_unknown_period_lists_the_known_ones(quarter, tmp_path):
    with pytest.raises(CommandError, match="2023-Q2"):
        call_command("report", str(quarter.plan.pk), "--period", "2023-Q9", "-o", str(tmp_path / "x.docx"))
