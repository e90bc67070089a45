"""Letterheads as copies mangle them, titles with what follows them, field labels run together on
one line, and the "Nơi nhận" list in its other shapes (issue 15, items 3, 5, 6 and 8). Each document
here is written for the test in the shape real ones arrive in; none is a sample of the corpus."""

from __future__ import annotations

import pytest

from nhiemvu.ingest.parsing import ExtractionError, extract_bytes

TASKS = """
I. NHIỆM VỤ
1. Hoàn thiện thể chế về chuyển đổi số
- Chủ trì: Bộ Khoa học và Công nghệ
- Thời gian hoàn thành: 6/2025
"""


def _document(text: str, name: str = "kh.txt") -> dict:
    return extract_bytes(text.encode(), name)["document"]


# --------------------------------------------------------------------------------------- letterheads


def test_a_flattened_letterhead_gives_the_issuer_without_the_motto_and_keeps_place_and_date() -> None:
    doc = _document(
        "CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\n"
        "Số: 45/NQ-CP Hà Nội, ngày 10 tháng 3 năm 2025\n"
        "NGHỊ QUYẾT\nBan hành Chương trình hành động năm 2025\n" + TASKS
    )
    assert doc["issuer"] == "Chính phủ"
    assert (doc["number"], doc["symbol"], doc["kind"]) == ("45/NQ-CP", "NQ-CP", "NQ")
    assert (doc["place"], doc["issued_on"]) == ("Hà Nội", "2025-03-10")


def test_a_two_column_letterhead_read_across_joins_the_issuers_two_lines() -> None:
    # What PDF text gives for "BỘ LAO ĐỘNG - THƯƠNG BINH / VÀ XÃ HỘI" beside the motto.
    doc = _document(
        "BỘ LAO ĐỘNG - THƯƠNG BINH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "VÀ XÃ HỘI Độc lập - Tự do - Hạnh phúc\n"
        "Số: 77/KH-LĐTBXH Hà Nội, ngày 20 tháng 01 năm 2024\n"
        "KẾ HOẠCH\nTriển khai công tác năm 2024\n" + TASKS.replace("2025", "2024")
    )
    assert doc["issuer"] == "Bộ Lao động - Thương binh và Xã hội"
    assert (doc["place"], doc["issued_on"]) == ("Hà Nội", "2024-01-20")


def test_a_motto_glued_to_the_issuer_in_a_text_file_is_cut_off() -> None:
    doc = _document(
        "UBND HUYỆN CHÂU THÀNH\n"
        "PHÒNG NÔNG NGHIỆP VÀ PTNT CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc\n"
        "Số: 15/KH-NN\nChâu Thành, ngày 12 tháng 01 năm 2024\n"
        "KẾ HOẠCH\nPhát triển sản xuất nông nghiệp năm 2024\n" + TASKS
    )
    assert doc["issuer"] == "Phòng Nông nghiệp và PTNT"
    assert doc["place"] == "Châu Thành"


def test_a_web_copys_pipe_cells_and_markdown_markers_stay_out_of_the_issuer() -> None:
    text = (
        "| UBND TỈNH BÌNH PHƯỚC | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
        "| **SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG** | **Độc lập - Tự do - Hạnh phúc** |\n"
        "| Số: 120/KH-STNMT | *Bình Phước, ngày 05 tháng 02 năm 2024* |\n\n"
        "# **KẾ HOẠCH**\n\n**Thực hiện nhiệm vụ trọng tâm năm 2024**\n\n## I. NHIỆM VỤ\n\n"
        "1. Cấp giấy chứng nhận quyền sử dụng đất lần đầu\n- Đơn vị chủ trì: Văn phòng Đăng ký đất đai\n"
    )
    for name in ("kh.md", "kh.txt"):
        doc = _document(text, name)
        assert doc["issuer"] == "Sở Tài nguyên và Môi trường", name
        assert (doc["place"], doc["issued_on"], doc["number"]) == ("Bình Phước", "2024-02-05", "120/KH-STNMT")
        assert doc["title"] == "Thực hiện nhiệm vụ trọng tâm năm 2024"


@pytest.mark.parametrize(
    "line",
    [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "|",
        "**",
    ],
)
def test_the_issuer_never_contains_a_motto_a_pipe_or_a_marker(line: str) -> None:
    doc = _document(f"**SỞ Y TẾ {line}**\nSố: 12/KH-SYT\nKẾ HOẠCH\nCông tác năm 2025\n" + TASKS)
    assert doc["issuer"] == "Sở Y tế"


# -------------------------------------------------------------------------------------------- titles


def test_the_authority_line_under_a_title_is_not_part_of_it() -> None:
    doc = _document(
        "CHÍNH PHỦ\nSố: 45/NQ-CP\nNGHỊ QUYẾT\nBan hành Chương trình hành động năm 2025\nCHÍNH PHỦ\n"
        "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;\n" + TASKS
    )
    assert doc["title"] == "Ban hành Chương trình hành động năm 2025"


def test_a_title_in_capitals_keeps_all_its_lines() -> None:
    doc = _document(
        "SỞ Y TẾ\nSố: 12/KH-SYT\nKẾ HOẠCH\nTHỰC HIỆN NHIỆM VỤ TRỌNG TÂM\nNĂM 2025\n"
        "Căn cứ Quyết định số 1/QĐ-UBND ngày 02/01/2025;\n" + TASKS
    )
    assert doc["title"] == "THỰC HIỆN NHIỆM VỤ TRỌNG TÂM NĂM 2025"


def test_a_bold_title_over_three_lines_is_read_whole_from_text_and_markdown() -> None:
    body = (
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\nSố: 88/KH-UBND\nQuảng Trị, ngày 03 tháng 4 năm 2025\n\n"
        "**KẾ HOẠCH**\n**Triển khai thực hiện Chương trình chuyển đổi số\ntrên địa bàn tỉnh Quảng Trị\n"
        "năm 2025**\n\nCăn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ;\n" + TASKS
    )
    expected = "Triển khai thực hiện Chương trình chuyển đổi số trên địa bàn tỉnh Quảng Trị năm 2025"
    assert _document(body, "kh.txt")["title"] == expected
    markdown = body.replace("\n**Triển khai", "\n\n**Triển khai").replace("số\ntrên", "số**\n**trên")
    assert _document(markdown.replace("Trị\nnăm", "Trị**\n**năm"), "kh.md")["title"] == expected


# --------------------------------------------------------------------------------- labels run together


def test_field_labels_run_together_on_one_line_are_read_apart() -> None:
    plan = extract_bytes(
        (
            "SỞ NỘI VỤ\nSố: 30/KH-SNV\nKẾ HOẠCH\nCông tác trọng tâm năm 2022\nII. NHIỆM VỤ TRỌNG TÂM\n"
            "1. Rà soát, sắp xếp tổ chức bộ máy các cơ quan chuyên môn\n"
            "Lãnh đạo phụ trách: Đ/c Nguyễn Văn Bình, Phó Giám đốc Sở. Chủ trì: Phòng Tổ chức, biên chế. "
            "Phối hợp: Văn phòng Sở, Thanh tra Sở. Thời gian hoàn thành: Tháng 12/2022\n"
            "2. Tổ chức thi tuyển công chức năm 2022. Chủ trì: Phòng Công chức, viên chức; "
            "Thời gian hoàn thành: Quý III/2022\n"
            "3. Tập huấn nghiệp vụ cho cán bộ phụ trách: chủ trì: soạn tài liệu\n"
        ).encode(),
        "kh.txt",
    )
    one, two, three = plan["tasks"]
    assert one["leader"] == {"name": "Nguyễn Văn Bình", "title": "Phó Giám đốc Sở"}
    assert one["lead_unit"] == "Phòng Tổ chức, biên chế"
    assert one["support_units"] == ["Văn phòng Sở", "Thanh tra Sở"]
    assert one["deadline"] == "2022-12-31"
    assert (two["title"], two["lead_unit"], two["deadline"]) == (
        "Tổ chức thi tuyển công chức năm 2022",
        "Phòng Công chức, viên chức",
        "2022-09-30",
    )
    # A lower-case "chủ trì:" inside a sentence is wording, not a label.
    assert three["title"] == "Tập huấn nghiệp vụ cho cán bộ phụ trách: chủ trì: soạn tài liệu"
    assert three["lead_unit"] is None


# ----------------------------------------------------------------------------------- Nơi nhận shapes

DECISION = """ỦY BAN NHÂN DÂN
TỈNH HÀ GIANG
Số: 210/QĐ-UBND
Hà Giang, ngày 15 tháng 02 năm 2025
QUYẾT ĐỊNH
Ban hành Kế hoạch phát triển du lịch năm 2025
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ GIANG
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phát triển du lịch năm 2025.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Nơi nhận:
* Như Điều 2;
* Bộ Văn hóa, Thể thao và Du lịch (b/c);
* Lưu: VT, KGVX.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn Sơn
KẾ HOẠCH
Phát triển du lịch năm 2025
(Ban hành kèm theo Quyết định số 210/QĐ-UBND ngày 15/02/2025 của Chủ tịch UBND tỉnh)
I. MỤC ĐÍCH
- Phát huy tiềm năng du lịch của tỉnh;
II. NHIỆM VỤ
1. Xây dựng sản phẩm du lịch cộng đồng tại 05 làng văn hóa
- Cơ quan chủ trì: Sở Văn hóa, Thể thao và Du lịch
- Cơ quan phối hợp: UBND các huyện, thành phố
- Thời gian hoàn thành: 2025
2. Tổ chức Lễ hội hoa tam giác mạch
- Cơ quan chủ trì: UBND huyện Đồng Văn
- Thời gian hoàn thành: Quý IV/2025
III. TỔ CHỨC THỰC HIỆN
Định kỳ hằng quý, các cơ quan báo cáo kết quả thực hiện về Sở Văn hóa, Thể thao và Du lịch để tổng hợp.
"""


def test_star_bullets_are_recipients_and_a_closing_mid_document_ends_at_the_signature() -> None:
    plan = extract_bytes(DECISION.encode(), "qd.txt")
    assert plan["recipients"] == ["Như Điều 2", "Bộ Văn hóa, Thể thao và Du lịch", "Lưu: VT, KGVX"]
    assert plan["document"]["signer"] == {"name": "Nguyễn Văn Sơn", "title": "PHÓ CHỦ TỊCH"}
    assert plan["document"]["title"] == "Ban hành Kế hoạch phát triển du lịch năm 2025"
    # The attached plan's tasks and reporting duty are read, not swallowed as recipients.
    assert [(t["code"], t["lead_unit"], t["deadline"]) for t in plan["tasks"]] == [
        ("1", "Sở Văn hóa, Thể thao và Du lịch", "2025-12-31"),
        ("2", "UBND huyện Đồng Văn", "2025-12-31"),
    ]
    assert plan["reporting"] == {"compiler": "Sở Văn hóa, Thể thao và Du lịch", "frequencies": ["quarterly"]}
    assert "210/QĐ-UBND" not in [r["number"] for r in plan["references"]]


PARTY = """ĐẢNG BỘ TỈNH BẮC NINH ĐẢNG CỘNG SẢN VIỆT NAM
HUYỆN ỦY GIA BÌNH
*
Số 125-KH/HU Gia Bình, ngày 20 tháng 02 năm 2025

KẾ HOẠCH
thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị
về đột phá phát triển khoa học, công nghệ

-----

Thực hiện Kế hoạch số 300-KH/TU ngày 10/01/2025 của Ban Thường vụ Tỉnh ủy, Ban Thường vụ Huyện ủy xây dựng kế hoạch thực hiện như sau:
II. NHIỆM VỤ, GIẢI PHÁP
1. Tổ chức học tập, quán triệt Nghị quyết đến 100% cán bộ, đảng viên
Phụ trách: Đ/c Lâm Văn Sơn, PCT UBND huyện
Chủ trì: Ban Tuyên giáo Huyện ủy
Thời gian: Quý I/2025
"""


def test_a_party_committees_plan_keeps_its_lower_case_title_and_its_committee_as_issuer() -> None:
    plan = extract_bytes(PARTY.encode(), "kh.txt")
    doc = plan["document"]
    assert doc["title"] == (
        "thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ"
    )
    assert (doc["kind"], doc["number"], doc["issuer"]) == ("KH", "125-KH/HU", "Huyện ủy Gia Bình")
    assert (doc["place"], doc["issued_on"]) == ("Gia Bình", "2025-02-20")
    assert plan["tasks"][0]["leader"] == {"name": "Lâm Văn Sơn", "title": "PCT UBND huyện"}


def test_the_kind_word_and_the_title_on_one_line() -> None:
    doc = _document("SỞ Y TẾ\nSố: 12/KH-SYT\n**KẾ HOẠCH** Công tác y tế năm 2025\n" + TASKS)
    assert (doc["kind"], doc["title"]) == ("KH", "Công tác y tế năm 2025")


def test_a_letter_without_a_kind_line_takes_its_subject_as_title_and_its_year_from_the_text() -> None:
    doc = _document(
        "SỞ Y TẾ\nSố: 5/SYT-KHTC\nV/v triển khai nhiệm vụ năm 2025\nKính gửi: Các đơn vị trực thuộc\n"
        "1. Tiêm chủng đạt 95% trở lên\n- Chủ trì: Trung tâm Kiểm soát bệnh tật\n- Thời gian hoàn thành: 6/2025\n"
    )
    assert (doc["title"], doc["year"], doc["issuer"]) == ("triển khai nhiệm vụ năm 2025", 2025, "Sở Y tế")


def test_a_document_naming_no_year_at_all_is_refused_with_a_message() -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_bytes("SỞ Y TẾ\nSố: 5/SYT-KHTC\n1. Tiêm chủng\n- Chủ trì: Trung tâm Y tế\n".encode(), "a.txt")
    assert caught.value.code == "no_year"
    assert "Không xác định được năm của kế hoạch" in str(caught.value)
