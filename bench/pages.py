"""What one request of each page the load test mixes costs the server: CPU and queries, no HTTP.

    .venv/bin/python bench/pages.py        (needs PostgreSQL on 127.0.0.1:5432 as postgres)

A throwaway database nhiemvu_pages_<pid> gets the province data set (as bench/load.py); the
pages are then requested in-process through Django's test client with production settings and
Redis as the shared cache (CACHE_URL, default a scratch database, flushed), each warmed up first.
For every page: the median wall and CPU time of REPEAT requests and the queries of one. The
report form is measured as an officer uses it: GET the form, then POST it with action=submit,
each time for a task/period pair not reported yet. bench/load.py then shows what the mix of
these costs under 50 users; this script shows which page to look at. The director's plan page is
measured too, though the load test does not mix it.

CPU figures are the process's own (time.process_time), so other work on the machine inflates them
less than wall times, though not entirely: quote medians from a quiet machine.
"""

from __future__ import annotations

import os
import subprocess
import sys

from province import PY, ROOT, province_database

REPEAT = int(os.environ.get("REPEAT", "30"))

MEASURE = r"""
import os, re, statistics, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from nhiemvu.organisations.models import Membership, Role
from nhiemvu.plans.models import Plan, Task
from nhiemvu.reporting.models import ProgressReport, ReportingPeriod

REPEAT = int(sys.argv[1])
User = get_user_model()


def client(user):
    c = Client(HTTP_HOST="127.0.0.1")
    c.force_login(user)
    return c


def timed(call):
    wall, cpu = time.perf_counter(), time.process_time()
    response = call()
    return response, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def row(name, walls, cpus, queries):
    print(f"{name:22} {statistics.median(walls):8.1f} {statistics.median(cpus):8.1f} {queries:8d}", flush=True)


print(f"{'page':22} {'wall ms':>8} {'CPU ms':>8} {'queries':>8}   (median of {REPEAT}; PostgreSQL, Redis, province data)")
pages = [
    ("health", "demo-tinh", "/dashboards/health/"),
    ("director overview", "demo-giamdoc", "/dashboards/"),
    ("province overview", "demo-tinh", "/dashboards/"),
    ("director task list", "demo-giamdoc", "/dashboards/tasks/"),
    ("unit my tasks", "demo-chicuc", "/reporting/"),
    # Not in load.py's mix, but where a director goes from the overview: this year's plan, whole.
    ("director plan page", "demo-giamdoc", f"/plans/{Plan.objects.order_by('year', 'id')[0].pk}/"),
]
for name, username, path in pages:
    c = client(User.objects.get(username=username))
    for _ in range(3):
        assert c.get(path).status_code == 200, (name, path)
    walls, cpus = [], []
    for _ in range(REPEAT):
        _, wall, cpu = timed(lambda: c.get(path))
        walls.append(wall)
        cpus.append(cpu)
    with CaptureQueriesContext(connection) as queries:
        c.get(path)
    row(name, walls, cpus, len(queries))

# The report form: a unit officer of the unit leading the most tasks, pairs not reported yet.
reported = set(ProgressReport.objects.values_list("task_id", "period_id"))
pairs = [
    (task, period)
    for task, plan in Task.objects.order_by("-plan__year", "id").values_list("id", "plan_id")
    for period in ReportingPeriod.objects.filter(plan_id=plan, frequency="monthly").values_list("id", flat=True)
    if (task, period) not in reported
][: REPEAT + 3]
field = re.compile(r'name="(actual_\d+|estimate_\d+)"')
officers = {}
gets, posts = ([], [], []), ([], [], [])
for k, (task_id, period_id) in enumerate(pairs):
    unit = Task.objects.values_list("lead_unit_id", flat=True).get(pk=task_id)
    if unit not in officers:
        user, _ = User.objects.get_or_create(username=f"bench-unit-{unit}")
        Membership.objects.get_or_create(user=user, organisation_id=unit, role=Role.UNIT_STAFF)
        officers[unit] = client(user)
    c = officers[unit]
    path = f"/reporting/tasks/{task_id}/periods/{period_id}/"
    with CaptureQueriesContext(connection) as get_queries:
        response, wall, cpu = timed(lambda: c.get(path))
    html = response.content.decode()
    data = {
        "action": "submit",
        "revision": re.search(r'name="revision" value="(\d+)"', html)[1],
        "percent_done": "40",
        "completed_on": "",
        "narrative": f"bench {task_id}/{period_id}",
        "proposals": "",
    }
    for name in field.findall(html):
        data[name] = "5" if name.startswith("actual_") else ""
    with CaptureQueriesContext(connection) as post_queries:
        posted, post_wall, post_cpu = timed(lambda: c.post(path, data))
    assert posted.status_code == 302, (path, posted.status_code)
    if k >= 3:  # the first ones warm the officer's session and caches
        for into, values in ((gets, (wall, cpu, len(get_queries))), (posts, (post_wall, post_cpu, len(post_queries)))):
            for series, value in zip(into, values):
                series.append(value)
row("report form GET", gets[0], gets[1], int(statistics.median(gets[2])))
row("report submit POST", posts[0], posts[1], int(statistics.median(posts[2])))
"""


def main() -> int:
    import redis

    cache_url = os.environ.get("CACHE_URL") or f"redis://127.0.0.1:6379/{8 + os.getpid() % 8}"
    redis.Redis.from_url(cache_url).flushdb()
    try:
        with province_database("pages", cache_url=cache_url) as env:
            return subprocess.run([PY, "-c", MEASURE, str(REPEAT)], env=env, cwd=ROOT, check=False).returncode
    finally:
        redis.Redis.from_url(cache_url).flushdb()


if __name__ == "__main__":
    sys.exit(main())
