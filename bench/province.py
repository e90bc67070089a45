"""What the PostgreSQL benchmarks share: a throwaway database holding the province data set,
production settings over plain HTTP on loopback, and gunicorn serving it.

    with province_database("load", cache_url=...) as env:      # createdb, migrate, seed; dropdb after
        with gunicorn(env, port, workers=5, threads=2, label="load") as server:
            ...

Imported by bench/load.py, bench/faults.py and bench/pages.py (run as scripts: this folder is
on their import path). Standard library only.
"""

from __future__ import annotations

import http.client
import os
import secrets
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
NHIEMVU = [PY, "-m", "nhiemvu"]


def production_env(label: str, db: str, *, cache_url: str = "") -> dict[str, str]:
    """Production settings (DEBUG off, a random key) on loopback without HTTPS, for database `db`."""
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "CACHE_URL": cache_url,
        "DJANGO_ENV": "production",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "SECRET_KEY": f"{label}-" + secrets.token_hex(32),
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": tempfile.mkdtemp(prefix=f"nhiemvu-{label}-static-"),
        "MEDIA_ROOT": tempfile.mkdtemp(prefix=f"nhiemvu-{label}-media-"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
    }


@contextmanager
def province_database(label: str, *, cache_url: str = "") -> Iterator[dict[str, str]]:
    """A new database nhiemvu_<label>_<pid> with this year's and next year's province plans
    (seed-demo --scale province), dropped afterwards whatever happens; yields the environment."""
    db = f"nhiemvu_{label}_{os.getpid()}"
    env = production_env(label, db, cache_url=cache_url)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    try:
        for args in (
            ["migrate", "-v0"],
            ["collectstatic", "--noinput", "-v0"],
            ["seed-demo", "--scale", "province", "--start-year", str(time.localtime().tm_year)],
        ):
            subprocess.run([*NHIEMVU, *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        yield env
    finally:
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", db], check=False
        )


@contextmanager
def gunicorn(
    env: dict[str, str], port: int, *, workers: int, threads: int, label: str, prefix: Sequence[str] = ()
) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn on 127.0.0.1:`port`, once it answers the health check; stopped afterwards.
    Its log goes to /tmp/nhiemvu-<label>-gunicorn-<pid>.log. `prefix` runs it under a command that
    execs it, so that the pid stays gunicorn's master (e.g. `taskset -c 1` to pin it to core 1)."""
    with open(f"/tmp/nhiemvu-{label}-gunicorn-{os.getpid()}.log", "w") as log:
        server = subprocess.Popen(
            [*prefix, PY, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--threads", str(threads), "--log-level", "warning"],
            env=env, cwd=ROOT, stdout=log, stderr=log,
        )  # fmt: skip
        try:
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", port, timeout=2).request(
                        "GET", "/dashboards/health/"
                    )
                    break
                except OSError:
                    time.sleep(0.2)
            yield server
        finally:
            server.terminate()
            server.wait(timeout=30)


@contextmanager
def worker(
    env: dict[str, str], *, label: str, prefix: Sequence[str] = ()
) -> Iterator[subprocess.Popen[bytes]]:
    """`nhiemvu worker` on `env` (its queue and cache), once its heartbeat is in the shared cache
    (CACHE_URL, no key prefix): from then on the app servers hand it the dashboards' rebuilds.
    Stopped afterwards; its log goes to /tmp/nhiemvu-<label>-worker-<pid>.log."""
    import redis

    from nhiemvu.core.jobs import HEARTBEAT_KEY

    beat = redis.Redis.from_url(env["CACHE_URL"])
    with open(f"/tmp/nhiemvu-{label}-worker-{os.getpid()}.log", "w") as log:
        process = subprocess.Popen([*prefix, *NHIEMVU, "worker"], env=env, cwd=ROOT, stdout=log, stderr=log)
        try:
            for _ in range(150):
                if beat.exists(f":1:{HEARTBEAT_KEY}"):  # as Django's cache names it (no prefix, version 1)
                    break
                if process.poll() is not None:
                    raise RuntimeError(f"nhiemvu worker stopped: see {log.name}")
                time.sleep(0.2)
            else:
                raise RuntimeError(f"nhiemvu worker gave no heartbeat in 30 s: see {log.name}")
            yield process
        finally:
            process.terminate()
            process.wait(timeout=30)
