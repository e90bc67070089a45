"""`nhiemvu remind`: one round of reminders (cron-safe); `--loop` keeps going until SIGTERM or Ctrl-C.

Safe to run from cron every few minutes and beside a looping worker: notifications are unique
per recipient and key, and e-mails are claimed under row locks (see reminders.services).
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from nhiemvu.reminders.services import RoundResult, remind_round


class Command(BaseCommand):
    help = "Đôn đốc: tạo thông báo nhắc việc, gửi thư / Reminders: make notifications, send e-mail."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopping = threading.Event()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", action="store_true", help="keep running, one round every --interval seconds"
        )
        parser.add_argument(
            "--interval", type=float, default=300.0, help="seconds between rounds (default 300)"
        )

    def handle_one(self) -> RoundResult:
        """One round; returns what it did. The unit tests and the two-worker test call this."""
        result = remind_round()
        self.stdout.write(
            f"Đôn đốc ngày {result.today:%d/%m/%Y}: {result.created} thông báo mới, "
            f"{result.emailed} thư gửi ngay, {result.digests} thư tổng hợp."
        )
        return result

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["loop"]:
            self.handle_one()
            return
        previous = signal.signal(signal.SIGTERM, lambda *_: self.stopping.set())
        try:
            while not self.stopping.is_set():
                # A worker lives for weeks: drop connections the database may have closed meanwhile
                # (never from inside a caller's transaction, which a test wraps around us).
                if not connection.in_atomic_block:
                    close_old_connections()
                try:
                    self.handle_one()
                except Exception as exc:  # one bad round (database restart) must not end the worker
                    self.stderr.write(f"Lỗi vòng đôn đốc: {exc!r}")
                self.stopping.wait(options["interval"])
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        self.stdout.write("Đã dừng đôn đốc.")
