"""Two plans written for these tests in the style of the corpus (GENERAL): a commune plan with
"–" field bullets, "Bộ phận chủ trì", "Thời hạn: Quý 4/2024", grouping tasks and a "Chỉ tiêu:" line;
and a district plan whose tasks are in a PHỤ LỤC table of a .docx with merged group rows."""

from __future__ import annotations

import io

import docx

from nhiemvu.ingest.parsing import extract_bytes

COMMUNE = """
ỦY BAN NHÂN DÂN
XÃ TÂN LẬP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND
Tân Lập, ngày 05 tháng 3 năm 2024
KẾ HOẠCH
Phát triển kinh tế - xã hội xã Tân Lập năm 2024
Căn cứ Nghị quyết số 08/NQ-HĐND ngày 20/12/2023 của HĐND xã về nhiệm vụ phát triển kinh tế - xã hội năm 2024; Ủy ban nhân dân xã Tân Lập ban hành Kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Triển khai thực hiện đạt và vượt các chỉ tiêu Nghị quyết HĐND xã giao.
2. Phân công rõ trách nhiệm cho từng ban, ngành, đoàn thể.
II. NHIỆM VỤ TRỌNG TÂM
1. Lĩnh vực kinh tế
1.1. Tổng diện tích gieo trồng cây hằng năm đạt 1.250 ha; sản lượng lương thực đạt 6.800 tấn trở lên
- Chỉ đạo chuyển đổi cơ cấu cây trồng, mùa vụ; tháng 4/2024 hoàn thành gieo cấy vụ Xuân.
– Lãnh đạo phụ trách: đồng chí Lê Văn Tám, Phó Chủ tịch UBND xã
– Bộ phận chủ trì: Công chức Địa chính - Nông nghiệp
– Phối hợp: Hợp tác xã Tân Lập; các thôn
– Thời hạn: Quý 4/2024
1.2. Thu ngân sách trên địa bàn đạt 3,5 tỷ đồng
- Chỉ tiêu: thu ngân sách tăng 10% so với năm 2023.
– Lãnh đạo phụ trách: đồng chí Hà Thị Mai, Chủ tịch UBND xã
– Bộ phận chủ trì: Công chức Tài chính - Kế toán
– Thời hạn: 31/12/2024
2. Lĩnh vực văn hóa - xã hội
2.1. Duy trì 100% trẻ em trong độ tuổi được tiêm chủng đầy đủ
– Lãnh đạo phụ trách: đồng chí Lê Văn Tám, Phó Chủ tịch UBND xã
– Bộ phận chủ trì: Trạm Y tế xã
– Thời hạn: Thường xuyên
2.2. Giảm tỷ lệ hộ nghèo xuống dưới 3%
– Lãnh đạo phụ trách: đồng chí Hà Thị Mai, Chủ tịch UBND xã
– Bộ phận chủ trì: Công chức Văn hóa - Xã hội
– Thời hạn: Tháng 12 năm 2024
III. TỔ CHỨC THỰC HIỆN
1. Các ban, ngành, đoàn thể căn cứ Kế hoạch này triển khai thực hiện.
2. Văn phòng - Thống kê xã theo dõi, tổng hợp, báo cáo kết quả thực hiện hằng quý và năm.
Nơi nhận:
- UBND huyện (b/c);
- Đảng ủy, HĐND xã;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Hà Thị Mai
"""


def test_a_commune_plan():
    plan = extract_bytes(COMMUNE.encode(), "xa.txt")
    assert plan["document"]["issuer"] == "Ủy ban nhân dân xã Tân Lập"
    assert plan["document"]["signer"] == {"name": "Hà Thị Mai", "title": "CHỦ TỊCH"}
    tasks = {t["code"]: t for t in plan["tasks"]}
    assert list(tasks) == ["1", "1.1", "1.2", "2", "2.1", "2.2"]
    assert tasks["1.1"]["leader"] == {"name": "Lê Văn Tám", "title": "Phó Chủ tịch UBND xã"}
    assert tasks["1.1"]["lead_unit"] == "Công chức Địa chính - Nông nghiệp"
    assert tasks["1.1"]["support_units"] == ["Hợp tác xã Tân Lập", "các thôn"]
    assert tasks["1.1"]["deadline"] == "2024-12-31"  # Quý 4/2024
    assert [(m["due"], m["text"]) for m in tasks["1.1"]["milestones"]] == [
        ("2024-04-30", "hoàn thành gieo cấy vụ Xuân")
    ]
    assert [(x["value"], x["unit"], x["change"]) for x in tasks["1.2"]["targets"]] == [
        (3.5, "tỷ đồng", None),
        (10, "%", "increase"),  # from the "Chỉ tiêu:" line
    ]
    assert (tasks["2.1"]["deadline"], tasks["2.1"]["recurrence"]) == (None, "ongoing")
    assert [(x["name"], x["comparator"], x["change"]) for x in tasks["2.2"]["targets"]] == [
        ("tỷ lệ hộ nghèo", "<", "decrease")
    ]
    assert plan["reporting"] == {
        "compiler": "Văn phòng - Thống kê xã",
        "frequencies": ["quarterly", "yearly"],
    }
    assert plan["findings"] == []


def _district_docx() -> bytes:
    d = docx.Document()
    head = d.add_table(rows=2, cols=2)
    head.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nHUYỆN ĐỨC HÒA"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    head.cell(1, 0).text = "Số: 87/KH-UBND"
    head.cell(1, 1).text = "Đức Hòa, ngày 14 tháng 02 năm 2024"
    for t in (
        "KẾ HOẠCH",
        "Thực hiện công tác chuyển đổi số huyện Đức Hòa năm 2024",
        "Thực hiện Kế hoạch số 5/KH-UBND ngày 08/01/2024 của UBND tỉnh Long An, Ủy ban nhân dân huyện Đức Hòa ban hành Kế hoạch như sau:",
        "I. MỤC TIÊU",
        "1. 100% văn bản được ký số.",
        "II. NHIỆM VỤ VÀ GIẢI PHÁP",
        "Các nhiệm vụ cụ thể tại Phụ lục kèm theo Kế hoạch này.",
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Phòng Văn hóa và Thông tin là cơ quan thường trực, theo dõi, tổng hợp, báo cáo kết quả thực hiện định kỳ 6 tháng, năm.",
        "Nơi nhận:",
        "- UBND tỉnh (b/c);",
        "- Sở Thông tin và Truyền thông;",
        "- Lưu: VT.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Trần Văn Bình",
    ):
        d.add_paragraph(t)
    d.add_paragraph("PHỤ LỤC")
    d.add_paragraph("Danh mục nhiệm vụ chuyển đổi số năm 2024")
    d.add_paragraph("(Kèm theo Kế hoạch số 87/KH-UBND ngày 14/02/2024 của UBND huyện Đức Hòa)")
    rows = [
        [
            "STT",
            "Nhiệm vụ",
            "Cơ quan chủ trì",
            "Cơ quan phối hợp",
            "Thời gian hoàn thành",
            "Kết quả/Sản phẩm",
        ],
        ["A", "CHÍNH QUYỀN SỐ", "", "", "", ""],
        [
            "1",
            "Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tuyến đạt 80% trở lên",
            "Văn phòng HĐND và UBND huyện",
            "Các xã, thị trấn",
            "Quý IV/2024",
            "Báo cáo",
        ],
        ["2", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "", "", "", ""],
        ["2.1", "Số hóa 100% hồ sơ còn hiệu lực", "Phòng Tư pháp", "", "Tháng 9/2024", "Dữ liệu số"],
        [
            "2.2",
            "Tập huấn cho 200 lượt cán bộ",
            "Phòng Nội vụ",
            "Phòng Văn hóa và Thông tin",
            "Quý 3/2024",
            "Lớp tập huấn",
        ],
        ["B", "XÃ HỘI SỐ", "", "", "", ""],
        [
            "3",
            "Phát triển 5.000 tài khoản định danh điện tử mức 2",
            "Công an huyện",
            "UBND các xã, thị trấn",
            "Hằng tháng",
            "Báo cáo",
        ],
    ]
    t = d.add_table(rows=len(rows), cols=6)
    for r, vals in enumerate(rows):
        for c, v in enumerate(vals):
            t.cell(r, c).text = v
    for r in (1, 6):  # group rows merged across
        t.cell(r, 1).merge(t.cell(r, 5))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_a_district_plan_with_its_tasks_in_an_appendix_table():
    plan = extract_bytes(_district_docx(), "huyen.docx")
    assert [r["number"] for r in plan["references"]] == ["5/KH-UBND"]  # not the plan's own number
    assert [
        (t["code"], t["parent"], t["lead_unit"], t["deadline"], t["recurrence"]) for t in plan["tasks"]
    ] == [
        ("1", None, "Văn phòng HĐND và UBND huyện", "2024-12-31", None),
        ("2", None, None, None, None),
        ("2.1", "2", "Phòng Tư pháp", "2024-09-30", None),
        ("2.2", "2", "Phòng Nội vụ", "2024-09-30", None),
        ("3", None, "Công an huyện", None, "monthly"),
    ]
    assert [(x["value"], x["unit"]) for x in plan["tasks"][-1]["targets"]] == [(5000, "tài khoản")]
    assert plan["reporting"]["frequencies"] == ["half-yearly", "yearly"]
