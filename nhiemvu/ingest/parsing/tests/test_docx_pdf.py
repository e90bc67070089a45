"""Reading .docx (paragraphs and tables in document order) built on the fly with python-docx, and
the same documents printed to PDF by LibreOffice: a plan extracts the same whatever its format."""

from __future__ import annotations

import copy
import io
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml import OxmlElement
from docx.shared import Inches

from nhiemvu.ingest.parsing import ExtractionError, extract_bytes, extract_file


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


# ---------------------------------------------------------------------------------- .docx -> PDF


@pytest.fixture(scope="module")
def to_pdf(tmp_path_factory):
    """Converts .docx files to PDF with LibreOffice (as officials do with "Save as PDF") and returns
    the PDFs' paths; one LibreOffice profile for the module, apart from any LibreOffice running."""
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("soffice is missing: .ci/run installs libreoffice-writer-nogui")
        pytest.skip("the .docx -> PDF tests need LibreOffice (apt-get install libreoffice-writer-nogui)")
    profile = tmp_path_factory.mktemp("soffice-profile")

    def convert(paths: list[Path], outdir: Path, export: str = "pdf") -> list[Path]:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                export,
                "--outdir",
                str(outdir),
                *map(str, paths),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pdfs = [outdir / (p.stem + ".pdf") for p in paths]
        assert all(p.exists() for p in pdfs), f"LibreOffice did not write {pdfs}"
        return pdfs

    return convert


def _comparable(plan: dict) -> dict:
    """The plan without what legitimately differs between a .docx and its PDF: the source text
    (line breaks, the letterhead read column by column) and the tasks' excerpts taken from it."""
    plan = copy.deepcopy(plan)
    plan.pop("source_text", None)
    for task in plan["tasks"]:
        task.pop("excerpt", None)
    return plan


def test_every_corpus_docx_printed_to_pdf_extracts_the_same(shared_dir, to_pdf, tmp_path):
    # Developed on the dev corpus's two .docx plans, whose tasks are rows of ruled Word tables.
    sources = sorted((shared_dir / "corpus").glob("*/*.docx"))
    assert sources, "no .docx in the corpus"
    for source, pdf in zip(sources, to_pdf(sources, tmp_path), strict=True):
        from_docx, from_pdf = extract_file(source), extract_file(pdf)
        assert from_pdf["tasks"], f"{pdf.name}: no tasks"
        assert _comparable(from_pdf) == _comparable(from_docx), pdf.name


UNITS = ["Phòng Kế hoạch - Tài chính", "Văn phòng Sở", "Thanh tra Sở", "Phòng Quản lý chất lượng"]
DEADLINES = [("Quý II/2024", "2024-06-30"), ("Tháng 9/2024", "2024-09-30"), ("Thường xuyên", None)]
PHRASES = [
    "rà soát, cập nhật quy trình nội bộ giải quyết thủ tục hành chính",
    "tổ chức tập huấn cho công chức về chuyển đổi số",
    "kiểm tra việc chấp hành quy định về công tác văn thư, lưu trữ",
    "đẩy mạnh ứng dụng công nghệ thông tin trong chỉ đạo, điều hành",
]
LONG_ROW = 6  # its title cell has more paragraphs than a page holds: the page break must cut the row


def _set_header_row(row) -> None:
    """Word's "Repeat as header row at the top of each page" (w:tblHeader)."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def _numbered(cell) -> None:
    """An empty paragraph in Word's "List Number" style: the STT that Word numbers by itself."""
    cell.paragraphs[0].style = "List Number"


def _widths(table, *inches: float) -> None:
    """Column widths, in the grid (which LibreOffice follows) and in every cell (which Word does)."""
    for column, width in zip(table.columns, inches, strict=True):
        column.width = Inches(width)
        for cell in column.cells:
            cell.width = Inches(width)


def _long_table_docx(repeat_header: bool) -> bytes:
    d = docx.Document()
    head = d.add_table(rows=2, cols=2)
    head.cell(0, 0).text = "UBND TỈNH HÀ GIANG\nSỞ TƯ PHÁP"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    head.cell(1, 0).text = "Số: 15/KH-STP"
    head.cell(1, 1).text = "Hà Giang, ngày 20 tháng 01 năm 2024"
    _widths(head, 2.4, 4.1)  # as wide as letterheads are: the motto on one line
    for text in ("KẾ HOẠCH", "Thực hiện nhiệm vụ trọng tâm năm 2024", "I. NHIỆM VỤ CỤ THỂ"):
        d.add_paragraph(text)
    tasks = 14
    t = d.add_table(rows=tasks + 2, cols=5)
    t.style = "Table Grid"  # ruled, as plans' task tables are
    _widths(t, 0.5, 2.6, 1.2, 1.2, 1.0)
    for c, v in enumerate(
        ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn hoàn thành"]
    ):
        t.cell(0, c).text = v
    if repeat_header:
        _set_header_row(t.rows[0])
    group = t.cell(1, 1).merge(t.cell(1, 4))  # a group row across the columns
    t.cell(1, 0).text = "A"
    group.text = "CÔNG TÁC CẢI CÁCH HÀNH CHÍNH"
    for i in range(1, tasks + 1):
        row = t.rows[i + 1]
        _numbered(row.cells[0])
        title = f"Chủ trì {PHRASES[i % 4]} của nhóm {'ABCDEFGHIJKLMNOPQ'[i]}"
        row.cells[1].text = title
        if i == LONG_ROW:
            for k in range(45):
                row.cells[1].add_paragraph(f"- nội dung chi tiết {PHRASES[k % 4]}, phần {'abcdefg'[k % 7]}")
            row.cells[1].add_paragraph("- hoàn thiện báo cáo tổng hợp")
        if i != 4:  # tasks 3 and 4 share a vertically merged lead unit cell
            row.cells[2].text = UNITS[i % 4]
        row.cells[3].text = f"{UNITS[(i + 1) % 4]}; UBND các huyện"
        row.cells[4].text = DEADLINES[i % 3][0]
    shared = t.cell(4, 2).merge(t.cell(5, 2))
    shared.text = "Trung tâm Thông tin"
    d.add_paragraph("II. TỔ CHỨC THỰC HIỆN")
    d.add_paragraph("Văn phòng Sở tổng hợp, báo cáo kết quả thực hiện hằng quý.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("repeat_header", [True, False], ids=["header-repeated", "header-once"])
def test_a_ruled_task_table_across_pages_reads_the_same_from_the_pdf(to_pdf, tmp_path, repeat_header):
    source = tmp_path / "long-table.docx"
    source.write_bytes(_long_table_docx(repeat_header))
    (pdf,) = to_pdf([source], tmp_path)
    with pdfplumber.open(pdf) as document:
        assert len(document.pages) >= 3  # the long row alone is more than a page
    plan = extract_file(pdf)
    assert plan["document"]["number"] == "15/KH-STP"
    assert [t["code"] for t in plan["tasks"]] == [str(i) for i in range(1, 15)]  # not the group row
    for i, task in enumerate(plan["tasks"], start=1):
        assert task["title"].startswith(f"Chủ trì {PHRASES[i % 4]}"), task["title"]
        assert task["support_units"] == [UNITS[(i + 1) % 4], "UBND các huyện"]
        assert task["deadline"] == DEADLINES[i % 3][1]
        assert task["lead_unit"] == ("Trung tâm Thông tin" if i in (3, 4) else UNITS[i % 4])
    # The row the page breaks cut keeps its end; no half row became a task or was lost.
    assert plan["tasks"][LONG_ROW - 1]["title"].endswith("hoàn thiện báo cáo tổng hợp")
    assert _comparable(plan) == _comparable(extract_file(source))


def test_a_password_protected_pdf_is_encrypted(to_pdf, tmp_path):
    source = tmp_path / "plan.docx"
    source.write_bytes(_plan_docx())
    export = (
        'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"bi-mat"}}'
    )
    (pdf,) = to_pdf([source], tmp_path, export)
    with pytest.raises(ExtractionError) as e:
        extract_file(pdf)
    assert e.value.code == "encrypted"


def test_a_pdf_letterhead_in_narrow_columns_and_run_together_labels(to_pdf, tmp_path):
    """Issue 15, items 3 and 6 as a PDF gives them: the issuer's name and the motto each wrapped in
    its column and read across ("BỘ LAO ĐỘNG - THƯƠNG BINH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "VÀ XÃ
    HỘI", "VIỆT NAM"), and a task's labels on one line."""
    document = docx.Document()
    head = document.add_table(rows=1, cols=2)
    head.cell(0, 0).text = "BỘ LAO ĐỘNG - THƯƠNG BINH\nVÀ XÃ HỘI\n\nSố: 77/KH-LĐTBXH"
    head.cell(
        0, 1
    ).text = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nHà Nội, ngày 20 tháng 01 năm 2024"
    )
    for line in (
        "KẾ HOẠCH",
        "Triển khai công tác năm 2024",
        "I. NHIỆM VỤ",
        "1. Giải quyết việc làm cho 1.500.000 lao động",
        "Lãnh đạo phụ trách: Đ/c Nguyễn Văn Bình, Thứ trưởng. Chủ trì: Cục Việc làm. Phối hợp: Vụ Kế hoạch - "
        "Tài chính, Tổng cục Giáo dục nghề nghiệp. Thời gian hoàn thành: Tháng 12/2024",
    ):
        document.add_paragraph(line)
    source = tmp_path / "ldtbxh.docx"
    document.save(source)
    (pdf,) = to_pdf([source], tmp_path)
    plan = extract_file(pdf)
    doc = plan["document"]
    assert (doc["issuer"], doc["place"], doc["issued_on"]) == (
        "Bộ Lao động - Thương binh và Xã hội",
        "Hà Nội",
        "2024-01-20",
    )
    (task,) = plan["tasks"]
    assert task["leader"] == {"name": "Nguyễn Văn Bình", "title": "Thứ trưởng"}
    assert (task["lead_unit"], task["deadline"]) == ("Cục Việc làm", "2024-12-31")
    assert task["support_units"] == ["Vụ Kế hoạch - Tài chính", "Tổng cục Giáo dục nghề nghiệp"]
