"""`nhiemvu restore FILE [--force]`: put a backup back into the configured database and MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nhiemvu.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Khôi phục từ bản sao lưu / Restore from a backup."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="an archive written by `nhiemvu backup`")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database that already holds data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(path=options["file"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã khôi phục / restored {manifest.created_at}: {sum(manifest.counts.values())} dòng / rows, "
            f"{manifest.media_files} tệp / files. Chạy / run `nhiemvu migrate` nếu mã mới hơn / if the code is newer."
        )
