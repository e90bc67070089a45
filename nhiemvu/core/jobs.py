"""What every background job (Huey, `nhiemvu worker`) needs around it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection

F = TypeVar("F", bound=Callable[..., Any])


def fresh_connections(job: F) -> F:
    """Run ``job`` with database connections the server has not closed meanwhile: a worker lives
    for weeks, and PostgreSQL restarts. Never inside a caller's transaction (a test drains the queue
    inside its own), where closing would end it."""

    @wraps(job)
    def run(*args: Any, **kwargs: Any) -> Any:
        if not connection.in_atomic_block:
            close_old_connections()
        try:
            return job(*args, **kwargs)
        finally:
            if not connection.in_atomic_block:
                close_old_connections()

    return run  # type: ignore[return-value]


# A running `nhiemvu worker` says so in the shared cache every HEARTBEAT_SECONDS; missing three
# beats, it counts as gone. Work it may take off the web servers (a dashboard's rebuild) is handed
# to it only then: a queue nobody reads would leave that work undone.
HEARTBEAT_KEY = "worker:heartbeat"
HEARTBEAT_SECONDS = 10


def worker_listening() -> bool:
    """Whether a worker has said it is running within the last three heartbeats (shared cache only:
    with the per-process cache a worker's word never reaches an app server)."""
    return bool(settings.CACHE_URL) and cache.get(HEARTBEAT_KEY) is not None


def heartbeat(stop: threading.Event) -> None:
    """What a running worker does beside its jobs until `stop` is set: say it is there, then, on
    the way out, that it is gone."""
    try:
        while True:
            cache.set(HEARTBEAT_KEY, time.time(), 3 * HEARTBEAT_SECONDS)
            if stop.wait(HEARTBEAT_SECONDS):
                break
    finally:
        cache.delete(HEARTBEAT_KEY)
