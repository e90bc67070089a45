"""Scale-out shown, not claimed: two app servers behind nginx against one, sharing PostgreSQL and Redis.

    .venv/bin/python bench/scaleout.py                           (stress pace, 50 users, 60 s a side)
    BALANCE=round_robin .venv/bin/python bench/scaleout.py       (nginx balancing as deploy/nginx.conf)
    PACE=office USERS=500 .venv/bin/python bench/scaleout.py     (the deadline's crowd)
    LAYOUT=cores .venv/bin/python bench/scaleout.py              (a whole core per instance; see below)
        needs PostgreSQL on 127.0.0.1:5432 as postgres, Redis on 127.0.0.1:6379, Debian's nginx
        (apt-get install -y nginx; the system service is not used), root for the CPU cgroups

One throwaway database nhiemvu_scale_<pid> with the province data set (bench/province.py) and one
scratch Redis database (flushed before and after) are shared by two gunicorn instances on two
loopback ports, each sized for the fraction of a core it gets: 1 worker x 4 threads
(INSTANCE_WORKERS, INSTANCE_THREADS; several processes on a fraction of a core spend it switching
between them), keeping connections alive 75 s as deploy/nginx.conf asks. nginx, started from here
with its own configuration in a temporary directory (`nginx -c CONF -p PREFIX`, daemon off;
deploy/nginx.conf's upstream and proxy settings, plain HTTP), listens on two more ports: in front
of both instances, and in front of instance 1 alone.

It shows, in this order:
1. Sessions survive switching servers: signing in through the login form of instance 1, then
   asking instance 2 for "my tasks" with the same cookie, is still signed in (sessions live in the
   database behind the shared Redis cache); through nginx, consecutive requests go to both
   instances (its X-Upstream header says which) and all stay signed in.
2. The same load as bench/load.py (its people and client, imported, not copied: USERS, PACE,
   DURATION, …) through nginx against (a) instance 1 alone, then (b) both instances; for each,
   throughput, p50/p99 per endpoint and overall, errors, lost submissions, the CPU of every part
   (the load client's apart), how busy each core was (/proc/stat), the CPU each instance got
   against its quota (and in how many 100 ms periods it used the quota up), and for (b) how many
   requests nginx gave each instance. Then the ratio (b)/(a) of throughput, overall and per
   endpoint, and of p99.
3. Two reminder workers never send twice: every user gets an address, a small SMTP server in this
   script receives the mail, and two reminder rounds are run in two processes at the same time,
   twice over: `nhiemvu remind` when reminders are due today; otherwise (a weekend: date-driven
   reminders wait for working days) the same round, remind_round(now=…), as of 10:00 on the day of
   the coming month with the most reminders due.
   Messages received must equal the notifications stamped as e-mailed plus the digests recorded,
   the in-app notifications are unique per person and key, and the second pair sends nothing new.

"The same CPU share" on a 2-core machine. Two instances on a core each plus a core for the load
client, nginx and PostgreSQL would need three cores. So with LAYOUT=half (default) every instance
gets SHARE=0.35 of a core (a CPU cgroup with a CFS quota), both on core 1, and the client, nginx
and this database's PostgreSQL backends run on core 0: (a) is one instance with 0.35 of a core,
(b) two instances with 0.35 each. The instances' cgroups weigh twenty ordinary processes
(cpu.shares), and the client, nginx, these backends and Redis are put in one weighing ten, so
that other people's work on this shared machine can neither take the instances' quota nor make
the parts they wait on (database, cache, proxy, client) late. With LAYOUT=cores, (a) is instance
1 on core 1 and (b) instance 1 on core 1 plus instance 2 on core 0, where the client, nginx and
PostgreSQL float too, unweighted: (b) then cannot double, because its second core is shared with
them; the script prints their CPU seconds (and throughput per app-server CPU second).

What the defaults are for. An earlier version gave each instance half a core with 3 workers x 2
threads, the client on core 0 unweighted, and (a) straight to gunicorn: it measured 1.28x, with
the app servers getting only 0.80 of their allotted CPU in (b). Three things were in the way:
- core 0 was full in (b): twice the requests of (a) for the database and nginx, plus other
  people's test suites on this machine (they took most of core 0 in several runs here); the
  weights above, and a share of 0.35 (0.7 of core 1 in all), leave core 0 room to spare;
- gunicorn closes an idle connection after 2 s by default; nginx keeps them for 60 s and now and
  then sent a request on one just closed: a reset, counted as a failure of that instance, and
  after three, none of the requests for 10 s went there (fixed by --keep-alive 75);
- round robin gives both instances the same number of requests, and in each of four runs one
  instance spent 10-20% more CPU per request than the other over the minute (which one varied):
  that one used its whole quota, the other waited for work and got 0.29-0.30 of its 0.35
  (BALANCE=round_robin, 6 December 2026: (b) got 0.64 of 0.70, ratio 2.16x). nginx's least_conn
  (the default here) sends each request to the instance with fewer in hand, and both then used
  their whole quota.
Also: nginx keeps as many idle connections to an instance as there are simulated people (at least
deploy/nginx.conf's 32): with 32, and 50 people in front of one instance, nginx opens a new
connection for each request beyond 32 and closes one after it, and (a) served 19 requests/s at
21 ms of app CPU each instead of 29 at 12 ms, with a p99 of 16 s (why it costs that much was not
looked into).

The quoted run (6 December 2026, the app at commit b3e60cd, defaults: PACE=stress, 50 users, 60 s a
side, SHARE=0.35, 1 x 4, least_conn; medians of three runs, the range in brackets; the machine was
otherwise quiet, core 0 being 11-12% busy in (a)):

                                 (a) nginx -> 1 instance   (b) nginx -> 2 instances   (b)/(a)
    throughput, req/s            28.4 (26.9-28.8)          62.2 (56.6-63.2)           2.23x (1.96-2.31)
    p99, all endpoints, ms       3,448 (3,226-3,512)       1,475 (1,438-1,700)        0.45x (0.43-0.48)
    CPU the instances got        0.350 of 0.35             0.347 + 0.347 of 0.70      1.98x
      (quota used up in)         100% of 100 ms periods    98-99% of them
    core 0 busy (/proc/stat)     11%                       20%
    requests per app CPU second  81                        90                         1.12x (0.99-1.16)
    client lag p99               0.5 ms                    0.5 ms
    errors, lost, nginx errors   0, 0, 0                   0, 0, 0
    per endpoint (b)/(a): dashboards and "my tasks" 2.30-2.39x, report form GET 1.95x, submission 2.01x
(Three runs an hour earlier, with the app at c214b00: 2.18x (2.15-2.26), the same CPU figures.)

The p99 of seconds is the queue of a closed loop kept full on purpose (each person clicks again
50-300 ms after an answer): what the instances hold, not what people would see at an office pace.
Requests are not a fixed unit of work: in a closed loop the readers reload 50-300 ms after each
answer and the officers pause 0.2-1 s between forms, so when answers come faster the mix shifts
towards the cheaper cached dashboards (reads rose more than form GETs and submissions in every run).
The CPU the app servers got (twice that of (a), both quotas used up) is the measure of "the same
CPU share doubled"; the requests per app-server CPU second show the mix.

Everything (gunicorn, nginx, the SMTP server, the cgroups, the database, the Redis database) is
removed on exit, on Ctrl-C and at the hard timeout; Redis goes back to the root cgroup. Other
engineers' work on the shared PostgreSQL and cores makes the figures noisy: quote medians of a
few runs, and the ratio.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any

# The defaults here (bench/load.py's are the office pace for 60 s): what the servers hold, 60 s a side.
os.environ.setdefault("PACE", "stress")
os.environ.setdefault("DURATION", "60")

import load  # reads the environment above when imported
from load import Browser, percentile
from province import NHIEMVU, PY, ROOT, gunicorn, province_database

LAYOUT = os.environ.get("LAYOUT", "half")
SHARE = float(os.environ.get("SHARE", "0.35"))  # of a core per instance, with LAYOUT=half
INSTANCE_WORKERS = int(os.environ.get("INSTANCE_WORKERS", "1"))  # one process for a fraction of a core
INSTANCE_THREADS = int(os.environ.get("INSTANCE_THREADS", "4"))
BALANCE = os.environ.get("BALANCE", "least_conn")  # or round_robin, as deploy/nginx.conf
if LAYOUT not in ("half", "cores"):
    sys.exit(f"LAYOUT={LAYOUT!r}: half or cores")
if BALANCE not in ("least_conn", "round_robin"):
    sys.exit(f"BALANCE={BALANCE!r}: least_conn or round_robin")
CGROUP_ROOT = Path("/sys/fs/cgroup/cpu")  # cgroup v1's cpu controller, as this machine mounts it
DEMO_PASSWORD = "nhiemvu-demo-2023"  # nhiemvu.dashboards.demo.DEMO_PASSWORD, of the seeded people


# --- the parts ------------------------------------------------------------------------------------


def counters(cgroups: dict[str, str]) -> dict[str, dict[str, int]]:
    """Each core's busy and total jiffies (/proc/stat: busy is all but idle and iowait) and each
    named cgroup's cpu.stat (nr_periods, nr_throttled, throttled_time), as of now."""
    found: dict[str, dict[str, int]] = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *fields = line.split()
        if name.startswith("cpu") and name != "cpu":
            ticks = [int(f) for f in fields[:8]]  # user nice system idle iowait irq softirq steal
            found[f"core {name[3:]}"] = {"busy": sum(ticks) - ticks[3] - ticks[4], "total": sum(ticks)}
    for name, path in cgroups.items():
        stat = (Path(path) / "cpu.stat").read_text().split()
        found[name] = {key: int(value) for key, value in zip(stat[::2], stat[1::2], strict=True)}
    return found


def differences(
    before: dict[str, dict[str, int]], after: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    return {name: {k: v - before[name][k] for k, v in values.items()} for name, values in after.items()}


# load.run reads the CPU of every part through load.cpu_seconds just before and just after the
# users' minute: the cores' and the quotas' counters are read at the same two moments.
MARKS: list[dict[str, dict[str, int]]] = []
CGROUPS: dict[str, str] = {}  # instance name -> its cgroup directory (LAYOUT=half)
_cpu_seconds = load.cpu_seconds


def _cpu_seconds_and_counters(
    servers: dict[str, int], db: str, extra: dict[str, list[int]] | None = None
) -> dict[str, float]:
    MARKS.append(counters(CGROUPS))
    return _cpu_seconds(servers, db, extra)


load.cpu_seconds = _cpu_seconds_and_counters


@contextmanager
def cpu_group(name: str, share: float | None, weight: int = 10) -> Iterator[str]:
    """A CPU cgroup weighing `weight` ordinary processes (cpu.shares), so that other work on the
    machine cannot take the CPU it asks for, and allowed at most `share` of one core (a CFS quota)
    if given; yields its directory (a process joins it by writing its pid to cgroup.procs, and its
    children follow). Afterwards whatever is left in it goes back to the root group, and it is removed."""
    path = CGROUP_ROOT / name
    path.mkdir()
    try:
        (path / "cpu.shares").write_text(str(weight * 1024))
        if share is not None:
            (path / "cpu.cfs_period_us").write_text("100000")
            (path / "cpu.cfs_quota_us").write_text(str(int(share * 100000)))
        yield str(path)
    finally:
        for _ in range(50):  # the kernel may take a moment to let go of processes just stopped
            for pid in (path / "cgroup.procs").read_text().split():
                with suppress(OSError):  # gone in between
                    (CGROUP_ROOT / "cgroup.procs").write_text(pid)
            try:
                path.rmdir()
                break
            except OSError:
                time.sleep(0.1)


@contextmanager
def backends_joined(db: str, group: str) -> Iterator[None]:
    """While inside, move database `db`'s PostgreSQL backends into cgroup `group` as they connect
    (checked twice a second, as load.backends_pinned pins them to a core); the shared postmaster
    and other databases' backends are left alone."""
    stop = threading.Event()

    def join() -> None:
        while not stop.wait(0.5):
            inside = set((Path(group) / "cgroup.procs").read_text().split())
            for pid in load.backend_pids(db):
                if str(pid) not in inside:
                    with suppress(OSError):  # gone in between
                        (Path(group) / "cgroup.procs").write_text(str(pid))

    watcher = threading.Thread(target=join, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


def placed(core: int, cgroup: str | None) -> list[str]:
    """The command prefix that runs gunicorn in `cgroup` (if any) on `core`; it execs, so the pid
    province.gunicorn sees stays gunicorn's master."""
    pin = ["taskset", "-c", str(core)]
    if cgroup is None:
        return pin
    return ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', cgroup, *pin]


NGINX_CONF = """\
# Written by bench/scaleout.py for one run: deploy/nginx.conf without TLS, on loopback, {balance_note};
# and a second server in front of instance 1 alone, for the run against one instance.
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format upstream $upstream_addr;
    access_log {prefix}/upstream.log upstream buffer=64k flush=1s;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_max_body_size 51m;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_read_timeout 60s;
    proxy_next_upstream error timeout http_502;
    proxy_next_upstream_tries 2;
    add_header X-Upstream $upstream_addr always;
    upstream both {{
        {balance}
        server 127.0.0.1:{port1} max_fails=3 fail_timeout=10s;
        server 127.0.0.1:{port2} max_fails=3 fail_timeout=10s;
        keepalive {keepalive};
    }}
    upstream one {{
        server 127.0.0.1:{port1} max_fails=3 fail_timeout=10s;
        keepalive {keepalive};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{ proxy_pass http://both; }}
    }}
    server {{
        listen 127.0.0.1:{port_one};
        location / {{ proxy_pass http://one; }}
    }}
}}
"""


@contextmanager
def nginx(
    port: int, port_one: int, port1: int, port2: int, core: int | None
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """Debian's nginx in front of both instances on `port` and of instance 1 alone on `port_one`,
    from a temporary prefix; stopped afterwards. Yields it and its log of the upstream address
    that answered each request."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    prefix = tempfile.mkdtemp(prefix="nhiemvu-scale-nginx-")
    conf = Path(prefix) / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            prefix=prefix,
            port=port,
            port_one=port_one,
            port1=port1,
            port2=port2,
            balance="least_conn;" if BALANCE == "least_conn" else "# round robin",
            # deploy/nginx.conf keeps 32 idle connections; here at least one per simulated person,
            # or nginx opens and closes a connection per request once more than 32 are busy.
            keepalive=max(32, load.USERS),
            balance_note="balancing by least connections"
            if BALANCE == "least_conn"
            else "balancing round robin as deploy/nginx.conf",
        )
    )
    pin = ["taskset", "-c", str(core)] if core is not None else []
    server = subprocess.Popen([*pin, binary, "-c", str(conf), "-p", prefix, "-e", f"{prefix}/error.log"])
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"nginx did not start: {(Path(prefix) / 'error.log').read_text()}")
        yield server, Path(prefix) / "upstream.log"
    finally:
        server.send_signal(signal.SIGQUIT)  # graceful: finish the requests in flight
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(prefix, ignore_errors=True)


class Sink(socketserver.ThreadingTCPServer):
    """Just enough SMTP to take Django's mail: counts the messages and remembers their recipients."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SinkHandler)
        self.messages: list[tuple[str, str]] = []  # (recipient, subject)
        self.lock = threading.Lock()


class SinkHandler(socketserver.StreamRequestHandler):
    server: Sink

    def handle(self) -> None:
        self.wfile.write(b"220 sink ESMTP\r\n")
        recipients: list[str] = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 sink\r\n")
            elif verb == b"RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip(" <>\r\n"))
                self.wfile.write(b"250 ok\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                body = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(data)
                subject = re.search(rb"^Subject: (.*)$", b"".join(body), re.M)
                with self.server.lock:
                    for to in recipients:
                        self.server.messages.append((to, subject[1].decode().strip() if subject else ""))
                recipients = []
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


# --- 1. sessions ----------------------------------------------------------------------------------


def sign_in(port: int, username: str) -> Browser:
    """Through the real login form of the server at `port`; returns the signed-in browser."""
    browser = Browser(port, "x=1")
    status, _, html = browser.request("GET", "/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if status != 200 or not csrf:
        raise RuntimeError(f"login form: HTTP {status}")
    form = {"csrfmiddlewaretoken": csrf[1], "username": username, "password": DEMO_PASSWORD}
    status, headers, _ = browser.request("POST", "/login/", urllib.parse.urlencode(form))
    if status != 302 or "/login/" in headers.get("Location", ""):
        raise RuntimeError(f"sign-in through instance on port {port} refused: HTTP {status}")
    return browser


def sessions_survive(port1: int, port2: int, proxy: int) -> bool:
    signed = sign_in(port1, "demo-chicuc")
    other = Browser(port2, "x=1")
    other.cookies = dict(signed.cookies)
    status, headers, _ = other.request("GET", "/reporting/")
    ok = status == 200  # signed out, it would be a 302 to the login page
    print(
        f"signed in through instance 1 (:{port1}), asked instance 2 (:{port2}) for my tasks with the same "
        f"cookie: HTTP {status}{' ' + headers.get('Location', '') if status != 200 else ''}, "
        f"{'still signed in' if ok else 'NOT signed in'}"
    )
    through = Browser(proxy, "x=1")
    through.cookies = dict(signed.cookies)
    seen = []
    for _ in range(6):
        status, headers, _ = through.request("GET", "/reporting/")
        seen.append((headers.get("X-Upstream", "?").rsplit(":", 1)[-1], status == 200))
    alternated = len({port for port, _ in seen}) == 2
    print(
        "through nginx, six requests with that cookie answered by ports "
        + ", ".join(f"{port} ({'signed in' if good else 'NOT signed in'})" for port, good in seen)
    )
    return ok and alternated and all(good for _, good in seen)


# --- 2. the load, one instance against two ------------------------------------------------------


def measure(
    label: str,
    port: int,
    env: dict[str, str],
    servers: dict[str, int],
    extra: dict[str, list[int]],
    warm: int,
) -> dict[str, Any]:
    prepared = load.prepare(env, load.SUBMITTERS)  # fresh work: the other side's reports are done
    db = load.database_name(env)
    stats, elapsed, cpu = load.run(port, prepared, servers, db, warm=warm, extra=extra)
    verified = load.verify(env, stats)
    total = sum(len(v) for v in stats.latencies.values())
    everything = [v for values in stats.latencies.values() for v in values] or [0.0]
    errors = sum(stats.errors.values())
    print(f"\n({label}) {load.USERS} users, PACE={load.PACE}, {elapsed:.0f} s")
    load.table(stats, elapsed)
    print(
        f"submissions acknowledged {len(stats.acknowledged)}, lost {len(verified['lost'])}; errors {errors}"
        + "".join(f"\n  error: {sample}" for sample in stats.error_samples[:5])
    )
    load.cpu_line(cpu, elapsed, total, list(servers))
    used = differences(MARKS[-2], MARKS[-1])
    busy = {name: v["busy"] / max(v["total"], 1) for name, v in used.items() if name.startswith("core ")}
    print(
        "cores busy over the run (everyone's work, /proc/stat): "
        + ", ".join(f"{name} {100 * share:.0f}%" for name, share in busy.items())
    )
    allowed = SHARE if LAYOUT == "half" else 1.0
    for name in servers:
        got = cpu[name] / elapsed
        line = f"{name}: {got:.3f} of a core, {100 * got / allowed:.0f}% of the {allowed:g} allowed"
        if name in used:
            line += (
                f"; it had work in {100 * used[name]['nr_periods'] / (10 * elapsed):.0f}% of the 100 ms periods "
                f"and used up its quota in {100 * used[name]['nr_throttled'] / (10 * elapsed):.0f}%"
            )
        print(line)
    app = sum(cpu[name] for name in servers)
    return {
        "rps": total / elapsed,
        "p99": percentile(everything, 99),
        "errors": errors,
        "lost": len(verified["lost"]),
        "rps_per_app_cpu": total / max(app, 0.001),
        "app_cores": app / elapsed,
        "instances": [cpu[name] / elapsed for name in servers],
        "per_endpoint": {endpoint: len(values) / elapsed for endpoint, values in stats.latencies.items()},
        "core0": busy.get("core 0", 0.0),
        "lag99": percentile(stats.lag or [0.0], 99),
    }


# --- 3. two reminder workers ----------------------------------------------------------------------

ADDRESSES = r"""
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Concat
import datetime as dt
from django.utils import timezone
from nhiemvu.reminders.rules import candidates_for
get_user_model().objects.filter(email="").update(email=Concat("username", Value("@scale.invalid")))
# Date-driven reminders go out on working days only: today if some are due, else the day of the
# coming month with the most due (the most for two workers to contend for).
today = timezone.localdate()
days = [today + dt.timedelta(days=n) for n in range(31)]
due = {day: len(candidates_for(day)) for day in days}
day = today if due[today] else max(days, key=lambda d: (due[d], -d.toordinal()))
print(day.isoformat(), day == today, due[day])
"""

REMIND = r"""
import datetime as dt, sys
import django
django.setup()
from django.utils import timezone
from nhiemvu.reminders.services import remind_round
day = dt.date.fromisoformat(sys.argv[1])
now = timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10, 0))
if day == timezone.localdate():
    now = timezone.now()
result = remind_round(now=now)
print(f"{result.created} new, {result.emailed} e-mailed, {result.digests} digests")
"""

COUNT = r"""
import json
import django
django.setup()
from django.db.models import Count
from nhiemvu.reminders.models import DigestEmail, Notification
print(json.dumps({
    "notifications": Notification.objects.count(),
    "emailed": Notification.objects.filter(email_mode="immediate", emailed_at__isnull=False).count(),
    "pending": Notification.objects.filter(email_mode="immediate", emailed_at__isnull=True).count(),
    "digests": DigestEmail.objects.count(),
    "duplicates": Notification.objects.values("recipient", "dedup_key").annotate(n=Count("id")).filter(n__gt=1).count(),
}))
"""


def reminders_once(env: dict[str, str]) -> bool:
    import json

    day, is_today, due = subprocess.run(
        [PY, "-c", ADDRESSES], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    today = is_today == "True"
    print(
        "reminders: every user given an address; "
        + (
            "reminders are due today: `nhiemvu remind`"
            if today
            else f"none due today, so the rounds run as of {day} 10:00 ({due} due; remind_round(now=…), which `nhiemvu remind` calls)"
        )
    )
    sink = Sink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    mail_env = {
        **env,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.server_address[1]),
        "EMAIL_USE_TLS": "false",
    }
    ok = True
    try:
        for round_ in (1, 2):
            before = len(sink.messages)
            command = [*NHIEMVU, "remind"] if today else [PY, "-c", REMIND, day]
            pair = [
                subprocess.Popen(command, env=mail_env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
                for _ in range(2)
            ]
            said = [p.communicate(timeout=600)[0].strip() for p in pair]
            counts = json.loads(
                subprocess.run(
                    [PY, "-c", COUNT], env=env, cwd=ROOT, check=True, capture_output=True, text=True
                ).stdout
            )
            received = len(sink.messages)
            print(
                f"reminders, pair {round_} of rounds at once: "
                + " | ".join(said)
                + f"\n  mail received {received} (this pair {received - before}); notifications {counts['notifications']}"
                f" (duplicated per person and key: {counts['duplicates']}), stamped e-mailed {counts['emailed']}"
                f" + digests {counts['digests']} = {counts['emailed'] + counts['digests']}, still pending {counts['pending']}"
            )
            ok = ok and received == counts["emailed"] + counts["digests"] and not counts["duplicates"]
            ok = ok and not counts["pending"] and (round_ == 1 or received == before)
        if not sink.messages:
            print("  (no reminder was due today in this data set: nothing to compare)")
            ok = False
    finally:
        sink.shutdown()
        sink.server_close()
    return ok


# --- the run --------------------------------------------------------------------------------------


def main() -> int:
    signal.alarm(load.HARD_TIMEOUT)
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("hard timeout"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        sys.exit("nginx is missing: apt-get install -y nginx (Debian's package; the service stays off)")
    base = 20000 + os.getpid() % 20000
    proxy, port1, port2, proxy_one = base, base + 1, base + 2, base + 3
    cache_url = load.scratch_cache()
    if not cache_url:
        sys.exit("Redis is needed: the two instances share their cache and sessions through it")
    half = LAYOUT == "half"
    if half and not os.access(CGROUP_ROOT, os.W_OK):
        sys.exit(f"{CGROUP_ROOT} is not writable (root, cgroup v1 cpu controller): try LAYOUT=cores")
    results: dict[str, dict[str, Any]] = {}
    try:
        with province_database("scale", cache_url=cache_url) as env, ExitStack() as stack:
            env = {
                **env,
                "FORWARDED_ALLOW_IPS": "127.0.0.1",
                # As deploy/nginx.conf says: gunicorn keeps connections alive longer than nginx
                # (60 s), or it may close one just as nginx sends a request on it (a reset, which
                # nginx counts as a failure of that instance).
                "GUNICORN_CMD_ARGS": "--keep-alive 75",
                # Database connections live through both minutes (production recycles them after
                # 60 s), so that every backend's CPU is counted: load.cpu_seconds reads living
                # processes only.
                "DATABASE_CONN_MAX_AGE": "600",
            }
            tag = f"nhiemvu-scale-{os.getpid()}"
            group1 = stack.enter_context(cpu_group(f"{tag}-1", SHARE, 20)) if half else None
            group2 = stack.enter_context(cpu_group(f"{tag}-2", SHARE, 20)) if half else None
            rest = stack.enter_context(cpu_group(f"{tag}-rest", None)) if half else None
            if group1 and group2:
                CGROUPS.update({"instance 1": group1, "instance 2": group2})
            size = {"workers": INSTANCE_WORKERS, "threads": INSTANCE_THREADS}
            one = stack.enter_context(
                gunicorn(env, port1, **size, label="scale1", prefix=placed(1, group1))  # type: ignore[arg-type]
            )
            two = stack.enter_context(
                gunicorn(env, port2, **size, label="scale2", prefix=placed(1 if half else 0, group2))  # type: ignore[arg-type]
            )
            if rest:  # the client, nginx started from it, and Redis weigh as much as the instances
                import redis

                (Path(rest) / "cgroup.procs").write_text(str(os.getpid()))
                redis_pid = redis.Redis.from_url(cache_url).info("server")["process_id"]
                (Path(rest) / "cgroup.procs").write_text(str(redis_pid))  # back to the root group after
            front, upstream_log = stack.enter_context(
                nginx(proxy, proxy_one, port1, port2, 0 if half else None)
            )
            db = load.database_name(env)
            if rest:
                stack.enter_context(load.backends_pinned(db, {0}))
                stack.enter_context(backends_joined(db, rest))
                os.sched_setaffinity(0, {0})  # the client's threads, started from now on, too
            where = (
                f"each instance {SHARE:g} of a core (CFS quota) on core 1, weighing twenty ordinary processes; "
                "client, nginx and PostgreSQL on core 0 and Redis unpinned, weighing ten"
                if half
                else "instance 1 on core 1, instance 2 on core 0; client, nginx and PostgreSQL unpinned"
            )
            print(
                f"two gunicorn instances ({INSTANCE_WORKERS} workers x {INSTANCE_THREADS} threads) on :{port1} and "
                f":{port2}; nginx on :{proxy} in front of both ({BALANCE.replace('_', ' ')}) and on :{proxy_one} in "
                f"front of instance 1 alone; {where}; one database {db}, one Redis database {cache_url}\n"
            )
            sessions_ok = sessions_survive(port1, port2, proxy)
            results["a"] = measure(
                "a: nginx -> instance 1 alone",
                proxy_one,
                env,
                {"instance 1": one.pid},
                {"nginx": [front.pid]},
                warm=INSTANCE_WORKERS * 2,
            )
            time.sleep(1.5)  # nginx writes its log out every second
            before = len(upstream_log.read_text().splitlines())
            results["b"] = measure(
                "b: nginx -> instances 1 and 2",
                proxy,
                env,
                {"instance 1": one.pid, "instance 2": two.pid},
                {"nginx": [front.pid]},
                warm=INSTANCE_WORKERS * 4,
            )
            time.sleep(1.5)  # nginx writes its log out every second
            lines = upstream_log.read_text().splitlines()[before:]
            answered = [line.split()[-1] for line in lines if line.strip()]
            tried = sum("," in line for line in lines)  # "a, b": the first failed, the second answered
            errors = (upstream_log.parent / "error.log").read_text().splitlines()
            print(
                "requests nginx passed on in (b): "
                + ", ".join(
                    f"instance {k} (:{port}) {answered.count(f'127.0.0.1:{port}')}"
                    for k, port in ((1, port1), (2, port2))
                )
                + f"; retried on the other instance {tried}; nginx's errors {len(errors)}"
                + "".join(f"\n  {line}" for line in errors[:3])
            )
            print()
            reminders_ok = reminders_once(env)
    finally:
        import redis

        redis.Redis.from_url(cache_url).flushdb()
    a, b = results["a"], results["b"]
    print(
        f"\nthroughput (a) one instance {a['rps']:.1f} req/s, p99 {a['p99']:.0f} ms; "
        f"(b) two behind nginx {b['rps']:.1f} req/s, p99 {b['p99']:.0f} ms"
    )
    print(
        f"ratio (b)/(a): throughput {b['rps'] / a['rps']:.2f}x, p99 {b['p99'] / a['p99']:.2f}x; "
        f"requests per app-server CPU second (a) {a['rps_per_app_cpu']:.0f}, (b) {b['rps_per_app_cpu']:.0f}"
    )
    print(
        "throughput ratio (b)/(a) per endpoint: "
        + ", ".join(
            f"{endpoint} {b['per_endpoint'].get(endpoint, 0.0) / rate:.2f}x"
            for endpoint, rate in sorted(a["per_endpoint"].items())
            if rate
        )
        + " (the faster answers come, the more often readers reload: the mix shifts to the cheaper pages)"
    )
    allowed = SHARE if LAYOUT == "half" else 1.0  # of a core, per instance
    print(
        f"CPU the app servers got: (a) {a['app_cores']:.2f} of {allowed:g} core allowed, "
        f"(b) {b['app_cores']:.2f} of {2 * allowed:g} ("
        + " + ".join(f"{got:.2f}" for got in b["instances"])
        + f"); requests per app-server CPU second (b)/(a) "
        f"{b['rps_per_app_cpu'] / a['rps_per_app_cpu']:.2f} (1.00: a request costs the same on two instances "
        "as on one, so twice the CPU serves twice the requests)"
    )
    print(
        f"core 0 (load client, nginx, PostgreSQL) busy: (a) {100 * a['core0']:.0f}%, (b) {100 * b['core0']:.0f}%; "
        f"client lag p99 (a) {a['lag99']:.1f} ms, (b) {b['lag99']:.1f} ms"
    )
    if min(a["app_cores"] / allowed, b["app_cores"] / (2 * allowed)) < 0.9:
        print(
            "  the app servers did not get their whole share"
            + (
                " because core 0 was full (the client, nginx and PostgreSQL, or other work on it): "
                "try a smaller SHARE"
                if max(a["core0"], b["core0"]) > 0.95
                else " (too few users to keep them busy, or other work on core 1)"
            )
            + ": the throughput ratio understates what twice the CPU gives"
        )
    clean = all(r["errors"] == 0 and r["lost"] == 0 for r in results.values())
    print(
        f"sessions survive switching servers: {'yes' if sessions_ok else 'NO'}; "
        f"two reminder workers sent each message once: {'yes' if reminders_ok else 'NO'}; "
        f"0 errors and 0 lost on both sides: {'yes' if clean else 'NO'}"
    )
    return 0 if sessions_ok and reminders_ok and clean else 1


if __name__ == "__main__":
    sys.exit(main())
