"""Files attached to a report: what is accepted (sniffed, not trusted by name) and storing it."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Sum

from nhiemvu.core.antivirus import UNAVAILABLE_EN, UNAVAILABLE_VI, ScanUnavailable, virus_found
from nhiemvu.lib.pdfactive import pdf_active_content
from nhiemvu.organisations.selectors import AccessScope, access_scope

from .. import access
from ..errors import AttachmentError, NotAllowedError
from ..models import Attachment, ProgressReport
from ._common import full_save, locked_report, refuse_accepted

ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}
MAX_UNZIPPED_RATIO = 100


def sniff_content_type(data: bytes) -> str | None:
    """The file's type from its first bytes (and, for Office files, the parts inside the zip).

    >>> sniff_content_type(b"%PDF-1.7 ...")
    'application/pdf'
    >>> sniff_content_type(b"MZ\\x90\\x00 an exe renamed to .pdf") is None
    True
    """
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = archive.infolist()
                unzipped = sum(i.file_size for i in infos)
                # An Office file compresses a few times; a hundredfold is a zip bomb.
                if unzipped > MAX_UNZIPPED_RATIO * max(len(data), 1) or unzipped > 200 * 1024 * 1024:
                    return None
                names = {i.filename for i in infos}
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if any(n.startswith("xl/") for n in names):
                return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def _too_large(name: str) -> AttachmentError:
    limit = settings.MAX_ATTACHMENT_BYTES
    return AttachmentError(
        f"Tệp «{name}» lớn hơn {limit // (1024 * 1024)} MB.",
        message_en=f"{name} is larger than the {limit // (1024 * 1024)} MB limit.",
    )


def attachment_uploads_read(files: Sequence[UploadedFile]) -> list[tuple[str, bytes]]:
    """The (name, bytes) of a form's uploaded files, each size checked before a byte is read.

    A file past the largest any form takes arrived without its bytes (core.uploads); either way
    one over the attachment limit is refused here by its size, never read into memory.
    """
    most = settings.MAX_ATTACHMENTS_PER_REQUEST
    if len(files) > most:
        raise AttachmentError(
            f"Mỗi lần lưu chỉ đính kèm được tối đa {most} tệp; hãy gửi phần còn lại ở lần lưu sau.",
            message_en=f"At most {most} files can be attached at a time.",
        )
    for upload in files:
        if (upload.size or 0) > settings.MAX_ATTACHMENT_BYTES:
            raise _too_large(upload.name or "")
    return [(upload.name or "", upload.read()) for upload in files]


def attachment_check(*, name: str, data: bytes) -> str:
    """The content type of an acceptable attachment, or AttachmentError; writes nothing.

    Views check every file of a POST first, so a refused third file doesn't leave the first
    two written to storage by a transaction that then rolls back.
    """
    if len(data) > settings.MAX_ATTACHMENT_BYTES:
        raise _too_large(name)
    content_type = sniff_content_type(data)
    if content_type is None:
        raise AttachmentError(
            f"Tệp «{name}» không phải PDF, Word (.docx), Excel (.xlsx) hay ảnh PNG/JPEG.",
            message_en=f"{name} is not a PDF, .docx, .xlsx, PNG or JPEG file.",
        )
    try:
        virus = virus_found(data)
    except ScanUnavailable as exc:
        raise AttachmentError(UNAVAILABLE_VI, message_en=UNAVAILABLE_EN) from exc
    if virus:
        raise AttachmentError(
            f"Tệp «{name}» bị phần mềm diệt virus phát hiện có mã độc ({virus}); tệp không được lưu.",
            message_en=f"{name} was found to carry malware ({virus}); it was not saved.",
        )
    if content_type == "application/pdf" and (active := pdf_active_content(data)):
        raise AttachmentError(
            f"Tệp «{name}» là PDF có nội dung chạy được ({active}: mã lệnh, tệp nhúng hoặc lệnh mở chương "
            "trình). Hãy in lại thành PDF thường (In → Lưu dưới dạng PDF) rồi đính kèm.",
            message_en=f"{name} is a PDF with active content ({active}); print it to a plain PDF and attach that.",
        )
    return content_type


def refuse_over_quota(report: ProgressReport, *, name: str, size: int) -> None:
    """A report holds at most MAX_ATTACHMENTS_PER_REPORT files and MAX_ATTACHMENT_BYTES_PER_REPORT
    bytes: reports are bounded by the plan (a task, a period, a unit), so this bounds what any one
    unit can store (ASVS 12.1.3). Called under the report's row lock."""
    stored = report.attachments.aggregate(files=Count("pk"), size=Sum("size"))
    files, total = stored["files"] or 0, stored["size"] or 0
    if files + 1 > settings.MAX_ATTACHMENTS_PER_REPORT:
        raise AttachmentError(
            f"Báo cáo đã có {files} tệp đính kèm, tối đa {settings.MAX_ATTACHMENTS_PER_REPORT}; "
            f"«{name}» không được thêm. Hãy gộp các tệp (ví dụ thành một PDF).",
            message_en=f"The report already has {files} attachments, the most it may hold.",
        )
    if total + size > settings.MAX_ATTACHMENT_BYTES_PER_REPORT:
        limit = settings.MAX_ATTACHMENT_BYTES_PER_REPORT // (1024 * 1024)
        raise AttachmentError(
            f"Các tệp đính kèm của báo cáo sẽ vượt {limit} MB nếu thêm «{name}». Hãy nén hoặc bớt tệp.",
            message_en=f"Adding {name} would take the report's attachments over {limit} MB.",
        )


def attachment_add(
    *,
    report: ProgressReport,
    user: User,
    name: str,
    data: bytes,
    scope: AccessScope | None = None,
    nested: bool = False,
) -> Attachment:
    """Attach a file to a draft or returned report of the user's unit.

    `nested`: the caller's transaction already holds the report's row lock (`report_write`), so
    this runs in it as it is, without a savepoint or a second lock.
    """
    scope = access_scope(user) if scope is None else scope
    with transaction.atomic(savepoint=not nested):
        if not nested:
            report = locked_report(report)
        if access.may_write_for(scope, report.organisation_id):
            refuse_accepted(report)  # the unit's own accepted report; anyone else's is a 404 below
        if not access.may_edit(scope, report):
            raise NotAllowedError("Bạn không được đính kèm tệp vào báo cáo này.", message_en="Not allowed.")
        content_type = attachment_check(name=name, data=data)
        refuse_over_quota(report, name=name, size=len(data))
        attachment = Attachment(
            report=report, original_name=name[:255], content_type=content_type, size=len(data)
        )
        # Stored under a random name (models.attachment_path); the user's name is only shown.
        attachment.file.save(f"tep{ALLOWED_TYPES[content_type]}", ContentFile(data), save=False)
        try:
            full_save(attachment)
        except Exception:
            # Storage is not transactional: a refused row must not leave its file behind.
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
            raise
    return attachment
