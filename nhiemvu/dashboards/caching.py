"""The dashboards' one cache: a page's rendered body, kept per data stamp, rebuilt behind the reader's back.

Building a province's overview costs about a second (the snapshot of 1,000 tasks and their
forecasts), while its figures change only when someone saves a report, a task or a period. So
the rendered body of each page (per scope, filters, day and language) is cached with the stamp
of those tables it was built at (`data_stamp`). A stale entry is still served while one request
rebuilds it in the background (stale-while-revalidate): without that, every request arriving
after a stamp change rebuilt the same province-sized page at once (bench/load.py, stress pace).
With DASHBOARD_STAMP_SECONDS <= 0 ("always fresh", as the tests use) the rebuild is synchronous.

Where the rebuild runs: in `nhiemvu worker` when one is running and the cache is shared (CACHE_URL),
else in a thread of the web worker that found the page stale. Over a second of Python in a web
worker's thread holds back the requests of its other threads (one GIL per process): at 200 users
bench/load.py's p99 was about 150 ms with no rebuilds and 230-510 ms with them in threads. A worker
that has not taken a page up within HANDOFF_SECONDS (busy reading a scan, say, or stopped) is passed
over, and a request's thread rebuilds it, so a page is never stale for longer because of the queue.
A build is a module-level function with its arguments (functools.partial), so that it can be
pickled into the queue.

The stamp costs the same after ten years of history as after one (`_read_data_stamp`: a few index
entries, no count), and it lives in the database, not in this process, so a change made by any
worker, command or app server is seen by all of them, whether the cache is per process or Redis.
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
from huey.contrib.djhuey import task

from nhiemvu.audit.models import AuditEntry
from nhiemvu.cascade.models import TaskLink
from nhiemvu.core.jobs import fresh_connections, worker_listening
from nhiemvu.plans.models import Milestone, Plan, Target, Task
from nhiemvu.reporting.models import Obstacle, ProgressReport, ReportingPeriod

# The TTL bounds memory, and how long a write the stamp cannot see lasts (`_read_data_stamp`).
CACHE_SECONDS = 300
REBUILD_LOCK_SECONDS = 120
# How long a page handed to `nhiemvu worker` may wait for it before a request rebuilds it itself.
HANDOFF_SECONDS = 30
# What a dashboard reads. Each has an index on updated_at, and each is in the audit trail
# (nhiemvu.audit.registry.AUDITED_MODELS; test_caching checks both).
_STAMPED = (Plan, Task, Target, Milestone, ReportingPeriod, ProgressReport, Obstacle, TaskLink)
# How many of the audit trail's newest entries the stamp fingerprints (`_read_data_stamp`): more
# than others write while one transaction is open, even at the deadline (a report saved and sent
# writes about five: a transaction would have to outlast some two hundred others).
NEWEST_ENTRIES = 1000
logger = logging.getLogger(__name__)


def data_stamp() -> str:
    """What changes whenever a table a dashboard reads changes: see `_read_data_stamp`.

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
    """The newest `updated_at` of each stamped table and the sum of the audit trail's newest entry
    ids, in one query that reads the same few index entries however long the history.

    - An insert or a save() (auto_now), bulk_create (which fills auto_now too), a save() that only
      touches updated_at (after an M2M change, say) move a MAX(updated_at): one entry of its index.
    - A delete leaves nothing in its table, where a COUNT(*) used to notice it by reading every row.
      The audit trail writes an entry for every deleted row, in the deleting transaction:
      QuerySet.delete() and cascades too, as Django sends post_delete for each row when someone
      listens. Every audited insert and change writes one as well.
    - A transaction can commit after a later one: its updated_at and entry id are then below
      maxima a reader has already seen, and maxima alone would miss it until the next change
      (units submitting together at the deadline do this all afternoon). The trail's newest
      NEWEST_ENTRIES ids, read backwards from its primary key, change as a set when an entry
      commits among them late, and their sum with it (an id comes in, a lower one drops out).
      SQLite runs one writing transaction at a time, so there it never happens.
    Not seen: a QuerySet.update() that leaves updated_at alone and saves no audited row in its
    transaction, and raw SQL (no service does either on these tables): until the next change, or
    CACHE_SECONDS at most.
    """
    qn = connection.ops.quote_name
    trail, trail_id = qn(AuditEntry._meta.db_table), qn(AuditEntry._meta.pk.column)
    parts = [f"(SELECT MAX({qn('updated_at')}) FROM {qn(m._meta.db_table)})" for m in _STAMPED]
    parts.append(
        f"(SELECT SUM({trail_id}) FROM (SELECT {trail_id} FROM {trail} "
        f"ORDER BY {trail_id} DESC LIMIT {NEWEST_ENTRIES}) newest)"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}")  # names from the models, no user input
        row = cursor.fetchone()
    return "|".join(str(v) for v in row)


def page_key(*parts: object) -> str:
    """The cache key of one page part, from what decides its content (no data stamp: the entry carries it).

    Two users with the same scope see the same tasks, so they share an entry.
    """
    return "dashboards:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def lock_key(key: str) -> str:
    return f"{key}:rebuild"


def handoff_key(key: str) -> str:
    """When `key` was first handed to the worker and not rebuilt since (by anyone)."""
    return f"{key}:handed"


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
    """Start a rebuild of `key` unless one is already under way (the lock): queued for the worker
    when it will take it (`_worker_takes`), else in a thread, which is returned (for tests)."""
    to_worker = _worker_takes(key)
    if not cache.add(lock_key(key), 1, timeout=HANDOFF_SECONDS if to_worker else REBUILD_LOCK_SECONDS):
        return None
    if to_worker:
        try:
            rebuild_queued(key, build)
        except Exception:  # the queue unreachable: rebuilt here instead, the page served all the same
            logger.exception("Queueing the rebuild of dashboard %s failed", key)
        else:
            cache.add(handoff_key(key), time.time(), CACHE_SECONDS)  # kept from the first handoff
            return None
    thread = threading.Thread(
        target=_rebuild_in_thread, args=(key, stamp, build), name=f"rebuild {key}", daemon=True
    )
    thread.start()
    return thread


def _worker_takes(key: str) -> bool:
    """Whether to queue the rebuild of `key`: the cache is shared (a worker's rebuild lands where
    this process reads), a worker says it is there, and it has not left this page waiting."""
    if not worker_listening():
        return False
    handed = cache.get(handoff_key(key))
    return handed is None or time.time() - handed < HANDOFF_SECONDS


def rebuild(key: str, stamp: str, build: Callable[[], str]) -> None:
    """What a rebuild runs, in a thread or the worker (tests call it directly): store the new body,
    log a failure, release the lock and the handoff."""
    started = time.monotonic()
    try:
        store(key, stamp, build)
    except Exception:
        logger.exception("Rebuilding dashboard %s failed", key)
    finally:
        _release(key)
    logger.debug("Rebuilt %s in %.3f s", key, time.monotonic() - started)


@task(retries=0)
@fresh_connections
def rebuild_queued(key: str, build: Callable[[], str]) -> None:
    """The worker's rebuild, as of the data stamp it finds: nothing to do if a request's thread has
    rebuilt the page meanwhile (the worker was late)."""
    stamp = data_stamp()
    entry = cache.get(key)
    if entry is not None and entry[0] == stamp:
        _release(key)
        return
    rebuild(key, stamp, build)


def _release(key: str) -> None:
    """The rebuild of `key` is over: its lock, and any handoff waiting on the worker, go."""
    cache.delete_many([lock_key(key), handoff_key(key)])


def _rebuild_in_thread(key: str, stamp: str, build: Callable[[], str]) -> None:
    try:
        rebuild(key, stamp, build)
    finally:
        connection.close()  # the thread's own connection; nobody else will close it
