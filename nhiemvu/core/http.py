"""What a view may assume about a request: its user (for the type checker), and its client's address."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    """A request that reached a view behind `login_required` (or the API's token): a signed-in user.

    Only an annotation: Django builds a plain HttpRequest; this tells the checker that
    `request.user` is a User, not AnonymousUser.
    """

    user: User
    htmx: HtmxDetails  # django-htmx's middleware sets it on every request


def client_address(request: HttpRequest) -> str | None:
    """The socket's address, unless the socket is a proxy named in FORWARDED_ALLOW_IPS (the setting
    gunicorn uses for the same purpose): then the hop that proxy appended, the rightmost one. Never
    an address a client wrote itself."""
    peer = request.META.get("REMOTE_ADDR")
    trusted = settings.FORWARDED_ALLOW_IPS
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and peer and ("*" in trusted or peer in trusted):
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        return hops[-1] if hops else peer
    return peer
