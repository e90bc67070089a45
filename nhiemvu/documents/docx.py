"""The consolidated report as a Word document in the format of Decree 30/2020/NĐ-CP (Appendix I).

Real paragraphs and tables throughout, so Planning-Finance can edit the text in Word before it
goes for signature; only the chart is a picture. Formatting lives in named styles rather than on
each run: the document stays small and a clerk can restyle it in one place.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Mm, Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from nhiemvu.lib.vnnumbers import format_vn

from .chart import attainment_chart
from .data import Letterhead, PeriodReport, TaskLine
from .unit_report import UnitReport
from .wording import capitalised, in_sentence, period_phrase, quantity, vn_date

FONT = "Times New Roman"
# Name → id of the report's own paragraph styles; the same for every document this module builds.
_STYLE_IDS: dict[str, str] = {}
# Decree 30/2020, Appendix I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
# Word keeps margins in twips: 15 mm would be stored as 850 twips, 14,99 mm; 851 is 15,01 mm.
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Twips(851)}
TEXT_WIDTH_CM = 21.0 - 3.0 - 1.5
LEFT_COL_CM, RIGHT_COL_CM = 6.3, 10.2
CELL_PADDING_CM = 0.19 * 2  # Word's default left + right cell margins
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
            # Word checks spelling in Vietnamese, whatever the reader's own language.
            rpr = rpr_default.find(qn("w:rPr"))
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                rpr.append(lang)
            for key in ("w:val", "w:eastAsia"):
                lang.set(qn(key), "vi-VN")
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
    compact = styles.add_style("NV Bảng nhỏ", WD_STYLE_TYPE.PARAGRAPH)
    compact.base_style = cell
    compact.font.size = Pt(10)
    compact_number = styles.add_style("NV Bảng nhỏ số", WD_STYLE_TYPE.PARAGRAPH)
    compact_number.base_style = compact
    compact_number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
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


def _rule(container: DocxDocument | _Cell, width_cm: float, available_cm: float, gap: float = 3) -> None:
    """A centred horizontal line: the top border of an empty paragraph narrowed by its indents."""
    paragraph = _style(container.add_paragraph(), "NV Giữa")
    indent = max((available_cm - width_cm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent)
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(gap), Pt(0), 1.0
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


def _letterhead(doc: DocxDocument, head: Letterhead, *, place_date: str | None = None) -> None:
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
    run = p.add_run(place_date if place_date is not None else head.place_date)
    run.italic, run.font.size = True, Pt(14)


def _title(doc: DocxDocument, title: str, summary: str, intro: str, *, rule_for: str | None = None) -> None:
    p = _para(doc, title, "NV Giữa", bold=True)
    p.paragraph_format.space_before = Pt(18)
    p = _para(doc, summary, "NV Giữa", bold=True)
    # The rule under the trích yếu: 1/3 to 1/2 of its line (Decree 30/2020, App. I), here 2/5.
    line = min(_text_width_cm(rule_for or summary, 14, True), TEXT_WIDTH_CM)
    _rule(doc, line * 0.4, TEXT_WIDTH_CM, gap=8)  # clear of the descenders above
    _para(doc, intro).paragraph_format.space_before = Pt(12)


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


def _share(part: int, whole: int) -> str:
    return f"{_pct(part, whole)}%"


def _status_counts(counts: dict[str, int], labels: dict[str, str]) -> list[str]:
    """`2 nhiệm vụ hoàn thành đúng hạn (33,3%)` for each category that has any: no empty ones."""
    total = sum(counts.values())
    return [
        f"{format_vn(counts[key])} nhiệm vụ {in_sentence(label)} ({_share(counts[key], total)})"
        for key, label in labels.items()
        if counts.get(key)
    ]


def _assessment(report: PeriodReport) -> str:
    """The opening judgement of section I, from the counts: what was done, what is late."""
    counts, total = report.counts, report.total
    done = counts.get("completed_on_time", 0) + counts.get("completed_late", 0)
    overdue = counts.get("overdue", 0)
    who = (
        "các cơ quan, đơn vị"
        if report.provincial
        else "các phòng, đơn vị thuộc " + report.letterhead.agency_name
    )
    text = (
        f"Trong {period_phrase(report.period_label)}, {who} đã tập trung triển khai {format_vn(total)} "
        f"nhiệm vụ trọng tâm theo kế hoạch"
    )
    if done:
        text += f"; đến nay đã hoàn thành {format_vn(done)} nhiệm vụ, đạt {_share(done, total)}"
    else:
        text += "; đến nay chưa có nhiệm vụ nào hoàn thành"
    if overdue:
        text += f", còn {format_vn(overdue)} nhiệm vụ chậm so với thời hạn cần tập trung chỉ đạo"
    elif total and not overdue:
        text += ", không có nhiệm vụ chậm so với thời hạn"
    return text + "."


def _overall(doc: DocxDocument, report: PeriodReport) -> None:
    _para(doc, "I. KẾT QUẢ CHUNG", "NV Đề mục")
    _para(doc, _assessment(report))
    parts = _status_counts(report.counts, report.status_labels)
    if parts:
        _para(doc, f"Tổng số {format_vn(report.total)} nhiệm vụ theo dõi, trong đó:")
        for i, part in enumerate(parts):
            _para(doc, f"- {part}{'.' if i == len(parts) - 1 else ';'}")
    levels = [t.attainment for t in report.tasks if t.reportable and t.attainment is not None]
    if levels:
        mean = sum(levels) / len(levels)
        _para(
            doc,
            f"Mức độ đạt chỉ tiêu bình quân của {format_vn(len(levels))} nhiệm vụ có số liệu là "
            f"{format_vn(mean, 1)}% (mỗi chỉ tiêu tính tối đa 100%).",
        )
    if report.provincial:
        _agency_table(doc, report)
    if report.cascade is not None:
        _cascade_table(doc, report)
    caption, png = attainment_chart(report)
    picture = _style(doc.add_paragraph(), "NV Giữa")
    picture.add_run().add_picture(io.BytesIO(png), width=Cm(15.5))
    _para(doc, f"Biểu đồ: {caption}", "NV Giữa", italic=True).paragraph_format.space_after = Pt(6)


AGENCY_COLUMNS = (
    ("STT", 1.0),
    ("Cơ quan, đơn vị", 4.1),
    ("Tổng số nhiệm vụ", 1.6),
    ("Hoàn thành đúng hạn", 1.9),
    ("Tỷ lệ HT đúng hạn (%)", 1.9),
    ("Quá hạn", 1.5),
    ("Báo cáo đúng hạn", 2.1),
    ("Xếp hạng", 1.4),
)


def _agency_table(doc: DocxDocument, report: PeriodReport) -> None:
    """The provincial summary: one row per agency, ranked by the share of tasks done on time, then
    by reports sent on time (what the Home Affairs department weighs in the yearly evaluation)."""
    _para(doc, "Kết quả của từng cơ quan, đơn vị (xếp hạng theo tỷ lệ nhiệm vụ hoàn thành đúng hạn):")
    rows = report.agency_rows
    table = _grid(doc, AGENCY_COLUMNS)
    cells = [
        [
            Cell(str(i), "NV Bảng giữa"),
            Cell(row.agency),
            Cell(format_vn(row.total), "NV Bảng số"),
            Cell(format_vn(row.done_on_time), "NV Bảng số"),
            Cell(format_vn(row.on_time_share, 1), "NV Bảng số"),
            Cell(format_vn(row.overdue), "NV Bảng số"),
            Cell(f"{format_vn(row.reports_on_time)}/{format_vn(row.reports_due)}", "NV Bảng số"),
            Cell(format_vn(row.rank), "NV Bảng giữa"),
        ]
        for i, row in enumerate(rows, 1)
    ]
    _append_rows(table, AGENCY_COLUMNS, cells)
    _para(doc, "")


CASCADE_COLUMNS = (
    ("STT", 1.0),
    ("Cơ quan, đơn vị", 4.0),
    ("Được giao", 1.5),
    ("HT đúng hạn", 1.6),
    ("HT quá hạn", 1.5),
    ("Đang thực hiện", 1.6),
    ("Quá hạn", 1.4),
    ("Chưa triển khai", 1.6),
    ("Xếp hạng", 1.3),
)


def _cascade_table(doc: DocxDocument, report: PeriodReport) -> None:
    """The tasks the province's decision assigned, agency by agency, as the tasks carrying them out
    stand; then the ones no agency task carries out yet."""
    section = report.cascade
    assert section is not None
    _para(
        doc,
        f"Kết quả thực hiện {format_vn(len(section.tasks))} nhiệm vụ được giao tại {section.decision} "
        "(tổng hợp từ các nhiệm vụ cơ quan triển khai; xếp hạng theo tỷ lệ hoàn thành đúng hạn):",
    )
    table = _grid(doc, CASCADE_COLUMNS)
    cells = [
        [
            Cell(str(i), "NV Bảng giữa"),
            Cell(row.agency),
            Cell(format_vn(row.assigned), "NV Bảng số"),
            Cell(format_vn(row.done_on_time), "NV Bảng số"),
            Cell(format_vn(row.count("completed_late")), "NV Bảng số"),
            Cell(format_vn(row.count("in_progress")), "NV Bảng số"),
            Cell(format_vn(row.overdue), "NV Bảng số"),
            Cell(format_vn(row.uncovered), "NV Bảng số"),
            Cell(format_vn(row.rank), "NV Bảng giữa"),
        ]
        for i, row in enumerate(section.standings, 1)
    ]
    _append_rows(table, CASCADE_COLUMNS, cells)
    if section.uncovered:
        listed = "; ".join(f"{t.agency}: nhiệm vụ {t.code}" for t in section.uncovered[:10])
        more = (
            f" và {format_vn(len(section.uncovered) - 10)} nhiệm vụ khác"
            if len(section.uncovered) > 10
            else ""
        )
        _para(
            doc,
            f"Có {format_vn(len(section.uncovered))} nhiệm vụ tỉnh giao chưa được cơ quan cụ thể hóa thành "
            f"nhiệm vụ trong kế hoạch của mình ({listed}{more}); đề nghị các cơ quan bổ sung.",
        )
    _para(doc, "")


def _target_cells(task: TaskLine) -> list[tuple[str, str, str]]:
    if task.targets:
        return [
            (
                f"{t.name}: {t.planned}",
                quantity(t.actual, t.unit) if t.actual is not None else "Chưa có số liệu",
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


# The appendix is landscape: 297 - 30 - 15 mm of text width.
APPENDIX_COLUMNS = (
    ("STT", 1.2),
    ("Nhiệm vụ", 7.0),
    ("Đơn vị chủ trì", 3.4),
    ("Chỉ tiêu", 5.0),
    ("Thực hiện", 3.0),
    ("Tỷ lệ đạt (%)", 1.9),
    ("Tình trạng", 2.7),
)
# The province's appendix: one compact row per task (a province has hundreds), its agency named.
PROVINCIAL_APPENDIX_COLUMNS = (
    ("STT", 1.3),
    ("Cơ quan", 3.0),
    ("Nhiệm vụ", 5.8),
    ("Đơn vị chủ trì", 2.6),
    ("Kết quả thực hiện chỉ tiêu", 8.0),
    ("Tỷ lệ đạt (%)", 1.4),
    ("Tình trạng", 2.6),
)


def _compact_results(task: TaskLine) -> str:
    if task.targets:
        return "; ".join(
            f"{capitalised(t.name)}: "
            + (
                f"{quantity(t.actual, t.unit)}/{t.planned}"
                if t.actual is not None
                else f"chưa có số liệu ({t.planned})"
            )
            for t in task.targets
        )
    if task.percent_done is not None:
        return f"Khối lượng công việc: {format_vn(task.percent_done)}%"
    return "Chưa có số liệu" if task.reportable else ""


def _provincial_task_table(doc: DocxDocument, tasks: list[TaskLine]) -> None:
    columns = PROVINCIAL_APPENDIX_COLUMNS
    table = _grid(doc, columns)
    rows = [
        [
            Cell(task.code, "NV Bảng nhỏ", not task.reportable),
            Cell(task.agency, "NV Bảng nhỏ"),
            Cell(task.title, "NV Bảng nhỏ", not task.reportable),
            Cell(task.lead_unit, "NV Bảng nhỏ"),
            Cell(_compact_results(task), "NV Bảng nhỏ"),
            Cell(format_vn(task.attainment, 1) if task.attainment is not None else "", "NV Bảng nhỏ số"),
            Cell(task.status_label if task.reportable else "", "NV Bảng nhỏ"),
        ]
        for task in tasks
    ]
    _append_rows(table, columns, rows)


def _task_table(doc: DocxDocument, tasks: list[TaskLine], *, provincial: bool = False) -> None:
    if provincial:
        _provincial_task_table(doc, tasks)
        return
    columns = APPENDIX_COLUMNS
    table = _grid(doc, columns)
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
            row = [
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
            rows.append(row)
    _append_rows(table, columns, rows)


def _task_account(doc: DocxDocument, task: TaskLine) -> None:
    """One task in section II: its heading, who leads it and where it stands, the unit's own
    account of results, then each target's figures in words."""
    _para(doc, f"{task.code}. {task.title.rstrip('.;')}", bold=True)
    if not task.reportable:
        return
    status = in_sentence(task.status_label)
    lead = f"{task.lead_unit} chủ trì; " if task.lead_unit else ""
    _para(doc, f"{lead}tình trạng: {status}.".capitalize() if not lead else f"{lead}tình trạng: {status}.")
    if task.narrative.strip():
        for line in task.narrative.strip().splitlines():
            if line.strip():
                _para(doc, line.strip())
    elif not task.targets and task.percent_done is None:
        _para(doc, "Đơn vị chưa báo cáo kết quả trong kỳ.")
    for t in task.targets:
        _para(doc, f"- {capitalised(t.name)}: {t.result}.")
    if not task.targets and task.percent_done is not None:
        _para(doc, f"- Khối lượng công việc hoàn thành khoảng {format_vn(task.percent_done)}%.")


def _by_task(doc: DocxDocument, report: PeriodReport) -> None:
    _para(doc, "II. KẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ", "NV Đề mục")
    if not report.provincial:
        for task in report.plans[0].tasks if report.plans else []:
            _task_account(doc, task)
        return
    # The province reads each agency in a few lines; every task is in the appendix.
    for index, block in enumerate(report.plans, 1):
        _para(doc, f"{index}. {block.agency}", bold=True)
        parts = _status_counts(block.counts, report.status_labels)
        total = sum(block.counts.values())
        text = f"{block.agency} theo dõi {format_vn(total)} nhiệm vụ"
        text += f": {', '.join(parts)}." if parts else "."
        _para(doc, text)
        if block.attainment is not None:
            _para(doc, f"Mức độ đạt chỉ tiêu bình quân: {format_vn(block.attainment, 1)}%.")


def _leader_heading(leader: str) -> str:
    if leader.startswith("Chưa"):
        return "Các nhiệm vụ chưa phân công lãnh đạo chỉ đạo"
    return f"Các nhiệm vụ do {in_sentence(leader)} chỉ đạo"


def _codes(tasks: list[TaskLine], limit: int = 5) -> str:
    codes = ", ".join(t.code for t in tasks[:limit])
    return codes + (f" và {format_vn(len(tasks) - limit)} nhiệm vụ khác" if len(tasks) > limit else "")


def _provincial_shortcomings(doc: DocxDocument, report: PeriodReport) -> None:
    """One line per agency that has late or at-risk tasks or obstacles; the tasks are in the appendix."""
    by_agency: dict[str, dict[str, list[Any]]] = {}
    for t in report.attention:
        kind = "overdue" if not t.at_risk else "silent" if t.no_data else "at_risk"
        by_agency.setdefault(t.agency, {}).setdefault(kind, []).append(t)
    for group in report.leaders:
        for o in group.obstacles:
            by_agency.setdefault(o.agency, {}).setdefault("obstacles", []).append(o)
    if not by_agency:
        _para(
            doc,
            "Trong kỳ, các nhiệm vụ được triển khai đúng tiến độ; các cơ quan không báo cáo khó khăn, vướng mắc.",
        )
        return
    _para(
        doc,
        "Các cơ quan, đơn vị còn nhiệm vụ chậm, có nguy cơ chậm tiến độ hoặc có khó khăn, vướng mắc (chi tiết tại Phụ lục):",
    )
    for agency in sorted(by_agency):
        kinds = by_agency[agency]
        parts = []
        if kinds.get("overdue"):
            parts.append(
                f"{format_vn(len(kinds['overdue']))} nhiệm vụ quá hạn chưa hoàn thành (nhiệm vụ {_codes(kinds['overdue'])})"
            )
        if kinds.get("at_risk"):
            parts.append(f"{format_vn(len(kinds['at_risk']))} nhiệm vụ có nguy cơ chậm tiến độ")
        if kinds.get("silent"):
            parts.append(f"{format_vn(len(kinds['silent']))} nhiệm vụ chưa có số liệu để đánh giá")
        if kinds.get("obstacles"):
            parts.append(f"{format_vn(len(kinds['obstacles']))} khó khăn, vướng mắc được báo cáo")
        _para(doc, f"- {agency}: {'; '.join(parts)}.")


def _shortcomings(doc: DocxDocument, report: PeriodReport) -> None:
    _para(doc, "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "NV Đề mục")
    if report.provincial:
        _provincial_shortcomings(doc, report)
        return
    overdue = [t for t in report.attention if not t.at_risk]
    at_risk = [t for t in report.attention if t.at_risk and not t.no_data]
    silent = [t for t in report.attention if t.no_data]
    obstacles = [(g, o) for g in report.leaders for o in g.obstacles]
    if not (overdue or at_risk or silent or obstacles):
        _para(
            doc,
            "Trong kỳ, các nhiệm vụ được triển khai đúng tiến độ; các đơn vị không báo cáo khó khăn, vướng mắc.",
        )
        return
    agency = (lambda t: f", {t.agency}") if report.provincial else (lambda t: "")
    if overdue:
        _para(doc, f"- {format_vn(len(overdue))} nhiệm vụ đã quá thời hạn nhưng chưa hoàn thành:")
        for t in overdue:
            due = f", hạn {vn_date(t.deadline)}" if t.deadline else ""
            _para(
                doc,
                f"+ Nhiệm vụ {t.code} ({t.lead_unit or 'chưa giao đơn vị chủ trì'}{agency(t)}{due}): {t.title.rstrip('.;')}.",
            )
    if at_risk:
        _para(doc, f"- {format_vn(len(at_risk))} nhiệm vụ có nguy cơ chậm tiến độ:")
        for t in at_risk:
            _para(
                doc,
                f"+ Nhiệm vụ {t.code} ({t.lead_unit or 'chưa giao đơn vị chủ trì'}{agency(t)}): {in_sentence(t.at_risk).rstrip('.')}.",
            )
    if silent:
        codes = ", ".join(t.code for t in silent)
        _para(
            doc,
            f"- {format_vn(len(silent))} nhiệm vụ chưa có số liệu để đánh giá tiến độ (nhiệm vụ {codes}).",
        )
    if obstacles:
        _para(doc, "- Khó khăn, vướng mắc các đơn vị báo cáo:")
        for group in report.leaders:
            if not group.obstacles:
                continue
            _para(doc, f"{_leader_heading(group.leader)}:", italic=True)
            for item in group.obstacles:
                text = (
                    f"+ Nhiệm vụ {item.task_code} ({item.unit}, {in_sentence(item.period)}): "
                    f"{in_sentence(item.description.strip()).rstrip('.;')}"
                )
                text += f"; tình trạng: {in_sentence(item.status_label)}"
                text += f" ({item.answer.rstrip('.')})." if item.answer else "."
                _para(doc, text)


_TO_PROVINCE = re.compile(r"UBND\s+tỉnh|Ủy\s+ban\s+nhân\s+dân\s+tỉnh|Chủ\s+tịch|tỉnh\b", re.IGNORECASE)
PROVINCIAL_PROPOSALS_SHOWN = 15


def _provincial_proposals(doc: DocxDocument, report: PeriodReport) -> None:
    """What the agencies ask of the province, each naming its agency; the rest counted."""
    asks, others = [], 0
    for group in report.leaders:
        for o in group.obstacles:
            if o.needs and _TO_PROVINCE.search(f"{o.addressed_to} {o.needs}"):
                asks.append(
                    f"- {o.agency} ({o.unit}, nhiệm vụ {o.task_code}) đề nghị {in_sentence(o.needs.strip()).rstrip('.;')}."
                )
            elif o.needs:
                others += 1
        for pr in group.proposals:
            if _TO_PROVINCE.search(pr.text):
                asks.append(
                    f"- {pr.agency} ({pr.unit}, nhiệm vụ {pr.task_code}) kiến nghị: {in_sentence(pr.text.strip()).rstrip('.;')}."
                )
            else:
                others += 1
    if not asks and not others:
        _para(doc, "Trong kỳ, các cơ quan, đơn vị không có kiến nghị, đề xuất.")
        return
    if asks:
        _para(doc, "Các kiến nghị, đề xuất gửi Ủy ban nhân dân tỉnh:")
        for line in asks[:PROVINCIAL_PROPOSALS_SHOWN]:
            _para(doc, line)
        if len(asks) > PROVINCIAL_PROPOSALS_SHOWN:
            others += len(asks) - PROVINCIAL_PROPOSALS_SHOWN
    if others:
        _para(
            doc,
            f"Ngoài ra có {format_vn(others)} kiến nghị, đề xuất khác do các cơ quan giải quyết theo thẩm quyền (chi tiết trong tệp tổng hợp .xlsx).",
        )


def _proposals(doc: DocxDocument, report: PeriodReport) -> None:
    _para(doc, "IV. KIẾN NGHỊ, ĐỀ XUẤT", "NV Đề mục")
    if report.provincial:
        _provincial_proposals(doc, report)
        return
    lines = []
    for group in report.leaders:
        for item in group.obstacles:
            if item.needs:
                to = f"{item.addressed_to} " if item.addressed_to else ""
                needs = in_sentence(item.needs.strip()).rstrip(".;")
                lines.append(f"- {item.unit} (nhiệm vụ {item.task_code}) đề nghị {to}{needs}.")
        for proposal in group.proposals:
            text = in_sentence(proposal.text.strip()).rstrip(".;")
            lines.append(f"- {proposal.unit} (nhiệm vụ {proposal.task_code}) kiến nghị: {text}.")
    if not lines:
        _para(doc, "Trong kỳ, các đơn vị không có kiến nghị, đề xuất.")
    for line in lines:
        _para(doc, line)


def _priorities(doc: DocxDocument, report: PeriodReport) -> None:
    _para(doc, f"V. NHIỆM VỤ TRỌNG TÂM {period_phrase(report.next_label).upper()}", "NV Đề mục")
    if not report.priorities:
        _para(
            doc,
            "Tiếp tục triển khai các nhiệm vụ theo kế hoạch; không có mốc, thời hạn đến hạn trong kỳ tới.",
        )
        return
    if report.provincial:
        counts: dict[str, list[int]] = {}
        for item in report.priorities:
            tally = counts.setdefault(report.agency_of_task.get(item.task_id, ""), [0, 0])
            tally[0] += 1
            tally[1] += item.overdue
        _para(doc, "Các cơ quan, đơn vị tập trung hoàn thành các mốc tiến độ, thời hạn đến hạn trong kỳ tới:")
        for agency, (due, late) in sorted(counts.items()):
            if due:
                extra = f", trong đó {format_vn(late)} mốc đã quá hạn cần hoàn thành ngay" if late else ""
                _para(doc, f"- {agency}: {format_vn(due)} mốc tiến độ, thời hạn{extra}.")
        return
    _para(doc, "Tập trung chỉ đạo hoàn thành các mốc tiến độ, thời hạn sau:")
    for item in report.priorities:
        unit = f" ({item.unit} chủ trì)" if item.unit else ""
        what = (
            "hoàn thành nhiệm vụ" if item.kind == "deadline" else in_sentence(item.text.strip()).rstrip(".;")
        )
        if item.overdue:
            since = f" từ ngày {vn_date(item.day)}" if item.day else ""
            when = f"đã quá hạn{since}, cần tập trung hoàn thành ngay"
        else:
            when = f"thời hạn trước ngày {vn_date(item.day)}" if item.day else "trong kỳ"
        _para(doc, f"- Nhiệm vụ {item.task_code}{unit}: {what}; {when}.")


def _appendix_section(doc: DocxDocument, title: str, note: str) -> None:
    """A landscape section after the signature, headed as the appendix such reports carry."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    _para(doc, "PHỤ LỤC", "NV Giữa", bold=True)
    _para(doc, title, "NV Giữa", bold=True)
    _para(doc, note, "NV Giữa", italic=True)


def appendix_title(report: PeriodReport) -> str:
    return f"KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ TRỌNG TÂM {period_phrase(report.period_label).upper()}"


def appendix_note(report: PeriodReport) -> str:
    head = report.letterhead
    return (
        f"(Kèm theo Báo cáo số {head.number or '      '}/BC-{head.symbol} ngày {vn_date(head.date)} "
        f"của {head.agency_name})"
    )


def _appendix(doc: DocxDocument, report: PeriodReport) -> None:
    """The detailed table, after the signature."""
    _appendix_section(doc, appendix_title(report), appendix_note(report))
    _task_table(doc, report.tasks, provincial=report.provincial)


def closing_text(report: PeriodReport) -> str:
    phrase = period_phrase(report.period_label)
    if report.provincial:
        return f"Trên đây là báo cáo tổng hợp kết quả thực hiện các nhiệm vụ trọng tâm {phrase}./."
    return (
        f"Trên đây là báo cáo kết quả thực hiện các nhiệm vụ trọng tâm {phrase} của "
        f"{report.letterhead.agency_name}, kính báo cáo UBND tỉnh theo quy định./."
    )


def _closing(doc: DocxDocument, report: PeriodReport) -> None:
    _para(doc, closing_text(report))


def _signature(doc: DocxDocument, recipients: list[str], prefix: str, title: str, name: str) -> None:
    """The Nơi nhận block beside the signature (prefix lines such as TM./KT., the title, room to
    sign, the name); then a thin closing paragraph."""
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9.0)
    p = left.paragraphs[0]
    _style(p, "NV Nơi nhận")
    run = p.add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in recipients:
        _para(left, f"- {line}", "NV Nơi nhận")
    p = right.paragraphs[0]
    _style(p, "NV Giữa")
    prefixes = [line for line in prefix.split("\n") if line.strip()]
    if prefixes:
        p.add_run(prefixes[0]).bold = True
        for line in prefixes[1:]:
            _para(right, line, "NV Giữa", bold=True)
        _para(right, title, "NV Giữa", bold=True)
    else:
        p.add_run(title).bold = True
    for _ in range(4):
        _para(right, "", "NV Giữa")
    _para(right, name, "NV Giữa", bold=True)
    # Never split the recipients from the signature across pages.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    # A body must end in a paragraph; a thin one, so it never spills onto a blank last page.
    tail = _style(doc.add_paragraph(), "NV Giữa")
    tail.paragraph_format.line_spacing = Pt(2)


def _new_document() -> DocxDocument:
    doc = Document()
    _styles(doc)
    _page(doc)
    # The default template opens with an empty paragraph; the letterhead table must come first.
    body = doc.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    return doc


def unit_body(doc: DocxDocument, report: UnitReport) -> None:
    """Sections I–III of a unit's report: results, obstacles, proposals."""
    _para(doc, "I. KẾT QUẢ THỰC HIỆN", "NV Đề mục")
    for line in report.results:
        _para(doc, line)
    for line in report.figures:
        _para(doc, line)
    if not report.results and not report.figures:
        _para(doc, "Trong kỳ chưa có kết quả để báo cáo.")
    _para(doc, "II. KHÓ KHĂN, VƯỚNG MẮC", "NV Đề mục")
    for line in report.obstacles or ["Không có khó khăn, vướng mắc."]:
        _para(doc, line)
    _para(doc, "III. ĐỀ XUẤT, KIẾN NGHỊ", "NV Đề mục")
    for line in report.proposals or ["Không có đề xuất, kiến nghị."]:
        _para(doc, line)
    if report.attachments:
        _para(doc, "Tài liệu kèm theo: " + "; ".join(report.attachments) + ".", italic=True)


def _saved(doc: DocxDocument, title: str, author: str) -> bytes:
    doc.core_properties.title = title
    doc.core_properties.author = author
    doc.core_properties.language = "vi-VN"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_unit_docx(report: UnitReport) -> bytes:
    """The .docx bytes of one unit's period report for one task."""
    doc = _new_document()
    _letterhead(doc, report.letterhead)
    _title(doc, report.title, report.summary, report.intro)
    unit_body(doc, report)
    _para(doc, report.closing)
    _signature(doc, report.recipients, report.signer_prefix, report.signer_title, report.signer_name)
    return _saved(doc, f"{report.title} {report.summary}", report.letterhead.agency)


def period_body(doc: DocxDocument, report: PeriodReport) -> None:
    """Sections I–V of a consolidated report."""
    _overall(doc, report)
    _by_task(doc, report)
    _shortcomings(doc, report)
    _proposals(doc, report)
    _priorities(doc, report)


def appendix_table(doc: DocxDocument, report: PeriodReport) -> None:
    _task_table(doc, report.tasks, provincial=report.provincial)


# Templates (issue 17): the default an agency downloads and edits is the built-in layout with
# placeholders where the figures go; the generated body replaces the {{ body }} paragraph.

_SKELETON_HEAD = Letterhead(
    parent_agency="{{ parent_agency }}",
    agency="{{ agency }}",
    agency_name="",
    symbol="{{ symbol }}",
    number="{{ number }}",
    place="",
    date=dt.date(2000, 1, 1),
)
_RECIPIENT_LOOP = ["{%p for r in recipients %}", "{{ r }}", "{%p endfor %}"]
_PREFIX_LOOP = "{%p for line in signer_prefix_lines %}\n{{ line }}\n{%p endfor %}"


def _skeleton(summary_like: str, *, appendix: bool, title: str) -> bytes:
    doc = _new_document()
    _letterhead(doc, _SKELETON_HEAD, place_date="{{ place_date }}")
    _title(doc, "BÁO CÁO", "{{ summary }}", "{{ intro }}", rule_for=summary_like)
    _para(doc, "{{ body }}")
    _para(doc, "{{ closing }}")
    _signature(doc, _RECIPIENT_LOOP, _PREFIX_LOOP, "{{ signer_title }}", "{{ signer_name }}")
    if appendix:
        _appendix_section(doc, "{{ appendix_title }}", "{{ appendix_note }}")
        _para(doc, "{{ appendix }}")
    return _saved(doc, title, "nhiemvu")


def period_skeleton() -> bytes:
    """The default template of an agency's period report."""
    summary = "Kết quả thực hiện các nhiệm vụ trọng tâm quý II năm 2023"
    return _skeleton(summary, appendix=True, title="Mẫu báo cáo kỳ")


def unit_skeleton() -> bytes:
    """The default template of a unit's report."""
    return _skeleton(
        "Kết quả thực hiện nhiệm vụ 1.3 quý II năm 2023", appendix=False, title="Mẫu báo cáo của đơn vị"
    )


def fill_marker(doc: DocxDocument, marker: str, fill: Callable[[DocxDocument], None]) -> bool:
    """Put what ``fill`` adds at the end of the document where the paragraph reading ``marker``
    stands, and drop that paragraph; False when no paragraph reads it."""
    body = doc.element.body
    target = next(
        (
            p
            for p in body.iterchildren(qn("w:p"))
            if "".join(t.text or "" for t in p.iter(qn("w:t"))).strip() == marker
        ),
        None,
    )
    if target is None:
        return False
    before = set(body.iterchildren())
    fill(doc)
    for element in [e for e in body.iterchildren() if e not in before and e.tag != qn("w:sectPr")]:
        target.addprevious(element)
    # The marker paragraph may carry the section break of its section: keep it on the element before.
    sect = target.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
    previous = target.getprevious()
    if sect is not None and previous is not None and previous.tag == qn("w:p"):
        previous.get_or_add_pPr().append(sect)
    body.remove(target)
    return True


def ensure_styles(doc: DocxDocument) -> None:
    """The report's own paragraph styles, in a template that lost them."""
    names = {style.name for style in doc.styles}
    if "NV Nội dung" not in names:
        _styles(doc)
    else:
        for style in doc.styles:
            if style.name and style.name.startswith("NV "):
                _STYLE_IDS[style.name] = style.style_id
    if not _STYLE_IDS:
        _styles(Document())


def render_docx(report: PeriodReport) -> bytes:
    """The .docx bytes of a consolidated report, in the built-in layout."""
    doc = _new_document()
    _letterhead(doc, report.letterhead)
    _title(doc, report.title, report.summary, report.intro)
    period_body(doc, report)
    _closing(doc, report)
    _signature(doc, report.recipients, report.signer_prefix, report.signer_title, report.signer_name)
    _appendix(doc, report)
    return _saved(doc, f"{report.title} {report.summary}", report.letterhead.agency)
