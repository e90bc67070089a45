"""The dashboards' data stamp: every kind of write a dashboard shows moves it, and reading it costs
the same however long the history (issue 20, item 4)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from auditlog.registry import auditlog
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nhiemvu.core.jobs import HEARTBEAT_KEY, worker_listening
from nhiemvu.dashboards import caching
from nhiemvu.plans.models import Plan, Target, Task
from nhiemvu.reporting.models import Obstacle
from nhiemvu.testing import REDIS_TEST_URL, drain_jobs, matched, page_builds, redis_prefix, this_database_url

from .conftest import overview_body_key

pytestmark = pytest.mark.django_db

OBSTACLE = "Thiếu mặt bằng để trồng rừng"  # the obstacle of conftest.build_plan, on task 3's report
STAMP_SECONDS = 15


def _plan_with_a_second_obstacle(plan_of: Callable[[int], Plan]) -> Plan:
    """Three tasks, built at one instant (frozen clock), and an obstacle on task 1 that stays: the
    deletes below leave every MAX(updated_at) where it was, so only the audit trail can tell."""
    plan = plan_of(3)
    report = plan.tasks.get(code="1").reports.order_by("id").last()
    assert report is not None
    Obstacle.objects.create(report=report, description="Thiếu kinh phí", addressed_to="Sở Tài chính")
    return plan


def test_every_table_the_stamp_watches_has_an_index_on_updated_at_and_is_in_the_audit_trail():
    """Without the index MAX(updated_at) reads the table; outside the trail a delete goes unseen."""
    for model in caching._STAMPED:
        assert any(list(index.fields) == ["updated_at"] for index in model._meta.indexes), model
        assert auditlog.contains(model), model


# --- Each kind of write, seen by a dashboard once the stamp period has passed ---


def _insert(plan: Plan) -> None:
    first = plan.tasks.get(code="1")
    Task.objects.create(plan=plan, code="4", title="Nhiệm vụ thêm", order=4, lead_unit=first.lead_unit)


def _update(plan: Plan) -> None:
    task = plan.tasks.get(code="2")
    task.title = "Nhiệm vụ đổi tên"
    task.save()


def _delete(plan: Plan) -> None:
    plan.tasks.get(code="3").delete()  # its targets, milestones and reports go with it


def _bulk_insert(plan: Plan) -> None:
    first = plan.tasks.get(code="1")
    Task.objects.bulk_create(  # no signals, so no audit entry: updated_at is what moves
        [
            Task(plan=plan, code=str(n), title=f"Nhiệm vụ thêm {n}", order=n, lead_unit=first.lead_unit)
            for n in (5, 6)
        ]
    )


def _bulk_delete(plan: Plan) -> None:
    # As reporting.services.reports._write_obstacles drops the obstacles a unit no longer lists.
    assert Obstacle.objects.filter(report__task__plan=plan, description=OBSTACLE).delete()[0] == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "change, url, seen",
    [
        (_insert, "dashboards:task-list", lambda page: _listed(page) == 4 and "Nhiệm vụ thêm" in page),
        (_update, "dashboards:task-list", lambda page: "Nhiệm vụ đổi tên" in page),
        (_delete, "dashboards:task-list", lambda page: _listed(page) == 2),
        (_bulk_insert, "dashboards:task-list", lambda page: _listed(page) == 5),
        (_bulk_delete, "dashboards:overview", lambda page: OBSTACLE not in page),
    ],
    ids=["insert", "update", "delete", "bulk_create", "queryset_delete"],
)
def test_a_dashboard_shows_each_kind_of_write_once_the_stamp_period_has_passed(
    client, cast, plan_of, settings, change: Callable[[Plan], None], url: str, seen: Callable[[str], bool]
):
    """Committed data (the rebuild runs in a thread with its own connection), the clock moved by hand."""
    settings.DASHBOARD_STAMP_SECONDS = STAMP_SECONDS
    client.force_login(cast.director)
    with time_machine.travel(dt.datetime(2023, 6, 20, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        plan = _plan_with_a_second_obstacle(plan_of)
        path = reverse(url)
        before = client.get(path).content.decode()
        assert not seen(before)
        traveller.shift(1)
        change(plan)
        traveller.shift(STAMP_SECONDS + 1)
        client.get(path)  # the page as it was, while one thread rebuilds it
        _join_rebuilds()
        assert seen(client.get(path).content.decode())


def _listed(page: str) -> int:
    return int(matched(r'data-testid="list-count">\((\d+)\)', page)[1])


def _rebuilding() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("rebuild dashboards:")]


def _join_rebuilds() -> None:
    rebuilding = _rebuilding()
    assert rebuilding, "the stamp did not move: nothing is being rebuilt"
    for thread in rebuilding:
        thread.join(timeout=30)
        assert not thread.is_alive()


# --- Who rebuilds: `nhiemvu worker` when it listens on the shared cache, else a request's thread ---


@pytest.fixture
def shared_cache(settings) -> Iterator[str]:
    """The cache in Redis, as app servers and workers share it, under this run's own prefix; the
    prefix, for a worker process to share it."""
    with redis_prefix() as prefix:
        settings.CACHE_URL = REDIS_TEST_URL
        settings.CACHES = {
            "default": {
                "BACKEND": "nhiemvu.core.cache.RedisCache",
                "LOCATION": REDIS_TEST_URL,
                "KEY_PREFIX": prefix,
            }
        }
        yield prefix


@pytest.fixture
def queue() -> Iterator[Any]:
    """This test process's own job queue (settings.HUEY), empty before and after."""
    from huey.contrib.djhuey import HUEY

    HUEY.storage.flush_queue()
    yield HUEY
    HUEY.storage.flush_queue()


@pytest.mark.django_db(transaction=True)
def test_a_stale_page_goes_to_a_listening_worker_and_back_to_a_thread_when_it_lets_it_wait(
    client, cast, plan_of, settings, shared_cache, queue, monkeypatch
):
    """Committed data: the worker's job and the fallback thread read it on their own connections."""
    settings.DASHBOARD_STAMP_SECONDS = 15
    monkeypatch.setattr(caching, "HANDOFF_SECONDS", 1)
    plan = plan_of(3)
    client.force_login(cast.director)
    url = reverse("dashboards:overview")
    assert OBSTACLE in client.get(url).content.decode()  # the first view ever is built in the request
    assert not worker_listening()
    cache.set(HEARTBEAT_KEY, time.time(), 30)  # as a running `nhiemvu worker` says every 10 s
    assert worker_listening()

    Obstacle.objects.all().delete()
    cache.delete("dashboards:stamp")  # as if the stamp period had passed
    assert OBSTACLE in client.get(url).content.decode()  # the page as it was, served at once
    assert OBSTACLE in client.get(url).content.decode()  # a second reader queues nothing more
    assert _rebuilding() == []
    assert queue.pending_count() == 1
    assert "1 background jobs run" in drain_jobs()  # the worker's turn: the job unpickled, run
    assert OBSTACLE not in client.get(url).content.decode()
    key = overview_body_key(cast.director)
    assert cache.get_many([caching.lock_key(key), caching.handoff_key(key)]) == {}

    # A worker that lets the page wait past HANDOFF_SECONDS (busy with a scan, or stopped without
    # a word) is passed over: the next reader's thread rebuilds it.
    report = plan.tasks.get(code="2").reports.order_by("id").last()
    Obstacle.objects.create(report=report, description=LATER, addressed_to="Sở Tài chính")
    cache.delete("dashboards:stamp")
    client.get(url)
    assert queue.pending_count() == 1 and _rebuilding() == []
    time.sleep(1.2)  # the handoff's lock lapses in Redis itself
    assert LATER not in client.get(url).content.decode()
    _join_rebuilds()
    assert LATER in client.get(url).content.decode()
    fresh = cache.get(key)
    assert "1 background jobs run" in drain_jobs()  # late: it finds the page current and leaves it
    assert cache.get(key) == fresh


LATER = "Thiếu giống cây lâm nghiệp"


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_rebuilds_the_stale_page_and_says_when_it_stops(
    client, cast, plan_of, settings, shared_cache, queue
):
    """`nhiemvu worker` in its own process, on this test's database, queue and cache: it says it is
    there, takes the page the request queued, and on SIGTERM says it is gone."""
    settings.DASHBOARD_STAMP_SECONDS = 15
    plan_of(3)
    client.force_login(cast.director)
    url = reverse("dashboards:overview")
    assert OBSTACLE in client.get(url).content.decode()
    env = {
        **os.environ,
        "DATABASE_URL": this_database_url(),
        "TASK_QUEUE_URL": f"sqlite:///{settings.HUEY['connection']['filename']}",
        "CACHE_URL": REDIS_TEST_URL,
        "CACHE_KEY_PREFIX": shared_cache,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "nhiemvu", "worker", "--threads", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for(worker_listening, worker, "the worker's heartbeat")
        Obstacle.objects.all().delete()
        cache.delete("dashboards:stamp")
        assert OBSTACLE in client.get(url).content.decode()  # served as it was, handed over
        _wait_for(lambda: OBSTACLE not in client.get(url).content.decode(), worker, "the rebuilt page")
    finally:
        worker.terminate()
        said = worker.communicate(timeout=30)[0]
    assert worker.returncode == 0, said[-3000:]
    assert "Executing nhiemvu.dashboards.caching.rebuild_queued" in said  # the worker built it
    assert not worker_listening()  # its last word


def _wait_for(condition: Callable[[], bool], worker: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert worker.poll() is None, f"the worker stopped: {worker.communicate()[0][-3000:]}"
        assert time.monotonic() < deadline, f"no sign of {what} after 60 s"
        time.sleep(0.2)


@pytest.mark.parametrize("url", ["dashboards:overview", "dashboards:task-list", "dashboards:leader"])
def test_every_page_build_survives_the_queue(client, cast, plan_of, monkeypatch, url):
    """What a page hands to the worker is pickled into the queue: unpickled, it renders the same."""
    builds = page_builds(monkeypatch)
    plan_of(3)
    client.force_login(cast.director if url != "dashboards:leader" else cast.deputy)
    assert client.get(reverse(url)).status_code == 200
    [build] = builds
    assert pickle.loads(pickle.dumps(build))() == build()


def test_a_delete_moves_the_stamp_though_no_updated_at_moves(cast, plan_of, today):
    """The clock is stopped and the table keeps rows as new as the deleted one: only the audit
    trail's entry for the deleted row can tell."""
    plan = plan_of(3)
    before = caching._read_data_stamp()
    Target.objects.filter(task__plan=plan).earliest("id").delete()
    assert caching._read_data_stamp() != before


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_commits_after_a_later_one_still_moves_the_stamp(cast, plan_of):
    """A's task is saved first and committed last: its updated_at and audit entry id are below the
    maxima a reader saw after B's commit. Without the sum of the newest entry ids, nothing moves."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time: entries are committed in order")
    plan = plan_of(3)
    first, second = plan.tasks.get(code="1"), plan.tasks.get(code="2")
    saved, release = threading.Event(), threading.Event()

    def slow_transaction() -> None:
        try:
            with transaction.atomic():
                first.title = "Lưu trước, ghi nhận sau"
                first.save()
                saved.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_transaction)
    thread.start()
    try:
        assert saved.wait(timeout=30)
        second.title = "Lưu sau, ghi nhận trước"
        second.save()  # autocommit: committed at once
        seen = caching._read_data_stamp()
    finally:
        release.set()
        thread.join(timeout=30)
    assert Task.objects.get(pk=first.pk).title == "Lưu trước, ghi nhận sau"
    assert caching._read_data_stamp() != seen


def test_every_kind_of_write_moves_the_stamp_read_from_the_cache_after_its_period(cast, plan_of, settings):
    """The stamp is kept in the cache (per process, or Redis) for DASHBOARD_STAMP_SECONDS only."""
    settings.DASHBOARD_STAMP_SECONDS = STAMP_SECONDS
    with time_machine.travel(dt.datetime(2023, 6, 20, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        plan = _plan_with_a_second_obstacle(plan_of)
        for change in (_insert, _update, _bulk_insert, _bulk_delete, _delete):
            before = caching.data_stamp()
            traveller.shift(1)
            change(plan)
            assert caching.data_stamp() == before, change.__name__  # trusted for the period
            traveller.shift(STAMP_SECONDS)
            assert caching.data_stamp() != before, change.__name__
            assert cache.get("dashboards:stamp") is not None


# --- What reading the stamp costs, at two sizes of history ---


@pytest.fixture
def history(cast) -> Callable[[int], None]:
    """Adds plans of 20 tasks with half a year of accepted reports each (tasks, targets,
    milestones, periods, reports, an obstacle, links between the tasks), then ANALYZE, as
    autovacuum would."""
    from nhiemvu.cascade.models import TaskLink

    from .conftest import build_plan

    def grow(plans: int) -> None:
        for _ in range(plans):
            tasks = list(build_plan(cast, 20).tasks.order_by("order"))
            TaskLink.objects.bulk_create(
                [TaskLink(provincial_task=a, agency_task=b) for a, b in itertools.pairwise(tasks)]
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    return grow


def _stamp_rows_read() -> dict[str, Any]:
    """PostgreSQL's plan of the stamp query, run: per table, the scan types and the rows they read."""
    with CaptureQueriesContext(connection) as ctx:
        caching._read_data_stamp()
    (query,) = ctx.captured_queries
    with connection.cursor() as cursor:
        # A table of a few rows fits a page, and the planner rightly reads that page rather than
        # an index: discouraged here so that a missing index shows, whatever the test's sizes.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    scans: dict[str, Any] = {}

    def walk(node: dict[str, Any]) -> None:
        if "Relation Name" in node:
            read = node["Actual Rows"] * node["Actual Loops"] + node.get("Rows Removed by Filter", 0)
            kind, rows = scans.get(node["Relation Name"], ((), 0))
            scans[node["Relation Name"]] = ((*kind, node["Node Type"]), rows + read)
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return scans


def _stamp_vm_steps() -> int:
    """SQLite's count of the virtual machine instructions that reading the stamp ran."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    connection.ensure_connection()
    raw: Any = connection.connection
    raw.set_progress_handler(count, 1)
    try:
        caching._read_data_stamp()
    finally:
        raw.set_progress_handler(None, 1)
    return steps


def _sqlite_plan() -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        caching._read_data_stamp()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + ctx.captured_queries[0]["sql"])
        return [row[-1] for row in cursor.fetchall()]


def _updated_index(model: Any) -> str:
    return next(i.name for i in model._meta.indexes if list(i.fields) == ["updated_at"])


def test_reading_the_stamp_costs_the_same_after_more_years_of_history(cast, history, monkeypatch):
    """One plan, then four more: the same index entries read (PostgreSQL: EXPLAIN ANALYZE of the
    query; SQLite: the instructions it ran). A COUNT(*), or a MAX(updated_at) with no index to
    serve it, reads every row and fails this."""
    # The audit trail's part reads up to NEWEST_ENTRIES rows: fewer here than one plan writes
    # entries, so that both sizes read as many.
    monkeypatch.setattr(caching, "NEWEST_ENTRIES", 5)
    history(1)
    small = Task.objects.count()
    if connection.vendor == "postgresql":
        before = _stamp_rows_read()
        history(4)
        after = _stamp_rows_read()
        assert Task.objects.count() > 4 * small
        tables = {m._meta.db_table for m in caching._STAMPED}
        assert tables <= set(after), after
        for table, (kinds, _) in after.items():
            assert set(kinds) == {"Index Only Scan"}, (table, kinds)
        assert after == before
        assert sum(rows for _, rows in after.values()) == len(tables) + 5
    else:
        before_steps = _stamp_vm_steps()
        history(4)
        assert Task.objects.count() > 4 * small
        assert _stamp_vm_steps() == before_steps
        # SQLite counts a table's rows in one instruction that walks its whole b-tree: the plan
        # must say that each MAX is a search of the updated_at index (its min/max optimisation).
        searches = _sqlite_plan()
        for model in caching._STAMPED:
            table = model._meta.db_table
            assert [d for d in searches if f" {table} " in f"{d} "] == [
                f"SEARCH {table} USING COVERING INDEX {_updated_index(model)}"
            ], searches
