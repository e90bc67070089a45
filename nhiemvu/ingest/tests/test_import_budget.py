"""An uploaded plan is read within a budget: a document that inflates to a huge tree, or takes long
to parse, is refused with a clear message in a few seconds and never holds a worker (issue 22)."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nhiemvu.ingest.models import ImportSession
from nhiemvu.ingest.parsing import ExtractionError, extract_bounded
from nhiemvu.ingest.parsing.read import MAX_XML
from nhiemvu.plans.models import Plan
from nhiemvu.testing import Cast

DOCX = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "dev" / "binh-dinh-sct-2025.docx"
PARAGRAPH = (
    "<w:p><w:r><w:t>{n}. Tiếp tục triển khai nhiệm vụ phát triển kinh tế số {n}, "
    "hoàn thành trước 30/6/2025.</w:t></w:r></w:p>"
)


def inflating_docx(xml_bytes: int) -> bytes:
    """A real plan whose body is padded with paragraphs until its XML is `xml_bytes` long: it
    packs some fifty times smaller, under any ratio a zip-bomb check could use."""
    source = zipfile.ZipFile(DOCX)
    document = source.read("word/document.xml").decode()
    head, rest = document.split("<w:body>", 1)
    paragraphs, size, n = [], len(document.encode()), 0
    while size < xml_bytes:
        paragraph = PARAGRAPH.format(n=n)
        paragraphs.append(paragraph)
        size += len(paragraph.encode())
        n += 1
    padded = f"{head}<w:body>{''.join(paragraphs)}{rest}"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as packed:
        for info in source.infolist():
            body = padded if info.filename == "word/document.xml" else source.read(info.filename)
            packed.writestr(info.filename, body)
    return out.getvalue()


def import_post(client: Client, cast: Cast, name: str, data: bytes) -> tuple[str, float]:
    client.force_login(cast.planning_finance)
    started = time.monotonic()
    response = client.post(
        reverse("ingest:upload"), {"file": SimpleUploadedFile(name, data), "issuer": cast.department.pk}
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 200, "the upload form comes back with the reason"
    return response.content.decode(), elapsed


@pytest.mark.django_db
def test_xml_past_the_cap_is_refused_before_it_is_parsed(client: Client, cast: Cast) -> None:
    data = inflating_docx(MAX_XML + 1024 * 1024)
    assert len(data) < 2 * 1024 * 1024, "small on the wire"
    html, elapsed = import_post(client, cast, "ke-hoach.docx", data)
    assert "giải nén ra dung lượng bất thường" in html
    assert elapsed < 5, f"refused from the zip's directory, not by parsing ({elapsed:.1f} s)"
    assert not ImportSession.objects.exists() and not Plan.objects.exists()


@pytest.mark.django_db
def test_a_document_over_the_time_budget_is_refused_in_about_the_budget(
    client: Client, cast: Cast, settings: Any
) -> None:
    """Under the XML cap but slow to read (some seconds of parsing): with a one-second budget the
    child process is stopped by the kernel and the officer reads why."""
    settings.EXTRACT_SECONDS = 1
    data = inflating_docx(8 * 1024 * 1024)
    html, elapsed = import_post(client, cast, "ke-hoach.docx", data)
    assert "Tệp quá phức tạp để đọc" in html and "cần hơn 1 giây" in html
    assert elapsed < 8, f"stopped at its budget ({elapsed:.1f} s)"
    assert not ImportSession.objects.exists()


def test_a_document_over_the_memory_budget_is_refused_as_too_complex() -> None:
    data = inflating_docx(8 * 1024 * 1024)
    with pytest.raises(ExtractionError) as refused:
        extract_bounded(data, "ke-hoach.docx", max_bytes=len(data), seconds=30, memory_mb=100)
    assert refused.value.code == "too_complex"
    assert "100 MB" in refused.value.message_vi


def test_within_budget_the_child_reads_what_the_console_reads(seed_plan_path: Path) -> None:
    from nhiemvu.ingest.parsing import extract_bytes

    for path in (seed_plan_path, DOCX):
        data = path.read_bytes()
        bounded = extract_bounded(data, path.name, max_bytes=len(data), seconds=30, memory_mb=1024)
        assert bounded == extract_bytes(data, path.name)


def test_a_refusal_in_the_child_keeps_its_code_and_both_messages() -> None:
    with pytest.raises(ExtractionError) as refused:
        extract_bounded(b"MZ\x90\x00 an executable", "plan.docx", max_bytes=1024, seconds=5, memory_mb=512)
    assert refused.value.code != "too_complex"
    assert refused.value.message_vi and refused.value.message_en
