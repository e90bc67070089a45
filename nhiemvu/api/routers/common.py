"""What every router shares: the error responses each kind of operation may give."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..models import ApiToken
from ..schemas import ErrorOut

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def token_of(request: HttpRequest) -> ApiToken:
    return request.auth  # type: ignore[attr-defined,no-any-return]
