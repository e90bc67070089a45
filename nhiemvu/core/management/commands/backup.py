"""`nhiemvu backup FILE`: the database and uploaded files in one .tar.gz."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nhiemvu.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp đã tải lên / Back up the database and uploaded files."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="the archive to write (.tar.gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(path=options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.counts.values())
        self.stdout.write(
            f"{options['file']}: {manifest.engine}, {len(manifest.counts)} bảng / tables, "
            f"{rows} dòng / rows, {manifest.media_files} tệp / files"
        )
