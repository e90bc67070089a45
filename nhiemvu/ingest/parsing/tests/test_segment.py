"""Segmentation: sections, numbered and lettered tasks, field lines, task tables, markdown and page breaks."""

from __future__ import annotations

import pytest

from nhiemvu.ingest.parsing import extract_bytes
from nhiemvu.ingest.parsing.read import Block, read_blocks, table_blocks
from nhiemvu.ingest.parsing.segment import field_of, section_of, segment

DEV_FIELDS = [
    (
        "- Lãnh đạo trực tiếp chỉ đạo: Đồng chí X, Phó Giám đốc Sở.",
        ("leader", "Đồng chí X, Phó Giám đốc Sở."),
    ),
    ("- Lãnh đạo phụ trách: Đ/c X, PGĐ Sở.", ("leader", "Đ/c X, PGĐ Sở.")),
    ("- Lãnh đạo Sở phụ trách: Đồng chí X, Giám đốc Sở.", ("leader", "Đồng chí X, Giám đốc Sở.")),
    ("- Đơn vị chủ trì tham mưu thực hiện: Chi cục Kiểm lâm", ("lead_unit", "Chi cục Kiểm lâm")),
    (
        "- Đơn vị phối hợp: Sở Tài chính; Sở Kế hoạch và Đầu tư.",
        ("support_units", "Sở Tài chính; Sở Kế hoạch và Đầu tư."),
    ),
    ("- Thời gian hoàn thành: Tháng 12/2023.", ("deadline", "Tháng 12/2023.")),
    ("- Thời gian thực hiện: Thường xuyên.", ("deadline", "Thường xuyên.")),
    ("- Thời hạn: Quý III/2022.", ("deadline", "Quý III/2022.")),
    ("- Phối hợp với Liên minh Hợp tác xã tỉnh, UBND các huyện", None),
]
GENERAL_FIELDS = [
    ("+ Cơ quan chủ trì: Sở Tài chính", ("lead_unit", "Sở Tài chính")),
    ("• Thời hạn hoàn thành: Quý II/2024", ("deadline", "Quý II/2024")),
    ("- Sản phẩm: Báo cáo", ("product", "Báo cáo")),
    ("Chủ trì thực hiện: Phòng Tư pháp", ("lead_unit", "Phòng Tư pháp")),
    ("- Tổ chức tập huấn cho cán bộ", None),
]


@pytest.mark.parametrize(("line", "expected"), DEV_FIELDS + GENERAL_FIELDS)
def test_it_recognises_field_lines(line, expected):
    assert field_of(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("I. MỤC ĐÍCH, YÊU CẦU", "purpose"),  # dev
        ("II. NỘI DUNG THỰC HIỆN", "tasks"),  # dev
        ("II. NHIỆM VỤ VÀ GIẢI PHÁP", "tasks"),  # dev
        ("III. TỔ CHỨC THỰC HIỆN", "organisation"),  # dev
        ("I. MỤC TIÊU", "purpose"),  # dev
        ("IV. KINH PHÍ THỰC HIỆN", "organisation"),  # general
        ("II. Nhiệm vụ cụ thể", "tasks"),  # general
        ("1. Nhiệm vụ 1: X", None),
        ("Vì vậy cần làm", None),
    ],
)
def test_it_recognises_sections(line, expected):
    assert section_of(line) == expected


PLAN = """KẾ HOẠCH
Thực hiện nhiệm vụ năm 2024
I. MỤC ĐÍCH, YÊU CẦU
1. Cụ thể hóa nhiệm vụ.
II. NHIỆM VỤ CỤ THỂ
1. Nhiệm vụ 1: Phát triển sản xuất:
a) Trồng mới 100 ha rừng
- Đơn vị chủ trì: Chi cục Kiểm lâm.
b) Nâng cao chất lượng
- Đơn vị chủ trì: Phòng Kinh tế.
2. Nhiệm vụ 2: Cải cách hành chính
Các bước:
1. Rà soát thủ tục.
2. Công bố.
2.1. Rà soát 100% thủ tục
- Đơn vị chủ trì: Văn phòng.
III. TỔ CHỨC THỰC HIỆN
1. Văn phòng tổng hợp, báo cáo hằng quý.
"""


def test_it_codes_lettered_subtasks_and_ignores_enumerations_inside_a_task():
    seg = segment(read_blocks(PLAN.encode(), "x.txt"))
    assert [(t.code, t.parent) for t in seg.tasks] == [
        ("1", None),
        ("1.a", "1"),
        ("1.b", "1"),
        ("2", None),
        ("2.1", "2"),
    ]
    assert seg.tasks[0].title == "Phát triển sản xuất"
    assert seg.tasks[1].fields == {"lead_unit": "Chi cục Kiểm lâm."}
    assert "1. Rà soát thủ tục." in seg.tasks[3].body
    assert seg.organisation == ["1. Văn phòng tổng hợp, báo cáo hằng quý."]


def test_lettered_items_without_an_assignment_stay_in_the_parents_text():
    text = "KẾ HOẠCH\nX năm 2024\nII. NHIỆM VỤ\n1. Tuyên truyền\na) Trên báo chí\nb) Trên mạng\n- Đơn vị chủ trì: Phòng A.\n"
    seg = segment(read_blocks(text.encode(), "x.txt"))
    assert [t.code for t in seg.tasks] == ["1", "1.b"]  # only b) carries an assignment
    assert "a) Trên báo chí" in seg.tasks[0].body


def test_a_task_table_gives_one_task_per_numbered_row_and_skips_group_rows():
    rows = [
        ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành", "Sản phẩm"],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        ["I", "Lĩnh vực y tế", "", "", "", ""],
        ["1", "Tiêm chủng đạt 95%", "TT KSBT", "Phòng NVY", "Thường xuyên", "Báo cáo"],
        ["1.1", "Giám sát", "TT KSBT", "", "Quý II/2024", ""],
    ]
    blocks = table_blocks(rows)
    seg = segment([Block("KẾ HOẠCH"), Block("Y tế năm 2024"), Block("II. NHIỆM VỤ"), *blocks])
    assert [(t.code, t.parent, t.fields.get("lead_unit")) for t in seg.tasks] == [
        ("1", None, "TT KSBT"),
        ("1.1", "1", "TT KSBT"),
    ]


def test_a_layout_table_becomes_lines_left_cell_first():
    assert [b.text for b in table_blocks([["UBND TỈNH X\nSỞ Y TẾ", "CỘNG HÒA"]])] == [
        "UBND TỈNH X",
        "SỞ Y TẾ",
        "CỘNG HÒA",
    ]


def test_it_joins_a_word_split_across_a_page_break_and_strips_markdown():
    text = (
        "KẾ HOẠCH\nX năm 2024\n## II. NHIỆM VỤ\n### 1. **Bảo đảm**\nCác sản phẩm đảm\n\nbảo theo quy định.\n"
    )
    seg = segment(read_blocks(text.encode(), "x.md"))
    assert seg.tasks[0].title == "Bảo đảm"
    assert seg.tasks[0].body == ["Các sản phẩm đảm bảo theo quy định."]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_it_reads_text_in_utf8_with_or_without_bom_and_utf16(encoding):
    text = "KẾ HOẠCH\r\nThực hiện năm 2024\r\nII. NHIỆM VỤ\r\n1. Trồng 100 ha rừng\r\n- Thời gian hoàn thành: Quý II/2024\r\n"
    plan = extract_bytes(text.encode(encoding), "x.txt")
    assert plan["tasks"][0]["deadline"] == "2024-06-30"
    assert plan["tasks"][0]["targets"][0]["value"] == 100
