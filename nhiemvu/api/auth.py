"""Bearer-token authentication: `Authorization: Bearer nv_<prefix>_<secret>`.

No session authentication on the API: a browser's cookie would make every write a CSRF risk,
and an integration has no session anyway.

Guessing is throttled: an address that presents API_FAILED_TOKEN_LIMIT wrong tokens within
API_FAILED_TOKEN_WINDOW seconds gets `429 too_many_failed_tokens` for every token, right or wrong,
until the window has passed. The count lives in the cache: shared by every worker and server with
CACHE_URL (Redis); per process with the embedded default.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from nhiemvu.audit.middleware import actor_is
from nhiemvu.core.http import client_address
from nhiemvu.core.throttle import count_attempt, throttled

from .errors import ApiError
from .models import ApiToken
from .selectors import api_token_by_secret
from .services import api_token_touch

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """Finds the token, refuses writes with a read-only one, and acts as the token's user."""

    openapi_bearerFormat = "nv_<prefix>_<secret>"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        address = client_address(request) or "unknown"
        window = settings.API_FAILED_TOKEN_WINDOW
        if throttled("api-token", address, limit=settings.API_FAILED_TOKEN_LIMIT):
            raise ApiError(
                429,
                "too_many_failed_tokens",
                f"Quá nhiều khóa API sai từ địa chỉ này; hãy thử lại sau {window // 60} phút.",
                f"Too many wrong API tokens from this address; try again in {window // 60} minutes.",
                headers={"Retry-After": str(window)},
            )
        row = api_token_by_secret(token)
        if row is None:
            count_attempt("api-token", address, window=window)
            return None
        if request.method not in SAFE_METHODS and not row.may_write:
            raise ApiError(
                403,
                "token_read_only",
                "Khóa API này chỉ có quyền đọc; hãy tạo khóa có quyền ghi để gửi dữ liệu.",
                "This API token is read-only.",
            )
        api_token_touch(token=row)
        request.user = row.user
        actor_is(row.user)  # the audit context was set before the token was known
        return row
