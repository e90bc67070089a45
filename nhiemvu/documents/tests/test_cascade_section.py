"""The provincial report accounts for the tasks the province's decision assigned, agency by agency."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from nhiemvu.cascade.models import TaskLink
from nhiemvu.documents.access import period_queryset
from nhiemvu.documents.data import PeriodReport, ReportOptions, build_report
from nhiemvu.documents.docx import render_docx
from nhiemvu.documents.xlsx import render_xlsx
from nhiemvu.plans.models import Plan, Target
from nhiemvu.testing import make_decision

from .conftest import REPORT_DATE, Quarter

pytestmark = pytest.mark.django_db


def _decision(quarter: Quarter) -> Plan:
    cast = quarter.cast
    decision = make_decision(
        cast,
        [
            ("1", "Trồng rừng", cast.department),
            ("2", "Cải tạo rừng", cast.department),
            ("3", "Tiêm chủng", cast.other_department),
        ],
    )
    forest = decision.tasks.get(code="1")
    Target.objects.create(task=forest, name="diện tích trồng rừng", unit="ha", value=Decimal(3000))
    TaskLink.objects.create(provincial_task=forest, agency_task=quarter.plan.tasks.get(code="1"))
    return decision


def _report(quarter: Quarter) -> PeriodReport:
    periods = list(period_queryset().filter(pk=quarter.period.pk))
    return build_report(periods, options=ReportOptions(date=REPORT_DATE), province=quarter.cast.province)


def test_the_provincial_report_rolls_the_decision_up_for_its_agencies(quarter: Quarter) -> None:
    _decision(quarter)
    report = _report(quarter)
    section = report.cascade
    assert section is not None
    assert section.decision == "Quyết định số 58/QĐ-UBND ngày 17/01/2023"
    # Only the report's agencies: Sở Y tế's task is not in this report.
    assert [t.code for t in section.tasks] == ["1", "2"]
    assert section.tasks[0].targets[0].actual == Decimal(750)  # the June figure, by the quarter's cut-off
    assert [t.code for t in section.uncovered] == ["2"]
    (row,) = section.standings
    assert (row.agency, row.assigned, row.uncovered, row.rank) == (quarter.cast.department.name, 2, 1, 1)

    text = "\n".join(p.text for p in Document(io.BytesIO(render_docx(report))).paragraphs)
    assert "Kết quả thực hiện 2 nhiệm vụ được giao tại Quyết định số 58/QĐ-UBND ngày 17/01/2023" in text
    assert "Có 1 nhiệm vụ tỉnh giao chưa được cơ quan cụ thể hóa" in text

    sheet = load_workbook(io.BytesIO(render_xlsx(report)))["Nhiệm vụ tỉnh giao"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] in ("1", "2")]
    assert [(r[0], r[7]) for r in rows] == [("1", 750), ("2", None)]
    assert rows[1][5] == "Chưa có nhiệm vụ triển khai"


def test_without_a_decision_the_report_has_no_such_section(quarter: Quarter) -> None:
    report = _report(quarter)
    assert report.cascade is None
    assert "Nhiệm vụ tỉnh giao" not in load_workbook(io.BytesIO(render_xlsx(report))).sheetnames
