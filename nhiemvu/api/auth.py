"""Bearer-token authentication: `Authorization: Bearer nv_<prefix>_<secret>`.

No session authentication on the API: a browser's cookie would make every write a CSRF risk,
and an integration has no session anyway.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from nhiemvu.audit.middleware import actor_is

from .errors import ApiError
from .models import ApiToken
from .selectors import api_token_by_secret
from .services import api_token_touch

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """Finds the token, refuses writes with a read-only one, and acts as the token's user."""

    openapi_bearerFormat = "nv_<prefix>_<secret>"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        row = api_token_by_secret(token)
        if row is None:
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
