"""The .docx opened with python-docx: Decree 30/2020 layout, fonts, and figures from the database."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from PIL import Image

from nhiemvu.documents.access import period_queryset
from nhiemvu.documents.data import ReportOptions, build_report
from nhiemvu.documents.docx import render_docx
from nhiemvu.documents.tests.conftest import Quarter
from nhiemvu.reporting.models import TargetValue


@pytest.fixture
def document(quarter: Quarter) -> DocxDocument:
    period = period_queryset().get(pk=quarter.period.pk)
    report = build_report([period], options=ReportOptions(date=dt.date(2024, 1, 5)))
    return Document(io.BytesIO(render_docx(report)))


def _texts(cell: _Cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]


def signature_table(document: DocxDocument) -> Table:
    """The Nơi nhận / signature table (the appendix's table comes after it)."""
    return next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Nơi nhận:"))


def appendix_table(document: DocxDocument) -> Table:
    return document.tables[-1]


def test_the_page_is_a4_with_the_decree_margins(document):
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    # Word stores twips: 15 mm is 850 twips, 14,99 mm, hence the rounding to a tenth.
    mm = {
        side: round(getattr(section, f"{side}_margin").mm, 1) for side in ("top", "bottom", "left", "right")
    }
    assert 20 <= mm["top"] <= 25 and 20 <= mm["bottom"] <= 25
    assert 30 <= mm["left"] <= 35 and 15 <= mm["right"] <= 20
    assert section.right_margin.mm >= 15, "at least 15 mm as stored, not only once rounded"
    assert all(s.right_margin.mm >= 15 and s.left_margin.mm >= 30 for s in document.sections)


def test_every_style_and_run_is_times_new_roman(document):
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {
        "Times New Roman"
    }
    assert 13 <= normal.font.size.pt <= 14
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [
        r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
    ]
    assert runs and {r.font.name for r in runs} <= {None, "Times New Roman"}  # None: inherited from the style


def test_the_letterhead_has_both_columns_the_number_and_the_place_date(document):
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert _texts(left) == ["UBND TỈNH THỬ NGHIỆM", "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"]
    assert _texts(right) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert left.paragraphs[1].runs[0].bold and right.paragraphs[0].runs[0].bold
    number, place = header.rows[1].cells
    assert number.text.replace(" ", "") == "Số:/BC-SNN"
    assert place.text == "Lạng Sơn, ngày 05 tháng 01 năm 2024"
    assert place.paragraphs[0].runs[0].italic
    # The rules under the agency and the motto: paragraphs with a top border.
    assert len(left._tc.xpath(".//w:pBdr/w:top")) == 1 and len(right._tc.xpath(".//w:pBdr/w:top")) == 1


def test_the_title_sections_recipients_and_signature_are_there(document):
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "BÁO CÁO"
    assert texts[1] == "Kết quả thực hiện các nhiệm vụ trọng tâm quý II năm 2023"
    for heading in (
        "I. KẾT QUẢ CHUNG",
        "II. KẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ",
        "V. NHIỆM VỤ TRỌNG TÂM QUÝ III NĂM 2023",
    ):
        assert heading in texts
    for heading in ("III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "IV. KIẾN NGHỊ, ĐỀ XUẤT", "PHỤ LỤC"):
        assert heading in texts
    assert "- 2 nhiệm vụ đang thực hiện trong hạn (66,7%);" in texts
    assert "- 1 nhiệm vụ chưa triển khai (33,3%)." in texts
    signature = signature_table(document)
    recipients, signer = signature.rows[0].cells
    assert _texts(recipients) == [
        "Nơi nhận:",
        "- UBND tỉnh (b/c);",
        "- Giám đốc Sở;",
        "- Các Phó Giám đốc Sở;",
        "- Lưu: VT, KHTC.",
    ]
    assert recipients.paragraphs[0].runs[0].bold and recipients.paragraphs[0].runs[0].italic
    assert _texts(signer) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]


def test_the_task_table_shows_each_target_with_its_actual_and_attainment_from_the_database(document, quarter):
    table = appendix_table(document)
    assert [c.text for c in table.rows[0].cells] == [
        "STT", "Nhiệm vụ", "Đơn vị chủ trì", "Chỉ tiêu", "Thực hiện", "Tỷ lệ đạt (%)", "Tình trạng",
    ]  # fmt: skip
    task = quarter.plan.tasks.get(code="1")
    targets = list(task.targets.order_by("order"))
    june = TargetValue.objects.get(target=targets[0], report__period__key="2023-06")
    row = [c.text for c in table.rows[1].cells]
    assert row[:3] == ["1", task.title, task.lead_unit.name]
    assert row[3] == f"{targets[0].name}: 1.000 ha"
    assert row[4] == "750 ha" and june.actual == 750
    assert row[5] == "75,0"
    assert row[6] == "Đang thực hiện trong hạn"
    second = [c.text for c in table.rows[2].cells]
    assert second[3:6] == [f"{targets[1].name}: 2.000 ha", "2.500,5 ha", "125,0"]
    # The task's own cells are merged down its two target rows, which stay on one page: no row
    # breaks across a page, and the first of the two keeps with the second.
    assert table.rows[2]._tr.tc_lst[1].vMerge == "continue"
    assert all(
        row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
        for row in table.rows[1:]
    )
    # (python-docx's row.cells gives a merged cell's top cell: read each row's own w:tc.)
    keep_next = f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:keepNext')}"
    keeps = [[tc.find(keep_next) is not None for tc in r._tr.tc_lst] for r in table.rows[1:3]]
    assert all(keeps[0]) and not any(keeps[1])
    silent = [c.text for c in table.rows[-1].cells]
    assert silent[0] == "3" and silent[4] == "Chưa có số liệu" and silent[6] == "Chưa triển khai"


def test_the_attainment_chart_is_an_embedded_picture(document):
    pictures = [rel for rel in document.part.rels.values() if "image" in rel.reltype]
    assert len(pictures) == 1
    image = Image.open(io.BytesIO(pictures[0].target_part.blob))
    assert image.format == "PNG" and image.width >= 1000
    assert any(p.text.startswith("Biểu đồ: Mức độ đạt chỉ tiêu") for p in document.paragraphs)


def test_options_fill_the_number_and_the_signer(quarter):
    period = period_queryset().get(pk=quarter.period.pk)
    options = ReportOptions(
        number="125",
        date=dt.date(2023, 12, 9),
        signer_prefix="",
        signer_title="GIÁM ĐỐC",
        signer_name="Lý Việt Hưng",
    )
    document = Document(io.BytesIO(render_docx(build_report([period], options=options))))
    assert document.tables[0].rows[1].cells[0].text == "Số: 125/BC-SNN"
    assert document.tables[0].rows[1].cells[1].text == "Lạng Sơn, ngày 09 tháng 12 năm 2023"
    assert _texts(signature_table(document).rows[0].cells[1]) == ["GIÁM ĐỐC", "Lý Việt Hưng"]


def test_the_shortcomings_count_risk_and_missing_figures_apart(document: DocxDocument) -> None:
    """Task 2 is projected short of its target, task 3 has no figure at all: two different things."""
    texts = [p.text for p in document.paragraphs]
    heading = texts.index("III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN")
    assert texts[heading + 1] == "- 1 nhiệm vụ có nguy cơ chậm tiến độ:"
    assert texts[heading + 2].startswith("+ Nhiệm vụ 2 (Chi cục Phát triển nông thôn): dự báo ")
    assert texts[heading + 3] == "- 1 nhiệm vụ chưa có số liệu để đánh giá tiến độ (nhiệm vụ 3)."
