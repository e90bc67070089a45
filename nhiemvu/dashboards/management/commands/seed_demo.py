"""`nhiemvu seed-demo --scale province`: a synthetic province for demos and benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from nhiemvu.dashboards.demo import DEMO_PASSWORD, SCALES, seed_province


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mô phỏng cấp tỉnh (20 sở, 1.000 nhiệm vụ, 3.000 chỉ tiêu, 24 kỳ tháng) / "
        "Build a synthetic province-sized data set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="province")
        parser.add_argument(
            "--start-year",
            type=int,
            default=None,
            help="first plan year (default: last year, so the second plan is this year's)",
        )
        parser.add_argument(
            "--all-months",
            action="store_true",
            help="report every month, even those whose cut-off is still ahead (benchmarks)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        start_year = options["start_year"] or today.year - 1
        started = time.perf_counter()
        made = seed_province(
            scale=SCALES[options["scale"]],
            start_year=start_year,
            today=None if options["all_months"] else today,
        )
        self.stdout.write(
            f"{len(made.plan_ids)} kế hoạch, {made.reports:,} báo cáo "
            f"({time.perf_counter() - started:.1f} s). "
            f"Người dùng: {', '.join(made.usernames) or '—'} / mật khẩu {DEMO_PASSWORD}"
        )
