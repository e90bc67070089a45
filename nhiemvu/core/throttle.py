"""A small counter of failures in the cache, for what axes does not cover (the old password on the
password change page, password reset requests, wrong API tokens). Shared between workers with
CACHE_URL."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, subject: str) -> str:
    return f"throttle:{scope}:{hashlib.sha256(subject.encode()).hexdigest()[:32]}"


def _cooloff() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def throttled(scope: str, subject: str, *, limit: int | None = None) -> bool:
    """Whether `subject` (an address, an account) has used up its `limit` attempts at `scope`
    (by default AXES_FAILURE_LIMIT, as for sign-in)."""
    most = settings.AXES_FAILURE_LIMIT if limit is None else limit
    return int(cache.get(_key(scope, subject), 0)) >= most


def count_attempt(scope: str, subject: str, *, window: int | None = None) -> None:
    """One more attempt; the window (by default AXES_COOLOFF_TIME, as for sign-in) starts at the first."""
    key = _key(scope, subject)
    seconds = _cooloff() if window is None else window
    cache.add(key, 0, timeout=seconds)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=seconds)
