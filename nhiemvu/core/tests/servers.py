"""A real gunicorn for the tests that need one: started as `nhiemvu serve` starts it, one worker, on
a SQLite file of its own, migrated and given the test cast and a plan (for tests that must see a
process's memory or a production server's headers, which the in-process client cannot show)."""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from nhiemvu.core.management.commands.serve import gunicorn_argv

SEED = """
from nhiemvu.testing import build_cast, make_plan
from nhiemvu.reporting.services import periods_generate
cast = build_cast()
plan = make_plan(cast, tasks=1)
periods_generate(plan=plan)
task = plan.tasks.get()
print(cast.unit_staff.username, task.pk, plan.periods.get(key="2023-06").pk)
"""


@dataclass
class Server:
    port: int
    worker: int  # the one worker's pid
    username: str  # a unit officer of the cast (password testing.PASSWORD)
    form_path: str  # the report form of the unit officer's task for June 2023


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn_server(directory: Path, *, production: bool = False) -> Iterator[Server]:
    database = directory / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_ENV": "production" if production else "development",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(directory / "media"),
        "STATIC_ROOT": str(directory / "static"),
        "SECRET_KEY": secrets.token_urlsafe(60),
    }
    nhiemvu = [sys.executable, "-m", "nhiemvu"]
    setup = [["migrate", "--noinput", "-v0"]] + (
        [["collectstatic", "--noinput", "-v0"]] if production else []
    )
    for args in setup:
        subprocess.run([*nhiemvu, *args], env=env, check=True, cwd=settings.BASE_DIR)
    seeded = subprocess.run(
        [*nhiemvu, "shell", "-c", SEED],
        env=env,
        check=True,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    username, task, period = seeded.stdout.strip().splitlines()[-1].split()
    port = free_port()
    argv = gunicorn_argv(bind=f"127.0.0.1:{port}", workers=1, threads=2)
    master = subprocess.Popen(
        argv, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        worker = 0
        while time.monotonic() < deadline and master.poll() is None:
            children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
            pids = children.read_text().split() if children.exists() else []
            if pids:
                worker = int(pids[0])
                try:
                    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    probe.request("GET", "/login/")
                    probe.getresponse().read()
                    break
                except OSError:
                    pass
            time.sleep(0.2)
        else:
            pytest.fail(f"gunicorn did not start: {master.stderr.read(4000) if master.stderr else ''!r}")
        yield Server(port, worker, username, f"/reporting/tasks/{task}/periods/{period}/")
    finally:
        master.terminate()
        master.wait(timeout=30)
