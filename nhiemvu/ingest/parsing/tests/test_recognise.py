"""Tables of examples for the recognisers: targets, units, leaders, units, references, reporting.

``DEV_*`` lists come from the development corpus (../shared/corpus); ``GENERAL_*`` lists are
made-up examples in the way other plans are written.
"""

from __future__ import annotations

import pytest

from nhiemvu.ingest.parsing.recognise import (
    doc_number,
    issuer,
    leader,
    place_and_date,
    recipients,
    references,
    reporting,
    signer,
    targets,
    units,
)


def _t(title: str) -> list[tuple]:
    return [(t["value"], t["max"], t["unit"], t["comparator"], t["change"]) for t in targets(title)]


DEV_TARGETS = [
    (
        "Trồng 9.000 ha, tỷ lệ che phủ rừng đạt 64,2% trở lên.",
        [(9000, None, "ha", "=", None), (64.2, None, "%", ">=", None)],
    ),
    ("hết năm 2023 đạt tổng diện tích trên 1.000ha", [(1000, None, "ha", ">", None)]),
    ("Có 15 sản phẩm OCOP đạt 3 sao trở lên", [(15, None, "sản phẩm", "=", None)]),
    (
        "Hợp phần 3 Cơ sở hạ tầng, hỗ trợ tối thiểu 5-7 doanh nghiệp, 10-15 hợp tác xã (nhóm sản xuất) thuộc 04 chuỗi giá trị",
        [(5, 7, "doanh nghiệp", "range", None), (10, 15, "hợp tác xã", "range", None)],
    ),
    ("giảm tối thiểu 40 điểm trường lẻ", [(40, None, "điểm trường", ">=", "decrease")]),
    ("có từ 80 đến 90 giải học sinh giỏi quốc gia", [(80, 90, "giải", "range", None)]),
    ("Duy trì 100% xã đạt chuẩn phổ cập giáo dục mầm non cho trẻ em 5 tuổi", [(100, None, "%", "=", None)]),
    (
        "đạt 15,5 bác sĩ và 45 giường bệnh trên 10.000 dân",
        [(15.5, None, "bác sĩ", "=", None), (45, None, "giường bệnh", "=", None)],
    ),
    ("Chỉ số sản xuất công nghiệp (IIP) tăng 8,5-9% so với năm 2024", [(8.5, 9, "%", "range", "increase")]),
    (
        "Kim ngạch xuất khẩu đạt 1.650 triệu USD, tăng 7% so với năm 2024",
        [(1650, None, "triệu USD", "=", None), (7, None, "%", "=", "increase")],
    ),
    ("kiểm tra 100% cửa hàng xăng dầu trên địa bàn tỉnh (412 cửa hàng)", [(100, None, "%", "=", None)]),
    (
        "Thu nhập bình quân đạt 68 triệu đồng/người/năm; tỷ lệ hộ nghèo giảm 0,5%",
        [(68, None, "triệu đồng/người/năm", "=", None), (0.5, None, "%", "=", "decrease")],
    ),
    ("nâng tổng số xã lên 07/11 xã (hiện có 04 xã)", [(7, None, "xã", "=", None)]),
    (
        "Kéo giảm tai nạn giao thông từ 5-10% trên cả 3 tiêu chí: số vụ, số người chết, số người bị thương",
        [(5, 10, "%", "range", "decrease")] * 3,
    ),
    ("tỷ lệ phương tiện vi phạm tải trọng không quá 3% số xe được kiểm tra", [(3, None, "%", "<=", None)]),
    (
        "Thực hiện Kế hoạch số 231/KH-UBND ngày 09/11/2022, giai đoạn 2022 -2030, kế hoạch năm 2023 là 2.000 ha",
        [(2000, None, "ha", "=", None)],
    ),
]
GENERAL_TARGETS = [
    ("Xây dựng ít nhất 12 mô hình trình diễn", [(12, None, "mô hình", ">=", None)]),
    ("Năng suất lúa đạt 6,2 tấn/ha", [(6.2, None, "tấn/ha", "=", None)]),
    ("Tỷ lệ nợ xấu dưới 3%", [(3, None, "%", "<", None)]),
    ("Tỷ lệ mắc ở mức 12 ca/100.000 dân", [(12, None, "ca/100.000 dân", "=", None)]),
    ("Tổ chức 2 đợt/năm kiểm tra", [(2, None, "đợt/năm", "=", None)]),
    ("Hoàn thành trước ngày 30/6/2024 theo Quyết định số 12/QĐ-UBND", []),
    ("Đào tạo không dưới 500 lao động nông thôn", [(500, None, "lao động", ">=", None)]),
    ("Tổng vốn đạt hơn 1.200 tỷ đồng", [(1200, None, "tỷ đồng", ">", None)]),
]


@pytest.mark.parametrize(("title", "expected"), DEV_TARGETS + GENERAL_TARGETS)
def test_it_reads_targets_from_a_task_heading(title, expected):
    assert _t(title) == expected


DEV_LEADERS: list[tuple[str, dict[str, str | None] | None]] = [
    ("Đồng chí Nguyễn Phúc Đạt, Phó Giám đốc Sở.", {"name": "Nguyễn Phúc Đạt", "title": "Phó Giám đốc Sở"}),
    ("Đ/c Trần Quốc Hưng, PGĐ Sở.", {"name": "Trần Quốc Hưng", "title": "PGĐ Sở"}),
    ("Đồng chí Nguyễn Quang Vinh, Giám đốc Sở.", {"name": "Nguyễn Quang Vinh", "title": "Giám đốc Sở"}),
]
GENERAL_LEADERS: list[tuple[str, dict[str, str | None] | None]] = [
    ("Ông Lê Văn Tám - Phó Chủ tịch UBND huyện", {"name": "Lê Văn Tám", "title": "Phó Chủ tịch UBND huyện"}),
    ("đ/c Hà Thị Mai (Phó Giám đốc)", {"name": "Hà Thị Mai", "title": "Phó Giám đốc"}),
    ("Nguyễn Văn An", {"name": "Nguyễn Văn An", "title": None}),
    ("Giám đốc Sở", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), DEV_LEADERS + GENERAL_LEADERS)
def test_it_reads_leaders(text, expected):
    assert leader(text) == expected


DEV_UNITS = [
    (
        "Phòng Giáo dục Mầm non; Phòng Giáo dục Tiểu học.",
        ["Phòng Giáo dục Mầm non", "Phòng Giáo dục Tiểu học"],
    ),
    ("Sở Nội vụ; UBND các huyện, thành phố, thị xã.", ["Sở Nội vụ", "UBND các huyện, thành phố, thị xã"]),
    ("Thanh tra Sở.", ["Thanh tra Sở"]),
]
GENERAL_UNITS = [("", []), ("Sở Tài chính;", ["Sở Tài chính"]), ("A;\nB", ["A", "B"])]


@pytest.mark.parametrize(("text", "expected"), DEV_UNITS + GENERAL_UNITS)
def test_it_splits_support_units(text, expected):
    assert units(text) == expected


DEV_REFERENCES: list[tuple[str, list[tuple[str, str | None]]]] = [
    (
        "Thực hiện Quyết định số 58/QĐ-UBND ngày 17/01/2023 của Chủ tịch UBND tỉnh",
        [("58/QĐ-UBND", "2023-01-17")],
    ),
    ("Nghị quyết số 95-NQ/TU ngày 20/9/2022 của Ban Thường vụ", [("95-NQ/TU", "2022-09-20")]),
    ("Nghị quyết số 25/2021/QH15 ngày 28/7/2021 của Quốc hội", [("25/2021/QH15", "2021-07-28")]),
    ("Quyết định số 263/QĐ-TTg ngày 22/02/2022", [("263/QĐ-TTg", "2022-02-22")]),
    ("(Kèm theo Kế hoạch số 112/KH-SYT ngày 22/01/2024 của Sở Y tế)", []),
]
GENERAL_REFERENCES = [
    (
        "Chỉ thị số 05-CT/TU, Thông tư số 01/2020/TT-BGDĐT ngày 05 tháng 3 năm 2020",
        [("05-CT/TU", None), ("01/2020/TT-BGDĐT", "2020-03-05")],
    ),
    ("đạt 07/11 xã, năng suất 6 tấn/ha, trước ngày 30/6/2024", []),
]


@pytest.mark.parametrize(("text", "expected"), DEV_REFERENCES + GENERAL_REFERENCES)
def test_it_finds_references(text, expected):
    assert [(r["number"], r["date"]) for r in references([text], None)] == expected


def test_it_leaves_out_the_plans_own_number():
    assert (
        references(["Kế hoạch số 58/KH-UBND và Quyết định 1/QĐ-UBND"], "58/KH-UBND")[0]["number"]
        == "1/QĐ-UBND"
    )


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Số: /KH-SNN"], (None, "KH-SNN", "Số: /KH-SNN")),  # dev
        (["Số: 112/KH-SYT Quảng Ninh"], ("112/KH-SYT", "KH-SYT", "Số: 112/KH-SYT")),  # dev
        (["Số: 45/QĐ-UBND"], ("45/QĐ-UBND", "QĐ-UBND", "Số: 45/QĐ-UBND")),  # general
    ],
)
def test_it_reads_the_document_number(lines, expected):
    assert doc_number(lines) == expected


def test_it_reads_place_and_a_blank_date():
    assert place_and_date(["Bình Định, ngày      tháng 01 năm 2025"])[:3] == ("Bình Định", None, True)
    assert str(place_and_date(["Tam Nông, ngày 26 tháng 02 năm 2024"])[1]) == "2024-02-26"


@pytest.mark.parametrize(
    ("front", "preamble", "expected"),
    [
        (["UBND TỈNH QUẢNG NINH", "SỞ Y TẾ"], "..., Sở Y tế xây dựng Kế hoạch", "Sở Y tế"),  # dev
        (
            ["ỦY BAN NHÂN DÂN", "HUYỆN TAM NÔNG"],
            "Ủy ban nhân dân huyện Tam Nông ban hành Kế hoạch",
            "Ủy ban nhân dân huyện Tam Nông",
        ),  # dev
        ([], "Sở Công Thương ban hành Kế hoạch", "Sở Công Thương"),  # general
        (["UBND HUYỆN ĐỨC HÒA", "PHÒNG NÔNG NGHIỆP VÀ PTNT"], "", "Phòng Nông nghiệp và PTNT"),  # general
    ],
)
def test_it_finds_the_issuer(front, preamble, expected):
    assert issuer(front, preamble) == expected


DEV_REPORTING: list[tuple[str, str | None, list[str]]] = [
    (
        "3. Phòng Kế hoạch – Tài chính chịu trách nhiệm theo dõi, đôn đốc, tổng hợp kết quả thực hiện các nhiệm vụ "
        "theo tháng, quý của năm, báo cáo lãnh đạo Sở.",
        "Phòng Kế hoạch – Tài chính",
        ["monthly", "quarterly"],
    ),
    (
        "2. Phòng Kế hoạch - Tài chính là đầu mối theo dõi, đôn đốc, tổng hợp kết quả thực hiện, báo cáo Giám đốc Sở "
        "định kỳ hằng quý, 6 tháng và năm",
        "Phòng Kế hoạch - Tài chính",
        ["quarterly", "half-yearly", "yearly"],
    ),
    (
        "2. Phòng Kế hoạch - Tài chính - Tổng hợp theo dõi, đôn đốc, tổng hợp tình hình thực hiện Kế hoạch, báo cáo "
        "Giám đốc Sở hằng tháng (trước ngày 22).",
        "Phòng Kế hoạch - Tài chính - Tổng hợp",
        ["monthly"],
    ),
    (
        "3. Văn phòng Sở theo dõi, tổng hợp, báo cáo kết quả thực hiện định kỳ hằng quý (trước ngày 15 tháng cuối quý) "
        "và báo cáo năm (trước ngày 10/12/2022).",
        "Văn phòng Sở",
        ["quarterly", "yearly"],
    ),
]
GENERAL_REPORTING = [
    (
        "- Văn phòng UBND huyện có trách nhiệm tổng hợp, báo cáo kết quả hàng tháng và hằng năm.",
        "Văn phòng UBND huyện",
        ["monthly", "yearly"],
    ),
    ("1. Các phòng chủ động triển khai.", None, []),
]


@pytest.mark.parametrize(("line", "compiler", "freq"), DEV_REPORTING + GENERAL_REPORTING)
def test_it_reads_the_reporting_duty(line, compiler, freq):
    assert reporting([line]) == {"compiler": compiler, "frequencies": freq}


def test_it_reads_recipients_and_the_signer_of_a_two_column_pdf():
    # dev: thai-nguyen-sgtvt-2022.pdf, after the columns are split
    closing = [
        "KT. GIÁM ĐỐC",
        "- Bộ Giao thông vận tải (b/c);",
        "PHÓ GIÁM ĐỐC",
        "- UBND tỉnh (để b/c);",
        "- Các phòng, đơn vị thuộc Sở;",
        "Hoàng Văn Lực",
        "- Lưu: VT, TTr.",
    ]
    assert recipients(closing) == [
        "Bộ Giao thông vận tải",
        "UBND tỉnh",
        "Các phòng, đơn vị thuộc Sở",
        "Lưu: VT, TTr",
    ]
    assert signer(closing) == {"name": "Hoàng Văn Lực", "title": "PHÓ GIÁM ĐỐC"}


def test_it_reads_a_signer_under_tm_and_kt():
    closing = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "(Đã ký)", "Nguyễn Thành Đông"]
    assert signer(closing) == {"name": "Nguyễn Thành Đông", "title": "PHÓ CHỦ TỊCH"}
