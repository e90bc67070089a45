"""Login throttling in front of Django's password check."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for the logins that come with a request.

    Every login over the web (the login page, the admin) passes the request. Only code paths
    without one — management commands, `Client.login` in tests — reach here with None, and
    they can't be throttled by address anyway: axes would raise, so they go straight on to
    the password check.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
