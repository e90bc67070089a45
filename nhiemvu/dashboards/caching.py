"""The dashboards' one cache: a page's rendered body, kept per data stamp, rebuilt behind the reader's back.

Building a province's overview costs about a second (the snapshot of 1,000 tasks and their
forecasts), while its figures change only when someone saves a report, a task or a period. So
the rendered body of each page (per scope, filters, day and language) is cached with the stamp
of those tables it was built at (`data_stamp`). A stale entry is still served while one request
rebuilds it in a background thread (stale-while-revalidate): without that, every request arriving
after a stamp change rebuilt the same province-sized page at once (bench/load.py, stress pace).
With DASHBOARD_STAMP_SECONDS <= 0 ("always fresh", as the tests use) the rebuild is synchronous.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from nhiemvu.cascade.models import TaskLink
from nhiemvu.plans.models import Milestone, Plan, Target, Task
from nhiemvu.reporting.models import Obstacle, ProgressReport, ReportingPeriod

# The TTL only bounds memory and edits made behind the ORM's back (a raw UPDATE does not touch `updated_at`).
CACHE_SECONDS = 300
REBUILD_LOCK_SECONDS = 120
_STAMPED = (Plan, Task, Target, Milestone, ReportingPeriod, ProgressReport, Obstacle, TaskLink)
logger = logging.getLogger(__name__)


def data_stamp() -> str:
    """The last change and the row count of every table a dashboard reads, in one query.

    Remembered for DASHBOARD_STAMP_SECONDS: when units submit several reports a second, checking
    on every read would rebuild the page on almost every read. Figures may then lag by that long.
    """
    seconds = settings.DASHBOARD_STAMP_SECONDS
    if seconds <= 0:
        return _read_data_stamp()
    stamp = cache.get("dashboards:stamp")
    if stamp is None:
        stamp = _read_data_stamp()
        cache.set("dashboards:stamp", stamp, seconds)
    return str(stamp)


def _read_data_stamp() -> str:
    parts = ", ".join(
        f'(SELECT MAX(updated_at) FROM "{m._meta.db_table}"), (SELECT COUNT(*) FROM "{m._meta.db_table}")'
        for m in _STAMPED
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")  # table names from the models, no user input
        row = cursor.fetchone()
    return "|".join(str(v) for v in row)


def page_key(*parts: object) -> str:
    """The cache key of one page part, from what decides its content (no data stamp: the entry carries it).

    Two users with the same scope see the same tasks, so they share an entry.
    """
    return "dashboards:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def lock_key(key: str) -> str:
    return f"{key}:rebuild"


def fresh_or_stale(key: str, stamp: str, build: Callable[[], str]) -> tuple[str, bool]:
    """The body under `key`: `(body, True)` when this call built it, `(body, False)` when cached.

    An entry is `(stamp, body)`. A stale one is returned as is, and rebuilt in the background by
    whoever takes the lock (across threads and processes when the cache is shared).
    """
    entry = cache.get(key)
    if entry is None or (settings.DASHBOARD_STAMP_SECONDS <= 0 and entry[0] != stamp):
        return store(key, stamp, build), True
    entry_stamp, body = entry
    if entry_stamp != stamp:
        rebuild_in_background(key, stamp, build)
    return body, False


def store(key: str, stamp: str, build: Callable[[], str]) -> str:
    body = build()
    cache.set(key, (stamp, body), CACHE_SECONDS)
    return body


def rebuild_in_background(key: str, stamp: str, build: Callable[[], str]) -> threading.Thread | None:
    """Start a rebuild of `key` unless one is already running (the lock); the thread, for tests."""
    if not cache.add(lock_key(key), 1, timeout=REBUILD_LOCK_SECONDS):
        return None
    thread = threading.Thread(
        target=_rebuild_in_thread, args=(key, stamp, build), name=f"rebuild {key}", daemon=True
    )
    thread.start()
    return thread


def rebuild(key: str, stamp: str, build: Callable[[], str]) -> None:
    """What the background thread runs (tests call it directly): store the new body, log a failure,
    release the lock."""
    started = time.monotonic()
    try:
        store(key, stamp, build)
    except Exception:
        logger.exception("Rebuilding dashboard %s failed", key)
    finally:
        cache.delete(lock_key(key))
    logger.debug("Rebuilt %s in %.3f s", key, time.monotonic() - started)


def _rebuild_in_thread(key: str, stamp: str, build: Callable[[], str]) -> None:
    try:
        rebuild(key, stamp, build)
    finally:
        connection.close()  # the thread's own connection; nobody else will close it
