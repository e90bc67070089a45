"""Issue 16: an upload the quick path cannot read (a scan, a .doc) is queued, read by the worker
(`nhiemvu worker --drain` here: the real queue and the real job, in this process), and followed on
its progress page to the review; what cannot be read says why and writes nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nhiemvu.ingest.models import ImportSession, ImportStatus
from nhiemvu.ingest.parsing import ocr
from nhiemvu.ingest.parsing.tests.scanned import scanned_pdf, tools_missing
from nhiemvu.plans.models import Plan
from nhiemvu.testing import Cast, drain_jobs

pytestmark = pytest.mark.django_db

PLAN_TEXT = """ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN
SỞ XÂY DỰNG
Số: 21/KH-SXD
Lạng Sơn, ngày 10 tháng 01 năm 2024
KẾ HOẠCH
Thực hiện nhiệm vụ trọng tâm năm 2024
I. NHIỆM VỤ TRỌNG TÂM
1. Lập quy hoạch chung 05 đô thị.
- Đơn vị chủ trì: Phòng Quy hoạch.
- Thời gian hoàn thành: Tháng 9/2024.
2. Cấp trên 1.250 giấy phép xây dựng đúng hạn.
- Đơn vị chủ trì: Phòng Quản lý xây dựng.
- Thời gian hoàn thành: Quý IV/2024.
II. TỔ CHỨC THỰC HIỆN
Phòng Kế hoạch - Tài chính theo dõi, tổng hợp, báo cáo hằng quý.
GIÁM ĐỐC
Hoàng Văn Minh
"""


@pytest.fixture(scope="module")
def small_scan(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A one-page plan, printed and scanned (tilted, speckled, JPEG), as a PDF without text."""
    problem = tools_missing() or (None if ocr.tesseract_ready() else "tesseract-ocr-vie is missing")
    if problem:
        if __import__("os").environ.get("CI") == "true":
            pytest.fail(f"{problem}: .ci/run installs it")
        pytest.skip(problem)
    source = tmp_path_factory.mktemp("scan") / "ke-hoach-xay-dung.txt"
    source.write_text(PLAN_TEXT, encoding="utf-8")
    return scanned_pdf(source)


def upload(client: Client, name: str, data: bytes, issuer: Any) -> Any:
    return client.post(
        reverse("ingest:upload"), {"file": SimpleUploadedFile(name, data), "issuer": issuer.pk}
    )


def test_a_scan_is_queued_read_by_the_worker_and_opens_the_review_with_its_confidence(
    client: Client, cast: Cast, small_scan: bytes
) -> None:
    client.force_login(cast.planning_finance)
    response = upload(client, "ke-hoach-scan.pdf", small_scan, cast.department)
    session = ImportSession.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "ingest:progress", args=[session.pk]
    )
    assert session.status == ImportStatus.PROCESSING and session.plan_json == {}

    page = client.get(reverse("ingest:progress", args=[session.pk]))
    body = page.content.decode()
    assert 'data-status="processing"' in body and 'hx-trigger="every 1s"' in body
    assert (
        "ke-hoach-scan.pdf" in client.get(reverse("ingest:upload")).content.decode()
    )  # may leave and come back

    assert "1 background jobs run" in drain_jobs()
    session.refresh_from_db()
    assert session.status == ImportStatus.PENDING
    assert session.progress_done == session.progress_total == 1
    assert [p["page"] for p in session.ocr_pages] == [1] and session.ocr_pages[0]["confidence"] > 80
    assert "Phòng Quy hoạch" in session.source_text and "ocr" not in session.plan_json
    assert [t["code"] for t in session.plan_json["tasks"]] == ["1", "2"]

    polled = client.get(reverse("ingest:progress", args=[session.pk]), headers={"HX-Request": "true"})
    assert polled["HX-Redirect"] == reverse("ingest:review", args=[session.pk])
    review = client.get(reverse("ingest:review", args=[session.pk])).content.decode()
    assert 'data-testid="ocr-summary"' in review and "1 trang, độ tin cậy trung bình" in review
    assert Plan.objects.count() == 0


def test_a_doc_libreoffice_cannot_open_fails_with_its_reason_in_both_languages_and_writes_nothing(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.planning_finance)
    upload(client, "hong.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 20, cast.department)
    session = ImportSession.objects.get()
    drain_jobs()
    session.refresh_from_db()
    assert session.status == ImportStatus.FAILED and session.failure["code"] in {
        "corrupt",
        "convert_unavailable",
    }
    page = client.get(reverse("ingest:progress", args=[session.pk])).content.decode()
    assert 'data-testid="import-failed"' in page and session.failure["vi"] in page
    client.cookies["django_language"] = "en"  # as the header's language switch leaves it
    english = client.get(reverse("ingest:progress", args=[session.pk]))
    assert session.failure["en"] in english.content.decode()
    assert Plan.objects.count() == 0
    # The review is not reachable for it; the progress page is where it leads.
    assert client.get(reverse("ingest:review", args=[session.pk]))["Location"] == reverse(
        "ingest:progress", args=[session.pk]
    )


def test_a_scan_over_the_page_limit_fails_before_any_page_is_read(
    client: Client, cast: Cast, settings: Any
) -> None:
    from PIL import Image

    settings.OCR_MAX_PAGES = 2
    pages = [Image.new("L", (620, 877), 255) for _ in range(3)]
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=75, save_all=True, append_images=pages[1:])
    client.force_login(cast.planning_finance)
    upload(client, "dai.pdf", buffer.getvalue(), cast.department)
    drain_jobs()
    session = ImportSession.objects.get()
    assert session.status == ImportStatus.FAILED and session.failure["code"] == "too_many_pages"
    assert "3 trang, quá giới hạn 2 trang" in session.failure["vi"]


def test_a_stalled_read_offers_reading_again_and_a_cancelled_one_is_left_alone(
    client: Client, cast: Cast, settings: Any
) -> None:
    client.force_login(cast.planning_finance)
    upload(client, "hong.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, cast.department)
    session = ImportSession.objects.get()
    # The worker died with it (or none runs): no progress for longer than JOB_STALL_SECONDS.
    long_ago = timezone.now() - dt.timedelta(seconds=settings.JOB_STALL_SECONDS + 5)
    ImportSession.objects.filter(pk=session.pk).update(updated_at=long_ago)
    page = client.get(reverse("ingest:progress", args=[session.pk])).content.decode()
    assert 'data-testid="import-stalled"' in page

    response = client.post(reverse("ingest:retry", args=[session.pk]))
    assert response.status_code == 302
    # The first enqueue and the retry; the second finds it read.
    assert "2 background jobs run" in drain_jobs()
    session.refresh_from_db()
    assert session.status == ImportStatus.FAILED

    upload(client, "hong-nua.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 600, cast.department)
    second = ImportSession.objects.latest("pk")
    client.post(reverse("ingest:discard", args=[second.pk]))
    drain_jobs()
    second.refresh_from_db()
    assert second.status == ImportStatus.DISCARDED and bytes(second.file_bytes) == b""


def test_another_persons_upload_in_progress_is_not_found(client: Client, cast: Cast) -> None:
    client.force_login(cast.planning_finance)
    upload(client, "hong.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, cast.department)
    session = ImportSession.objects.get()
    client.force_login(cast.director)
    assert client.get(reverse("ingest:progress", args=[session.pk])).status_code == 404


def test_the_file_stays_out_of_the_media_store_until_confirmed(
    client: Client, cast: Cast, small_scan: bytes, media_in_tmp: Path
) -> None:
    client.force_login(cast.planning_finance)
    upload(client, "ke-hoach-scan.pdf", small_scan, cast.department)
    drain_jobs()
    assert not any(media_in_tmp.rglob("*.pdf"))


@pytest.mark.django_db(transaction=True)
def test_at_scale_the_queue_is_redis_an_app_server_queues_and_a_worker_process_reads(cast: Cast) -> None:
    """TASK_QUEUE_URL=redis://…: one process queues the upload's job (an app server), another runs
    it (`nhiemvu worker --drain` on another machine), both on the same database."""
    import os
    import subprocess
    import sys

    import redis

    from nhiemvu.ingest.parsing.tests.scanned import typed_docx
    from nhiemvu.ingest.services import import_session_queue
    from nhiemvu.lib import soffice
    from nhiemvu.testing import require_redis, this_database_url

    require_redis()
    if soffice.soffice_path() is None:
        pytest.skip("LibreOffice is not installed")
    queue = "redis://127.0.0.1:6379/14"
    name = f"nhiemvu-test-{os.getpid()}"  # the SQLite and PostgreSQL passes may run at once
    keys = redis.Redis.from_url(queue)
    legacy = soffice.convert(soffice.convert(typed_docx(PLAN_TEXT), ".docx", "odt"), ".odt", "doc")
    session = import_session_queue(
        user=cast.planning_finance, issuer=cast.department, file_name="ke-hoach.doc", data=legacy
    )
    env = {
        **os.environ,
        "DATABASE_URL": this_database_url(),
        "TASK_QUEUE_URL": queue,
        "TASK_QUEUE_NAME": name,
    }
    nhiemvu = [sys.executable, "-m", "nhiemvu"]
    enqueue = f"from nhiemvu.ingest.tasks import read_import; read_import({session.pk})"
    subprocess.run([*nhiemvu, "shell", "-c", enqueue], env=env, check=True, capture_output=True)
    assert keys.llen(f"huey.redis.{name.replace('-', '')}") == 1  # the job is in Redis, not in a file
    done = subprocess.run(
        [*nhiemvu, "worker", "--drain"], env=env, check=True, capture_output=True, text=True
    )
    assert "1 background jobs run" in done.stdout, done.stderr[-2000:]
    session.refresh_from_db()
    assert session.status == ImportStatus.PENDING
    assert [t["code"] for t in session.plan_json["tasks"]] == ["1", "2"]
