"""`nhiemvu backup` / `nhiemvu restore`: a round trip into an empty database finds every row and
every uploaded file; a non-empty target, a foreign engine and a stranger's file are refused."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from nhiemvu.core.backup import BackupError, backup_restore, read_manifest
from nhiemvu.reporting.models import Attachment
from nhiemvu.reporting.services import (
    ReportInput,
    attachment_add,
    periods_generate,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.testing import Cast, make_plan

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and sqlite3 see committed rows only


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def filled(cast: Cast, media: Path) -> Attachment:
    plan = make_plan(cast, tasks=3, targets_per_task=2)
    periods_generate(plan=plan)
    task = plan.tasks.get(code="1")
    report = report_start(task=task, period=plan.periods.get(key="2023-06"), user=cast.unit_staff)
    data = ReportInput(
        percent_done=Decimal(40),
        narrative="Đã trồng 500 ha rừng.",
        values={t.pk: (Decimal(500), None) for t in task.targets.all()},
    )
    report = report_save_draft(report=report, user=cast.unit_staff, revision=report.revision, data=data)
    attachment = attachment_add(
        report=report, user=cast.unit_staff, name="bien-ban.pdf", data=b"%PDF-1.7\nbb\n"
    )
    report_submit(report=report, user=cast.unit_staff)
    return attachment


def _database_url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def empty_target(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for a `nhiemvu` subprocess whose database is new and empty, and its media root."""
    env = {**os.environ, "MEDIA_ROOT": str(tmp_path / "restored-media"), "DJANGO_ENV": "development"}
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        yield env
        return
    import psycopg

    name = f"nv_restore_{os.getpid()}"
    admin = _database_url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = _database_url(name)
    yield env
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _nhiemvu(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nhiemvu", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _counts_of(env: dict[str, str]) -> dict[str, int]:
    """Every table's rows in the restored database, read without Django."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        conn.close()
        return counts
    import psycopg

    with psycopg.connect(url) as pg:

        def count(table: str) -> int:
            row = pg.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()
            assert row is not None  # COUNT(*) always returns a row
            return int(row[0])

        tables = [r[0] for r in pg.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {t: count(t) for t in tables}


def test_a_round_trip_into_an_empty_database_finds_everything(
    filled: Attachment, media: Path, tmp_path: Path, empty_target: dict[str, str]
) -> None:
    archive = tmp_path / "nhiemvu.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    manifest = read_manifest(archive)
    assert manifest.engine == connection.vendor
    assert manifest.counts["plans_plan"] == 1 and manifest.counts["plans_task"] == 3
    assert manifest.counts["audit_auditentry"] > 0
    assert manifest.media_files == 1

    result = _nhiemvu(empty_target, "restore", str(archive))
    assert result.returncode == 0, result.stderr
    restored = _counts_of(empty_target)
    assert {t: restored.get(t) for t in manifest.counts} == manifest.counts
    assert filled.file.name is not None
    restored_file = Path(empty_target["MEDIA_ROOT"]) / filled.file.name
    assert restored_file.read_bytes() == b"%PDF-1.7\nbb\n"
    # The restored site works on it: Django sees the plan and its submitted report.
    check = _nhiemvu(
        empty_target,
        "shell",
        "--no-imports",
        "-c",
        "from nhiemvu.reporting.models import ProgressReport as R; print(R.objects.get().status)",
    )
    assert check.stdout.strip() == "submitted", check.stderr


def test_restore_refuses_a_database_that_holds_data_unless_forced(
    filled: Attachment, tmp_path: Path, empty_target: dict[str, str]
) -> None:
    archive = tmp_path / "nhiemvu.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    assert _nhiemvu(empty_target, "restore", str(archive)).returncode == 0
    again = _nhiemvu(empty_target, "restore", str(archive))
    assert again.returncode != 0
    assert "đã có dữ liệu" in again.stderr
    forced = _nhiemvu(empty_target, "restore", str(archive), "--force")
    assert forced.returncode == 0, forced.stderr
    assert _counts_of(empty_target)["plans_task"] == 3


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    stranger = tmp_path / "khac.tar.gz"
    with tarfile.open(stranger, "w:gz") as archive:
        data = b"x"
        info = tarfile.TarInfo("db.sqlite3")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="không phải bản sao lưu"):
        backup_restore(path=stranger)


def test_restore_refuses_another_engine_s_backup(filled: Attachment, tmp_path: Path) -> None:
    archive = tmp_path / "nhiemvu.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    manifest = read_manifest(archive)
    other = "postgresql" if manifest.engine == "sqlite" else "sqlite"
    forged = tmp_path / "khac-engine.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(forged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]  # a regular file: never None
            if member.name == "manifest.json":
                data = data.replace(f'"{manifest.engine}"'.encode(), f'"{other}"'.encode())
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="không khôi phục được"):
        backup_restore(path=forged, force=True)
