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


HEADER_ROW = 5  # under three title rows and a blank one


def _rows(ws: Worksheet) -> list[dict[Any, Any]]:
    header = [c.value for c in ws[HEADER_ROW]]
    return [
        dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=HEADER_ROW + 1)
    ]


def test_it_has_the_three_sheets_each_titled_with_a_frozen_filtered_header_printed_on_a4_landscape(workbook):
    assert workbook.sheetnames == ["Chỉ tiêu", "Khó khăn, kiến nghị", "Tình hình báo cáo"]
    for ws in workbook.worksheets:
        assert ws["A1"].value == "Sở Nông nghiệp và Phát triển nông thôn" and ws["A1"].font.b
        assert ws["A2"].value.startswith("Kết quả thực hiện các nhiệm vụ trọng tâm quý II năm 2023")
        assert ws["A3"].value.startswith("Kế hoạch số ")
        assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
        assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
        assert ws[f"A{HEADER_ROW}"].font.b
        assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(
            ws.PAPERSIZE_A4
        )
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage


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
    header = [c.value for c in ws[HEADER_ROW]]
    first_row = HEADER_ROW + 1
    assert ws.cell(first_row, header.index("Tỷ lệ đạt") + 1).number_format == "0.0%"
    # A whole number shows no trailing separator ("750", not "750,"); a fraction keeps its decimals.
    assert ws.cell(first_row, header.index("Lũy kế thực hiện") + 1).number_format == "#,##0"
    assert ws.cell(first_row + 1, header.index("Lũy kế thực hiện") + 1).number_format == "#,##0.####"
    assert ws.cell(first_row, header.index("Thời hạn") + 1).number_format == "dd/mm/yyyy"
    assert rows[-1]["Lũy kế thực hiện"] is None  # task 3 reported nothing
    assert first["Mức kế hoạch"] == "1.000 ha"
    assert first["Kết quả đơn vị báo cáo"] == "Đã trồng 750 ha rừng."  # the unit's own account


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
