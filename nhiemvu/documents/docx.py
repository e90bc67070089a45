"""The consolidated report as a Word document in the format of Decree 30/2020/NĐ-CP (Appendix I).

Real paragraphs and tables throughout, so Planning-Finance can edit the text in Word before it
goes for signature; only the chart is a picture. Formatting lives in named styles rather than on
each run: the document stays small and a clerk can restyle it in one place.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from nhiemvu.lib.vnnumbers import format_vn

from .chart import attainment_chart
from .data import PeriodReport, TaskLine
from .wording import period_phrase, vn_date

FONT = "Times New Roman"
# Name → id of the report's own paragraph styles; the same for every document this module builds.
_STYLE_IDS: dict[str, str] = {}
# Decree 30/2020, Appendix I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
TEXT_WIDTH_CM = 21.0 - 3.0 - 1.5
LEFT_COL_CM, RIGHT_COL_CM = 6.3, 10.2
CELL_PADDING_CM = 0.19 * 2  # Word's default left + right cell margins
TASK_COLUMNS = (
    ("STT", 1.2),
    ("Nhiệm vụ", 3.9),
    ("Đơn vị chủ trì", 2.5),
    ("Chỉ tiêu", 3.0),
    ("Thực hiện", 2.1),
    ("Tỷ lệ đạt (%)", 1.5),
    ("Tình trạng", 2.3),
)
# pPr children that must follow w:pBdr (ECMA-376 order); Word refuses a file that breaks it.
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


@cache
def _text_width_cm(text: str, size: float, bold: bool) -> float:
    """How wide a line of Times New Roman is, measured with metric-compatible Liberation Serif."""
    from PIL import ImageFont

    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    for directory in ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation"):
        path = Path(directory) / name
        if path.exists():
            # At size N the font measures in points (1/72 inch) when drawn at 72 dpi.
            return ImageFont.truetype(str(path), int(size * 10)).getlength(text) / 10 / 72 * 2.54
    return len(text) * size * 0.5 / 72 * 2.54


def _set_fonts(rpr_parent: BaseOxmlElement) -> None:
    """Times New Roman for every script slot: Word picks East Asian or complex-script slots for some Vietnamese."""
    rpr = rpr_parent.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_parent.append(rpr)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _styles(doc: DocxDocument) -> None:
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None:
            _set_fonts(rpr_default)
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _set_fonts(normal.element)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(6), 1.15
    # Body: justified, first line indented; a decree-compliant 13–14 pt.
    body = styles.add_style("NV Nội dung", WD_STYLE_TYPE.PARAGRAPH)
    body.base_style = normal
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Cm(1.27)
    heading = styles.add_style("NV Đề mục", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = body
    heading.font.bold = True
    heading.paragraph_format.space_before = Pt(6)
    heading.paragraph_format.keep_with_next = True
    centre = styles.add_style("NV Giữa", WD_STYLE_TYPE.PARAGRAPH)
    centre.base_style = normal
    centre.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    centre.paragraph_format.space_after = Pt(0)
    centre.paragraph_format.line_spacing = 1.0
    cell = styles.add_style("NV Bảng", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(12)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.line_spacing = 1.0
    for name, align in (
        ("NV Bảng giữa", WD_ALIGN_PARAGRAPH.CENTER),
        ("NV Bảng số", WD_ALIGN_PARAGRAPH.RIGHT),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = cell
        style.paragraph_format.alignment = align
    head = styles.add_style("NV Bảng tiêu đề", WD_STYLE_TYPE.PARAGRAPH)
    head.base_style = styles["NV Bảng giữa"]
    head.font.bold = True
    small = styles.add_style("NV Nơi nhận", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    small.font.size = Pt(11)
    small.paragraph_format.space_after = Pt(0)
    small.paragraph_format.line_spacing = 1.0
    for style in styles:
        if style.name.startswith("NV "):
            _STYLE_IDS[style.name] = style.style_id


def _page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.header_distance = section.footer_distance = Mm(10)
    # Decree 30: page numbers centred in the top margin, from the second page on.
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    _style(paragraph, "NV Giữa")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _style(paragraph: Paragraph, name: str) -> Paragraph:
    """Set a paragraph's style by id: python-docx looks a name up by scanning every style, per call."""
    paragraph._p.style = _STYLE_IDS[name]
    return paragraph


def _para(
    container: DocxDocument | _Cell,
    text: str = "",
    style: str = "NV Nội dung",
    *,
    bold: bool = False,
    italic: bool = False,
) -> Paragraph:
    paragraph = _style(container.add_paragraph(), style)
    if text:
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
    return paragraph


def _rule(container: DocxDocument | _Cell, width_cm: float, available_cm: float) -> None:
    """A centred horizontal line: the top border of an empty paragraph narrowed by its indents."""
    paragraph = _style(container.add_paragraph(), "NV Giữa")
    indent = max((available_cm - width_cm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent)
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(2), Pt(0), 1.0
    p_pr = paragraph._p.get_or_add_pPr()
    # A 2 pt paragraph mark keeps the empty line thin; an exact line height instead makes
    # LibreOffice draw the border across the line above.
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    mark.append(size)
    p_pr.insert_element_before(mark, "w:sectPr", "w:pPrChange")
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        top.set(qn(key), value)
    borders.append(top)
    p_pr.insert_element_before(borders, *_AFTER_PBDR)


def _letterhead(doc: DocxDocument, report: PeriodReport) -> None:
    head = report.letterhead
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Word reads tcW, LibreOffice the grid: both must say the same.
    for column, width in zip(table.columns, (LEFT_COL_CM, RIGHT_COL_CM), strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, (LEFT_COL_CM, RIGHT_COL_CM), strict=True):
            cell.width = Cm(width)
    left, right = table.rows[0].cells
    left_inner, right_inner = LEFT_COL_CM - CELL_PADDING_CM, RIGHT_COL_CM - CELL_PADDING_CM
    first = left.paragraphs[0]
    _style(first, "NV Giữa")
    if head.parent_agency:
        run = first.add_run(head.parent_agency)
        run.font.size = Pt(13)
        agency = _para(left, style="NV Giữa")
    else:
        agency = first
    run = agency.add_run(head.agency)
    run.bold, run.font.size = True, Pt(13)
    # The rule under the issuing agency: a third to a half of its line.
    widest = min(_text_width_cm(head.agency, 13, True), left_inner)
    _rule(left, max(widest * 0.4, 1.5), left_inner)

    nation = right.paragraphs[0]
    _style(nation, "NV Giữa")
    run = nation.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    run.bold, run.font.size = True, Pt(13)
    motto_text = "Độc lập - Tự do - Hạnh phúc"
    motto = _para(right, style="NV Giữa")
    run = motto.add_run(motto_text)
    run.bold, run.font.size = True, Pt(14)
    # The rule under the motto is as long as the motto itself.
    _rule(right, _text_width_cm(motto_text, 14, True), right_inner)

    number, place = table.rows[1].cells
    p = number.paragraphs[0]
    _style(p, "NV Giữa")
    p.add_run(head.number_line).font.size = Pt(13)
    p = place.paragraphs[0]
    _style(p, "NV Giữa")
    run = p.add_run(head.place_date)
    run.italic, run.font.size = True, Pt(14)


def _title(doc: DocxDocument, report: PeriodReport) -> None:
    p = _para(doc, report.title, "NV Giữa", bold=True)
    p.paragraph_format.space_before = Pt(18)
    p = _para(doc, report.summary, "NV Giữa", bold=True)
    _rule(doc, 3.5, TEXT_WIDTH_CM)
    _para(doc, report.intro).paragraph_format.space_before = Pt(12)


def _pct(part: int, whole: int) -> str:
    return format_vn(Decimal(part) * 100 / whole, 1) if whole else "0"


def _cell_text(cell: _Cell, text: str, style: str = "NV Bảng", *, bold: bool = False) -> None:
    paragraph = _style(cell.paragraphs[0], style)
    if text:
        run = paragraph.add_run(text)
        if bold:
            run.bold = True


def _grid(doc: DocxDocument, columns: tuple[tuple[str, float], ...]) -> Table:
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, (_, width) in zip(table.columns, columns, strict=True):
        column.width = Cm(width)
    for cell, (title, width) in zip(table.rows[0].cells, columns, strict=True):
        cell.width = Cm(width)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _cell_text(cell, title, "NV Bảng tiêu đề")
    # Repeat the header row on every page of a long table.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))
    return table


@dataclass(frozen=True)
class Cell:
    text: str
    style: str = "NV Bảng"
    bold: bool = False
    merge: str | None = None  # "restart" | "continue": a vertical merge, as Word writes it
    keep_with_next: bool = False  # the row stays on the page of the next one (a task's target rows)


def _cell_xml(cell: Cell, width_twips: int) -> str:
    merge = f'<w:vMerge w:val="{cell.merge}"/>' if cell.merge else ""
    run = ""
    if cell.text:
        bold = "<w:rPr><w:b/></w:rPr>" if cell.bold else ""
        parts = [escape(line) for line in cell.text.split("\n")]
        text = '</w:t><w:br/><w:t xml:space="preserve">'.join(parts)
        run = f'<w:r>{bold}<w:t xml:space="preserve">{text}</w:t></w:r>'
    keep = "<w:keepNext/>" if cell.keep_with_next else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width_twips}" w:type="dxa"/>{merge}</w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{_STYLE_IDS[cell.style]}"/>{keep}</w:pPr>{run}</w:p></w:tc>'
    )


def _append_rows(table: Table, columns: tuple[tuple[str, float], ...], rows: list[list[Cell]]) -> None:
    """Add body rows in one XML parse: python-docx's add_row and cell setters cost ~1 ms a cell,
    seconds for a province's thousand tasks. No row breaks across a page (w:cantSplit)."""
    widths = [int(Cm(width).twips) for _, width in columns]
    body = "".join(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        + "".join(_cell_xml(c, w) for c, w in zip(row, widths, strict=True))
        + "</w:tr>"
        for row in rows
    )
    parsed = parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>")
    tbl = table._tbl
    for tr in list(parsed):
        tbl.append(tr)


def _overall(doc: DocxDocument, report: PeriodReport) -> None:
    _para(doc, "I. KẾT QUẢ CHUNG", "NV Đề mục")
    total = report.total
    _para(doc, f"Tổng số nhiệm vụ theo dõi: {format_vn(total)} nhiệm vụ, trong đó:")
    for key, label in report.status_labels.items():
        count = report.counts.get(key, 0)
        _para(doc, f"- {label}: {format_vn(count)} nhiệm vụ, chiếm {_pct(count, total)}%;")
    levels = [t.attainment for t in report.tasks if t.reportable and t.attainment is not None]
    if levels:
        mean = sum(levels) / len(levels)
        _para(
            doc,
            f"Mức độ đạt chỉ tiêu bình quân của {format_vn(len(levels))} nhiệm vụ có số liệu: "
            f"{format_vn(mean, 1)}% (mỗi chỉ tiêu tính tối đa 100%).",
        )
    if report.provincial:
        columns = (
            ("STT", 1.2),
            ("Cơ quan, đơn vị", 3.9),
            ("Tổng số", 1.4),
            ("HT đúng hạn", 1.6),
            ("HT quá hạn", 1.6),
            ("Trong hạn", 1.6),
            ("Quá hạn", 1.6),
            ("Chưa triển khai", 1.8),
            ("Đạt BQ (%)", 1.8),
        )
        table = _grid(doc, columns)
        for index, block in enumerate(report.plans, 1):
            cells = table.add_row().cells
            values = [str(index), block.agency, format_vn(sum(block.counts.values()))]
            values += [format_vn(block.counts[key]) for key in report.status_labels]
            values.append(format_vn(block.attainment, 1) if block.attainment is not None else "—")
            for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
                _cell_text(cell, value, "NV Bảng" if i == 1 else "NV Bảng số" if i > 1 else "NV Bảng giữa")
        _para(doc, "")
    caption, png = attainment_chart(report)
    picture = _style(doc.add_paragraph(), "NV Giữa")
    picture.add_run().add_picture(io.BytesIO(png), width=Cm(15.5))
    _para(doc, f"Biểu đồ: {caption}", "NV Giữa", italic=True).paragraph_format.space_after = Pt(6)


def _target_cells(task: TaskLine) -> list[tuple[str, str, str]]:
    if task.targets:
        return [
            (
                f"{t.name}: {t.target}",
                f"{format_vn(t.actual)} {t.unit}".strip() if t.actual is not None else "Chưa có số liệu",
                format_vn(t.attainment, 1) if t.attainment is not None else "—",
            )
            for t in task.targets
        ]
    if not task.reportable:
        return [("", "", "")]
    done = (
        f"{format_vn(task.percent_done)}% khối lượng" if task.percent_done is not None else "Chưa có số liệu"
    )
    return [
        (
            "Khối lượng công việc",
            done,
            format_vn(task.percent_done, 1) if task.percent_done is not None else "—",
        )
    ]


def _task_table(doc: DocxDocument, tasks: list[TaskLine]) -> None:
    table = _grid(doc, TASK_COLUMNS)
    rows: list[list[Cell]] = []
    for task in tasks:
        lines = _target_cells(task)
        heading = not task.reportable
        for i, (target, actual, level) in enumerate(lines):
            # The task's own cells run down its target rows as one merged cell (w:vMerge).
            merge = None if len(lines) == 1 else "restart" if i == 0 else "continue"
            own = i == 0
            # A merged task's rows stay on one page: each but the last keeps with the next.
            keep = i < len(lines) - 1
            rows.append(
                [
                    Cell(task.code if own else "", "NV Bảng giữa", heading, merge, keep),
                    Cell(task.title if own else "", "NV Bảng", heading, merge, keep),
                    Cell(task.lead_unit if own else "", "NV Bảng", False, merge, keep),
                    Cell(target, "NV Bảng", keep_with_next=keep),
                    Cell(actual, "NV Bảng số", keep_with_next=keep),
                    Cell(level, "NV Bảng số", keep_with_next=keep),
                    Cell(
                        task.status_label if own and task.reportable else "",
                        "NV Bảng giữa",
                        False,
                        merge,
                        keep,
                    ),
                ]
            )
    _append_rows(table, TASK_COLUMNS, rows)


def _by_task(doc: DocxDocument, report: PeriodReport) -> None:
    _para(doc, "II. KẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ", "NV Đề mục")
    for index, block in enumerate(report.plans, 1):
        if report.provincial:
            _para(doc, f"{index}. {block.agency}", "NV Đề mục")
        _task_table(doc, block.tasks)
        _para(doc, "").paragraph_format.space_after = Pt(0)


def _attention(doc: DocxDocument, report: PeriodReport) -> None:
    _para(doc, "III. NHIỆM VỤ CHẬM TIẾN ĐỘ, CÓ NGUY CƠ CHẬM TIẾN ĐỘ", "NV Đề mục")
    if not report.attention:
        _para(doc, "Không có nhiệm vụ chậm tiến độ hoặc có nguy cơ chậm tiến độ.")
        return
    overdue = sum(1 for t in report.attention if not t.at_risk)
    silent = sum(1 for t in report.attention if t.no_data)
    parts = []
    if overdue:
        parts.append(f"{format_vn(overdue)} nhiệm vụ đang thực hiện quá hạn")
    if len(report.attention) - overdue - silent:
        parts.append(
            f"{format_vn(len(report.attention) - overdue - silent)} nhiệm vụ có nguy cơ chậm tiến độ"
        )
    if silent:
        parts.append(f"{format_vn(silent)} nhiệm vụ chưa có số liệu để đánh giá tiến độ")
    _para(doc, f"Có {', '.join(parts[:-1]) + ' và ' if len(parts) > 1 else ''}{parts[-1]}:")
    columns: tuple[tuple[str, float], ...] = (
        ("STT", 1.2),
        ("Nhiệm vụ", 5.3),
        ("Đơn vị chủ trì", 3.0),
        ("Thời hạn", 2.5),
        ("Tình hình", 4.5),
    )
    if report.provincial:
        columns = (
            ("STT", 1.2),
            ("Nhiệm vụ", 4.2),
            ("Cơ quan", 2.6),
            ("Đơn vị chủ trì", 2.4),
            ("Thời hạn", 2.5),
            ("Tình hình", 3.6),
        )
    table = _grid(doc, columns)
    rows = []
    for task in report.attention:
        values = [task.code, task.title]
        if report.provincial:
            values.append(task.agency)
        values += [task.lead_unit, vn_date(task.deadline), task.at_risk or task.status_label]
        rows.append(
            [
                Cell(v, "NV Bảng giữa" if i in (0, len(values) - 2) else "NV Bảng")
                for i, v in enumerate(values)
            ]
        )
    _append_rows(table, columns, rows)


def _obstacles(doc: DocxDocument, report: PeriodReport) -> None:
    _para(doc, "IV. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ", "NV Đề mục")
    if not report.leaders:
        _para(doc, "Trong kỳ, các đơn vị không báo cáo khó khăn, vướng mắc.")
        return
    for index, group in enumerate(report.leaders, 1):
        _para(doc, f"{index}. Các nhiệm vụ do {group.leader} chỉ đạo", bold=True, italic=True)
        for item in group.obstacles:
            text = (
                f"- Nhiệm vụ {item.task_code} ({item.unit}, {item.period}): {item.description.rstrip('.;')}."
            )
            if item.needs:
                text += f" Đề nghị: {item.needs.rstrip('.;')}"
                text += f" ({item.addressed_to})." if item.addressed_to else "."
            text += f" Tình trạng: {item.status_label.lower()}"
            text += f" — {item.answer.rstrip('.')}." if item.answer else "."
            _para(doc, text)
        for proposal in group.proposals:
            _para(doc, f"- Kiến nghị của {proposal.unit} (nhiệm vụ {proposal.task_code}): {proposal.text}")


def _priorities(doc: DocxDocument, report: PeriodReport) -> None:
    _para(doc, f"V. NHIỆM VỤ TRỌNG TÂM {period_phrase(report.next_label).upper()}", "NV Đề mục")
    if not report.priorities:
        _para(
            doc,
            "Tiếp tục triển khai các nhiệm vụ theo kế hoạch; không có mốc, thời hạn đến hạn trong kỳ tới.",
        )
        return
    _para(doc, "Tập trung chỉ đạo hoàn thành các mốc tiến độ, thời hạn sau:")
    for item in report.priorities:
        when = f"Trước ngày {vn_date(item.day)}" if item.day else "Trong kỳ"
        late = " (đã quá hạn, cần hoàn thành ngay)" if item.overdue else ""
        unit = f", {item.unit} chủ trì" if item.unit else ""
        _para(doc, f"- {when}: {item.text} — nhiệm vụ {item.task_code}{unit}{late}.")


def _closing(doc: DocxDocument, report: PeriodReport) -> None:
    phrase = period_phrase(report.period_label)
    who = report.letterhead.agency_name
    if report.provincial:
        text = f"Trên đây là báo cáo tổng hợp kết quả thực hiện các nhiệm vụ trọng tâm {phrase}./."
    else:
        text = (
            f"Trên đây là báo cáo kết quả thực hiện các nhiệm vụ trọng tâm {phrase} của {who}, "
            "kính báo cáo UBND tỉnh theo quy định./."
        )
    _para(doc, text)
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9.0)
    p = left.paragraphs[0]
    _style(p, "NV Nơi nhận")
    run = p.add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in report.recipients:
        _para(left, f"- {line}", "NV Nơi nhận")
    p = right.paragraphs[0]
    _style(p, "NV Giữa")
    p.add_run(report.signer_prefix).bold = True
    _para(right, report.signer_title, "NV Giữa", bold=True)
    for _ in range(4):
        _para(right, "", "NV Giữa")
    _para(right, report.signer_name, "NV Giữa", bold=True)
    # Never split the recipients from the signature across pages.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    # A body must end in a paragraph; a thin one, so it never spills onto a blank last page.
    tail = _style(doc.add_paragraph(), "NV Giữa")
    tail.paragraph_format.line_spacing = Pt(2)


def render_docx(report: PeriodReport) -> bytes:
    """The .docx bytes of a consolidated report."""
    doc = Document()
    _styles(doc)
    _page(doc)
    # The default template opens with an empty paragraph; the letterhead table must come first.
    body = doc.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    _letterhead(doc, report)
    _title(doc, report)
    _overall(doc, report)
    _by_task(doc, report)
    _attention(doc, report)
    _obstacles(doc, report)
    _priorities(doc, report)
    _closing(doc, report)
    doc.core_properties.title = f"{report.title} {report.summary}"
    doc.core_properties.author = report.letterhead.agency
    doc.core_properties.language = "vi-VN"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
