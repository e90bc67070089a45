"""`nhiemvu demo`: migrate, load the sample plan through the import, create demo users, serve."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from nhiemvu.demo.data import DEMO_PASSWORD, demo_load
from nhiemvu.ingest.parsing import ExtractionError
from nhiemvu.plans.models import Plan, Target
from nhiemvu.reporting.models import ProgressReport


class Command(BaseCommand):
    help = "Dựng dữ liệu trình diễn và chạy máy chủ / Set up the demo data and serve it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--plan", type=Path, default=settings.DEMO_PLAN_PATH, help="the plan document to load"
        )
        parser.add_argument(
            "--addrport",
            default=f"127.0.0.1:{os.environ.get('PORT') or 8000}",
            help="where to serve (default 127.0.0.1:$PORT, PORT defaulting to 8000)",
        )
        parser.add_argument("--no-serve", action="store_true", help="load the data and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        plan_path: Path = options["plan"]
        if not plan_path.is_file():
            raise CommandError(
                f"Không tìm thấy kế hoạch mẫu {plan_path} / Sample plan not found: "
                "check out the project beside ../shared or set DEMO_PLAN_PATH."
            )
        call_command("migrate", interactive=False, verbosity=0)
        try:
            plan, logins = demo_load(plan_path=plan_path, live=True)
        except ExtractionError as exc:
            raise CommandError(f"Lỗi: {exc.message_vi} / Error: {exc.message_en}") from exc
        for shown in Plan.objects.filter(issuer=plan.issuer).order_by("-year"):
            tasks = shown.tasks.count()
            targets = Target.objects.filter(task__plan=shown).count()
            reports = ProgressReport.objects.filter(task__plan=shown).exclude(status="draft").count()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Kế hoạch năm {shown.year}: {shown.title[:70]}… — {tasks} nhiệm vụ, {targets} chỉ tiêu, "
                    f"{reports} báo cáo đã gửi"
                )
            )
        self.stdout.write(f"Tài khoản trình diễn (mật khẩu chung: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role:<32} {login.organisation}")
        if options["no_serve"]:
            return
        address = f"http://{options['addrport']}"
        if not os.environ.get("NHIEMVU_SITE_URL"):
            # Links in e-mails and calendar feeds point where this demo actually answers.
            os.environ["NHIEMVU_SITE_URL"] = settings.NHIEMVU_SITE_URL = address
        self.stdout.write(f"Mở {address}/ — Ctrl+C để dừng.")
        # The background jobs (scans, .doc files, reminder rounds) run beside the server, in a
        # worker of their own that stops with it.
        worker = subprocess.Popen([sys.executable, "-m", "nhiemvu", "worker"], env=os.environ.copy())
        try:
            # The production server, not Django's development one: the demo behaves as a real
            # install does (request limits, no /media/ URLs, several workers); two suit a laptop.
            call_command("serve", bind=options["addrport"], workers=2)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
