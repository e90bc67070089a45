"""What every router shares: the error responses each kind of operation may give."""

from __future__ import annotations

from typing import Any

from nhiemvu.core.http import AuthenticatedHttpRequest

from ..models import ApiToken
from ..schemas import ErrorOut

# 429: the address sent too many wrong tokens (auth.TokenAuth); 413: the body is over MAX_REQUEST_BYTES.
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


class ApiRequest(AuthenticatedHttpRequest):
    """A request past `TokenAuth`: django-ninja puts the token on `auth`, TokenAuth its owner on `user`."""

    auth: ApiToken


def token_of(request: ApiRequest) -> ApiToken:
    return request.auth
