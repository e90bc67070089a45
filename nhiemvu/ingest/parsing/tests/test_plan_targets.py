"""Targets of the plan as a whole (issue 15, item 10): the items of a "Chỉ tiêu" list and the rows
of a "Danh mục các chỉ tiêu" table land in the plan JSON's top-level ``targets``, not in a task and
not nowhere. Built from documents written for the test."""

from __future__ import annotations

import io

import docx

from nhiemvu.ingest.parsing import extract_bytes

HEAD = """UBND TỈNH THỬ NGHIỆM
SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH
Số: 12/KH-SVHTTDL
Thử Nghiệm, ngày 15 tháng 02 năm 2025
KẾ HOẠCH
Phát triển du lịch năm 2025
"""
PURPOSE = """I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Phát huy tiềm năng của 05 huyện vùng cao;
2. Các chỉ tiêu chủ yếu
- Đón 3.500.000 lượt khách du lịch;
- Tổng thu từ du lịch đạt trên 10.000 tỷ đồng;
- Tỷ lệ lao động du lịch qua đào tạo đạt 70% trở lên.
3. Yêu cầu
- Các cơ quan phối hợp chặt chẽ, bảo đảm 100% nhiệm vụ hoàn thành đúng hạn.
"""
TASKS = """II. NHIỆM VỤ
1. Xây dựng sản phẩm du lịch cộng đồng tại 05 làng văn hóa
- Cơ quan chủ trì: Phòng Quản lý du lịch
- Thời gian hoàn thành: 2025
"""
ANNEX = """PHỤ LỤC
DANH MỤC CÁC CHỈ TIÊU
| STT | Chỉ tiêu | ĐVT | Kế hoạch năm 2025 | Cơ quan chủ trì |
|---|---|---|---|---|
| 1 | Số cơ sở lưu trú đạt chuẩn | cơ sở | ≥ 120 | Phòng Quản lý du lịch |
| 2 | Số điểm du lịch cộng đồng | điểm | 8 - 10 | UBND các huyện |
| II | Nhóm chỉ tiêu khác | | | |
| 3 | Doanh thu bình quân | triệu đồng/khách | 2,5 | |
| 4 | Chỉ tiêu chưa giao | lượt | | |
"""


def _key(t: dict) -> tuple:
    return (t["name"], t["value"], t["max"], t["unit"], t["comparator"], t["lead_unit"])


def test_the_items_of_a_targets_list_are_plan_targets_and_other_items_are_not() -> None:
    plan = extract_bytes((HEAD + PURPOSE + TASKS).encode(), "kh.txt")
    assert [_key(t) for t in plan["targets"]] == [
        ("lượt khách du lịch", 3500000, None, "lượt khách", "=", None),
        ("Tổng thu từ du lịch", 10000, None, "tỷ đồng", ">", None),
        ("Tỷ lệ lao động du lịch qua đào tạo", 70, None, "%", ">=", None),
    ]
    # "05 huyện" under Mục đích and "100%" under Yêu cầu are no targets; the task keeps its own.
    assert [(t["value"], t["unit"]) for t in plan["tasks"][0]["targets"]] == [(5, "làng")]


def test_a_section_named_for_targets_holds_them_and_a_general_aim_does_not() -> None:
    text = (
        HEAD
        + (
            "I. MỤC TIÊU\n1. Mục tiêu chung\n- Đưa du lịch thành ngành kinh tế mũi nhọn với 3 trụ cột;\n"
            "2. Mục tiêu cụ thể\n- Giảm 5% số vụ tai nạn so với năm 2024.\n"
        )
        + TASKS
    )
    targets = extract_bytes(text.encode(), "kh.txt")["targets"]
    assert [(t["value"], t["unit"], t["change"]) for t in targets] == [(5, "%", "decrease")]


def test_a_table_of_targets_gives_one_target_per_row_with_its_lead_unit() -> None:
    plan = extract_bytes((HEAD + TASKS + ANNEX).encode(), "kh.md")
    assert [_key(t) for t in plan["targets"]] == [
        ("Số cơ sở lưu trú đạt chuẩn", 120, None, "cơ sở", ">=", "Phòng Quản lý du lịch"),
        ("Số điểm du lịch cộng đồng", 8, 10, "điểm", "range", "UBND các huyện"),
        ("Doanh thu bình quân", 2.5, None, "triệu đồng/khách", "=", None),
    ]
    assert [t["code"] for t in plan["tasks"]] == ["1"], "a target row is not a task"


def test_the_same_table_in_a_docx() -> None:
    document = docx.Document()
    for line in (HEAD + TASKS).splitlines():
        document.add_paragraph(line)
    document.add_paragraph("DANH MỤC CÁC CHỈ TIÊU")
    rows = [r.strip("|").split("|") for r in ANNEX.splitlines()[2:] if not r.startswith("|---")]
    table = document.add_table(rows=len(rows), cols=5)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text.strip()
    buffer = io.BytesIO()
    document.save(buffer)
    plan = extract_bytes(buffer.getvalue(), "kh.docx")
    assert [(t["name"], t["value"], t["lead_unit"]) for t in plan["targets"]] == [
        ("Số cơ sở lưu trú đạt chuẩn", 120, "Phòng Quản lý du lịch"),
        ("Số điểm du lịch cộng đồng", 8, "UBND các huyện"),
        ("Doanh thu bình quân", 2.5, None),
    ]


def test_a_plan_without_any_has_an_empty_list() -> None:
    assert extract_bytes((HEAD + TASKS).encode(), "kh.txt")["targets"] == []
