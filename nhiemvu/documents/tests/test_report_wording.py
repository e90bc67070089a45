"""The period report reads as a document a director signs (issue 17): the units' own account of
results, figures in words, no signs in prose, no empty categories, lower case mid-sentence, overdue
work worded as overdue, the provincial version by agency with the committee's signature, and
Vietnamese as the document's language."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from nhiemvu.documents.access import period_queryset
from nhiemvu.documents.data import ReportOptions, build_report
from nhiemvu.documents.docx import render_docx
from nhiemvu.documents.tests.conftest import REPORT_DATE, Quarter, build_quarter
from nhiemvu.documents.tests.test_docx import appendix_table, signature_table

pytestmark = pytest.mark.django_db


def _render(periods: list, **kwargs) -> DocxDocument:
    report = build_report(periods, options=ReportOptions(date=kwargs.pop("date", REPORT_DATE)), **kwargs)
    return Document(io.BytesIO(render_docx(report)))


def _body(document: DocxDocument) -> list[str]:
    """The paragraphs of the report itself, up to its appendix."""
    texts = [p.text for p in document.paragraphs]
    return texts[: texts.index("PHỤ LỤC")]


def test_each_task_carries_the_units_account_and_its_figures_in_words(quarter: Quarter) -> None:
    texts = _body(_render([period_queryset().get(pk=quarter.period.pk)]))
    task = quarter.plan.tasks.get(code="1")
    first, second = task.targets.order_by("order")
    start = texts.index(f"1. {task.title}")
    assert texts[start + 1] == "Chi cục Kiểm lâm chủ trì; tình trạng: đang thực hiện trong hạn."
    assert texts[start + 2] == "Đã trồng 750 ha rừng."  # the unit's own narrative, as it wrote it
    assert f"- {first.name[:1].upper()}{first.name[1:]}: đạt 750 ha/1.000 ha, bằng 75% kế hoạch." in texts
    assert (
        f"- {second.name[:1].upper()}{second.name[1:]}: đạt 2.500,5 ha/2.000 ha, bằng 125% kế hoạch." in texts
    )
    assert any("chưa có số liệu (kế hoạch 2.000 ha)" in t for t in texts)


def test_the_prose_has_no_signs_no_empty_category_and_lower_case_mid_sentence(quarter: Quarter) -> None:
    texts = _body(_render([period_queryset().get(pk=quarter.period.pk)]))
    prose = "\n".join(texts)
    assert not re.search(r"[≥≤<>]", prose)
    assert "khoảng" not in prose
    assert not re.search(r"(?<![\d.,])0 nhiệm vụ|chiếm 0,0%|\(0,0%\)", prose)
    assert "Các nhiệm vụ do đồng chí Lê Thị Phó, Phó Giám đốc Sở chỉ đạo:" in texts
    assert not re.search(r"(?<=[a-zà-ỹ,;] )(?:Đồng chí|Tháng \d|Đang thực hiện|Chưa triển khai)", prose)
    assert not re.search(r"(\b\w+\b) — \1", prose) and "nhiệm vụ - nhiệm vụ" not in prose.casefold()
    assert not re.search(r"\d %", prose), "one percent style: 75,8%"


def test_overdue_work_in_the_next_period_list_is_worded_as_overdue(quarter: Quarter) -> None:
    """Read at the end of Q3, the first steps due 30/06/2023 were never reported met."""
    q3 = period_queryset().get(plan=quarter.plan, key="2023-Q3")
    texts = _body(_render([q3], date=dt.date(2023, 9, 16)))
    overdue = [t for t in texts if "đã quá hạn từ ngày 30/06/2023, cần tập trung hoàn thành ngay" in t]
    assert overdue and not any(t.startswith("- Trước ngày") for t in texts)


def test_the_document_language_is_vietnamese(quarter: Quarter) -> None:
    document = _render([period_queryset().get(pk=quarter.period.pk)])
    lang = (
        document.styles.element.find(qn("w:docDefaults"))
        .find(qn("w:rPrDefault"))
        .find(qn("w:rPr"))
        .find(qn("w:lang"))
    )
    assert lang.get(qn("w:val")) == "vi-VN"
    assert document.core_properties.language == "vi-VN"


def test_the_provincial_report_goes_by_agency_and_the_committee_signs(cast) -> None:
    first = build_quarter(cast, title="Kế hoạch của Sở NN&PTNT")
    second = build_quarter(cast, title="Kế hoạch của Sở Y tế")
    second.plan.issuer = cast.other_department
    second.plan.save()
    periods = list(period_queryset().filter(pk__in=[first.period.pk, second.period.pk]))
    document = _render(periods, province=cast.province)
    assert document.tables[0].rows[0].cells[0].text.strip() == "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM"
    assert [p.text for p in signature_table(document).rows[0].cells[1].paragraphs if p.text] == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]
    # The summary per agency, ranked; then a few lines per agency; every appendix line names one.
    ranking = document.tables[1]
    assert [c.text for c in ranking.rows[0].cells][-1] == "Xếp hạng"
    assert {r.cells[1].text for r in ranking.rows[1:]} == {
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Y tế",
    }
    texts = _body(document)
    assert "1. Sở Nông nghiệp và Phát triển nông thôn" in texts and "2. Sở Y tế" in texts
    rows = appendix_table(document).rows[1:]
    agency_cells = [tc for row in rows for tc in row._tr.tc_lst[1:2]]  # each row's own second cell
    named = [tc for tc in agency_cells if "".join(tc.itertext()).strip()]
    merged = [tc for tc in agency_cells if tc.vMerge == "continue"]
    assert len(named) + len(merged) == len(rows), "every line names its agency or continues a named cell"


def test_the_rule_under_the_summary_is_a_third_to_a_half_of_its_line_and_clear_of_it(
    quarter: Quarter,
) -> None:
    from nhiemvu.documents.docx import TEXT_WIDTH_CM, _text_width_cm

    document = _render([period_queryset().get(pk=quarter.period.pk)])
    paragraphs = document.paragraphs
    summary = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Kết quả thực hiện các nhiệm vụ"))
    rule = paragraphs[summary + 1]
    assert rule.text == "" and rule._p.xpath("./w:pPr/w:pBdr/w:top")
    fmt = rule.paragraph_format
    width = TEXT_WIDTH_CM - fmt.left_indent.cm - fmt.right_indent.cm
    line = _text_width_cm(paragraphs[summary].text, 14, True)
    assert line / 3 <= width <= line / 2
    assert fmt.space_before.pt >= 6  # the line sits clear of the text above


def test_chart_labels_break_between_words_in_the_serif_face() -> None:
    from PIL import Image, ImageDraw

    from nhiemvu.documents.chart import FONT_FILES, _font, label_lines

    assert "Serif" in FONT_FILES[False][0]
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    title = "1.3. Trồng mới 9.000 ha rừng tập trung, nâng tỷ lệ che phủ rừng toàn tỉnh lên 64,2% trở lên"
    lines = label_lines(draw, title, _font(28), 420)
    assert len(lines) == 2 and lines[-1].endswith(" …")
    words = set(title.split())
    assert all(w in words for line in lines for w in line.removesuffix(" …").split()), lines
    assert label_lines(draw, "1. Trồng rừng", _font(28), 420) == ["1. Trồng rừng"]
