"""Bounded requests and uploads: nothing a client sends can make a worker hold more than a bound.

Two guards, both before any view runs:
- `RequestSizeLimitMiddleware` refuses a body whose `Content-Length` is over `MAX_REQUEST_BYTES`
  with a 413, reading none of it (Django reads a body only up to its `Content-Length`, and a body
  without one as empty, so the length is the whole bound);
- `BoundedUploadHandler` keeps the bytes of an uploaded file only up to the largest file any form
  accepts; a file past it arrives as an `OversizeUpload` carrying its name and true size, so the
  form says "larger than N MB" and nothing of it is held in memory or on disk.
Views still check each file's size before they read it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse


def largest_file_bytes() -> int:
    """The largest single file any form of the site accepts."""
    return max(settings.MAX_UPLOAD_BYTES, settings.MAX_ATTACHMENT_BYTES)


def megabytes(size: int) -> str:
    """`20 MB`, as the limit is said to users.

    >>> megabytes(20 * 1024 * 1024), megabytes(55 * 1024 * 1024 + 1)
    ('20 MB', '55 MB')
    """
    return f"{size // (1024 * 1024)} MB"


class OversizeUpload(UploadedFile):
    """A file past `largest_file_bytes()`: its name and real size, none of its content."""

    def __init__(self, *, name: str, content_type: str | None, size: int, charset: str | None) -> None:
        super().__init__(io.BytesIO(), name=name, content_type=content_type, size=size, charset=charset)


class BoundedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: past the bound, a file's chunks go no further."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > largest_file_bytes():
            return None  # the handlers after this one keep nothing more of this file
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received > largest_file_bytes():
            return OversizeUpload(
                name=self.file_name or "",
                content_type=self.content_type,
                size=self.received,
                charset=self.charset,
            )
        return None  # the memory or temporary-file handler after this one has the file


def _too_large(request: HttpRequest, status: int, message: str, message_en: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        code = "too_large" if status == 413 else "bad_request"
        return JsonResponse(
            {"code": code, "message": message, "message_en": message_en, "details": None}, status=status
        )
    # Plain HTML: nothing of the request (session, user, CSRF) has been looked at yet.
    html = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>nhiemvu</title></head>'
        f'<body><main><h1>Không nhận được yêu cầu</h1><p>{message}</p><p lang="en">{message_en}</p>'
        "</main></body></html>"
    )
    return HttpResponse(html, status=status)


class RequestSizeLimitMiddleware:
    """First middleware: a request body over `MAX_REQUEST_BYTES` is refused before it is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            return _too_large(
                request,
                400,
                "Độ dài nội dung yêu cầu không hợp lệ.",
                "The request's Content-Length is invalid.",
            )
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            return _too_large(
                request,
                413,
                f"Dữ liệu gửi lên ({megabytes(length)}) vượt giới hạn {megabytes(limit)} cho một lần gửi. "
                f"Mỗi tệp đính kèm tối đa {megabytes(settings.MAX_ATTACHMENT_BYTES)}, "
                f"tệp kế hoạch tối đa {megabytes(settings.MAX_UPLOAD_BYTES)}.",
                f"The request ({megabytes(length)}) is over the {megabytes(limit)} limit. Each attachment may be "
                f"up to {megabytes(settings.MAX_ATTACHMENT_BYTES)}, a plan file up to "
                f"{megabytes(settings.MAX_UPLOAD_BYTES)}.",
            )
        return self.get_response(request)
