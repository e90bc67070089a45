"""Uploads are bounded before they are read: the request's length, each file's bytes, how many files
(issue 22). The server-level proof (a streamed 400 MB body, a gunicorn worker's memory) is in
core/tests/test_request_limits_server.py."""

from __future__ import annotations

import importlib
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory, override_settings
from django.urls import Resolver404, clear_url_caches, get_resolver, reverse

from nhiemvu.core.uploads import OversizeUpload
from nhiemvu.reporting.models import Attachment, ProgressReport

from .conftest import Cycle
from .test_pages import fields, form_url

MB = 1024 * 1024
PDF = b"%PDF-1.7\n% bien ban\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class Unread:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: Any) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def unread_body() -> dict[str, Any]:
    """The WSGI environ entry carrying a body that must not be read."""
    return {"wsgi.input": Unread()}


@pytest.mark.parametrize("path", ["/reporting/", "/import/", "/api/v1/plans/import/file"])
def test_a_body_over_the_request_limit_is_refused_without_reading_it(path: str, settings: Any) -> None:
    length = 400 * MB
    response = Client().generic(
        "POST",
        path,
        CONTENT_LENGTH=str(length),
        CONTENT_TYPE="multipart/form-data; boundary=x",
        **unread_body(),
    )
    assert response.status_code == 413
    limit_mb = settings.MAX_REQUEST_BYTES // MB
    if path.startswith("/api/"):
        body = response.json()
        assert body["code"] == "too_large"
        assert f"vượt giới hạn {limit_mb} MB" in body["message"] and "over the" in body["message_en"]
    else:
        html = response.content.decode()
        assert f"Dữ liệu gửi lên (400 MB) vượt giới hạn {limit_mb} MB" in html
        assert "Each attachment may be up to 10 MB" in html


def test_a_malformed_content_length_is_a_400_not_a_read() -> None:
    response = Client().generic("POST", "/reporting/", CONTENT_LENGTH="-5", **unread_body())
    assert response.status_code == 400


@pytest.mark.django_db
def test_an_attachment_over_its_limit_is_refused_by_size_and_nothing_is_saved(
    client: Client, cycle: Cycle, settings: Any
) -> None:
    settings.MAX_ATTACHMENT_BYTES = 1 * MB
    task = cycle.forest_task
    client.force_login(cycle.cast.unit_staff)
    data = fields(task, revision=0, narrative="Kèm biên bản")
    data["attachments"] = [SimpleUploadedFile("Biên bản.pdf", PDF + b"0" * (MB + 1))]
    response = client.post(form_url(task, cycle.june), data)
    assert response.status_code == 200
    assert "Tệp «Biên bản.pdf» lớn hơn 1 MB." in response.content.decode()
    assert not ProgressReport.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db
def test_more_files_than_one_submission_takes_are_refused_with_nothing_saved(
    client: Client, cycle: Cycle, settings: Any
) -> None:
    settings.MAX_ATTACHMENTS_PER_REQUEST = 2
    task = cycle.forest_task
    client.force_login(cycle.cast.unit_staff)
    data = fields(task, revision=0, narrative="Kèm biên bản")
    data["attachments"] = [SimpleUploadedFile(f"bb{n}.pdf", PDF) for n in range(3)]
    response = client.post(form_url(task, cycle.june), data)
    assert "tối đa 2 tệp" in response.content.decode()
    assert not ProgressReport.objects.exists() and not Attachment.objects.exists()


def test_a_file_past_every_forms_limit_arrives_without_its_bytes(settings: Any) -> None:
    """Parsing a 3 MB upload, when no form takes more than 2 MB, holds a few chunks at a time:
    the file arrives as its name and true size, so the form can say how large it was."""
    settings.MAX_UPLOAD_BYTES = 2 * MB
    settings.MAX_ATTACHMENT_BYTES = 1 * MB
    request = RequestFactory().post(
        "/reporting/", {"attachments": SimpleUploadedFile("lon.pdf", b"x" * (3 * MB))}
    )
    tracemalloc.start()
    try:
        upload = request.FILES["attachments"]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(upload, OversizeUpload)
    assert (upload.name, upload.size, upload.read()) == ("lon.pdf", 3 * MB, b"")
    assert peak < MB // 2, f"parsing held {peak / MB:.1f} MB of a 3 MB file"


def test_uploaded_files_have_no_media_url_even_in_debug(settings: Any) -> None:
    """The demo runs with DEBUG: /media/ must not serve attachments there either; they are read
    only through the views that check who may read them."""
    import config.urls

    try:
        with override_settings(DEBUG=True):
            importlib.reload(config.urls)
            clear_url_caches()
            with pytest.raises(Resolver404):
                get_resolver().resolve(f"/{settings.MEDIA_URL.strip('/')}/attachments/2023/bien-ban.pdf")
    finally:
        importlib.reload(config.urls)
        clear_url_caches()
    assert reverse("reporting:attachment", args=[1])


@pytest.mark.django_db
def test_a_report_holds_a_bounded_number_and_size_of_files(
    client: Client, cycle: Cycle, settings: Any
) -> None:
    """ASVS 12.1.3: one unit cannot fill the storage; the refusal says what to do."""
    settings.MAX_ATTACHMENTS_PER_REPORT = 3
    settings.MAX_ATTACHMENT_BYTES_PER_REPORT = 2 * MB
    task = cycle.forest_task
    client.force_login(cycle.cast.unit_staff)
    url = form_url(task, cycle.june)

    def save(files: list[SimpleUploadedFile]) -> str:
        report = ProgressReport.objects.filter(task=task).first()
        data = fields(task, revision=report.revision if report else 0, narrative="Kèm biên bản")
        data["attachments"] = files
        response = client.post(url, data)
        return response.content.decode() if response.status_code == 200 else ""

    assert save([SimpleUploadedFile(f"bb{n}.pdf", PDF) for n in range(3)]) == ""
    assert "tối đa 3" in save([SimpleUploadedFile("bb4.pdf", PDF)])
    assert Attachment.objects.count() == 3
    settings.MAX_ATTACHMENTS_PER_REPORT = 10
    assert "sẽ vượt 2 MB" in save([SimpleUploadedFile("lon.pdf", PDF + b"0" * (2 * MB))])
    assert Attachment.objects.count() == 3
