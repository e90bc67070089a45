"""A small counter of failures in the cache, for the forms axes does not cover (the old password on
the password change page, password reset requests). Shared between workers with CACHE_URL."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, subject: str) -> str:
    return f"throttle:{scope}:{hashlib.sha256(subject.encode()).hexdigest()[:32]}"


def throttled(scope: str, subject: str) -> bool:
    """Whether `subject` (an address, an account) has used up its attempts at `scope`."""
    return int(cache.get(_key(scope, subject), 0)) >= settings.AXES_FAILURE_LIMIT


def count_attempt(scope: str, subject: str) -> None:
    """One more attempt; the window (AXES_COOLOFF_TIME, as for sign-in) starts at the first."""
    key = _key(scope, subject)
    cache.add(key, 0, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
