"""The consolidated report as a workbook: targets with actuals, obstacles and proposals, submissions per unit.

Numbers are stored as numbers with number formats, not as Vietnamese-formatted text, so
Planning-Finance can sort, filter and sum them; Excel shows `1.000,5` under a Vietnamese locale.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .data import PeriodReport
from .wording import vn_date

FONT = "Times New Roman"
NUMBER = "#,##0.####"  # for fractions; a whole number gets INTEGER, never a trailing separator ("1.000,")
PERCENT = "0.0%"
INTEGER = "#,##0"
DATE = "dd/mm/yyyy"
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
THIN = Side(style="thin", color="999999")


def _sheet(
    ws: Worksheet,
    title: str,
    columns: Sequence[tuple[str, float, str | None]],
    rows: list[list[Any]],
    heading: Sequence[str] = (),
) -> None:
    """A table under title rows naming agency, plan and period, with a bold header row frozen in
    place, filters on it, a format per column, and an A4 landscape print setup that repeats the
    header on every page and fits the width."""
    ws.title = title
    for line in heading:
        ws.append([line])
        ws.cell(row=ws.max_row, column=1).font = Font(name=FONT, bold=ws.max_row == 1, size=12)
    if heading:
        ws.append([])  # a blank row between the titles and the table
    top = len(heading) + 2 if heading else 1
    ws.append([c[0] for c in columns])
    for cell in ws[top]:
        cell.font = Font(name=FONT, bold=True, size=11)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=THIN)
    for row in rows:
        ws.append([float(v) if isinstance(v, Decimal) else v for v in row])
        for cell in ws[ws.max_row]:
            _inert(cell)
    body_font = Font(name=FONT, size=11)
    wrap = Alignment(vertical="top", wrap_text=True)
    for index, (_, width, number_format) in enumerate(columns, 1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = width
        for (cell,) in ws.iter_rows(min_row=top + 1, min_col=index, max_col=index):
            cell.font = body_font
            if (
                number_format == NUMBER
                and isinstance(cell.value, int | float)
                and float(cell.value).is_integer()
            ):
                cell.number_format = INTEGER
            elif number_format:
                cell.number_format = number_format
            else:
                cell.alignment = wrap
    ws.freeze_panes = f"A{top + 1}"
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A{top}:{last}{max(ws.max_row, top + 1)}"
    ws.row_dimensions[top].height = 32
    ws.print_title_rows = f"{top}:{top}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


# What makes a spreadsheet read a cell as a formula (or a DDE command, once someone edits it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: Any) -> None:
    """A string a user wrote stays text however it begins: openpyxl would store "=1+1" or
    "=HYPERLINK(…)" as a live formula. The cell is typed as a string and marked with Excel's
    quote prefix, so it does not evaluate when opened nor when someone edits it and presses
    Enter; numbers and dates are left as they are."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def _percent(value: Decimal | None) -> Decimal | None:
    return value / 100 if value is not None else None


def render_xlsx(report: PeriodReport) -> bytes:
    """The .xlsx bytes of a consolidated report."""
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)  # a new workbook opens on one empty worksheet
    provincial = report.provincial
    agency_col = [("Cơ quan", 24.0, None)] if provincial else []
    plans = "; ".join(dict.fromkeys(b.plan_reference for b in report.plans))
    heading = [
        report.letterhead.agency_name,
        f"{report.summary} (số liệu đến ngày {vn_date(max(b.ends_on for b in report.plans))})"
        if report.plans
        else report.summary,
        plans if not provincial else f"{len(report.plans)} cơ quan, đơn vị",
    ]

    rows: list[list[Any]] = []
    for task in report.tasks:
        if not task.reportable:
            continue
        lead = [task.agency] if provincial else []
        base = [*lead, task.code, task.title, task.lead_unit, task.leader.removeprefix("Đồng chí ")]
        tail = [task.deadline, task.status_label, task.reported_in, task.narrative]
        if not task.targets:
            rows.append(
                [*base, "Khối lượng công việc", "%", "100%", 100, None, task.percent_done, None, None, *tail]
            )
        for t in task.targets:
            rows.append(
                [
                    *base,
                    t.name,
                    t.unit,
                    t.planned,
                    t.value,
                    t.max_value,
                    t.actual,
                    t.estimate,
                    _percent(t.attainment),
                    *tail,
                ]
            )
    _sheet(
        first,
        "Chỉ tiêu",
        [
            *agency_col,
            ("Mã NV", 8.0, None),
            ("Nhiệm vụ", 48.0, None),
            ("Đơn vị chủ trì", 26.0, None),
            ("Lãnh đạo chỉ đạo", 26.0, None),
            ("Chỉ tiêu", 36.0, None),
            ("Đơn vị tính", 12.0, None),
            ("Mức kế hoạch", 18.0, None),
            ("Kế hoạch", 13.0, NUMBER),
            ("Kế hoạch (tối đa)", 13.0, NUMBER),
            ("Lũy kế thực hiện", 14.0, NUMBER),
            ("Ước cả năm", 13.0, NUMBER),
            ("Tỷ lệ đạt", 10.0, PERCENT),
            ("Thời hạn", 12.0, DATE),
            ("Tình trạng", 22.0, None),
            ("Số liệu của kỳ", 16.0, None),
            ("Kết quả đơn vị báo cáo", 60.0, None),
        ],
        rows,
        heading,
    )
    obstacle_rows: list[list[Any]] = []
    for group in report.leaders:
        leader = group.leader.removeprefix("Đồng chí ")
        for o in group.obstacles:
            obstacle_rows.append(
                [
                    leader,
                    o.task_code,
                    o.task_title,
                    o.unit,
                    o.period,
                    "Khó khăn, vướng mắc",
                    o.description,
                    o.needs,
                    o.addressed_to,
                    o.status_label,
                    o.answer,
                ]
            )
        for p in group.proposals:
            obstacle_rows.append(
                [leader, p.task_code, "", p.unit, p.period, "Đề xuất, kiến nghị", p.text, "", "", "", ""]
            )
    _sheet(
        wb.create_sheet(),
        "Khó khăn, kiến nghị",
        [
            ("Lãnh đạo chỉ đạo", 26.0, None),
            ("Mã NV", 8.0, None),
            ("Nhiệm vụ", 40.0, None),
            ("Đơn vị", 26.0, None),
            ("Kỳ", 14.0, None),
            ("Loại", 18.0, None),
            ("Nội dung", 48.0, None),
            ("Cần hỗ trợ", 30.0, None),
            ("Đề nghị cơ quan giải quyết", 24.0, None),
            ("Xử lý", 18.0, None),
            ("Ý kiến chỉ đạo", 30.0, None),
        ],
        obstacle_rows,
        heading,
    )

    _sheet(
        wb.create_sheet(),
        "Tình hình báo cáo",
        [
            *agency_col,
            ("Đơn vị chủ trì", 34.0, None),
            ("Số nhiệm vụ chủ trì", 12.0, INTEGER),
            ("Số báo cáo phải gửi", 12.0, INTEGER),
            ("Đã gửi", 10.0, INTEGER),
            ("Đúng hạn", 10.0, INTEGER),
            ("Muộn", 10.0, INTEGER),
            ("Đã chấp nhận", 12.0, INTEGER),
            ("Bị trả lại", 10.0, INTEGER),
            ("Chưa gửi", 10.0, INTEGER),
        ],
        [
            [
                *([u.agency] if provincial else []),
                u.unit,
                u.tasks_led,
                u.due,
                u.submitted,
                u.on_time,
                u.late,
                u.accepted,
                u.returned,
                u.missing,
            ]
            for u in report.submissions
        ],
        heading,
    )
    if report.cascade is not None:
        _sheet(
            wb.create_sheet(),
            "Nhiệm vụ tỉnh giao",
            [
                ("STT", 7.0, None),
                ("Nhiệm vụ tỉnh giao", 46.0, None),
                ("Cơ quan chủ trì", 28.0, None),
                ("Thời hạn", 12.0, DATE),
                ("Tình trạng", 22.0, None),
                ("Nhiệm vụ triển khai", 40.0, None),
                ("Chỉ tiêu", 30.0, None),
                ("Thực hiện (tổng hợp)", 14.0, NUMBER),
                ("Cách tổng hợp", 46.0, None),
            ],
            [
                [
                    task.code,
                    task.title,
                    task.agency,
                    task.deadline,
                    task.status_label,
                    "\n".join(f"{lt.agency}: {lt.state.code}. {lt.state.title}" for lt in task.links)
                    or "Chưa có nhiệm vụ triển khai",
                    "\n".join(f"{t.name}: {t.text}" for t in task.targets),
                    next((t.actual for t in task.targets if t.summed), None),
                    " ".join([task.rule, *(t.rule for t in task.targets)]),
                ]
                for task in report.cascade.tasks
            ],
            [*heading, report.cascade.decision],
        )
    wb.properties.title = f"{report.title} {report.summary}"
    wb.properties.creator = report.letterhead.agency
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
