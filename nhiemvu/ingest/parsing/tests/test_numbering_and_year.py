"""The Party's numbering and the plan's year (issue 15, item 4; plan-json.md "Real-world shapes"),
on documents written here in the shapes published plans have."""

from __future__ import annotations

from nhiemvu.ingest.parsing import extract_bytes

PARTY = """ĐẢNG ĐOÀN QUỐC HỘI
Số 3260-KH/ĐĐQH15
Hà Nội, ngày 10 tháng 3 năm 2025
KẾ HOẠCH
Thực hiện Chương trình hành động về chuyển đổi số
Căn cứ Nghị quyết số 12-NQ/TW ngày 10 tháng 12 năm 2024 của Bộ Chính trị, Đảng đoàn Quốc hội ban hành Kế hoạch như sau:
I. NHIỆM VỤ
1. Hoàn thiện thể chế về chuyển đổi số
- Cơ quan chủ trì: Ủy ban Khoa học, Công nghệ và Môi trường
- Thời gian hoàn thành: Tháng 12/2025
2. Tổng kết việc thực hiện Nghị quyết
- Cơ quan chủ trì: Văn phòng Quốc hội
- Thời gian hoàn thành: 2025
"""

MULTI_YEAR = """UBND TỈNH THỬ NGHIỆM
Số: 45/KH-UBND
Thử Nghiệm, ngày 20 tháng 5 năm 2021
KẾ HOẠCH
Phát triển nông nghiệp giai đoạn 2021 - 2025
Thực hiện Quyết định số 150/QĐ-TTg ngày 28 tháng 01 năm 2022 của Thủ tướng Chính phủ.
I. NHIỆM VỤ
1. Xây dựng vùng nguyên liệu tập trung
- Cơ quan chủ trì: Sở Nông nghiệp và Phát triển nông thôn
- Thời gian hoàn thành: 2024 - 2025
"""


def test_the_partys_numbering_gives_kind_number_and_symbol_and_is_not_a_reference() -> None:
    plan = extract_bytes(PARTY.encode(), "dang.txt")
    document = plan["document"]
    assert (document["kind"], document["number"], document["symbol"]) == ("KH", "3260-KH/ĐĐQH15", "KH/ĐĐQH15")
    assert "3260-KH/ĐĐQH15" not in [r["number"] for r in plan["references"]]


def test_the_plan_year_is_the_titles_not_a_cited_documents() -> None:
    plan = extract_bytes(PARTY.encode(), "dang.txt")
    assert plan["document"]["year"] == 2025
    assert [t["deadline"] for t in plan["tasks"]] == ["2025-12-31", "2025-12-31"]
    assert not [f for f in plan["findings"] if f["code"] == "deadline_after_plan"]


def test_a_multi_year_plan_ends_with_its_period() -> None:
    plan = extract_bytes(MULTI_YEAR.encode(), "giai-doan.txt")
    assert plan["document"]["year"] == 2025  # the last year of "giai đoạn 2021 - 2025"
    assert plan["tasks"][0]["deadline"] == "2025-12-31"
    assert not [f for f in plan["findings"] if f["code"] == "deadline_after_plan"]
