"""A report's attachments through the API: list, read, download, upload, with the web's checks."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nhiemvu.reporting.models import Attachment, ProgressReport, ReportStatus
from nhiemvu.reporting.services import (
    attachment_add,
    report_accept,
    report_return,
    report_submit,
)

from .conftest import Api, Cycle, draft

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% bien ban hop giao ban\n"
NOT_PDF = b"MZ\x90\x00\x03 an executable renamed to .pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NOT_FOUND_BODY = {
    "code": "not_found",
    "message": "Không tìm thấy hoặc bạn không có quyền truy cập.",
    "message_en": "Not found.",
    "details": None,
}


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def docx(document: bytes) -> bytes:
    """A zip shaped like a Word file: the content-types part and a word/ part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def accepted(cycle: Cycle) -> ProgressReport:
    report = report_submit(report=draft(cycle), user=cycle.cast.unit_staff)
    return report_accept(report=report, user=cycle.cast.planning_finance)


def upload(api: Api, report: ProgressReport, name: str = "bien-ban.pdf", data: bytes = PDF) -> Any:
    return api.upload(f"/reports/{report.pk}/attachments", {"file": SimpleUploadedFile(name, data)})


def test_a_unit_attaches_a_file_to_its_draft_and_anyone_who_sees_the_sent_report_downloads_it(
    unit: Api, planner: Api, cycle: Cycle
) -> None:
    report = draft(cycle)
    created = upload(unit, report, "Biên bản họp.pdf")
    assert created.status_code == 201, created.json()
    body = created.json()
    attachment = Attachment.objects.get()
    assert body == {
        "id": attachment.pk,
        "report": report.pk,
        "file_name": "Biên bản họp.pdf",
        "size": len(PDF),
        "content_type": "application/pdf",
        "uploaded_at": body["uploaded_at"],
        "download": f"/api/v1/attachments/{attachment.pk}/file",
    }
    assert body["uploaded_at"].startswith(str(attachment.created_at.year))

    # An unsent draft is the unit's own (README): Planning-Finance reads its files once it is sent.
    assert planner.get(f"/attachments/{attachment.pk}/file").status_code == 404
    report_submit(report=report, user=cycle.cast.unit_staff)
    for api in (unit, planner):
        listed = api.get(f"/reports/{report.pk}/attachments").json()
        assert (listed["count"], [a["id"] for a in listed["results"]]) == (1, [attachment.pk])
        assert api.get(f"/attachments/{attachment.pk}").json() == body
        download = api.get(body["download"].removeprefix("/api/v1"))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment;")
        assert "Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp.pdf" in download["Content-Disposition"]


def test_a_word_file_is_recognised_by_its_content_and_a_returned_report_takes_files_too(
    unit: Api, cycle: Cycle
) -> None:
    report = report_submit(report=draft(cycle), user=cycle.cast.unit_staff)
    from nhiemvu.reporting.services import report_return

    report_return(report=report, user=cycle.cast.planning_finance, comment="Bổ sung biên bản")
    response = upload(unit, report, "bao-cao", docx(b"<w:document>Bao cao</w:document>"))
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == DOCX_TYPE


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        (
            "bien-ban.pdf",
            NOT_PDF,
            "Tệp «bien-ban.pdf» không phải PDF, Word (.docx), Excel (.xlsx) hay ảnh PNG/JPEG.",
        ),
        ("bao-cao.docx", docx(b"\0" * (4 * 1024 * 1024)), "Tệp «bao-cao.docx» không phải PDF"),
        ("lon.pdf", PDF + b"\0" * (1024 * 1024), "Tệp «lon.pdf» lớn hơn 1 MB."),
    ],
    ids=["not what its name says", "a zip that expands a hundredfold", "over the size limit"],
)
def test_a_file_the_web_refuses_is_a_422_with_the_webs_words_and_nothing_is_stored(
    unit: Api, cycle: Cycle, settings: Any, media_in_tmp: Path, name: str, data: bytes, words: str
) -> None:
    settings.MAX_ATTACHMENT_BYTES = 1024 * 1024
    report = draft(cycle)
    response = upload(unit, report, name, data)
    assert response.status_code == 422
    assert response.json()["code"] == "attachment_refused"
    assert response.json()["message"].startswith(words)
    assert not Attachment.objects.exists()
    assert stored_files(media_in_tmp) == []


def test_the_same_file_on_the_web_form_gets_the_same_words(unit: Api, client: Client, cycle: Cycle) -> None:
    report = draft(cycle)
    api_words = upload(unit, report, "bien-ban.pdf", NOT_PDF).json()["message"]
    client.force_login(cycle.cast.unit_staff)
    data: dict[str, Any] = {"action": "save", "revision": str(report.revision), "narrative": ""}
    data["attachments"] = [SimpleUploadedFile("bien-ban.pdf", NOT_PDF)]
    page = client.post(reverse("reporting:report-edit", args=[cycle.forest_task.pk, cycle.june.pk]), data)
    assert api_words in page.content.decode()


def test_an_accepted_report_is_frozen_with_the_webs_words_and_keeps_its_files(
    unit: Api, client: Client, cycle: Cycle, media_in_tmp: Path
) -> None:
    report = draft(cycle)
    attachment_add(report=report, user=cycle.cast.unit_staff, name="truoc.pdf", data=PDF)
    report = accepted(cycle)
    files = stored_files(media_in_tmp)

    refused = upload(unit, report)
    assert refused.status_code == 409
    assert refused.json()["code"] == "accepted_report_frozen"
    # The web's report form, sent a file for the same accepted report, says the same thing.
    client.force_login(cycle.cast.unit_staff)
    data: dict[str, Any] = {"action": "save", "revision": str(report.revision), "narrative": ""}
    data["attachments"] = [SimpleUploadedFile("bien-ban.pdf", PDF)]
    page = client.post(reverse("reporting:report-edit", args=[cycle.forest_task.pk, cycle.june.pk]), data)
    assert refused.json()["message"] in page.content.decode()

    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["truoc.pdf"]
    assert stored_files(media_in_tmp) == files
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def test_a_submitted_report_takes_no_file_and_answers_404_as_the_web_does(unit: Api, cycle: Cycle) -> None:
    report = report_submit(report=draft(cycle), user=cycle.cast.unit_staff)
    assert upload(unit, report).status_code == 404
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("role", ["planning_finance", "director", "deputy", "reviewer"])
def test_who_sees_the_report_but_does_not_write_it_cannot_attach(
    api_as: Any, cycle: Cycle, role: str
) -> None:
    # Returned: sent once, so they read it, and open to edits, so attaching is the unit's to do.
    report = report_submit(report=draft(cycle), user=cycle.cast.unit_staff)
    report = report_return(report=report, user=cycle.cast.planning_finance, comment="Bổ sung biên bản")
    api: Api = api_as(getattr(cycle.cast, role))
    assert api.get(f"/reports/{report.pk}/attachments").status_code == 200
    refused = upload(api, report)
    assert refused.status_code == 404
    assert refused.json() == NOT_FOUND_BODY
    assert not Attachment.objects.exists()


def test_a_read_only_token_of_the_unit_is_refused_with_403(api_as: Any, cycle: Cycle) -> None:
    report = draft(cycle)
    refused = upload(api_as(cycle.cast.unit_staff, "read"), report)
    assert refused.status_code == 403
    assert refused.json()["code"] == "token_read_only"
    assert not Attachment.objects.exists()


def test_a_post_without_a_file_is_a_422_that_names_the_field(unit: Api, cycle: Cycle) -> None:
    report = draft(cycle)
    for response in (
        unit.upload(f"/reports/{report.pk}/attachments", {"other": SimpleUploadedFile("a.pdf", PDF)}),
        unit.post(f"/reports/{report.pk}/attachments", {"file": "not a file"}),
    ):
        assert response.status_code == 422
        assert response.json()["code"] == "file_required"
        assert "«file»" in response.json()["message"]
    assert not Attachment.objects.exists()


def test_another_organisations_attachments_are_the_same_404_as_missing_ones(
    api_as: Any, cycle: Cycle, media_in_tmp: Path
) -> None:
    report = draft(cycle)
    attachment = attachment_add(report=report, user=cycle.cast.unit_staff, name="bb.pdf", data=PDF)
    files = stored_files(media_in_tmp)
    outsider: Api = api_as(cycle.cast.outsider)
    for theirs, missing in (
        (f"/reports/{report.pk}/attachments", "/reports/987654/attachments"),
        (f"/attachments/{attachment.pk}", "/attachments/987654"),
        (f"/attachments/{attachment.pk}/file", "/attachments/987654/file"),
    ):
        assert outsider.get(theirs).status_code == outsider.get(missing).status_code == 404
        assert outsider.get(theirs).json() == outsider.get(missing).json() == NOT_FOUND_BODY
    refused = upload(outsider, report)
    assert (refused.status_code, refused.json()) == (404, NOT_FOUND_BODY)
    assert list(Attachment.objects.all()) == [attachment]
    assert stored_files(media_in_tmp) == files


def test_the_list_costs_the_same_queries_for_many_files_as_for_one(planner: Api, cycle: Cycle) -> None:
    report = report_submit(report=draft(cycle), user=cycle.cast.unit_staff)
    report = report_return(report=report, user=cycle.cast.planning_finance, comment="Bổ sung biên bản")
    attachment_add(report=report, user=cycle.cast.unit_staff, name="1.pdf", data=PDF)
    planner.get("/me")  # the token's first use writes last_used_at; measure the steady state

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert planner.get(f"/reports/{report.pk}/attachments").json()["count"] >= 1
        return len(captured)

    one = queries()
    for n in range(2, 6):
        attachment_add(report=report, user=cycle.cast.unit_staff, name=f"{n}.pdf", data=PDF)
    # Token, scope, the report, COUNT and the page: a constant, not one per file.
    assert queries() == one <= 10


def test_a_file_lost_from_storage_is_a_404_with_its_own_code(unit: Api, cycle: Cycle) -> None:
    report = draft(cycle)
    assert upload(unit, report, "Biên bản họp.pdf").status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.file.name is not None
    attachment.file.storage.delete(attachment.file.name)

    response = unit.get(f"/attachments/{attachment.pk}/file")

    assert response.status_code == 404
    assert response.json()["code"] == "attachment_file_missing"
    assert "Biên bản họp.pdf" in response.json()["message"]
