"""Reading .docx (paragraphs and tables in document order) built on the fly with python-docx."""

from __future__ import annotations

import io

import docx

from nhiemvu.ingest.parsing import extract_bytes


def _plan_docx() -> bytes:
    d = docx.Document()
    head = d.add_table(rows=2, cols=2)
    head.cell(0, 0).text = "UBND TỈNH HÀ TĨNH\nSỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    head.cell(1, 0).text = "Số: 21/KH-STNMT"
    head.cell(1, 1).text = "Hà Tĩnh, ngày 10 tháng 02 năm 2024"
    for text in (
        "KẾ HOẠCH",
        "Thực hiện nhiệm vụ trọng tâm năm 2024",
        "Căn cứ Quyết định số 300/QĐ-UBND ngày 05/01/2024 của UBND tỉnh, Sở Tài nguyên và Môi trường "
        "xây dựng Kế hoạch như sau:",
        "I. MỤC ĐÍCH",
        "1. Bảo đảm tiến độ.",
        "II. NHIỆM VỤ CỤ THỂ",
    ):
        d.add_paragraph(text)
    t = d.add_table(rows=5, cols=6)
    rows = [
        ["TT", "Nội dung", "Lãnh đạo phụ trách", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn"],
        ["I", "LĨNH VỰC ĐẤT ĐAI", "", "", "", ""],
        [
            "1",
            "Cấp giấy chứng nhận đạt tối thiểu 95% diện tích",
            "Đ/c Lê Văn A, PGĐ Sở",
            "Phòng Đất đai",
            "VP Đăng ký đất đai; UBND các huyện",
            "Quý III/2024",
        ],
        ["II", "LĨNH VỰC MÔI TRƯỜNG", "", "", "", ""],
        ["2", "Thu gom, xử lý 90% chất thải rắn", "Đ/c Trần Thị B, PGĐ Sở", "Chi cục BVMT", "", "Hằng quý"],
    ]
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            t.cell(r, c).text = v
    d.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
    d.add_paragraph("Văn phòng Sở tổng hợp, báo cáo kết quả thực hiện hằng tháng.")
    sign = d.add_table(rows=1, cols=2)
    sign.cell(0, 0).text = "Nơi nhận:\n- UBND tỉnh (b/c);\n- Lưu: VT."
    sign.cell(0, 1).text = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\nLê Văn A"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_a_docx_task_table_with_a_leader_column_and_group_rows():
    plan = extract_bytes(_plan_docx(), "plan.docx")
    doc = plan["document"]
    assert (doc["number"], doc["issuer"], doc["issued_on"], doc["year"]) == (
        "21/KH-STNMT",
        "Sở Tài nguyên và Môi trường",
        "2024-02-10",
        2024,
    )
    assert doc["signer"] == {"name": "Lê Văn A", "title": "PHÓ GIÁM ĐỐC"}
    assert [t["code"] for t in plan["tasks"]] == ["1", "2"]  # group rows I, II are not tasks
    first, second = plan["tasks"]
    assert first["leader"] == {"name": "Lê Văn A", "title": "PGĐ Sở"}
    assert first["support_units"] == ["VP Đăng ký đất đai", "UBND các huyện"]
    assert first["deadline"] == "2024-09-30"
    assert [(x["value"], x["unit"], x["comparator"]) for x in first["targets"]] == [(95, "%", ">=")]
    assert (second["deadline"], second["recurrence"]) == (None, "quarterly")
    assert plan["reporting"] == {"compiler": "Văn phòng Sở", "frequencies": ["monthly"]}
    assert plan["recipients"] == ["UBND tỉnh", "Lưu: VT"]
    assert [r["number"] for r in plan["references"]] == ["300/QĐ-UBND"]
