"""PostgreSQL restarts while units are submitting: nothing acknowledged is lost, every failure
is an explicit error, and the same submission succeeds when retried.

    .venv/bin/python bench/faults.py          (as root: restarts the machine's PostgreSQL cluster)

It restarts the shared PostgreSQL server (`pg_ctlcluster --skip-systemctl-redirect 15 main
restart`), which breaks any other test using it at the time: run it alone (`make fault-test`),
never inside the suite. A throwaway database with the agency data set, gunicorn (2 workers x 4
threads, production settings, loopback), SUBMITTERS unit officers submitting reports in a loop;
RESTART_AFTER seconds in, the server restarts; the run goes on AFTER seconds more. Every
submission that failed (a 5xx or a dropped connection) is then retried; finally each
acknowledged or retried submission is looked up in the database.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from typing import Any

from province import PY, ROOT, gunicorn, province_database

_spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
assert _spec is not None and _spec.loader is not None  # a .py file always has a spec and a loader
load = importlib.util.module_from_spec(_spec)
sys.modules["bench_load"] = load  # its dataclasses look their module up while being defined
_spec.loader.exec_module(load)

SUBMITTERS = int(os.environ.get("SUBMITTERS", "12"))
RESTART_AFTER = float(os.environ.get("RESTART_AFTER", "8"))
AFTER = float(os.environ.get("AFTER", "12"))
CLUSTER = os.environ.get("PG_CLUSTER", "15 main").split()


def submit_once(browser: Any, task: int, period: int, marker: str) -> tuple[str, str]:  # a load.Browser
    """One GET form + POST submit → ("ok" | "error" | "done-before", detail)."""
    import re
    import urllib.parse

    path = f"/reporting/tasks/{task}/periods/{period}/"
    try:
        status, _, html = browser.request("GET", path)
    except Exception as exc:
        return "error", f"GET {exc!r}"
    if status >= 500:
        return "error", f"GET HTTP {status}"
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    revision = re.search(r'name="revision" value="(\d+)"', html)
    if status == 200 and not revision:
        return "done-before", "the report is no longer editable"
    if status != 200 or not csrf:
        return "error", f"GET HTTP {status}"
    fields = {
        "csrfmiddlewaretoken": csrf[1],
        "action": "submit",
        "revision": revision[1],
        "percent_done": "50",
        "completed_on": "",
        "narrative": marker,
        "proposals": "",
    }
    for name in load.FIELD.findall(html):
        fields[name] = "100" if name.startswith("actual_") else ""
    try:
        status, headers, _ = browser.request("POST", path, urllib.parse.urlencode(fields))
    except Exception as exc:
        return "error", f"POST {exc!r}"
    if status == 302 and "/reporting/" in headers.get("Location", ""):
        return "ok", ""
    return "error", f"POST HTTP {status}"


def main() -> int:
    signal.alarm(900)
    port = 20000 + os.getpid() % 20000
    attempts: list[tuple[int, int, str, str, str]] = []  # task, period, marker, outcome, detail
    lock = threading.Lock()
    with (
        province_database("faults") as env,
        gunicorn(env, port, workers=2, threads=4, label="faults"),
    ):
        prepared = load.prepare(env, SUBMITTERS)
        time.sleep(3)
        stop = time.monotonic() + RESTART_AFTER + AFTER
        retry_queue: list[tuple[dict, int, int, str]] = []

        def submitter(info: dict) -> None:
            browser = load.Browser(port, info["cookie"])
            for task, period in info["pairs"]:
                if time.monotonic() >= stop:
                    return
                marker = f"fault {task}/{period} {secrets.token_hex(4)}"
                outcome, detail = submit_once(browser, task, period, marker)
                with lock:
                    attempts.append((task, period, marker, outcome, detail))
                    if outcome == "error":
                        retry_queue.append((info, task, period, marker))
                if outcome == "error":
                    browser = load.Browser(port, info["cookie"])
                time.sleep(0.1)

        threads = [threading.Thread(target=submitter, args=(info,)) for info in prepared["submitters"]]
        for t in threads:
            t.start()
        time.sleep(RESTART_AFTER)
        restart_started = time.monotonic()
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *CLUSTER, "restart"], check=True)
        restart_seconds = time.monotonic() - restart_started
        for t in threads:
            t.join()
        # Retry each failed submission as a person would: open the form again and send it again.
        retried: Counter[str] = Counter()
        retried_markers: list[str] = []
        for info, task, period, marker in retry_queue:
            browser = load.Browser(port, info["cookie"])
            for _ in range(5):
                outcome, _ = submit_once(browser, task, period, marker)
                if outcome != "error":
                    break
                time.sleep(1)
            retried[outcome] += 1
            retried_markers.append(marker)
        acknowledged = [a[2] for a in attempts if a[3] == "ok"]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(acknowledged + retried_markers, f)
        verified = json.loads(
            subprocess.run(
                [PY, "-c", load.VERIFY, f.name], env=env, cwd=ROOT, check=True, capture_output=True, text=True
            ).stdout
        )

    lost = set(verified["lost"])
    errors = Counter(a[4] for a in attempts if a[3] == "error")
    print(
        f"PostgreSQL restarted {RESTART_AFTER:.0f} s into {SUBMITTERS} units submitting (restart took {restart_seconds:.1f} s)"
    )
    print(f"submissions attempted: {len(attempts)}")
    print(
        f"  acknowledged (302): {len(acknowledged)}, of which missing from the database: {len(lost & set(acknowledged))}"
    )
    print(f"  failed with an error: {sum(errors.values())}")
    for detail, n in errors.most_common():
        print(f"    {n} x {detail}")
    print(
        f"  retried: {sum(retried.values())} → succeeded {retried['ok']}, "
        f"already saved by the failed attempt {retried['done-before']}, still failing {retried['error']}"
    )
    print(f"  retried submissions missing from the database: {len(lost & set(retried_markers))}")
    ok = not lost and retried["error"] == 0 and all(a[3] != "done-before" for a in attempts)
    print(
        f"result: {'every acknowledged submission kept, every failure retried successfully' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
