"""Word's automatic list numbering (w:numPr + numbering.xml), rendered as Word shows it.

None of the development documents uses automatic numbering; these cases are GENERAL: built here
with python-docx plus raw numbering XML, in the shapes department plans are typed in.
"""

from __future__ import annotations

import io

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml

from nhiemvu.ingest.parsing import ExtractionError, extract_bytes
from nhiemvu.ingest.parsing.numbering import Numbering, format_number
from nhiemvu.ingest.parsing.read import read_blocks

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _lvl(ilvl: int, fmt: str, text: str, start: int = 1, legal: bool = False) -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'{"<w:isLgl/>" if legal else ""}<w:lvlText w:val="{text}"/></w:lvl>'
    )


# The outline of most plans: I. sections, 1. tasks, 1.1. sub-tasks, a) items.
PLAN_LEVELS = [
    (0, "upperRoman", "%1."),
    (1, "decimal", "%2."),
    (2, "decimal", "%2.%3."),
    (3, "lowerLetter", "%4)"),
]


def _abstract(aid: int, levels) -> str:
    return (
        f'<w:abstractNum {NS} w:abstractNumId="{aid}">'
        + "".join(_lvl(*lv) for lv in levels)
        + "</w:abstractNum>"
    )


def _num(num_id: int, aid: int, starts: dict[int, int] | None = None) -> str:
    overrides = "".join(
        f'<w:lvlOverride w:ilvl="{lvl}"><w:startOverride w:val="{s}"/></w:lvlOverride>'
        for lvl, s in (starts or {}).items()
    )
    return f'<w:num {NS} w:numId="{num_id}"><w:abstractNumId w:val="{aid}"/>{overrides}</w:num>'


def _add_numbering(d, abstracts: list[str], nums: list[str]) -> None:
    el = d.part.numbering_part.element
    first_num = el.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    for a in abstracts:  # abstractNum elements come before the num elements (schema order)
        if first_num is not None:
            first_num.addprevious(parse_xml(a))
        else:
            el.append(parse_xml(a))
    for n in nums:
        el.append(parse_xml(n))


def _numbered(p, num_id: int, ilvl: int) -> None:
    p._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {NS}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _save(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _numbering_of(abstracts: list[str], nums: list[str]) -> Numbering:
    root = parse_xml(f"<w:numbering {NS}>" + "".join(abstracts + nums) + "</w:numbering>")
    return Numbering(root)


def _p(num_id: int, ilvl: int):
    return parse_xml(
        f'<w:p {NS}><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr></w:p>'
    )


# (what it shows, [(numId, ilvl), ...], the labels Word shows)
GENERAL_SEQUENCES = [
    (
        "sections, tasks, sub-tasks, items",
        [(10, 0), (10, 1), (10, 2), (10, 2), (10, 1), (10, 3), (10, 3), (10, 0), (10, 1)],
        ["I.", "1.", "1.1.", "1.2.", "2.", "a)", "b)", "II.", "1."],
    ),
    (
        "a deeper level restarts after a shallower one advances",
        [(10, 1), (10, 2), (10, 2), (10, 1), (10, 2)],
        ["1.", "1.1.", "1.2.", "2.", "2.1."],
    ),
    ("two nums on one abstract list continue each other", [(10, 1), (10, 1), (11, 1)], ["1.", "2.", "3."]),
    ("startOverride restarts the level", [(10, 1), (10, 1), (12, 1), (12, 1)], ["1.", "2.", "1.", "2."]),
    ("an override to 5 starts at 5", [(13, 1), (13, 1)], ["5.", "6."]),
    ("numId 0 switches numbering off", [(10, 1), (0, 1), (10, 1)], ["1.", "", "2."]),
    ("a level used first shows its parents at their start", [(10, 2)], ["1.1."]),
]


@pytest.mark.parametrize(
    ("why", "sequence", "expected"), GENERAL_SEQUENCES, ids=[c[0] for c in GENERAL_SEQUENCES]
)
def test_it_counts_like_word(why, sequence, expected):
    numbering = _numbering_of(
        [_abstract(1, PLAN_LEVELS), _abstract(2, [(0, "decimal", "%1.", 5)])],
        [_num(10, 1), _num(11, 1), _num(12, 1, {1: 1}), _num(13, 1, {1: 5})],
    )
    assert [numbering.label(_p(n, lvl)) for n, lvl in sequence] == expected


GENERAL_FORMATS = [
    ([(0, "decimal", "Nhiệm vụ %1:")], "Nhiệm vụ 1:"),
    ([(0, "decimal", "%1)")], "1)"),
    ([(0, "decimalZero", "%1.")], "01."),
    ([(0, "upperLetter", "%1.")], "A."),
    ([(0, "lowerRoman", "(%1)")], "(i)"),
    ([(0, "bullet", "-")], "-"),
    ([(0, "bullet", "\uf0b7")], "-"),
    ([(0, "decimal", "%1.", 3)], "3."),
    ([(0, "upperRoman", "%1."), (1, "decimal", "%1.%2.", 1, True)], "I."),  # legal numbering below
]


@pytest.mark.parametrize(("levels", "expected"), GENERAL_FORMATS)
def test_it_renders_word_formats(levels, expected):
    numbering = _numbering_of([_abstract(1, levels)], [_num(1, 1)])
    assert numbering.label(_p(1, 0)) == expected


def test_legal_numbering_shows_parents_in_decimal():
    numbering = _numbering_of(
        [_abstract(1, [(0, "upperRoman", "%1."), (1, "decimal", "%1.%2.", 1, True)])], [_num(1, 1)]
    )
    assert [numbering.label(_p(1, lvl)) for lvl in (0, 0, 1)] == ["I.", "II.", "2.1."]


def test_format_number_letters_after_z():
    assert [format_number(n, "lowerLetter") for n in (1, 26, 27)] == ["a", "z", "aa"]


# --------------------------------------------------------------------------------- whole documents


def _auto_numbered_plan(*, via_style: bool = False) -> bytes:
    d = docx.Document()
    _add_numbering(d, [_abstract(901, PLAN_LEVELS)], [_num(901, 901)])
    style = None
    if via_style:  # numbering that comes from the paragraph style (Heading-like styles)
        style = d.styles.add_style("TaskLevel", WD_STYLE_TYPE.PARAGRAPH)
        style.element.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {NS}><w:ilvl w:val="1"/><w:numId w:val="901"/></w:numPr>')
        )
    for text in (
        "UBND HUYỆN VĂN BÀN",
        "PHÒNG NÔNG NGHIỆP VÀ PTNT",
        "Số: 15/KH-PNN",
        "Văn Bàn, ngày 20 tháng 01 năm 2024",
        "KẾ HOẠCH",
        "Thực hiện nhiệm vụ trọng tâm năm 2024",
        "Căn cứ Quyết định số 12/QĐ-UBND ngày 05/01/2024 của UBND huyện, Phòng Nông nghiệp và PTNT "
        "xây dựng Kế hoạch như sau:",
    ):
        d.add_paragraph(text)

    def item(text: str, ilvl: int) -> None:
        if via_style and ilvl == 1:
            d.add_paragraph(text, style=style)
        else:
            _numbered(d.add_paragraph(text), 901, ilvl)

    item("MỤC ĐÍCH, YÊU CẦU", 0)
    item("Bảo đảm hoàn thành các chỉ tiêu được giao.", 1)  # numbered, but under Mục đích: not a task
    item("NỘI DUNG THỰC HIỆN", 0)
    item("Phát triển sản xuất nông nghiệp", 1)
    item("Trồng mới 150 ha cây ăn quả", 2)
    for line in (
        "- Lãnh đạo phụ trách: Đ/c Hoàng Văn Minh, Phó Trưởng phòng",
        "- Đơn vị chủ trì: Tổ Trồng trọt",
        "- Thời gian hoàn thành: Quý III/2024",
    ):
        d.add_paragraph(line)
    item("Tiêm phòng đạt tối thiểu 90% tổng đàn gia súc", 2)
    for line in (
        "- Lãnh đạo phụ trách: Đ/c Lò Thị Hoa, Phó Trưởng phòng",
        "- Đơn vị chủ trì: Trạm Chăn nuôi và Thú y",
        "- Thời gian hoàn thành: Tháng 6/2024",
    ):
        d.add_paragraph(line)
    item("Xây dựng nông thôn mới", 1)
    item("Hướng dẫn xã Nậm Xé hoàn thiện hồ sơ đạt chuẩn", 3)
    d.add_paragraph("- Đơn vị chủ trì: Văn phòng Điều phối nông thôn mới")
    d.add_paragraph("- Thời gian hoàn thành: Tháng 11/2024")
    item("Tuyên truyền về tiêu chí nông thôn mới", 3)
    d.add_paragraph("- Đơn vị chủ trì: Tổ Tổng hợp")
    d.add_paragraph("- Thời gian hoàn thành: Thường xuyên")
    item("TỔ CHỨC THỰC HIỆN", 0)
    item("Tổ Tổng hợp theo dõi, tổng hợp, báo cáo kết quả hằng quý.", 1)
    return _save(d)


EXPECTED_CODES = [("1", None), ("1.1", "1"), ("1.2", "1"), ("2", None), ("2.a", "2"), ("2.b", "2")]


@pytest.mark.parametrize("via_style", [False, True], ids=["numPr", "style"])
def test_an_auto_numbered_plan_gets_its_task_codes(via_style):
    plan = extract_bytes(_auto_numbered_plan(via_style=via_style), "ke-hoach.docx")
    assert [(t["code"], t["parent"]) for t in plan["tasks"]] == EXPECTED_CODES
    tasks = {t["code"]: t for t in plan["tasks"]}
    assert tasks["1"]["title"] == "Phát triển sản xuất nông nghiệp"
    assert tasks["1.1"]["lead_unit"] == "Tổ Trồng trọt"
    assert tasks["1.1"]["deadline"] == "2024-09-30"
    assert [(x["value"], x["unit"]) for x in tasks["1.1"]["targets"]] == [(150, "ha")]
    assert [(x["value"], x["unit"], x["comparator"]) for x in tasks["1.2"]["targets"]] == [(90, "%", ">=")]
    assert tasks["1.2"]["leader"] == {"name": "Lò Thị Hoa", "title": "Phó Trưởng phòng"}
    assert tasks["2.b"]["recurrence"] == "ongoing"
    assert plan["reporting"]["compiler"] == "Tổ Tổng hợp"


def test_without_reading_the_numbering_the_plan_has_no_tasks():
    """Guards the test above: the labels are not in the text, so it fails if they are not rendered."""
    data = _auto_numbered_plan()
    texts = [b.text for b in read_blocks(data, "x.docx")]
    assert "II. NỘI DUNG THỰC HIỆN" in texts and "1.1. Trồng mới 150 ha cây ăn quả" in texts
    d = docx.Document(io.BytesIO(data))
    assert "1.1." not in "\n".join(p.text for p in d.paragraphs)


def test_an_auto_numbered_stt_column():
    d = docx.Document()
    _add_numbering(d, [_abstract(902, [(0, "decimal", "%1.")])], [_num(902, 902)])
    for text in ("KẾ HOẠCH", "Công tác cải cách hành chính năm 2024", "I. NHIỆM VỤ CỤ THỂ"):
        d.add_paragraph(text)
    t = d.add_table(rows=4, cols=4)
    rows: list[list[str | None]] = [
        ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời gian hoàn thành"],
        [None, "Rà soát 100% thủ tục hành chính", "Văn phòng", "Quý II/2024"],
        [None, "Số hóa hồ sơ", "Bộ phận một cửa", "Tháng 10/2024"],
        [None, "Khảo sát mức độ hài lòng", "Văn phòng", "Quý IV/2024"],
    ]
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            if v is None:
                _numbered(t.cell(r, c).paragraphs[0], 902, 0)
            else:
                t.cell(r, c).text = v
    plan = extract_bytes(_save(d), "cchc.docx")
    assert [(x["code"], x["lead_unit"], x["deadline"]) for x in plan["tasks"]] == [
        ("1", "Văn phòng", "2024-06-30"),
        ("2", "Bộ phận một cửa", "2024-10-31"),
        ("3", "Văn phòng", "2024-12-31"),
    ]


def test_a_docx_without_numbered_paragraphs_still_fails_cleanly():
    d = docx.Document()
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph("Không có nhiệm vụ nào")
    with pytest.raises(ExtractionError) as e:
        extract_bytes(_save(d), "x.docx")
    assert e.value.code == "no_tasks"
