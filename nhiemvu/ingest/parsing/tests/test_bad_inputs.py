"""One test per bad input: each raises ExtractionError with its code and two non-empty messages."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from nhiemvu.ingest.parsing import ExtractionError, extract_bytes, extract_file
from nhiemvu.ingest.parsing.read import read_blocks


def _assert_error(excinfo, code: str) -> None:
    err = excinfo.value
    assert err.code == code
    assert err.message_vi.strip() and err.message_en.strip()
    assert str(err) == f"{err.message_vi} / {err.message_en}"


def test_an_empty_file_is_empty(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ExtractionError) as e:
        extract_file(path)
    _assert_error(e, "empty")


def test_white_space_only_is_empty():
    with pytest.raises(ExtractionError) as e:
        extract_bytes(b"  \n\r\n ", "x.txt")
    _assert_error(e, "empty")


def test_binary_garbage_is_not_text():
    garbage = bytes(range(256)) * 40
    with pytest.raises(ExtractionError) as e:
        extract_bytes(garbage, "plan.txt")
    _assert_error(e, "not_text")


def test_a_corrupt_docx_is_corrupt():
    with pytest.raises(ExtractionError) as e:
        extract_bytes(b"PK\x03\x04" + b"\x00" * 200, "plan.docx")
    _assert_error(e, "corrupt")


def test_a_zip_that_is_not_a_word_document_is_corrupt():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(ExtractionError) as e:
        extract_bytes(buf.getvalue(), "plan.docx")
    _assert_error(e, "corrupt")


def test_a_password_protected_docx_is_encrypted():
    # Word stores an encrypted .docx as an OLE compound file holding an "EncryptedPackage" stream.
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 512
    )
    with pytest.raises(ExtractionError) as e:
        extract_bytes(ole, "plan.docx")
    _assert_error(e, "encrypted")


def test_a_legacy_doc_is_left_to_the_background_reader():
    """Issue 16: a .doc is read after LibreOffice converts it, which the quick path leaves to a job."""
    with pytest.raises(ExtractionError) as e:
        extract_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000, "plan.doc")
    _assert_error(e, "background")


def test_a_zip_bomb_docx_is_refused_before_it_is_inflated(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        # 200 MB of zeros compress to about 200 KB; streamed so the test does not hold them in memory
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as member:
            chunk = b"\x00" * (1 << 20)
            for _ in range(200):
                member.write(chunk)
    data = buf.getvalue()
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(ExtractionError) as e:
        extract_bytes(data, "bomb.docx")
    _assert_error(e, "zip_bomb")


def test_a_50_mb_file_is_too_large(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: nothing is really written
    with pytest.raises(ExtractionError) as e:
        extract_file(path)
    _assert_error(e, "too_large")


def test_bytes_over_the_limit_are_too_large():
    with pytest.raises(ExtractionError) as e:
        extract_bytes(b"x" * 2000, "x.txt", max_bytes=1000)
    _assert_error(e, "too_large")


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file of these objects (numbered from 1, the first the catalogue) with its xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _image_only_pdf() -> bytes:
    """A valid one-page PDF that paints a 1x1 image and has no text."""
    image = zlib.compress(b"\x00\x00\x00")
    content = b"q 100 0 0 100 50 50 cm /Im0 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /Im0 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceRGB /BitsPerComponent 8"
        b" /Filter /FlateDecode /Length %d >>\nstream\n" % len(image) + image + b"\nendstream",
    ]
    return _pdf(objects)


def test_an_image_only_pdf_is_a_scan_for_the_background_reader():
    with pytest.raises(ExtractionError) as e:
        extract_bytes(_image_only_pdf(), "scan.pdf")
    _assert_error(e, "background")


def test_a_broken_pdf_is_corrupt():
    with pytest.raises(ExtractionError) as e:
        extract_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "plan.pdf")
    _assert_error(e, "corrupt")


def test_a_document_without_tasks_still_gives_its_plan_json_with_a_finding():
    """plan-json.md: read, nothing to track: the JSON with `tasks: []` and a `no_tasks` finding."""
    text = "KẾ HOẠCH\nTổ chức hội nghị năm 2024\nI. MỤC ĐÍCH\nNâng cao nhận thức.\n"
    plan = extract_bytes(text.encode(), "x.txt")
    assert plan["tasks"] == [] and plan["document"]["year"] == 2024
    assert [f["code"] for f in plan["findings"]] == ["no_tasks"]


def test_a_text_with_neither_tasks_nor_a_year_is_refused():
    with pytest.raises(ExtractionError) as e:
        extract_bytes("Công văn gửi các đơn vị.\nKhông có nhiệm vụ nào.".encode(), "x.txt")
    _assert_error(e, "no_tasks")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00", "setup.exe"),
        (b"GIF89a\x01\x00\x01\x00", "anh-dong.gif"),
        (b"hello", "x.exe"),
    ],
)
def test_an_unsupported_type_is_refused(data, name):
    with pytest.raises(ExtractionError) as e:
        extract_bytes(data, name)
    _assert_error(e, "unsupported_type")


def test_a_pdf_named_txt_is_read_as_a_pdf():
    with pytest.raises(ExtractionError) as e:
        extract_bytes(_image_only_pdf(), "plan.txt")
    _assert_error(e, "background")


def _drawn_pdf(drawing: bytes) -> bytes:
    """A valid one-page PDF with a line of text in Helvetica and ``drawing`` (path operators)."""
    content = b"BT /F1 12 Tf 72 760 Td (KE HOACH) Tj ET\n" + drawing
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _pdf(objects)


def test_a_page_drawn_as_a_dense_grid_is_read_as_text_not_searched_for_tables(monkeypatch):
    # Graph paper or a chart's grid: the table finder would take minutes over its crossings.
    grid = b"".join(
        b"%d 40 m %d 700 l S 40 %d m 560 %d l S\n" % (40 + 4 * i, 40 + 4 * i, 40 + 5 * i, 40 + 5 * i)
        for i in range(130)
    )
    monkeypatch.setattr(
        "pdfplumber.page.Page.find_tables", lambda *a, **k: pytest.fail("the table finder ran")
    )
    assert [b.text for b in read_blocks(_drawn_pdf(grid), "chart.pdf")] == ["KE HOACH"]


@pytest.mark.parametrize(
    "drawing",
    [
        b"50 50 500 600 re S",  # one frame round the page
        b"0.5 w 72 750 m 300 750 l S",  # the rule under the national motto
        b"50 50 500 600 re S 50 300 m 550 300 l S",  # a frame split in two: a table of two cells
    ],
    ids=["frame", "underline", "two-cells"],
)
def test_a_pdf_with_frames_or_rules_but_no_task_table_reads_its_text(drawing):
    assert [b.text for b in read_blocks(_drawn_pdf(drawing), "plan.pdf")] == ["KE HOACH"]
