"""Scale-out shown, not claimed: two app servers behind nginx against one, sharing PostgreSQL and Redis.

    .venv/bin/python bench/scaleout.py                           (stress pace, 50 users, 60 s a side)
    PACE=office USERS=500 .venv/bin/python bench/scaleout.py     (the deadline's crowd)
    LAYOUT=cores .venv/bin/python bench/scaleout.py              (a whole core per instance; see below)
        needs PostgreSQL on 127.0.0.1:5432 as postgres, Redis on 127.0.0.1:6379, Debian's nginx
        (apt-get install -y nginx; the system service is not used), root for the CPU quotas

One throwaway database nhiemvu_scale_<pid> with the province data set (bench/province.py) and one
scratch Redis database (flushed before and after) are shared by two gunicorn instances (each as
`nhiemvu serve` sizes itself for one core: 3 workers x 2 threads) on two loopback ports; nginx,
started from here with its own configuration in a temporary directory (`nginx -c CONF -p PREFIX`,
daemon off, round robin over both, as deploy/nginx.conf but plain HTTP), listens on a third.

It shows, in this order:
1. Sessions survive switching servers: signing in through the login form of instance 1, then
   asking instance 2 for "my tasks" with the same cookie, is still signed in (sessions live in the
   database behind the shared Redis cache); through nginx, consecutive requests alternate between
   the instances (its X-Upstream header says which) and all stay signed in.
2. The same load as bench/load.py (its people and client, imported, not copied: USERS, PACE,
   DURATION, …) against (a) instance 1 alone, directly, then (b) nginx in front of both; for each,
   throughput, p50/p99 per endpoint and overall, errors, lost submissions, and the CPU of every part,
   the load client's apart. Then the ratio (b)/(a) of throughput and of p99.
3. Two reminder workers never send twice: every user gets an address, a small SMTP server in this
   script receives the mail, and two reminder rounds are run in two processes at the same time,
   twice over: `nhiemvu remind` when reminders are due today; otherwise (a weekend: date-driven
   reminders wait for working days) the same round, remind_round(now=…), as of 10:00 on the day of
   the coming month with the most reminders due.
   Messages received must equal the notifications stamped as e-mailed plus the digests recorded,
   the in-app notifications are unique per person and key, and the second pair sends nothing new.

"The same CPU share" on a 2-core machine. Two instances on a core each plus a core for the load
client, nginx and PostgreSQL would need three cores. So with LAYOUT=half (default) every instance
gets half a core (a CPU cgroup with a CFS quota of SHARE=0.5 of a core, on core 1), and the client,
nginx and this database's PostgreSQL backends run on core 0: (a) is one instance with half a core,
(b) two instances with half a core each. The app servers are the bottleneck by construction and
the ratio says how much of doubling the app servers' CPU the shared database, cache and proxy let
through. With LAYOUT=cores, (a) is instance 1 on core 1 and (b) instance 1 on core 1 plus instance
2 on core 0, where the client, nginx and PostgreSQL float too: (b) then cannot double, because its
second core is shared with them; the script prints their CPU seconds so the lead can subtract them
(throughput per app-server CPU second is printed for both sides).

Everything (gunicorn, nginx, the SMTP server, the cgroups, the database, the Redis database) is
removed on exit, on Ctrl-C and at the hard timeout. Other engineers' work on the shared PostgreSQL
and cores makes the figures noisy: quote medians of a few runs, and the ratio.
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
from contextlib import ExitStack, contextmanager
from pathlib import Path

# The defaults here (bench/load.py's are the office pace for 60 s): what the servers hold, 60 s a side.
os.environ.setdefault("PACE", "stress")
os.environ.setdefault("DURATION", "60")

import load  # reads the environment above when imported
from load import Browser, percentile
from province import NHIEMVU, PY, ROOT, gunicorn, province_database

LAYOUT = os.environ.get("LAYOUT", "half")
SHARE = float(os.environ.get("SHARE", "0.5"))  # of a core per instance, with LAYOUT=half
INSTANCE_WORKERS = int(os.environ.get("INSTANCE_WORKERS", "3"))  # 2 x 1 core + 1, as `nhiemvu serve`
INSTANCE_THREADS = int(os.environ.get("INSTANCE_THREADS", "2"))
if LAYOUT not in ("half", "cores"):
    sys.exit(f"LAYOUT={LAYOUT!r}: half or cores")
CGROUP_ROOT = Path("/sys/fs/cgroup/cpu")  # cgroup v1's cpu controller, as this machine mounts it
DEMO_PASSWORD = "nhiemvu-demo-2023"  # nhiemvu.dashboards.demo.DEMO_PASSWORD, of the seeded people


# --- the parts ------------------------------------------------------------------------------------


@contextmanager
def cpu_quota(name: str, share: float) -> Iterator[str]:
    """A CPU cgroup allowing `share` of one core; yields its directory (a process joins it by
    writing its pid to cgroup.procs, and its children follow). Removed afterwards."""
    path = CGROUP_ROOT / name
    path.mkdir()
    try:
        (path / "cpu.cfs_period_us").write_text("100000")
        (path / "cpu.cfs_quota_us").write_text(str(int(share * 100000)))
        yield str(path)
    finally:
        for _ in range(50):  # its processes are stopped by then; the kernel may take a moment
            try:
                path.rmdir()
                break
            except OSError:
                time.sleep(0.1)


def placed(core: int, cgroup: str | None) -> list[str]:
    """The command prefix that runs gunicorn in `cgroup` (if any) on `core`; it execs, so the pid
    province.gunicorn sees stays gunicorn's master."""
    pin = ["taskset", "-c", str(core)]
    if cgroup is None:
        return pin
    return ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', cgroup, *pin]


NGINX_CONF = """\
# Written by bench/scaleout.py for one run: deploy/nginx.conf without TLS, on loopback.
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream nhiemvu {{
        server 127.0.0.1:{port1};
        server 127.0.0.1:{port2};
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 51m;
        location / {{
            proxy_pass http://nhiemvu;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 60s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@contextmanager
def nginx(port: int, port1: int, port2: int, core: int | None) -> Iterator[subprocess.Popen[bytes]]:
    """Debian's nginx in front of both instances, from a temporary prefix; stopped afterwards."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    prefix = tempfile.mkdtemp(prefix="nhiemvu-scale-nginx-")
    conf = Path(prefix) / "nginx.conf"
    conf.write_text(NGINX_CONF.format(prefix=prefix, port=port, port1=port1, port2=port2))
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
        yield server
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
) -> dict[str, float]:
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
    app = sum(cpu[name] for name in servers)
    return {
        "rps": total / elapsed,
        "p99": percentile(everything, 99),
        "errors": errors,
        "lost": len(verified["lost"]),
        "rps_per_app_cpu": total / max(app, 0.001),
        "app_cores": app / elapsed,
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
    proxy, port1, port2 = base, base + 1, base + 2
    cache_url = load.scratch_cache()
    if not cache_url:
        sys.exit("Redis is needed: the two instances share their cache and sessions through it")
    half = LAYOUT == "half"
    if half and not os.access(CGROUP_ROOT, os.W_OK):
        sys.exit(f"{CGROUP_ROOT} is not writable (root, cgroup v1 cpu controller): try LAYOUT=cores")
    results: dict[str, dict[str, float]] = {}
    try:
        with province_database("scale", cache_url=cache_url) as env, ExitStack() as stack:
            env = {**env, "FORWARDED_ALLOW_IPS": "127.0.0.1"}
            tag = f"nhiemvu-scale-{os.getpid()}"
            group1 = stack.enter_context(cpu_quota(f"{tag}-1", SHARE)) if half else None
            group2 = stack.enter_context(cpu_quota(f"{tag}-2", SHARE)) if half else None
            size = {"workers": INSTANCE_WORKERS, "threads": INSTANCE_THREADS}
            one = stack.enter_context(
                gunicorn(env, port1, **size, label="scale1", prefix=placed(1, group1))  # type: ignore[arg-type]
            )
            two = stack.enter_context(
                gunicorn(env, port2, **size, label="scale2", prefix=placed(1 if half else 0, group2))  # type: ignore[arg-type]
            )
            front = stack.enter_context(nginx(proxy, port1, port2, 0 if half else None))
            db = load.database_name(env)
            if half:
                stack.enter_context(load.backends_pinned(db, {0}))
                os.sched_setaffinity(0, {0})  # the client's threads, started from now on, too
            where = (
                f"each instance {SHARE:g} of a core (CFS quota) on core 1; client, nginx and PostgreSQL on core 0"
                if half
                else "instance 1 on core 1, instance 2 on core 0; client, nginx and PostgreSQL unpinned"
            )
            print(
                f"two gunicorn instances ({INSTANCE_WORKERS} workers x {INSTANCE_THREADS} threads) on :{port1} and "
                f":{port2}, nginx on :{proxy}; {where}; one database {db}, one Redis database {cache_url}\n"
            )
            sessions_ok = sessions_survive(port1, port2, proxy)
            results["a"] = measure(
                "a: instance 1 alone, directly",
                port1,
                env,
                {"instance 1": one.pid},
                {},
                warm=INSTANCE_WORKERS * 2,
            )
            results["b"] = measure(
                "b: nginx -> instances 1 and 2",
                proxy,
                env,
                {"instance 1": one.pid, "instance 2": two.pid},
                {"nginx": [front.pid]},
                warm=INSTANCE_WORKERS * 4,
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
    allowed = SHARE if LAYOUT == "half" else 1.0  # of a core, per instance
    print(
        f"CPU the app servers got: (a) {a['app_cores']:.2f} of {allowed:g} core allowed, "
        f"(b) {b['app_cores']:.2f} of {2 * allowed:g}; requests per app-server CPU second (b)/(a) "
        f"{b['rps_per_app_cpu'] / a['rps_per_app_cpu']:.2f} (1.00: a request costs the same on two instances "
        "as on one, so twice the CPU serves twice the requests)"
    )
    if min(a["app_cores"] / allowed, b["app_cores"] / (2 * allowed)) < 0.9:
        print(
            "  the app servers did not get their whole share (other work on these cores): the throughput "
            "ratio understates what twice the CPU gives; run the script alone"
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
