"""Assignment tables as real programmes carry them (issue 15, items 1 and 2): any number of rows
(STT 1..140), a row cut by a page break (empty STT cell) joined to the row above, a group heading
in capitals left out, and every deadline form of a cell read. The document is written here."""

from __future__ import annotations

import functools
import io

import docx

from nhiemvu.ingest.parsing import extract_bytes

DEADLINES = [
    ("6/2025", "2025-06-30", None),
    ("06/2025", "2025-06-30", None),
    ("Tháng 10/2025", "2025-10-31", None),
    ("2025", "2025-12-31", None),
    ("2025 - 2026", "2026-12-31", None),
    ("2026-2030", "2030-12-31", None),
    ("Quý II/2025", "2025-06-30", None),
    ("2025 và những năm tiếp theo", None, "yearly"),
    ("Thường xuyên", None, "ongoing"),
    ("Hằng năm", None, "yearly"),
]
ROWS = 140


@functools.cache
def _programme() -> bytes:
    """Built once: python-docx fills a 140-row table slowly."""
    d = docx.Document()
    head = d.add_table(rows=2, cols=2)
    head.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    head.cell(1, 0).text = "Số: 12/KH-UBND"
    head.cell(1, 1).text = "Thử Nghiệm, ngày 10 tháng 01 năm 2025"
    for text in (
        "KẾ HOẠCH",
        "Thực hiện Chương trình hành động năm 2025",
        "I. MỤC TIÊU",
        "Hoàn thành các nhiệm vụ được giao.",
        "II. NHIỆM VỤ",
        "Các nhiệm vụ cụ thể tại Phụ lục kèm theo.",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Văn An",
        "PHỤ LỤC",
        "Danh mục nhiệm vụ năm 2025",
    ):
        d.add_paragraph(text)
    rows = [["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]]
    rows.append(["", "LĨNH VỰC KINH TẾ", "", "", ""])  # a group heading without a number
    for n in range(1, ROWS + 1):
        deadline = DEADLINES[(n - 1) % len(DEADLINES)][0]
        rows.append(
            [str(n), f"Triển khai nhiệm vụ số {n} của chương trình", "Sở Tài chính", "Sở Nội vụ", deadline]
        )
        if n == 57:  # the page break cut row 57: its end continues in a row without STT
            rows.append(["", "và báo cáo kết quả về UBND tỉnh", "", "Sở Tư pháp", ""])
    table = d.add_table(rows=len(rows), cols=5)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


def test_every_numbered_row_of_a_long_table_is_a_task_and_none_is_lost() -> None:
    plan = extract_bytes(_programme(), "chuong-trinh.docx")
    codes = [t["code"] for t in plan["tasks"]]
    assert codes == [str(n) for n in range(1, ROWS + 1)]
    assert all(t["lead_unit"] == "Sở Tài chính" for t in plan["tasks"])


def test_a_row_cut_by_a_page_break_is_joined_to_the_row_above() -> None:
    tasks = {t["code"]: t for t in extract_bytes(_programme(), "chuong-trinh.docx")["tasks"]}
    assert (
        tasks["57"]["title"] == "Triển khai nhiệm vụ số 57 của chương trình và báo cáo kết quả về UBND tỉnh"
    )
    assert "Sở Tư pháp" in tasks["57"]["support_units"]
    assert tasks["58"]["title"] == "Triển khai nhiệm vụ số 58 của chương trình"


def test_every_deadline_form_of_a_cell_is_read() -> None:
    tasks = {t["code"]: t for t in extract_bytes(_programme(), "chuong-trinh.docx")["tasks"]}
    for n in range(1, len(DEADLINES) + 1):
        written, deadline, recurrence = DEADLINES[n - 1]
        assert (tasks[str(n)]["deadline"], tasks[str(n)]["recurrence"]) == (deadline, recurrence), written


BAD_ROWS = """**SỞ Y TẾ**

Số: 12/KH-SYT

**KẾ HOẠCH**

**Công tác y tế năm 2025**

| STT | Nội dung nhiệm vụ | Đơn vị chủ trì | Thời gian hoàn thành |
|---|---|---|---|
| I | CÔNG TÁC CHUYÊN MÔN | | |
| 1 | Tiêm chủng mở rộng đạt 95% trở lên | Trung tâm Kiểm soát bệnh tật | 6/2025 |
| 2 | Khám sức khỏe học đường | Phòng Nghiệp vụ Y | 2025 |
| 2 | Kiểm tra an toàn thực phẩm | Chi cục An toàn vệ sinh thực phẩm | Quý III/2025 |
| 3a | Bổ sung danh mục thuốc | Phòng Nghiệp vụ Dược | 12/2025 |
| 4 | | Văn phòng Sở | 2025 |
| 5* | Chuyển đổi số y tế | Phòng Kế hoạch - Tài chính | 2025 |
"""


def test_a_row_that_cannot_be_read_in_full_is_a_task_with_what_could_be_read_and_a_finding() -> None:
    plan = extract_bytes(BAD_ROWS.encode(), "kh.md")
    rows = [(t["code"], t["title"], t["lead_unit"], t["deadline"]) for t in plan["tasks"]]
    assert rows == [
        ("1", "Tiêm chủng mở rộng đạt 95% trở lên", "Trung tâm Kiểm soát bệnh tật", "2025-06-30"),
        ("2", "Khám sức khỏe học đường", "Phòng Nghiệp vụ Y", "2025-12-31"),
        ("2-2", "Kiểm tra an toàn thực phẩm", "Chi cục An toàn vệ sinh thực phẩm", "2025-09-30"),
        ("3a", "Bổ sung danh mục thuốc", "Phòng Nghiệp vụ Dược", "2025-12-31"),
        ("4", "(Dòng 4 của bảng chưa có nội dung nhiệm vụ)", "Văn phòng Sở", "2025-12-31"),
        ("5", "Chuyển đổi số y tế", "Phòng Kế hoạch - Tài chính", "2025-12-31"),
    ]
    flagged = [(f["task"], f["excerpt"]) for f in plan["findings"] if f["code"] == "unreadable_row"]
    assert flagged == [("2-2", "STT 2"), ("3a", "STT 3a"), ("4", "STT 4"), ("5", "STT 5*")]
    # Six numbered rows in, six tasks out; the group row "I" is not a task.
    assert len(plan["tasks"]) == BAD_ROWS.count("\n| ") - 2


GAP = """SỞ Y TẾ
Số: 5/KH-SYT
KẾ HOẠCH
Công tác năm 2025
I. NHIỆM VỤ
1. Tiêm chủng
- Chủ trì: Trung tâm Y tế
2. Khám bệnh học đường theo các bước:
1. Lập danh sách
2. Khám
4. Báo cáo kết quả
- Chủ trì: Phòng Nghiệp vụ Y
4. Chuyển đổi số
- Chủ trì: Văn phòng Sở
"""


def test_a_numbered_task_after_a_skipped_number_is_kept_with_a_finding() -> None:
    plan = extract_bytes(GAP.encode(), "kh.txt")
    assert [(t["code"], t["lead_unit"]) for t in plan["tasks"]] == [
        ("1", "Trung tâm Y tế"),
        ("2", "Phòng Nghiệp vụ Y"),
        ("4", "Văn phòng Sở"),
    ]
    # The enumeration inside task 2's text (with its own gap) stays its text.
    assert "4. Báo cáo kết quả" in plan["tasks"][1]["excerpt"]
    assert [(f["code"], f["task"]) for f in plan["findings"]] == [("numbering_gap", "4")]
