"""Targets beyond the development corpus: explicit target lines under a task, a "Chỉ tiêu" column,
and readable target names. GENERAL_* tables are written for wordings the corpus does not use."""

from __future__ import annotations

import pytest

from nhiemvu.ingest.parsing import extract_bytes
from nhiemvu.ingest.parsing.read import table_blocks
from nhiemvu.ingest.parsing.recognise import target_lines, targets, task_targets

# (task body lines, [(value, unit, comparator)] of the targets they add)
GENERAL_TARGET_LINES = [
    (["- Chỉ tiêu: 100% hồ sơ được giải quyết đúng hạn"], [(100, "%", "=")]),
    (
        ["- Chỉ tiêu: Trồng 120 ha rừng tập trung; tỷ lệ che phủ đạt 60% trở lên."],
        [(120, "ha", "="), (60, "%", ">=")],
    ),
    (
        ["Mục tiêu cụ thể:", "+ Tối thiểu 30 lớp tập huấn", "+ Phấn đấu đạt 95% kế hoạch"],
        [(30, "lớp tập huấn", ">="), (95, "%", "=")],
    ),
    (["- Chỉ tiêu năm 2024: thu hút 2.000 lượt người tham gia"], [(2000, "lượt người", "=")]),
    (["- Kết quả cần đạt: ít nhất 05 mô hình được nhân rộng"], [(5, "mô hình", ">=")]),
    # not target lines
    (["- Tổ chức 02 hội nghị sơ kết"], []),  # an activity in the body is not a target
    (["- Phấn đấu đạt 90% kế hoạch"], []),  # "phấn đấu" in prose: too often a restatement
    (["Rà soát các chỉ tiêu: báo cáo 2 lần/năm"], []),  # the label is not at the line's start
    (["Mục tiêu:", "Triển khai 3 đợt kiểm tra"], []),  # no bullet: prose, not the label's items
    (["- Chỉ tiêu: hỗ trợ các xã (12 xã) hoàn thiện hồ sơ"], []),  # a scope count stays out
]


@pytest.mark.parametrize(("body", "expected"), GENERAL_TARGET_LINES)
def test_explicit_target_lines_add_targets(body, expected):
    found = task_targets("Thực hiện nhiệm vụ", body)
    assert [(t["value"], t["unit"], t["comparator"]) for t in found] == expected


def test_a_target_line_repeating_the_heading_adds_nothing():
    found = task_targets("Trồng 120 ha rừng", ["- Chỉ tiêu: trồng 120 ha rừng"])
    assert [(t["value"], t["unit"]) for t in found] == [(120, "ha")]


def test_target_lines_keep_their_order_and_stop_at_prose():
    assert target_lines(["- Mục tiêu:", "+ A 1 xã", "- Đơn vị chủ trì: X", "+ B 2 xã"]) == ["A 1 xã"]


# (heading, [names]) — names are not scored, but a person reads them in the tracker
GENERAL_NAMES = [
    ("Trồng 9.000 ha, tỷ lệ che phủ rừng đạt 64,2% trở lên", ["diện tích trồng", "tỷ lệ che phủ rừng"]),
    ("Xây dựng mới 450 phòng học", ["phòng học được xây dựng mới"]),
    ("Tuyển dụng 1.250 giáo viên theo chỉ tiêu biên chế", ["giáo viên được tuyển dụng"]),
    ("Giải ngân tối thiểu 200 tỷ đồng vốn đầu tư công", ["giải ngân vốn đầu tư công"]),
    ("Sản lượng lương thực đạt 45.000 tấn", ["Sản lượng lương thực"]),
    (
        "Kim ngạch xuất khẩu đạt 500 triệu USD, tăng 7% so với năm 2023",
        ["Kim ngạch xuất khẩu", "Kim ngạch xuất khẩu (tăng so với năm 2023)"],
    ),
    (
        "Hỗ trợ 05 chuỗi liên kết sản xuất, tiêu thụ nông sản; có 3 HTX",
        ["chuỗi liên kết sản xuất, tiêu thụ nông sản", "HTX"],
    ),
    ("Tỷ lệ chất thải rắn được thu gom, xử lý đạt 90%", ["Tỷ lệ chất thải rắn được thu gom, xử lý"]),
    ("Chỉ số sản xuất công nghiệp tăng 8%", ["Chỉ số sản xuất công nghiệp"]),
    ("Hết năm 2024, đạt tổng diện tích trên 500 ha", ["tổng diện tích"]),
    ("Nâng cấp 12 km đường giao thông nông thôn", ["nâng cấp đường giao thông nông thôn"]),
    ("sản lượng lương thực đạt 6.800 tấn trở lên", ["sản lượng lương thực"]),
    ("Thu ngân sách trên địa bàn đạt 3,5 tỷ đồng", ["Thu ngân sách trên địa bàn"]),
    ("Giảm tỷ lệ hộ nghèo xuống dưới 3%", ["tỷ lệ hộ nghèo"]),
    ("Phát triển 5.000 tài khoản định danh điện tử mức 2", ["tài khoản định danh điện tử mức 2"]),
]


@pytest.mark.parametrize(("heading", "names"), GENERAL_NAMES)
def test_target_names_read_on_their_own(heading, names):
    assert [t["name"] for t in targets(heading)] == names


def test_two_syllable_counted_nouns_are_whole_units():
    assert [t["unit"] for t in targets("Phát triển 5.000 tài khoản; tập huấn 200 cán bộ, công chức")] == [
        "tài khoản",
        "cán bộ",
    ]


def test_a_chi_tieu_column_of_a_task_table():
    rows = [
        ["STT", "Nội dung nhiệm vụ", "Chỉ tiêu", "Đơn vị chủ trì", "Thời gian"],
        ["1", "Phát triển hợp tác xã", "Thành lập mới 04 HTX", "Phòng Kinh tế", "Quý IV/2024"],
    ]
    blocks = table_blocks(rows)
    assert blocks[0].cells is not None
    assert blocks[0].cells["targets"] == "Thành lập mới 04 HTX"
    plan_text = "KẾ HOẠCH\nCông tác năm 2024\nII. NHIỆM VỤ\n"
    md_table = "\n".join("| " + " | ".join(r) + " |" for r in [rows[0], ["---"] * 5, rows[1]])
    plan = extract_bytes((plan_text + md_table + "\n").encode(), "k.md")
    assert [(t["value"], t["unit"]) for t in plan["tasks"][0]["targets"]] == [(4, "HTX")]
