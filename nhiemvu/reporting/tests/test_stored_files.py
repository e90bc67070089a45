"""Uploaded files (issue 21, item 5; ASVS V12): stored under random names outside any URL, served as
downloads that no browser sniffs, and PDFs with active content refused."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nhiemvu.ingest.services import plan_import_commit
from nhiemvu.lib.pdfactive import pdf_active_content
from nhiemvu.reporting.models import Attachment, ProgressReport
from nhiemvu.testing import Cast

from .conftest import Cycle
from .test_pages import fields, form_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def pdf(catalog: bytes = b"", extra: bytes = b"") -> bytes:
    """A one-page PDF with `catalog` entries added to its catalog and `extra` as object 4."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ] + ([extra] if extra else [])
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


ACTIVE_PDFS = {
    "JavaScript on opening": pdf(b"/OpenAction 4 0 R", b"<< /S /JavaScript /JS (app.alert(1)) >>"),
    "JavaScript, name escaped": pdf(b"/OpenAction 4 0 R", b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"),
    "an embedded file": pdf(b"/Names << /EmbeddedFiles 4 0 R >>", b"<< /Names [(hoa-don.exe) 5 0 R] >>"),
    "a launch action": pdf(b"/OpenAction 4 0 R", b"<< /S /Launch /F (cmd.exe) >>"),
}


def test_the_sample_pdfs_and_a_plain_one_have_no_active_content(shared_dir: Path) -> None:
    assert pdf_active_content(pdf()) is None
    assert pdf_active_content((shared_dir / "corpus/dev/thai-nguyen-sgtvt-2022.pdf").read_bytes()) is None


@pytest.mark.parametrize("kind", ACTIVE_PDFS)
def test_a_pdf_with_active_content_is_refused_as_an_attachment(
    client: Client, cycle: Cycle, kind: str
) -> None:
    task = cycle.forest_task
    client.force_login(cycle.cast.unit_staff)
    data = fields(task, revision=0, narrative="Kèm biên bản")
    data["attachments"] = [SimpleUploadedFile("bien-ban.pdf", ACTIVE_PDFS[kind])]
    page = client.post(form_url(task, cycle.june), data).content.decode()
    assert "là PDF có nội dung chạy được" in page
    assert not ProgressReport.objects.exists() and not Attachment.objects.exists()


def test_an_attachment_is_stored_under_a_random_name_and_downloaded_under_its_own(
    client: Client, cycle: Cycle, media_in_tmp: Path
) -> None:
    task = cycle.forest_task
    client.force_login(cycle.cast.unit_staff)
    data = fields(task, revision=0, narrative="Kèm biên bản")
    data["attachments"] = [SimpleUploadedFile("..\\..\\Biên bản <script>.pdf", pdf())]
    assert client.post(form_url(task, cycle.june), data).status_code == 302
    attachment = Attachment.objects.get()
    assert re.fullmatch(r"reports/\d+/\d+/[0-9a-f]{32}\.pdf", attachment.file.name or ""), (
        attachment.file.name
    )
    assert [p.name for p in media_in_tmp.rglob("*") if p.is_file()] == [Path(attachment.file.name or "").name]
    response = client.get(reverse("reporting:attachment", args=[attachment.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_a_plan_file_is_stored_under_a_random_name_and_downloaded_under_its_own(
    cast: Cast, shared_dir: Path, media_in_tmp: Path
) -> None:
    gold = json.loads((shared_dir / "corpus/seed/lang-son-snn-2023.gold.json").read_text())
    plan = plan_import_commit(
        plan_json=gold,
        issuer=cast.department,
        user=cast.planning_finance,
        source_name="Kế hoạch 05-KH-SNN.txt",
        source_bytes=b"KE HOACH",
    )
    document = plan.source_document
    assert document is not None
    assert re.fullmatch(r"documents/\d{4}/[0-9a-f]{32}\.txt", document.file.name or ""), document.file.name
    assert document.file_name == "Kế hoạch 05-KH-SNN.txt"
    client = Client()
    client.force_login(cast.planning_finance)
    response = client.get(reverse("plans:plan-document", args=[plan.pk]))
    assert "K%E1%BA%BF%20ho%E1%BA%A1ch%2005-KH-SNN.txt" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_plan_pdf_with_active_content_is_refused_at_upload(client: Client, cast: Cast) -> None:
    client.force_login(cast.planning_finance)
    response = client.post(
        reverse("ingest:upload"),
        {
            "file": SimpleUploadedFile("ke-hoach.pdf", ACTIVE_PDFS["JavaScript on opening"]),
            "issuer": cast.department.pk,
        },
    )
    assert "Tệp PDF có nội dung chạy được (JavaScript" in response.content.decode()
