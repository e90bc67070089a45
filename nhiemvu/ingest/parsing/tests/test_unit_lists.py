"""A phối hợp list written with commas (issue 15, item 8): split between agencies' names, kept
whole inside one ("UBND các huyện, thị xã, thành phố" is one body)."""

from __future__ import annotations

from nhiemvu.ingest.parsing import extract_bytes

PLAN = """UBND TỈNH THỬ NGHIỆM
SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG
Số: 09/KH-SNNMT
Thử Nghiệm, ngày 06 tháng 3 năm 2025
KẾ HOẠCH
Triển khai nhiệm vụ trọng tâm năm 2025
I. NHIỆM VỤ
1. Trồng mới 1.200 ha rừng
- Chủ trì: Chi cục Kiểm lâm
- Phối hợp: Sở Tài chính, Sở Nội vụ, UBND các huyện, thị xã, thành phố
- Thời gian hoàn thành: Tháng 11/2025
2. Hỗ trợ các phòng, ban chuyên môn
- Chủ trì: Văn phòng Sở
- Phối hợp: các phòng, ban, đơn vị thuộc Sở
- Thời gian hoàn thành: 2025
"""


def test_a_comma_list_of_agencies_is_split_and_a_compound_body_is_not() -> None:
    tasks = {t["code"]: t for t in extract_bytes(PLAN.encode(), "kh.txt")["tasks"]}
    assert tasks["1"]["support_units"] == ["Sở Tài chính", "Sở Nội vụ", "UBND các huyện, thị xã, thành phố"]
    assert tasks["2"]["support_units"] == ["các phòng, ban, đơn vị thuộc Sở"]
