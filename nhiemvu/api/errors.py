"""One error shape for every refusal: `{"code", "message", "message_en", "details"}`.

`code` is stable (integrations branch on it), `message` is Vietnamese for the person reading
the other system's log. Objects outside the user's scope answer exactly as missing ones do.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from nhiemvu.core.errors import DomainError
from nhiemvu.ingest.parsing import ExtractionError
from nhiemvu.ingest.services import DocumentTakenError, DuplicatePlanError
from nhiemvu.reporting.errors import (
    AcceptedReportError,
    AttachmentMissingError,
    ConflictError,
    NotAllowedError,
    PeriodLockedError,
    PlanClosedError,
    TransitionError,
)


class ApiError(Exception):
    """A refusal the API itself decides (bad token, read-only token, a reference in a body)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        message_en: str = "",
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message_en or message)
        self.status, self.code, self.message, self.message_en, self.details = (
            status,
            code,
            message,
            message_en,
            details,
        )
        self.headers = headers or {}


NOT_FOUND = ("not_found", "Không tìm thấy hoặc bạn không có quyền truy cập.", "Not found.")

# A refusal that says "the state of the thing disagrees", not "your input is malformed".
CONFLICTS: tuple[type[DomainError], ...] = (
    ConflictError,
    DuplicatePlanError,
    DocumentTakenError,
    AcceptedReportError,
    TransitionError,
    PeriodLockedError,
    PlanClosedError,
)


def error_body(code: str, message: str, message_en: str = "", details: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "message_en": message_en, "details": details}


def _json(api: NinjaAPI, request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


def not_found(api: NinjaAPI, request: HttpRequest) -> HttpResponse:
    return _json(api, request, 404, error_body(*NOT_FOUND))


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every known exception into the one error shape."""

    @api.exception_handler(ApiError)
    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        response = _json(
            api, request, exc.status, error_body(exc.code, exc.message, exc.message_en, exc.details)
        )
        for name, value in exc.headers.items():
            response[name] = value
        return response

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _json(
            api,
            request,
            401,
            error_body(
                "unauthenticated",
                "Thiếu khóa API, khóa không đúng hoặc đã bị thu hồi.",
                "The API token is missing, wrong or revoked.",
            ),
        )
        response["WWW-Authenticate"] = 'Bearer realm="nhiemvu"'
        return response

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return not_found(api, request)

    @api.exception_handler(NinjaValidationError)
    def on_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        details = [
            {
                "loc": [str(p) for p in e.get("loc", ())],
                "msg": str(e.get("msg", "")),
                "type": e.get("type", ""),
            }
            for e in exc.errors
        ]
        return _json(
            api,
            request,
            422,
            error_body(
                "validation_error",
                "Dữ liệu gửi lên không hợp lệ; xem chi tiết từng trường trong «details».",
                "The request is not valid; see details.",
                details,
            ),
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {400: "bad_request", 405: "method_not_allowed", 413: "too_large"}.get(exc.status_code, "error")
        return _json(api, request, exc.status_code, error_body(code, str(exc.message), str(exc.message)))

    @api.exception_handler(ExtractionError)
    def on_extraction(request: HttpRequest, exc: ExtractionError) -> HttpResponse:
        return _json(api, request, 400, error_body(exc.code, exc.message_vi, exc.message_en))

    @api.exception_handler(DomainError)
    def on_domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        if isinstance(exc, NotAllowedError):
            # The web answers 404 to a write the user may not make; so does the API.
            return not_found(api, request)
        if isinstance(exc, AttachmentMissingError):
            return _json(api, request, 404, error_body(exc.code, exc.message, exc.message_en))
        details = None
        if isinstance(exc, DuplicatePlanError):
            details = {"plan": exc.plan.pk}
        status = 409 if isinstance(exc, CONFLICTS) else 422
        return _json(api, request, status, error_body(exc.code, exc.message, exc.message_en, details))
