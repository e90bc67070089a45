"""`nhiemvu extract FILE --format json|text`: run the extractor on a file, print the plan. No database."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

NO_TASKS_STATUS = 3


def plan_for_output(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan JSON without the bulky source text and per-task excerpts (kept for the review screen)."""
    out = {k: v for k, v in plan.items() if k != "source_text"}
    out["tasks"] = [{k: v for k, v in t.items() if k != "excerpt"} for t in plan.get("tasks") or []]
    return out


class Command(BaseCommand):
    help = (
        "Trích xuất kế hoạch từ một tệp (.docx, .doc, .odt, .pdf, bản scan, ảnh, .xlsx, .txt, .md) "
        "và in ra JSON hoặc dàn ý."
    )
    # The extractor is pure Python: skip the system checks, which would open the database.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp kế hoạch")
        parser.add_argument(
            "--format", choices=["json", "text"], default="json", help="json (mặc định) hoặc text"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from nhiemvu.ingest.parsing import ExtractionError, Scans, extract_file, render_outline

        scans = Scans(max_pages=settings.OCR_MAX_PAGES, progress=self._progress)
        try:
            plan = extract_file(options["file"], max_bytes=settings.MAX_UPLOAD_BYTES, scans=scans)
        except ExtractionError as exc:
            raise CommandError(f"Lỗi: {exc.message_vi} / Error: {exc.message_en}", returncode=2) from exc
        if options["format"] == "text":
            self.stdout.write(render_outline(plan))
        else:
            self.stdout.write(json.dumps(plan_for_output(plan), ensure_ascii=False, indent=2))
        if scans.pages and self.stderr.isatty():
            self.stderr.write("")
        if not plan["tasks"]:
            # Read, nothing to track: status 3, so a script tells it from "could not read" (2).
            self.stderr.write("Không tìm thấy nhiệm vụ được đánh số / No numbered tasks were found")
            raise SystemExit(NO_TASKS_STATUS)

    def _progress(self, done: int, total: int) -> None:
        if self.stderr.isatty():  # a person watching a scan being read; a script sees nothing
            self.stderr.write(f"\rĐã đọc {done}/{total} trang / {done} of {total} pages read", ending="")
