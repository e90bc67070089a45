"""Property tests: whatever the input, the extractor raises nothing but ExtractionError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nhiemvu.ingest.parsing import ExtractionError, extract_bytes

# Text made of the pieces plans are made of, so that the generator reaches the deeper rules.
_PIECES = st.sampled_from(
    [
        "KẾ HOẠCH\n",
        "II. NHIỆM VỤ\n",
        "III. TỔ CHỨC THỰC HIỆN\n",
        "1. ",
        "1.1. ",
        "a) ",
        "- Đơn vị chủ trì: ",
        "- Thời gian hoàn thành: ",
        "Quý IV/2023",
        "tháng 13/2023",
        "trước ngày 31/2/2023",
        "5-7 ",
        "1.000 ha",
        "64,2%",
        " trở lên",
        "(",
        ")",
        "Nơi nhận:\n",
        "- ",
        "Số: /KH-X\n",
        "ngày tháng năm 2023\n",
        "\n",
        "|",
        "<br>",
        "**",
        "Đ/c ",
        "Nguyễn Văn A",
        ", PGĐ Sở",
        "07/11 xã (hiện có 04 xã)",
        "tổng số xã lên ",
        "99/QĐ-UBND",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=40), st.sampled_from(["x.txt", "x.md"]))
def test_text_never_raises_anything_but_extraction_error(parts, name):
    try:
        plan = extract_bytes("".join(parts).encode(), name)
    except ExtractionError as e:
        assert e.code and e.message_vi and e.message_en
        return
    assert plan["schema"] == "nhiemvu.plan/1"
    assert all(isinstance(t["code"], str) for t in plan["tasks"])


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["x.txt", "x.docx", "x.pdf", "x.md", "x"]))
def test_random_bytes_never_raise_anything_but_extraction_error(data, name):
    try:
        extract_bytes(data, name)
    except ExtractionError as e:
        assert e.code


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_behind_a_pdf_or_zip_header_never_escape(data):
    for head, name in ((b"%PDF-1.4\n", "x.pdf"), (b"PK\x03\x04", "x.docx")):
        try:
            extract_bytes(head + data, name)
        except ExtractionError as e:
            assert e.code
