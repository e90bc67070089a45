"""The .xlsx opened with openpyxl: three sheets, real numbers with formats, frozen headers and filters."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from nhiemvu.documents.access import period_queryset
from nhiemvu.documents.data import ReportOptions, build_report
from nhiemvu.documents.tests.conftest import REPORT_DATE, Quarter
from nhiemvu.documents.xlsx import render_xlsx
from nhiemvu.plans.models import Target


@pytest.fixture
def workbook(quarter: Quarter) -> Workbook:
    period = period_queryset().get(pk=quarter.period.pk)
    return load_workbook(
        io.BytesIO(render_xlsx(build_report([period], options=ReportOptions(date=REPORT_DATE))))
    )


def _rows(ws: Worksheet) -> list[dict[Any, Any]]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


def test_it_has_the_three_sheets_each_with_a_frozen_filtered_header(workbook):
    assert workbook.sheetnames == ["Chỉ tiêu", "Khó khăn, kiến nghị", "Tình hình báo cáo"]
    for ws in workbook.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
        assert ws["A1"].font.b


def test_the_targets_sheet_has_one_row_per_target_with_numbers_not_text(workbook, quarter):
    ws = workbook["Chỉ tiêu"]
    rows = _rows(ws)
    assert len(rows) == Target.objects.filter(task__plan=quarter.plan).count()
    first = rows[0]
    assert first["Mã NV"] == "1" and first["Đơn vị chủ trì"] == "Chi cục Kiểm lâm"
    assert first["Kế hoạch"] == 1000 and first["Lũy kế thực hiện"] == 750
    assert first["Tỷ lệ đạt"] == pytest.approx(0.75)
    assert first["Tình trạng"] == "Đang thực hiện trong hạn"
    assert rows[1]["Lũy kế thực hiện"] == pytest.approx(2500.5)
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("Tỷ lệ đạt") + 1).number_format == "0.0%"
    assert ws.cell(2, header.index("Lũy kế thực hiện") + 1).number_format == "#,##0.####"
    assert ws.cell(2, header.index("Thời hạn") + 1).number_format == "dd/mm/yyyy"
    assert rows[-1]["Lũy kế thực hiện"] is None  # task 3 reported nothing


def test_the_obstacles_sheet_lists_obstacles_and_proposals_by_leader(workbook):
    rows = _rows(workbook["Khó khăn, kiến nghị"])
    assert [(r["Loại"], r["Nội dung"]) for r in rows] == [
        ("Khó khăn, vướng mắc", "Thiếu cây giống đạt chuẩn"),
        ("Đề xuất, kiến nghị", "Đề nghị UBND tỉnh bổ sung kinh phí trồng rừng."),
    ]
    assert rows[0]["Lãnh đạo chỉ đạo"] == "Lê Thị Phó, Phó Giám đốc Sở"
    assert rows[0]["Đề nghị cơ quan giải quyết"] == "Sở Tài chính"


def test_the_submissions_sheet_counts_each_units_reports(workbook):
    rows = {r["Đơn vị chủ trì"]: r for r in _rows(workbook["Tình hình báo cáo"])}
    assert rows["Chi cục Kiểm lâm"]["Số báo cáo phải gửi"] == 6
    assert rows["Chi cục Kiểm lâm"]["Chưa gửi"] == 4
    assert rows["Chi cục Phát triển nông thôn"]["Muộn"] == 1
