"""`nhiemvu expire-imports [--days 7]`: discard plan uploads nobody confirmed or cancelled.

A pending upload keeps its file (up to MAX_UPLOAD_BYTES) in the database until it is confirmed
or cancelled; run this daily (cron, or beside `nhiemvu remind --loop`) so abandoned ones don't pile up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nhiemvu.ingest.services import import_sessions_expire


class Command(BaseCommand):
    help = (
        "Hủy các lượt nhập kế hoạch bỏ dở quá N ngày (mặc định 7) / "
        "Discard plan uploads left unconfirmed for more than N days (default 7)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=7, help="tuổi tối thiểu, tính theo ngày / minimum age in days"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 1:
            raise CommandError(
                "Lỗi: --days phải từ 1 trở lên / Error: --days must be at least 1", returncode=2
            )
        count = import_sessions_expire(older_than=dt.timedelta(days=days))
        self.stdout.write(
            f"Đã hủy {count} lượt nhập bỏ dở quá {days} ngày / Discarded {count} uploads older than {days} days."
        )
