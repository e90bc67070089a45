"""A province reporting on the same afternoon: simulated people against gunicorn on PostgreSQL for 60 s.

    .venv/bin/python bench/load.py                              (50 users, office pace)
    USERS=500 PIN=1 .venv/bin/python bench/load.py              (the deadline: 500 users, client on its own core)
    PACE=stress USERS=50 PIN=1 .venv/bin/python bench/load.py   (what the server holds)
                                                        (needs PostgreSQL on 127.0.0.1:5432 as postgres)

A throwaway database nhiemvu_load_<pid> gets the province data set (seed-demo --scale province,
20 agencies, 1,000 tasks a year, this year's and next year's plans, so that next year's months
are still to be reported); gunicorn (as `nhiemvu serve`: a worker per core x 4 threads, production settings over
plain HTTP on loopback) serves it. USERS simulated people (default 50) share the run: SUBMITTERS
unit officers (default two in five: 20 of 50, 200 of 500; with more officers than the province's
100 units, a unit's officers share its unreported work out) each open a report form and save+submit
it (CSRF token and all) for task/period pairs nobody has reported yet, one after another; the
others read dashboards (a director's overview, the province's overview, a director's task list,
a unit's "my tasks"). Latencies are recorded per endpoint (p50, p95, p99, max, errors).
Afterwards every submission the server acknowledged (302 to "my tasks") is looked up in the
database: it must be there, submitted, with its own narrative. No dependency beyond the
project's own (the redis client); everything stays on 127.0.0.1; the whole run is bounded by a hard timeout.

Targets: 0 errors, 0 lost submissions, p99 on every endpoint <= 300 ms at the office pace (issue 20:
500 users at the deadline) and <= 500 ms at the stress pace (P99_TARGET_MS= to change).

How fast the simulated people click is PACE:
- PACE=office (default): a reader looks at a page for 1-5 s, an officer fills a form for 2-6 s
  before submitting it and takes 1-3 s before opening the next one (50 users: about 15 requests/s,
  500 users: about 150);
- PACE=stress: a reader reloads 50-300 ms after each page, an officer opens the next form
  0.2-1 s after submitting the last one, without pausing to fill it in: each "user" clicks
  several times a second (50 users: about 100 requests/s, as many as two cores serve), so
  this measures what the server holds, not an afternoon of people.
The users arrive evenly over the first RAMP seconds (default 5), not all in the same millisecond:
fifty first requests at one instant queue behind each other for half a second on two cores, which
no afternoon of real people produces.

The client: each person is a generator that makes one request and says how long they pause; a
pool of threads runs whoever is due next, so a person who is reading holds no thread and no stack
of their own, and only the requests in flight need one. Each person waits for their own answer
before pausing (a closed loop). The pool has CLIENT_THREADS threads, by default one per person, so
that the client never queues a click behind another person's: when the server falls behind, every
person waits on the server, as a real crowd would (a smaller pool would hide part of the server's
queue in the client). A click that comes due and finds no thread free, or a client too busy to
send it, waits: that wait is printed as "client lag" and flagged when its p99 passes 50 ms.
Threads of one Python process contend for its interpreter lock, and the contention grows with
their number: 500 people on 500 threads cost the client 5.4 ms of CPU per request, over half a
core taken from the server on a 2-core machine (50 threads: 0.9 ms). So the people are shared
out among CLIENT_PROCESSES processes (default one per 50 people: 1 for 50, 10 for 500), each
running every n-th person on threads of its own, still one per person; their figures are merged
and their CPU counts as the client's. 500 people in 5 processes cost 2.3 ms per request, in 10
processes 1.6 ms (06/12/2026, office pace).
The pace's demand is printed too: the requests a second the people would make if every answer
were instant, times the server CPU per request measured, is the server CPU the pace needs.

The client's CPU is counted apart from the server's. With PIN=1 (Linux, root not needed) the client
runs on core 0 and gunicorn (under `taskset -c 1-…`) and this database's PostgreSQL backends (pinned
as they connect, with sched_setaffinity; the shared postmaster and other databases are left alone)
on the other cores, so the client cannot take the server's CPU; without PIN everything shares every
core. Either way the CPU seconds of gunicorn, of this database's PostgreSQL backends and of the
client are printed, and "server CPU per request" leaves the client out. On a 2-core machine PIN=1
gives the server one core only: compare runs with the same PIN.

The cache is Redis (CACHE_URL, default a scratch database on 127.0.0.1:6379, flushed before and
after), as several app servers would share it. A `nhiemvu worker` runs beside gunicorn on the same
Redis (its queue too), as in production, and takes the dashboards' rebuilds off the web workers;
its CPU counts as server CPU. WORKER=0 leaves it out: the rebuilds then run in the web workers'
threads, as on a machine without a worker. bench/scaleout.py drives the same people through
nginx to two app servers, importing this file.
"""

from __future__ import annotations

import heapq
import http.client
import json
import multiprocessing
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
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from province import PY, ROOT, gunicorn, province_database, worker

USERS = int(os.environ.get("USERS", "50"))
SUBMITTERS = int(os.environ.get("SUBMITTERS", str(USERS * 2 // 5)))  # 20 of 50, 200 of 500
CLIENT_THREADS = int(os.environ.get("CLIENT_THREADS", str(USERS)))  # requests in flight at most
CLIENT_PROCESSES = max(1, int(os.environ.get("CLIENT_PROCESSES", str(-(-USERS // 50)))))  # 50 people each
PIN = os.environ.get("PIN", "") == "1"  # client on core 0, gunicorn and its PostgreSQL backends on the others
DURATION = float(os.environ.get("DURATION", "60"))
WORKERS = int(os.environ.get("WORKERS", str(os.cpu_count() or 1)))  # as `nhiemvu serve`
THREADS = int(os.environ.get("THREADS", "4"))
WORKER = os.environ.get("WORKER", "1") == "1"  # a `nhiemvu worker` beside gunicorn takes the rebuilds
HARD_TIMEOUT = int(os.environ.get("HARD_TIMEOUT", "1200"))  # seconds, setup included
RAMP = float(os.environ.get("RAMP", "5"))  # seconds over which the users arrive, evenly
PACE = os.environ.get("PACE", "office")
P99_TARGET_MS = float(os.environ.get("P99_TARGET_MS", "300" if PACE == "office" else "500"))
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
units = list(Task.objects.values("lead_unit").annotate(n=Count("id")).order_by("-n").values_list("lead_unit", flat=True))
reported = set(ProgressReport.objects.values_list("task_id", "period_id"))
work = {}
for unit in units:
    tasks = list(Task.objects.filter(lead_unit_id=unit).values_list("id", "plan_id"))
    periods = {}
    for pid, plan in ReportingPeriod.objects.filter(frequency="monthly", plan_id__in={p for _, p in tasks}).values_list("id", "plan_id"):
        periods.setdefault(plan, []).append(pid)
    work[unit] = [(t, p) for t, plan in tasks for p in periods.get(plan, []) if (t, p) not in reported]
units = [u for u in units if work[u]]  # the province's agencies lead tasks nobody reports on
# More officers than units: a unit's officers share its unreported pairs out, never the same one
# twice. Fewer: each officer reports for several units (k, k + n, ...), so that nobody runs out of
# work within the run (at the stress pace one unit's year is done in about 40 s).
share = -(-n // max(len(units), 1))
submitters = []
for k in range(n if units else 0):
    if n >= len(units):  # several officers to a unit
        mine = [units[k % len(units)]]
        pairs = work[mine[0]][k // len(units) :: share]
    else:  # several units to an officer
        mine = units[k::n]
        pairs = [pair for unit in mine for pair in work[unit]]
    user, _ = User.objects.get_or_create(username=f"load-unit-{k}")
    for unit in mine:
        Membership.objects.get_or_create(user=user, organisation_id=unit, role=Role.UNIT_STAFF)
    random.Random(k).shuffle(pairs)
    submitters.append({"cookie": cookie(user), "pairs": pairs[:600], "unit": mine[0]})
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
    lag: list[float] = field(default_factory=list)  # ms a due click waited for a free client thread
    ran_out: list[float] = field(default_factory=list)  # s into the run when an officer had no work left
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, endpoint: str, ms: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latencies[endpoint].append(ms)
            if not ok:
                self.errors[endpoint] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{endpoint}: {detail}")

    def figures(self) -> dict:
        """What a client process sends back (everything but the lock)."""
        return {
            "latencies": dict(self.latencies),
            "errors": dict(self.errors),
            "error_samples": self.error_samples,
            "acknowledged": self.acknowledged,
            "lag": self.lag,
            "ran_out": self.ran_out,
        }

    def merge(self, figures: dict) -> None:
        for endpoint, values in figures["latencies"].items():
            self.latencies[endpoint].extend(values)
        for endpoint, count in figures["errors"].items():
            self.errors[endpoint] += count
        self.error_samples.extend(figures["error_samples"][: max(0, 10 - len(self.error_samples))])
        for name in ("acknowledged", "lag", "ran_out"):
            getattr(self, name).extend(figures[name])


class Browser:
    """One user's keep-alive connection with its cookies (the session's and the CSRF one)."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port = port
        self.cookies = dict([cookie.split("=", 1)])
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.last_headers: dict[str, str] = {}

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
        self.last_headers = dict(response.headers)
        return response.status, self.last_headers, text


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


# A simulated person is a generator: each step makes one request and yields how long the person
# waits before the next one; a small pool of threads (drive) runs whoever is due next.
Person = Iterator[float]


def reader(port: int, cookie: str, path: str, endpoint: str, deadline: float, stats: Stats) -> Person:
    browser = Browser(port, cookie)
    while time.monotonic() < deadline:
        got = _timed(stats, endpoint, browser, "GET", path)
        if got is not None:
            status, _, _, ms = got
            stats.record(endpoint, ms, status == 200, f"HTTP {status}")
        yield random.uniform(*READ_PAUSE)  # a person reading, not a tight loop


FIELD = re.compile(r'name="(actual_\d+|estimate_\d+)"')


def submitter(port: int, info: dict, deadline: float, stats: Stats, run_id: str) -> Person:
    browser = Browser(port, info["cookie"])
    yield from _submissions(browser, info, deadline, stats, run_id)
    if time.monotonic() < deadline:  # the mix turns to reads from now on: the report says so
        with stats.lock:
            stats.ran_out.append(DURATION - (deadline - time.monotonic()))


def _submissions(browser: Browser, info: dict, deadline: float, stats: Stats, run_id: str) -> Person:
    for task, period in info["pairs"]:
        if time.monotonic() >= deadline:
            return
        path = f"/reporting/tasks/{task}/periods/{period}/"
        got = _timed(stats, "report form GET", browser, "GET", path)
        if got is None:
            yield random.uniform(*NEXT_PAUSE)
            continue
        status, _, html, ms = got
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        revision = re.search(r'name="revision" value="(\d+)"', html)
        if status != 200 or not csrf or not revision:
            stats.record(
                "report form GET", ms, False, f"HTTP {status}, form {'found' if csrf else 'missing'}"
            )
            yield random.uniform(*NEXT_PAUSE)
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
        yield random.uniform(*FILL_PAUSE)  # typing the figures in
        got = _timed(stats, "report submit POST", browser, "POST", path, body)
        if got is not None:
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
        yield random.uniform(*NEXT_PAUSE)  # before opening the next form


def drive(people: list[tuple[float, Person]], stats: Stats, threads: int, deadline: float) -> None:
    """Run every person's steps at their due times (seconds from now) on `threads` threads until
    `deadline` (time.monotonic()); a step that would come due after it is not taken.

    A person's next step is due when their pause after the last response is over, so each person
    waits for their own answer (a closed loop, as a browser does). A due step that finds every
    thread busy, or the client too busy to send it, waits: that wait is recorded as lag, and a large
    lag means the client, not only the server, set the pace.
    """
    start = time.monotonic()
    due = [(start + offset, k, person) for k, (offset, person) in enumerate(people)]
    heapq.heapify(due)
    ready = threading.Condition()
    busy = 0

    def work() -> None:
        nonlocal busy
        while True:
            with ready:
                while True:
                    if not due:
                        if busy == 0:
                            ready.notify_all()  # nothing left and nothing running: everyone stops
                            return
                        ready.wait()
                        continue
                    wait = due[0][0] - time.monotonic()
                    if wait <= 0:
                        at, k, person = heapq.heappop(due)
                        busy += 1
                        ready.notify()  # someone else watches the next one due
                        break
                    ready.wait(wait)
            lag = (time.monotonic() - at) * 1000
            try:
                pause = next(person)
            except StopIteration:
                pause = None
            with ready:
                stats.lag.append(lag)
                busy -= 1
                if pause is not None and time.monotonic() + pause < deadline:
                    heapq.heappush(due, (time.monotonic() + pause, k, person))
                ready.notify()

    pool = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


def drive_shared_out(port: int, prepared: dict, deadline: float, stats: Stats, run_id: str) -> None:
    """`drive` the crowd in CLIENT_PROCESSES processes (forked), each taking every n-th person
    (`people`, so arrivals stay spread over RAMP in each), and merge what they saw into `stats`."""
    context = multiprocessing.get_context("fork")
    running = []
    for share in range(CLIENT_PROCESSES):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=_drive_share, args=(share, port, prepared, deadline, run_id, send), daemon=True
        )
        process.start()
        send.close()
        running.append((process, receive))
    for process, receive in running:
        try:
            stats.merge(receive.recv())  # before join: a large answer would otherwise block its sender
        except EOFError:
            stats.record("load client", 0.0, False, f"client process {process.pid} died")
        process.join()


def _drive_share(share: int, port: int, prepared: dict, deadline: float, run_id: str, send: object) -> None:
    random.seed()  # fork copied the parent's random state: every process would pause alike
    stats = Stats()
    drive_part(share, port, prepared, deadline, stats, run_id)
    send.send(stats.figures())  # type: ignore[attr-defined]


def drive_part(share: int, port: int, prepared: dict, deadline: float, stats: Stats, run_id: str) -> None:
    """`drive` every CLIENT_PROCESSES-th person of the crowd from `share` on, on this process's share
    of the client threads: the whole crowd on all of them when there is one process."""
    crowd = people(port, prepared, deadline, stats, run_id)[share::CLIENT_PROCESSES]
    drive(crowd, stats, max(1, min(CLIENT_THREADS, USERS) // CLIENT_PROCESSES), deadline)


def people(
    port: int, prepared: dict, deadline: float, stats: Stats, run_id: str
) -> list[tuple[float, Person]]:
    """USERS people arriving evenly over RAMP seconds: SUBMITTERS officers, the rest reading."""
    readers = prepared["readers"]
    crowd: list[tuple[float, Person]] = []
    for k in range(USERS):
        arrive = k * RAMP / USERS
        if k < SUBMITTERS and prepared["submitters"]:
            info = prepared["submitters"][k % len(prepared["submitters"])]
            crowd.append((arrive, submitter(port, info, deadline, stats, run_id)))
        else:
            name, cookie, path = reads(readers)[k % 4]
            crowd.append((arrive, reader(port, cookie, path, name, deadline, stats)))
    return crowd


def reads(readers: dict[str, str]) -> list[tuple[str, str, str]]:
    return [
        ("director overview", readers["demo-giamdoc"], "/dashboards/"),
        ("province overview", readers["demo-tinh"], "/dashboards/"),
        ("director task list", readers["demo-giamdoc"], "/dashboards/tasks/"),
        ("unit my tasks", readers["demo-chicuc"], "/reporting/"),
    ]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _processes() -> Iterator[tuple[int, int, str, str, float]]:
    """(pid, parent pid, command name, command line, CPU seconds so far) of every process."""
    tick = os.sysconf("SC_CLK_TCK")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            command = (proc / "comm").read_text().strip()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue  # gone in between
        fields = stat[stat.rindex(")") + 2 :].split()
        yield int(proc.name), int(fields[1]), command, cmdline, (int(fields[11]) + int(fields[12])) / tick


def database_name(env: dict[str, str]) -> str:
    return env["DATABASE_URL"].rsplit("/", 1)[1]


def backend_pids(db: str) -> list[int]:
    """PostgreSQL's backends serving database `db` (their title names it: "postgres: user db addr …")."""
    return [
        pid
        for pid, _, command, cmdline, _ in _processes()
        if command.startswith("postgres") and f" {db} " in cmdline
    ]


def cpu_seconds(
    servers: dict[str, int], db: str, extra: dict[str, list[int]] | None = None
) -> dict[str, float]:
    """CPU time so far of each named server (its process and children, e.g. gunicorn's master and
    workers), of PostgreSQL's backends for database `db` (persistent connections: they live through
    the run; other databases' work on this shared server is not counted), of `extra` named pids
    (nginx) and of this client process (all its threads)."""
    totals = {name: 0.0 for name in servers}
    totals["postgresql"] = 0.0
    extra = extra or {}
    for name in extra:
        totals[name] = 0.0
    for pid, ppid, command, cmdline, used in _processes():
        for name, root in servers.items():
            if root in (pid, ppid):
                totals[name] += used
        for name, pids in extra.items():
            if pid in pids or ppid in pids:
                totals[name] += used
        if command.startswith("postgres") and f" {db} " in cmdline:
            totals["postgresql"] += used
    own = os.times()  # this process's threads and its client processes, once they have ended
    totals["load client"] = own.user + own.system + own.children_user + own.children_system
    return totals


@contextmanager
def backends_pinned(db: str, cpus: set[int] | None) -> Iterator[None]:
    """While inside, keep database `db`'s PostgreSQL backends on `cpus` (checked twice a second, as
    new connections appear); the shared postmaster and other databases' backends are left alone."""
    if not cpus:
        yield
        return
    stop = threading.Event()

    def pin() -> None:
        while not stop.wait(0.5):
            for pid in backend_pids(db):
                try:
                    if os.sched_getaffinity(pid) != cpus:
                        os.sched_setaffinity(pid, cpus)
                except OSError:
                    pass  # gone, or not ours to pin

    watcher = threading.Thread(target=pin, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


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


def verify(env: dict[str, str], stats: Stats) -> dict:
    """Every acknowledged submission looked up in the database (VERIFY)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(stats.acknowledged, f)
    try:
        done = subprocess.run(
            [PY, "-c", VERIFY, f.name], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )
    finally:
        os.unlink(f.name)
    return dict(json.loads(done.stdout))


def main() -> int:
    signal.alarm(HARD_TIMEOUT)  # whatever happens, the run ends
    # Ending by the alarm or by `kill` unwinds like Ctrl-C does: gunicorn stopped, database dropped.
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("hard timeout"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    port = 20000 + os.getpid() % 20000
    cache_url = scratch_cache()
    server_cpus = set(range(1, os.cpu_count() or 1)) if PIN else None
    try:
        with province_database("load", cache_url=cache_url) as env:
            # Database connections live through the whole run (production recycles them after
            # 60 s), so that every backend's CPU is counted: cpu_seconds reads living processes.
            env = {**env, "DATABASE_CONN_MAX_AGE": "600"}
            t0 = time.monotonic()
            prepared = prepare(env, SUBMITTERS)
            print(f"setup (users and their work): {time.monotonic() - t0:.0f} s", flush=True)
            db = database_name(env)
            prefix = ["taskset", "-c", ",".join(map(str, sorted(server_cpus)))] if server_cpus else []
            with_worker = WORKER and bool(cache_url)
            if with_worker:  # the queue in the same scratch Redis database, under this run's name
                env = {**env, "TASK_QUEUE_URL": cache_url, "TASK_QUEUE_NAME": f"load{os.getpid()}"}
            with (
                gunicorn(env, port, workers=WORKERS, threads=THREADS, label="load", prefix=prefix) as server,
                worker(env, label="load", prefix=prefix) if with_worker else nullcontext() as jobs,
                backends_pinned(db, server_cpus),
            ):
                if PIN:
                    os.sched_setaffinity(0, {0})  # this thread, and every client thread started from now on
                servers = {"gunicorn": server.pid, **({"worker": jobs.pid} if jobs else {})}
                stats, elapsed, cpu_used = run(port, prepared, servers, db, warm=WORKERS * 2)
            verified = verify(env, stats)
    finally:
        if cache_url:
            import redis

            redis.Redis.from_url(cache_url).flushdb()
    setup = (
        f"gunicorn {WORKERS} workers x {THREADS} threads"
        + (" and nhiemvu worker" if with_worker else "")
        + (
            f" on core(s) {','.join(map(str, sorted(server_cpus)))} with this database's PostgreSQL backends, client on core 0"
            if server_cpus
            else ", client and server sharing every core"
        )
    )
    return report(stats, elapsed, cpu_used, verified, cache_url, setup, list(servers))


def run(
    port: int,
    prepared: dict,
    servers: dict[str, int],
    db: str,
    *,
    warm: int,
    extra: dict[str, list[int]] | None = None,
) -> tuple[Stats, float, dict[str, float]]:
    """The users' minute against the server at `port`: what they saw, how long it took, the CPU it
    cost (`servers`: name -> pid whose process and children count as that server)."""
    # Each worker builds a dashboard once before it serves it from cache: warm them up.
    for _, cookie, path in reads(prepared["readers"]):
        for _ in range(warm):
            Browser(port, cookie).request("GET", path)
    stats = Stats()
    cpu_before = cpu_seconds(servers, db, extra)
    started = time.monotonic()
    deadline = started + DURATION
    run_id = secrets.token_hex(3)
    if CLIENT_PROCESSES > 1:
        drive_shared_out(port, prepared, deadline, stats, run_id)
    else:
        drive_part(0, port, prepared, deadline, stats, run_id)
    elapsed = time.monotonic() - started
    cpu_used = {k: v - cpu_before[k] for k, v in cpu_seconds(servers, db, extra).items()}
    return stats, elapsed, cpu_used


def table(stats: Stats, elapsed: float) -> float:
    """Print the per-endpoint table; returns the worst p99."""
    total = sum(len(v) for v in stats.latencies.values())
    print(
        f"{'endpoint':22} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>6}"
    )
    worst = 0.0
    for endpoint in sorted(stats.latencies):
        values = stats.latencies[endpoint]
        p99 = percentile(values, 99)
        worst = max(worst, p99)
        print(
            f"{endpoint:22} {len(values):8d} {len(values) / elapsed:7.1f} {statistics.median(values):8.1f} "
            f"{percentile(values, 95):8.1f} {p99:8.1f} {max(values):8.1f} {stats.errors[endpoint]:6d}"
        )
    everything = [v for values in stats.latencies.values() for v in values] or [0.0]
    print(
        f"{'all':22} {total:8d} {total / elapsed:7.1f} {statistics.median(everything):8.1f} "
        f"{percentile(everything, 95):8.1f} {percentile(everything, 99):8.1f} {max(everything):8.1f} "
        f"{sum(stats.errors.values()):6d}"
    )
    lag = stats.lag or [0.0]
    print(
        f"client lag (a due click waiting to be sent; {min(CLIENT_THREADS, USERS)} client threads"
        + (f" in {CLIENT_PROCESSES} processes" if CLIENT_PROCESSES > 1 else "")
        + "): "
        f"p99 {percentile(lag, 99):.1f} ms, max {max(lag):.1f} ms"
        + (
            "  <- clicks waited in the client: the latencies above understate what people saw"
            if percentile(lag, 99) > 50
            else ""
        )
    )
    return worst


def cpu_line(cpu_used: dict[str, float], elapsed: float, requests: int, servers: list[str]) -> None:
    """CPU seconds of each part, the client's apart: server CPU per request excludes it."""
    cores = os.cpu_count() or 1
    server = sum(cpu_used[name] for name in servers) + cpu_used["postgresql"]
    client = cpu_used["load client"]
    print(
        f"CPU seconds over the run ({cores} cores x {elapsed:.0f} s = {cores * elapsed:.0f}): "
        + ", ".join(f"{k} {v:.1f}" for k, v in cpu_used.items())
    )
    readers = max(USERS - SUBMITTERS, 0)
    demand = readers / statistics.mean(READ_PAUSE) + min(SUBMITTERS, USERS) * 2 / (
        statistics.mean(FILL_PAUSE) + statistics.mean(NEXT_PAUSE)
    )
    per_request = server / max(requests, 1)
    print(
        f"the pace asks for about {demand:.0f} requests/s were answers instant; at this server CPU per request "
        f"that is {demand * per_request:.2f} cores of server CPU (served: {requests / elapsed:.0f} requests/s, "
        f"{server / elapsed:.2f} cores used)"
    )
    print(
        f"server CPU per request {1000 * server / max(requests, 1):.1f} ms (app + this database's PostgreSQL); "
        f"load client {1000 * client / max(requests, 1):.1f} ms per request, {100 * client / elapsed:.0f}% of one core"
        + ("  <- near a full core: the client may be the bottleneck" if client / elapsed > 0.85 else "")
    )


def report(
    stats: Stats,
    elapsed: float,
    cpu_used: dict[str, float],
    verified: dict,
    cache_url: str,
    setup: str,
    servers: list[str],
) -> int:
    """The table of figures, the database check and the verdict; 0 when the targets are met."""
    total = sum(len(v) for v in stats.latencies.values())
    errors = sum(stats.errors.values())
    print(
        f"\n{USERS} users ({min(SUBMITTERS, USERS)} submitting, {max(USERS - SUBMITTERS, 0)} reading) for {elapsed:.0f} s; "
        f"{setup}; PostgreSQL; province data set; PACE={PACE}; cache {'Redis' if cache_url else 'per worker'}"
    )
    worst = table(stats, elapsed)
    print(
        f"submissions acknowledged: {len(stats.acknowledged)}, found submitted in the database: "
        f"{verified['checked'] - len(verified['lost'])}, lost: {len(verified['lost'])}"
    )
    cpu_line(cpu_used, elapsed, total, servers)
    if stats.ran_out:
        print(
            f"WARNING: {len(stats.ran_out)} of {min(SUBMITTERS, USERS)} officers ran out of unreported work, "
            f"the first {min(stats.ran_out):.0f} s into the run: the mix was lighter than asked after that"
        )
    for sample in stats.error_samples:
        print(f"  error: {sample}")
    ok = errors == 0 and not verified["lost"] and worst <= P99_TARGET_MS
    print(f"targets (0 errors, 0 lost, p99 <= {P99_TARGET_MS:.0f} ms): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
