from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from .http import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect("plans:plan-list")


DATABASE_DOWN_VI = (
    "Cơ sở dữ liệu tạm thời không truy cập được. Dữ liệu chưa được lưu; vui lòng thử lại sau ít phút."
)
DATABASE_DOWN_EN = "The database is briefly unavailable. Nothing was saved; please try again in a minute."


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler; a lost database connection (a restart, a failover) is a 503 that says so.

    Django calls this inside the `except` that caught the error, so the exception is at hand.
    The transaction of the failed request rolled back: telling the user to retry is safe.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        status, code, message, message_en = 503, "database_unavailable", DATABASE_DOWN_VI, DATABASE_DOWN_EN
    else:
        status, code = 500, "server_error"
        message = "Đã có lỗi ngoài dự kiến; lỗi đã được ghi lại. Vui lòng thử lại."
        message_en = "Something went wrong on our side; it has been logged. Please try again."
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": code, "message": message, "message_en": message_en, "details": None}, status=status
        )
    else:
        # No template context processors: they may need the database that just failed.
        html = (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>nhiemvu</title></head>'
            f"<body><main><h1>{'Tạm thời gián đoạn' if status == 503 else 'Lỗi hệ thống'}</h1>"
            f'<p>{message}</p><p lang="en">{message_en}</p></main></body></html>'
        )
        response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response
