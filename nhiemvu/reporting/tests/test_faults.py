"""Faults: an import killed in the middle of its transaction leaves nothing half-written.

(The PostgreSQL restart under load restarts the machine's shared server, so it is not part of
the suite: `make fault-test` runs bench/faults.py.)
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from nhiemvu.plans.models import Milestone, Plan, Target, Task
from nhiemvu.testing import Cast

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)  # the import runs in another process


def big_plan(tasks: int) -> str:
    """A plan long enough that committing it takes seconds: the window to kill it in."""
    lines = [
        "Số: 12/KH-SNN",
        "",
        "KẾ HOẠCH",
        "",
        "Thực hiện các nhiệm vụ trọng tâm năm 2023 của Sở Nông nghiệp và Phát triển nông thôn",
        "",
        "II. NỘI DUNG THỰC HIỆN",
        "",
    ]
    for i in range(1, tasks + 1):
        lines += [
            f"{i}. Nhiệm vụ {i}: Trồng {i + 100} ha rừng phòng hộ tại xã số {i}.",
            "",
            "- *Đơn vị chủ trì tham mưu thực hiện:* Chi cục Kiểm lâm.",
            "",
            "- *Thời gian hoàn thành:* Tháng 12/2023.",
            "",
        ]
    return "\n".join(lines)


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _inside_the_transaction(pid: int) -> bool:
    """Has the import started writing (its transaction holds rows no one else sees yet)?"""
    if connection.vendor == "sqlite":
        # The importer's transaction holds SQLite's write lock: ours can't take it.
        probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        )
        return bool(cursor.fetchone()[0])


def test_an_import_killed_inside_its_transaction_leaves_nothing(cast: Cast, tmp_path: Path) -> None:
    plan_file = tmp_path / "ke-hoach-lon.txt"
    plan_file.write_text(big_plan(400), encoding="utf-8")
    before = (Plan.objects.count(), Task.objects.count(), Target.objects.count(), Milestone.objects.count())
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_ENV": "development",
        "MEDIA_ROOT": str(tmp_path),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nhiemvu",
            "import",
            str(plan_file),
            "--issuer",
            cast.department.name,
            "--yes",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not _inside_the_transaction(process.pid):
            assert process.poll() is None, process.stderr.read().decode()[-2000:]  # type: ignore[union-attr]  # started with stderr=PIPE
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.02)
        time.sleep(0.3)  # well inside: some tasks written, most not
        assert process.poll() is None, "the import finished before it could be killed: make the plan longer"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    if connection.vendor == "postgresql":
        # The server notices the dead client and rolls its transaction back.
        deadline = time.monotonic() + 30
        while _inside_the_transaction(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
    after = (Plan.objects.count(), Task.objects.count(), Target.objects.count(), Milestone.objects.count())
    assert after == before
    # And the same file imports cleanly afterwards: the killed run left no lock or half row behind.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nhiemvu",
            "import",
            str(plan_file),
            "--issuer",
            cast.department.name,
            "--yes",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert Plan.objects.count() == before[0] + 1
    assert Task.objects.count() > before[1] + 50
