"""The provincial report accounts for the tasks the province's decision assigned, agency by agency."""

from __future__ import annotations

import datetime as dt
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
from nhiemvu.plans.models import Plan, PlanStatus, SourceDocument, Target, Task

from .conftest import REPORT_DATE, Quarter

pytestmark = pytest.mark.django_db


def _decision(quarter: Quarter) -> Plan:
    cast = quarter.cast
    decision = Plan.objects.create(
        title="Phê duyệt nhiệm vụ trọng tâm năm 2023 của các cơ quan",
        year=2023,
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
        issuer=cast.province,
        status=PlanStatus.ACTIVE,
        source_document=SourceDocument.objects.create(
            kind="QĐ", number="58/QĐ-UBND", symbol="QĐ-UBND", issued_on=dt.date(2023, 1, 17)
        ),
    )
    end = dt.date(2023, 12, 31)
    forest = Task.objects.create(
        plan=decision, code="1", title="Trồng rừng", order=1, lead_unit=cast.department, deadline=end
    )
    Target.objects.create(task=forest, name="diện tích trồng rừng", unit="ha", value=Decimal(3000))
    Task.objects.create(
        plan=decision, code="2", title="Cải tạo rừng", order=2, lead_unit=cast.department, deadline=end
    )
    Task.objects.create(
        plan=decision, code="3", title="Tiêm chủng", order=3, lead_unit=cast.other_department, deadline=end
    )
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
