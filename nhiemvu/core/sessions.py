"""Sessions on shared office computers: an idle timeout, an absolute lifetime, and every session of a
person listed and ended on demand (issue 21, ASVS V3).

- A session ends after SESSION_IDLE_SECONDS without a request (30 minutes), and SESSION_ABSOLUTE_SECONDS
  after sign-in whatever happens (12 hours). The page warns SESSION_IDLE_WARNING_SECONDS before the
  idle end and typing in it counts as activity (static/js/session.js).
- Each signed-in session has a `UserSession` row (where from, which browser, since when, last seen):
  the account page lists them; "sign out everywhere" (the person, or an administrator for a
  compromised account) deletes the sessions themselves, so there is nothing to check per request.
- Sessions end by themselves when the password changes, the account is deactivated or the person's
  roles change (`end_sessions_on_account_change`, and organisations' handler for memberships).
- Signing in rotates the session key (Django's `login`); the registry follows the new key.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.db import models
from django.db.models.functions import Now
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .http import client_address

# Keys this module keeps in each session (epoch seconds).
STARTED = "nv_started"
SEEN = "nv_seen"


def _store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_register(request: HttpRequest, user: User) -> None:
    """Record the request's session as one of the user's (at sign-in, and after a password change
    gave the current session a new key)."""
    from .models import UserSession

    now = int(time.time())
    request.session.setdefault(STARTED, now)
    request.session[SEEN] = now
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": client_address(request),
            "user_agent": request.headers.get("User-Agent", "")[:300],
        },
    )


def sessions_end(user: User, *, keep: str | None = None) -> int:
    """End every session of `user` (all but `keep`): the sessions are deleted from their store, so
    a browser holding one is signed out on its next request. Returns how many were ended."""
    from .models import UserSession

    rows = UserSession.objects.filter(user=user)
    if keep is not None:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    store = _store()
    for key in keys:
        store(session_key=key).delete()  # the database row and, with cached_db, the cached copy
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def session_end(user: User, key: str) -> None:
    """End one session of `user` (nothing happens if the key is not theirs)."""
    from .models import UserSession

    if UserSession.objects.filter(user=user, session_key=key).exists():
        _store()(session_key=key).delete()
        UserSession.objects.filter(session_key=key).delete()


def sessions_of(user: User) -> models.QuerySet[Any]:
    """The user's sessions that still exist, most recently used first."""
    from django.contrib.sessions.models import Session

    from .models import UserSession

    live = Session.objects.filter(expire_date__gt=Now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=live).order_by("-last_seen")


def end_sessions_on_account_change(
    sender: Any, instance: User, update_fields: Any = None, **kwargs: Any
) -> None:
    """pre_save of User: a new password or a deactivated account ends every session, whichever way
    it was made (the account page, the admin, `changepassword`). The password page registers the
    session it keeps afterwards."""
    if instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    stored = type(instance).objects.filter(pk=instance.pk).values_list("password", "is_active").first()
    if stored is None:
        return
    password, active = stored
    if password != instance.password or (active and not instance.is_active):
        sessions_end(instance)


def idle_left(request: HttpRequest) -> int:
    """Seconds before the request's session ends for lack of activity."""
    seen = request.session.get(SEEN, int(time.time()))
    return max(0, settings.SESSION_IDLE_SECONDS - (int(time.time()) - seen))


def _expired(request: HttpRequest, reason: str, *, quiet: bool) -> HttpResponse:
    path = request.get_full_path()
    logout(request)
    if quiet:  # the page's own question: it sends the person to the sign-in form itself
        return JsonResponse({"expired": reason})
    login = f"{reverse('login')}?{urlencode({'next': path, 'expired': reason})}"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = login
        return response
    return HttpResponseRedirect(login)


@cache
def _script_paths() -> tuple[str, str]:
    """The paths of the page's own session requests (static/js/session.js), reversed once."""
    return reverse("account:session-status"), reverse("account:keepalive")


class SessionLifetimeMiddleware:
    """After authentication: end a session idle or old past its limits; note activity once a minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return self.get_response(request)
        session = request.session
        # The page's own requests (static/js/session.js) are answered in JSON when the session has
        # ended; asking how long is left is not activity, "continue working" is.
        status, keepalive = _script_paths()
        quiet = request.path == status
        scripted = quiet or request.path == keepalive
        now = int(time.time())
        started = session.get(STARTED)
        seen = session.get(SEEN)
        if started is None or seen is None:  # signed in before this module: start counting now
            session_register(request, user)
            started = seen = now
        if now - seen > settings.SESSION_IDLE_SECONDS:
            return _expired(request, "idle", quiet=scripted)
        if now - started > settings.SESSION_ABSOLUTE_SECONDS:
            return _expired(request, "absolute", quiet=scripted)
        if not quiet and now - seen >= settings.SESSION_SEEN_RESOLUTION_SECONDS:
            from .models import UserSession

            session[SEEN] = now
            UserSession.objects.filter(session_key=session.session_key).update(last_seen=Now())
        return self.get_response(request)


def expired_message(reason: str | None) -> str | None:
    """What the login page says to someone whose session ended by itself."""
    if reason == "idle":
        minutes = settings.SESSION_IDLE_SECONDS // 60
        return _(
            "Phiên làm việc đã kết thúc sau %(minutes)s phút không thao tác. Vui lòng đăng nhập lại."
        ) % {"minutes": minutes}
    if reason == "absolute":
        hours = settings.SESSION_ABSOLUTE_SECONDS // 3600
        return _("Phiên làm việc đã quá %(hours)s giờ. Vui lòng đăng nhập lại.") % {"hours": hours}
    return None


def signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """user_logged_in: Django has rotated the session key; record the new session."""
    session_register(request, user)


def signed_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    from .models import UserSession

    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


def session_limits(request: HttpRequest) -> dict[str, Any]:
    """Context processor: what the page's idle timer needs (static/js/session.js)."""
    return {
        "session_limits": {
            "idle": settings.SESSION_IDLE_SECONDS,
            "warning": settings.SESSION_IDLE_WARNING_SECONDS,
            "resolution": settings.SESSION_SEEN_RESOLUTION_SECONDS,
        }
    }
