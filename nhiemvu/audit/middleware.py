"""The audit trail's request context: who acted, and from which address, told by nobody but the server.

django-auditlog's own middleware takes the client address from `X-Forwarded-For` whenever the
header is present, so any client could write the address it likes into the trail. Here the
address is the socket's, unless the socket is a proxy named in FORWARDED_ALLOW_IPS (the setting
gunicorn uses for the same purpose): then it is the hop that proxy appended, the rightmost one.

The actor is read when the request arrives, before the API has authenticated its token; the API
names its token's user with `actor_is` once it knows it (issue 22: API changes had no actor).
"""

from __future__ import annotations

from typing import Any

from auditlog.context import auditlog_value
from auditlog.middleware import AuditlogMiddleware
from django.http import HttpRequest

from nhiemvu.core.http import client_address


class AuditMiddleware(AuditlogMiddleware):
    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_address(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        return None  # only a trusted proxy could say it, and the trail does not need it


def actor_is(user: Any) -> None:
    """The user the changes of the request under way are recorded against (the API's token user)."""
    try:
        context = auditlog_value.get()
    except LookupError:  # outside a request (a command, a test calling a service)
        return
    context["actor"] = user
