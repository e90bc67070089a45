"""Backups: the database and the uploaded files in one archive, and the way back.

The archive is a .tar.gz holding `manifest.json` (format, nhiemvu version, engine, date, the
row count of every table), the database (`db.sqlite3` from SQLite's online backup, or
`db.dump` from `pg_dump -Fc`) and `media/` (uploaded plans and report attachments).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

from .errors import DomainError

FORMAT = "nhiemvu-backup/1"
MANIFEST = "manifest.json"
SQLITE_FILE = "db.sqlite3"
PG_FILE = "db.dump"
MEDIA_DIR = "media"


class BackupError(DomainError):
    code = "backup_error"


@dataclass(frozen=True)
class Manifest:
    format: str
    version: str
    engine: str
    created_at: str
    counts: dict[str, int]
    media_files: int

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=2, sort_keys=True)


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(
            f"Không sao lưu được cơ sở dữ liệu {vendor}.", message_en=f"Unsupported database {vendor}."
        )
    return vendor


def _nhiemvu_version() -> str:
    try:
        return version("nhiemvu")
    except PackageNotFoundError:
        return "unknown"


def table_counts() -> dict[str, int]:
    """Rows in every table of the configured database (what a restore must give back)."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            f"{argv[0]} thất bại: {result.stderr.strip()[-500:]}", message_en=f"{argv[0]} failed."
        )


def _media_root() -> Path | None:
    """The uploaded files' folder, or None when they live in an S3 bucket (backed up there)."""
    if settings.MEDIA_STORAGE != "local":
        return None
    return Path(settings.MEDIA_ROOT)


def backup_create(*, path: Path) -> Manifest:
    """Write the archive to `path` (written beside it first, renamed when complete)."""
    engine = _engine()
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="nhiemvu-backup-") as tmp:
        work = Path(tmp)
        if engine == "sqlite":
            # The online backup API copies a consistent snapshot while the site keeps writing.
            source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
            target = sqlite3.connect(str(work / SQLITE_FILE))
            with target:
                source.backup(target)
            target.close()
            source.close()
        else:
            args, env = _pg_env()
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-acl",
                    "--file",
                    str(work / PG_FILE),
                    *args,
                ],
                env,
            )
        # Counted after the dump: a row written in between is in the dump, not in the count,
        # and restore checks "at least", never fewer.
        counts = table_counts()
        media = _media_root()
        files = [p for p in media.rglob("*") if p.is_file()] if media and media.is_dir() else []
        manifest = Manifest(
            format=FORMAT,
            version=_nhiemvu_version(),
            engine=engine,
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            counts=counts,
            media_files=len(files),
        )
        (work / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        partial = path.with_name(path.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            db_file = SQLITE_FILE if engine == "sqlite" else PG_FILE
            archive.add(work / db_file, arcname=db_file)
            for file in files:
                archive.add(file, arcname=f"{MEDIA_DIR}/{file.relative_to(media)}")  # type: ignore[arg-type]  # files is empty when media is None
        os.replace(partial, path)
    return manifest


def read_manifest(path: Path) -> Manifest:
    try:
        with tarfile.open(path, "r:*") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            data: dict[str, Any] = json.loads(member.read().decode("utf-8"))
        manifest = Manifest(**data)
    except (OSError, tarfile.TarError, KeyError, ValueError, TypeError) as exc:
        raise BackupError(
            f"Tệp {path} không phải bản sao lưu của nhiemvu ({exc}).", message_en="Not an nhiemvu backup."
        ) from exc
    if manifest.format != FORMAT:
        raise BackupError(
            f"Định dạng sao lưu {manifest.format} không được hỗ trợ.", message_en="Unsupported backup format."
        )
    return manifest


def _existing_rows() -> int:
    return sum(
        n
        for table, n in table_counts().items()
        if table not in {"django_migrations", "django_content_type", "auth_permission"}
    )


def backup_restore(*, path: Path, force: bool = False) -> Manifest:
    """Replace the configured database and uploaded files with the archive's.

    Refuses a database that already holds data unless `force`. The database part is atomic
    (one SQLite backup step; pg_restore --single-transaction); the files are unpacked beside
    MEDIA_ROOT and swapped in only once the database is restored.
    """
    manifest = read_manifest(path)
    engine = _engine()
    if manifest.engine != engine:
        raise BackupError(
            f"Bản sao lưu của {manifest.engine} không khôi phục được vào {engine}.",
            message_en=f"A {manifest.engine} backup can't be restored into {engine}.",
        )
    if not force and _existing_rows():
        raise BackupError(
            "Cơ sở dữ liệu đích đã có dữ liệu; dùng --force để ghi đè.",
            message_en="The target database is not empty; use --force to overwrite it.",
        )
    media = _media_root()
    with tempfile.TemporaryDirectory(prefix="nhiemvu-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(path, "r:*") as archive:
            archive.extractall(work, filter="data")  # refuses absolute paths and ../ escapes
        connections.close_all()
        if engine == "sqlite":
            source = sqlite3.connect(str(work / SQLITE_FILE))
            target = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]), timeout=30)
            with target:
                source.backup(target)
            target.close()
            source.close()
        else:
            args, env = _pg_env()
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-acl",
                    "--single-transaction",
                    *args,
                    str(work / PG_FILE),
                ],
                env,
            )
        if media is not None and (work / MEDIA_DIR).is_dir():
            media.parent.mkdir(parents=True, exist_ok=True)
            incoming = media.with_name(media.name + ".restoring")
            old = media.with_name(media.name + ".before-restore")
            shutil.rmtree(incoming, ignore_errors=True)
            shutil.move(str(work / MEDIA_DIR), incoming)
            if media.exists():
                shutil.rmtree(old, ignore_errors=True)
                media.rename(old)
            incoming.rename(media)
            shutil.rmtree(old, ignore_errors=True)
    connections.close_all()
    missing = {t: n for t, n in manifest.counts.items() if table_counts().get(t, 0) < n}
    if missing:
        raise BackupError(
            f"Khôi phục thiếu dữ liệu ở các bảng: {', '.join(sorted(missing))}.",
            message_en="The restored database is missing rows.",
        )
    return manifest
