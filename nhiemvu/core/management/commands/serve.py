"""`nhiemvu serve`: the production server (gunicorn) with settings from the environment."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy máy chủ gunicorn cho môi trường vận hành / Run gunicorn for production."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("NHIEMVU_BIND", "127.0.0.1:8000"))
        # One worker per core, four threads each: a worker's threads take turns on its core while
        # others wait for the database, and fewer processes switch less. Measured with 500 users
        # on two cores (bench/load.py): 2 x 4 spent 13.9 ms of server CPU per request, 5 x 2
        # (gunicorn's 2 x cores + 1) 15.4 ms, and its p99 was 4.2 s against 7.1 s.
        workers = os.environ.get("WEB_CONCURRENCY") or str(os.cpu_count() or 1)
        parser.add_argument("--workers", type=int, default=int(workers))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("NHIEMVU_THREADS", "4")))

    def handle(self, *args: Any, **options: Any) -> None:
        argv = gunicorn_argv(bind=options["bind"], workers=options["workers"], threads=options["threads"])
        self.stdout.write(f"gunicorn on http://{options['bind']}/")
        sys.stdout.flush()
        os.execv(sys.executable, argv)


def gunicorn_argv(*, bind: str, workers: int, threads: int) -> list[str]:
    """The command line of gunicorn serving the site (the demo serves with it too)."""
    return [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", bind,
        "--workers", str(workers),
        "--threads", str(threads),
        "--access-logfile", "-",
        "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]  # fmt: skip
