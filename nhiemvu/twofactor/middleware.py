"""The second step of signing in, whichever way the first was made (password, LDAP, OpenID Connect).

After django-otp's OTPMiddleware: a signed-in person with a device whose session has not been
verified by it is sent to type a code; one whose agency requires two-factor sign-in and who has no
device is sent to set it up. Until then only a few addresses answer (`_open_paths`).

What each session needs is worked out at sign-in and kept in it (NEEDS, then rechecked every
RECHECK_SECONDS): the pages of someone without two-factor cost no query. A policy changed, or a
device added in another session, reaches sessions already open at their next recheck.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from . import selectors

NEEDS = "nv_2fa_needs"
CHECKED = "nv_2fa_checked"
RECHECK_SECONDS = 300


def session_needs_refresh(request: HttpRequest, user: User) -> str:
    """Work out again what the session needs and remember it (sign-in, enrolment, a policy change)."""
    needs = selectors.needs_of(user)
    request.session[NEEDS] = needs
    request.session[CHECKED] = int(time.time())
    return needs


def signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """user_logged_in, for every backend: the next request knows without asking the database."""
    if request is not None and hasattr(request, "session"):
        session_needs_refresh(request, user)


@cache
def _open_paths() -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """Addresses that answer whatever the second step needs: (while a code is due, while enrolment
    is due, path prefixes always open)."""
    always = {
        reverse("login"),
        reverse("logout"),
        reverse("set_language"),
        reverse("account:session-status"),
        reverse("account:keepalive"),
    }
    verify = always | {reverse("twofactor:verify")}
    enrol = always | {reverse("twofactor:status"), reverse("twofactor:enrol"), reverse("twofactor:codes")}
    # The API authenticates each request by its token, never by the session.
    prefixes = ("/" + settings.STATIC_URL.lstrip("/"), "/api/")
    return frozenset(verify), frozenset(enrol), prefixes


def _page_of(request: HttpRequest) -> str:
    """Where to come back after the code: the page itself; for htmx, the page the fragment is in (the
    HX-Current-URL header, read here because django-htmx's middleware runs later); for another post,
    nowhere in particular (a GET of a form's address would not repeat the post)."""
    if request.headers.get("HX-Request"):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.netloc and current.netloc != request.get_host():
            return ""
        return f"{current.path}?{current.query}" if current.query else current.path
    return request.get_full_path() if request.method == "GET" else ""


def _send_to(request: HttpRequest, url_name: str) -> HttpResponse:
    back = _page_of(request)
    url = reverse(url_name)
    if back:
        url = f"{url}?{urlencode({'next': back})}"
    if request.headers.get("HX-Request"):
        # A redirect would be followed by htmx and its page swapped into a fragment.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not hasattr(request, "session") or not user.is_authenticated:
            return self.get_response(request)
        verify_open, enrol_open, prefixes = _open_paths()
        if request.path.startswith(prefixes):
            return self.get_response(request)
        needs = request.session.get(NEEDS)
        checked = request.session.get(CHECKED, 0)
        if needs is None or time.time() - checked >= RECHECK_SECONDS:
            needs = session_needs_refresh(request, user)
        if needs == selectors.NEEDS_CODE and not user.is_verified():
            if request.path not in verify_open:
                return _send_to(request, "twofactor:verify")
        elif needs == selectors.NEEDS_ENROLMENT and request.path not in enrol_open:
            return _send_to(request, "twofactor:enrol")
        return self.get_response(request)
