"""A province reporting on the same afternoon: 50 users against gunicorn on PostgreSQL for 60 s.

    .venv/bin/python bench/load.py            (needs PostgreSQL on 127.0.0.1:5432 as postgres)

A throwaway database nhiemvu_load_<pid> gets the province data set (seed-demo --scale province,
20 agencies, 1,000 tasks a year, this year's and next year's plans, so that next year's months
are still to be reported); gunicorn (as `nhiemvu serve`: 2 x cores + 1 workers x 2 threads, production settings over
plain HTTP on loopback) serves it. 50 simulated users share the run: SUBMITTERS unit officers
each open a report form and save+submit it (CSRF token and all) for task/period pairs their unit
leads and hasn't reported yet, one after another; the others read dashboards (a director's overview, the province's
overview, a director's task list, a unit's "my tasks"). Latencies are recorded per endpoint.
Afterwards every submission the server acknowledged (302 to "my tasks") is looked up in the
database: it must be there, submitted, with its own narrative. No dependency beyond the
project's own (the redis client); everything stays on 127.0.0.1; the whole run is bounded by a hard timeout.

Targets: 0 errors, 0 lost submissions, p99 <= 500 ms on every endpoint.

How fast the simulated people click is PACE:
- PACE=office (default): a reader looks at a page for 1-5 s, an officer fills a form for 2-6 s
  before submitting it and takes 1-3 s before opening the next one (50 users: about 15 requests/s);
- PACE=stress: a reader reloads 50-300 ms after each page, an officer opens the next form
  0.2-1 s after submitting the last one, without pausing to fill it in: each "user" clicks
  several times a second (50 users: about 100 requests/s, as many as two cores serve), so
  this measures what the server holds, not an afternoon of people.
More users than 50 (USERS=, SUBMITTERS= of them officers, at most 100) show where the office
pace stops meeting the target.
The users arrive evenly over the first RAMP seconds (default 5, i.e. 10 a second, as locust's
spawn rate does), not all in the same millisecond: fifty first requests at one instant queue
behind each other for half a second on two cores, which no afternoon of real people produces.
The cache is Redis (CACHE_URL, default a scratch database on 127.0.0.1:6379, flushed before and
after), as several app servers would share it. Afterwards the CPU seconds spent by gunicorn, by
PostgreSQL and by this client are printed: on one small machine they share the same cores.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from province import PY, ROOT, gunicorn, province_database

USERS = int(os.environ.get("USERS", "50"))
SUBMITTERS = int(os.environ.get("SUBMITTERS", "20"))
DURATION = float(os.environ.get("DURATION", "60"))
WORKERS = int(os.environ.get("WORKERS", str(2 * (os.cpu_count() or 1) + 1)))  # as `nhiemvu serve`
THREADS = int(os.environ.get("THREADS", "2"))
HARD_TIMEOUT = int(os.environ.get("HARD_TIMEOUT", "1200"))  # seconds, setup included
P99_TARGET_MS = 500.0
RAMP = float(os.environ.get("RAMP", "5"))  # seconds over which the users arrive, evenly
PACE = os.environ.get("PACE", "office")
PACES = {
    # (reader's look at a page, officer filling a form, officer's pause before the next form), seconds
    "stress": ((0.05, 0.3), (0.0, 0.0), (0.2, 1.0)),
    "office": ((1.0, 5.0), (2.0, 6.0), (1.0, 3.0)),
}
if PACE not in PACES:
    sys.exit(f"PACE={PACE!r}: one of {', '.join(PACES)}")
READ_PAUSE, FILL_PAUSE, NEXT_PAUSE = PACES[PACE]

PREPARE = r"""
import json, os, random, sys
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from nhiemvu.organisations.models import Membership, Role
from nhiemvu.plans.models import Task
from nhiemvu.reporting.models import ProgressReport, ReportingPeriod

User = get_user_model()
def cookie(user):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return f"{settings.SESSION_COOKIE_NAME}={s.session_key}"

n = int(sys.argv[1])
units = list(Task.objects.values("lead_unit").annotate(n=Count("id")).order_by("-n").values_list("lead_unit", flat=True)[:n])
reported = set(ProgressReport.objects.values_list("task_id", "period_id"))
submitters = []
for k, unit in enumerate(units):
    user, _ = User.objects.get_or_create(username=f"load-unit-{k}")
    Membership.objects.get_or_create(user=user, organisation_id=unit, role=Role.UNIT_STAFF)
    tasks = list(Task.objects.filter(lead_unit_id=unit).values_list("id", "plan_id"))
    periods = {}
    for pid, plan in ReportingPeriod.objects.filter(frequency="monthly", plan_id__in={p for _, p in tasks}).values_list("id", "plan_id"):
        periods.setdefault(plan, []).append(pid)
    pairs = [(t, p) for t, plan in tasks for p in periods.get(plan, []) if (t, p) not in reported]
    random.Random(k).shuffle(pairs)
    submitters.append({"cookie": cookie(user), "pairs": pairs[:600], "unit": unit})
readers = {name: cookie(User.objects.get(username=name)) for name in ("demo-giamdoc", "demo-tinh", "demo-chicuc")}
print(json.dumps({"submitters": submitters, "readers": readers}))
"""

VERIFY = r"""
import json, sys
import django
django.setup()
from nhiemvu.reporting.models import ProgressReport, ReportStatus
markers = json.load(open(sys.argv[1]))
found = dict(ProgressReport.objects.filter(narrative__in=markers).values_list("narrative", "status"))
lost = [m for m in markers if found.get(m) != ReportStatus.SUBMITTED]
print(json.dumps({"checked": len(markers), "lost": lost, "submitted_in_db": ProgressReport.objects.filter(status=ReportStatus.SUBMITTED).count()}))
"""


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, endpoint: str, ms: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latencies[endpoint].append(ms)
            if not ok:
                self.errors[endpoint] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{endpoint}: {detail}")


class Browser:
    """One user's keep-alive connection with its cookies (the session's and the CSRF one)."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port = port
        self.cookies = dict([cookie.split("=", 1)])
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, dict[str, str], str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn closed an idle keep-alive connection: reconnect once (nothing was sent).
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        for raw in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = raw.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.headers), text


def _timed(
    stats: Stats, endpoint: str, browser: Browser, method: str, path: str, body: str | None = None
) -> tuple[int, dict[str, str], str, float] | None:
    start = time.perf_counter()
    try:
        status, headers, text = browser.request(method, path, body)
    except Exception as exc:  # a timeout or a refused connection is an error of the run
        stats.record(endpoint, (time.perf_counter() - start) * 1000, False, repr(exc))
        return None
    return status, headers, text, (time.perf_counter() - start) * 1000


def reader(
    port: int, cookie: str, path: str, endpoint: str, deadline: float, stats: Stats, arrive: float
) -> None:
    time.sleep(arrive)
    browser = Browser(port, cookie)
    while time.monotonic() < deadline:
        got = _timed(stats, endpoint, browser, "GET", path)
        if got is not None:
            status, _, _, ms = got
            stats.record(endpoint, ms, status == 200, f"HTTP {status}")
        time.sleep(random.uniform(*READ_PAUSE))  # a person reading, not a tight loop


FIELD = re.compile(r'name="(actual_\d+|estimate_\d+)"')


def submitter(port: int, info: dict, deadline: float, stats: Stats, run_id: str, arrive: float) -> None:
    time.sleep(arrive)
    browser = Browser(port, info["cookie"])
    for task, period in info["pairs"]:
        if time.monotonic() >= deadline:
            return
        path = f"/reporting/tasks/{task}/periods/{period}/"
        got = _timed(stats, "report form GET", browser, "GET", path)
        if got is None:
            continue
        status, _, html, ms = got
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        revision = re.search(r'name="revision" value="(\d+)"', html)
        if status != 200 or not csrf or not revision:
            stats.record(
                "report form GET", ms, False, f"HTTP {status}, form {'found' if csrf else 'missing'}"
            )
            continue
        stats.record("report form GET", ms, True)
        marker = f"load {run_id} {task}/{period} {secrets.token_hex(4)}"
        fields = {
            "csrfmiddlewaretoken": csrf[1],
            "action": "submit",
            "revision": revision[1],
            "percent_done": str(random.randint(10, 90)),
            "completed_on": "",
            "narrative": marker,
            "proposals": "",
        }
        for name in FIELD.findall(html):
            fields[name] = str(random.randint(1, 500)) if name.startswith("actual_") else ""
        body = urllib.parse.urlencode(fields)
        time.sleep(random.uniform(*FILL_PAUSE))  # typing the figures in
        got = _timed(stats, "report submit POST", browser, "POST", path, body)
        if got is None:
            continue
        status, headers, text, ms = got
        ok = status == 302 and "/reporting/" in headers.get("Location", "")
        detail = f"HTTP {status}"
        if status == 200:
            alert = re.search(r'role="alert"[^>]*>(.*?)<', text, re.S)
            detail += f" (form refused: {alert[1].strip()[:120] if alert else 'no message'})"
        stats.record("report submit POST", ms, ok, detail)
        if ok:
            with stats.lock:
                stats.acknowledged.append(marker)
        time.sleep(random.uniform(*NEXT_PAUSE))  # before opening the next form


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def cpu_seconds(gunicorn_pid: int) -> dict[str, float]:
    """CPU time so far of gunicorn (master and workers), of PostgreSQL's processes and of this client."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = {"gunicorn": 0.0, "postgresql": 0.0}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            command = (proc / "comm").read_text().strip()
        except OSError:
            continue  # gone in between
        fields = stat[stat.rindex(")") + 2 :].split()
        ppid, used = int(fields[1]), (int(fields[11]) + int(fields[12])) / tick
        if int(proc.name) == gunicorn_pid or ppid == gunicorn_pid:
            totals["gunicorn"] += used
        elif command.startswith("postgres"):
            totals["postgresql"] += used
    own = os.times()
    totals["load client"] = own.user + own.system
    return totals


def scratch_cache() -> str:
    """CACHE_URL, or a scratch Redis database flushed now (and by the caller at the end)."""
    url = os.environ.get("CACHE_URL") or f"redis://127.0.0.1:6379/{8 + os.getpid() % 8}"
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=2).flushdb()
    except Exception as exc:  # no Redis here: each worker keeps its own cache
        print(f"Redis at {url} unreachable ({exc}); each gunicorn worker caches on its own", flush=True)
        return ""
    return url


def prepare(env: dict[str, str], submitters: int) -> dict:
    """Unit officers with their sessions and the task/period pairs each may report, and the
    readers' sessions (PREPARE, run against the benchmark's database)."""
    done = subprocess.run(
        [PY, "-c", PREPARE, str(submitters)], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return dict(json.loads(done.stdout))


def main() -> int:
    signal.alarm(HARD_TIMEOUT)  # whatever happens, the run ends
    port = 20000 + os.getpid() % 20000
    cache_url = scratch_cache()
    try:
        with province_database("load", cache_url=cache_url) as env:
            t0 = time.monotonic()
            prepared = prepare(env, SUBMITTERS)
            print(f"setup (users and their work): {time.monotonic() - t0:.0f} s", flush=True)
            with gunicorn(env, port, workers=WORKERS, threads=THREADS, label="load") as server:
                stats, elapsed, cpu_used = run(port, prepared, server)
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump(stats.acknowledged, f)
            verified = json.loads(
                subprocess.run(
                    [PY, "-c", VERIFY, f.name], env=env, cwd=ROOT, check=True, capture_output=True, text=True
                ).stdout
            )
    finally:
        if cache_url:
            import redis

            redis.Redis.from_url(cache_url).flushdb()
    return report(stats, elapsed, cpu_used, verified, cache_url)


def run(port: int, prepared: dict, server: subprocess.Popen[bytes]) -> tuple[Stats, float, dict[str, float]]:
    """The users' minute against the server: what they saw, how long it took, the CPU it cost."""
    readers = prepared["readers"]
    reads = [
        ("director overview", readers["demo-giamdoc"], "/dashboards/"),
        ("province overview", readers["demo-tinh"], "/dashboards/"),
        ("director task list", readers["demo-giamdoc"], "/dashboards/tasks/"),
        ("unit my tasks", readers["demo-chicuc"], "/reporting/"),
    ]
    # Each worker builds a dashboard once before it serves it from cache: warm them up.
    for _, cookie, path in reads:
        for _ in range(WORKERS * 2):
            Browser(port, cookie).request("GET", path)
    stats = Stats()
    run_id = secrets.token_hex(3)
    deadline = time.monotonic() + DURATION
    threads = []
    for k in range(USERS):
        if k < SUBMITTERS:
            target = (
                port,
                prepared["submitters"][k % len(prepared["submitters"])],
                deadline,
                stats,
                run_id,
                k * RAMP / USERS,
            )
            threads.append(threading.Thread(target=submitter, args=target))
        else:
            name, cookie, path = reads[k % len(reads)]
            threads.append(
                threading.Thread(
                    target=reader, args=(port, cookie, path, name, deadline, stats, k * RAMP / USERS)
                )
            )
    cpu_before = cpu_seconds(server.pid)
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=DURATION + 60)
    elapsed = time.monotonic() - started
    cpu_used = {k: v - cpu_before[k] for k, v in cpu_seconds(server.pid).items()}
    return stats, elapsed, cpu_used


def report(stats: Stats, elapsed: float, cpu_used: dict[str, float], verified: dict, cache_url: str) -> int:
    """The table of figures, the database check and the verdict; 0 when the targets are met."""
    total = sum(len(v) for v in stats.latencies.values())
    errors = sum(stats.errors.values())
    print(
        f"\n{USERS} users ({SUBMITTERS} submitting, {USERS - SUBMITTERS} reading) for {elapsed:.0f} s; "
        f"gunicorn {WORKERS} workers x {THREADS} threads; PostgreSQL; province data set; PACE={PACE}; "
        f"cache {'Redis' if cache_url else 'per worker'}"
    )
    print(
        f"{'endpoint':22} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>6}"
    )
    worst = 0.0
    for endpoint in sorted(stats.latencies):
        values = stats.latencies[endpoint]
        p99 = percentile(values, 99)
        worst = max(worst, p99)
        print(
            f"{endpoint:22} {len(values):8d} {len(values) / elapsed:7.1f} {statistics.median(values):8.1f} "
            f"{p99:8.1f} {max(values):8.1f} {stats.errors[endpoint]:6d}"
        )
    print(f"{'all':22} {total:8d} {total / elapsed:7.1f}")
    print(
        f"submissions acknowledged: {len(stats.acknowledged)}, found submitted in the database: "
        f"{verified['checked'] - len(verified['lost'])}, lost: {len(verified['lost'])}"
    )
    cores = os.cpu_count() or 1
    print(
        f"CPU seconds over the run ({cores} cores x {elapsed:.0f} s = {cores * elapsed:.0f}): "
        + ", ".join(f"{k} {v:.0f}" for k, v in cpu_used.items())
        + f"; server CPU per request {1000 * (cpu_used['gunicorn'] + cpu_used['postgresql']) / max(total, 1):.1f} ms"
    )
    for sample in stats.error_samples:
        print(f"  error: {sample}")
    ok = errors == 0 and not verified["lost"] and worst <= P99_TARGET_MS
    print(f"targets (0 errors, 0 lost, p99 <= {P99_TARGET_MS:.0f} ms): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
