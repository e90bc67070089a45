"""`nhiemvu worker`: run the background jobs (reading scans and legacy files, the PDF report, the
reminder rounds every REMIND_EVERY_MINUTES; with a shared cache, the dashboards' rebuilds, which it
takes off the app servers while its heartbeat is there), until SIGTERM or Ctrl-C. `--drain` runs what is queued
and stops (for cron on a machine without a resident worker, and for scripts).

The queue is Huey's: a SQLite file on one machine, Redis at scale (TASK_QUEUE_URL, settings.py).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import autodiscover_modules

from nhiemvu.core.jobs import heartbeat


class Command(BaseCommand):
    help = (
        "Chạy các việc nền (đọc bản scan, chuyển .doc, xuất PDF, đôn đốc định kỳ) / "
        "Run the background jobs (scans, .doc conversion, PDF reports, reminder rounds)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threads", type=int, default=None, help="jobs at once (default WORKER_THREADS, 2)"
        )
        parser.add_argument("--drain", action="store_true", help="run the queued jobs, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        autodiscover_modules("tasks")  # every app's tasks.py registers its jobs
        from huey.consumer_options import ConsumerConfig
        from huey.contrib.djhuey import HUEY

        if options["drain"]:
            done = 0
            while (task := HUEY.dequeue()) is not None:
                HUEY.execute(task)
                done += 1
            self.stdout.write(f"Đã chạy {done} việc nền / {done} background jobs run.")
            return
        consumer_options = dict(settings.HUEY.get("consumer", {}))
        if options["threads"]:
            consumer_options["workers"] = options["threads"]
        config = ConsumerConfig(**consumer_options)
        config.validate()
        huey_log = logging.getLogger("huey")
        config.setup_logger(huey_log)
        huey_log.propagate = False  # its own handler prints it; Django's root handler would again
        self.stdout.write(
            f"Tiến trình nền: {config.workers} luồng, hàng đợi {settings.TASK_QUEUE_URL.split('://')[0]} / "
            f"worker: {config.workers} threads"
        )
        stop = threading.Event()
        beating = threading.Thread(target=heartbeat, args=(stop,), name="heartbeat", daemon=True)
        if settings.CACHE_URL:  # only app servers sharing that cache could hear it
            beating.start()
        try:
            HUEY.create_consumer(**config.values).run()
        finally:
            stop.set()
            if beating.is_alive():
                beating.join(timeout=5)  # "gone" said before the process ends
