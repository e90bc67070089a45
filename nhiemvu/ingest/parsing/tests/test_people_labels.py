"""People named after "Phụ trách:" with the Đ/c prefix and PCT/CT abbreviations, at commune level
(issue 15, item 7), in a commune plan written here."""

from __future__ import annotations

from nhiemvu.ingest.parsing import extract_bytes

COMMUNE = """ỦY BAN NHÂN DÂN XÃ TÂN THÀNH
Số: 21/KH-UBND
Tân Thành, ngày 15 tháng 01 năm 2025
KẾ HOẠCH
Thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2025
I. NHIỆM VỤ
1. Xây dựng 02 tuyến đường giao thông nông thôn
- Phụ trách: Đ/c Lâm Văn Sơn, PCT UBND xã
- Chủ trì: Công chức Địa chính - Xây dựng
- Thời gian hoàn thành: Quý III/2025
2. Duy trì tỷ lệ tham gia bảo hiểm y tế trên 95%
- Người phụ trách: Đồng chí Hà Thị Mai - CT UBND xã
- Chủ trì: Công chức Văn hóa - Xã hội
- Thời gian hoàn thành: Tháng 12/2025
3. Rà soát hộ nghèo
- Phụ trách: Phòng Kinh tế hướng dẫn
- Chủ trì: Công chức Lao động - Thương binh và Xã hội
- Thời gian hoàn thành: Quý IV/2025
"""


def test_a_person_after_phu_trach_is_the_leader_with_the_abbreviated_title_kept() -> None:
    tasks = {t["code"]: t for t in extract_bytes(COMMUNE.encode(), "xa.txt")["tasks"]}
    assert tasks["1"]["leader"] == {"name": "Lâm Văn Sơn", "title": "PCT UBND xã"}
    assert tasks["2"]["leader"] == {"name": "Hà Thị Mai", "title": "CT UBND xã"}
    assert tasks["1"]["lead_unit"] == "Công chức Địa chính - Xây dựng"
    assert tasks["1"]["deadline"] == "2025-09-30"


def test_phu_trach_followed_by_a_unit_names_no_leader() -> None:
    tasks = {t["code"]: t for t in extract_bytes(COMMUNE.encode(), "xa.txt")["tasks"]}
    assert tasks["3"]["leader"] is None
    assert tasks["3"]["lead_unit"] == "Công chức Lao động - Thương binh và Xã hội"
