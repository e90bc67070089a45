"""Abandoned uploads don't keep their files in the database for ever; committed ones keep theirs once."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from nhiemvu.ingest.models import ImportSession, ImportStatus
from nhiemvu.ingest.parsing import extract_bytes
from nhiemvu.ingest.services import import_session_commit, import_session_stage
from nhiemvu.testing import Cast

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 3, 20, 8, 0, tzinfo=dt.UTC)


def stage(cast: Cast, path: Path, name: str) -> ImportSession:
    data = path.read_bytes()
    return import_session_stage(
        user=cast.planning_finance,
        issuer=cast.department,
        file_name=name,
        data=data,
        plan_json=extract_bytes(data, path.name),
    )


def test_uploads_pending_longer_than_the_limit_are_discarded_with_their_bytes(
    cast: Cast, seed_plan_path: Path
) -> None:
    with time_machine.travel(NOW - dt.timedelta(days=10), tick=False):
        old = stage(cast, seed_plan_path, "cu.txt")
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        recent = stage(cast, seed_plan_path, "moi.txt")
    with time_machine.travel(NOW - dt.timedelta(days=30), tick=False):
        committed = stage(cast, seed_plan_path, "da-nhap.txt")
        import_session_commit(session=committed, user=cast.planning_finance, plan_json=committed.plan_json)
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("expire-imports", "--days", "7", stdout=out)
    assert "Đã hủy 1 lượt nhập" in out.getvalue() and "Discarded 1 uploads" in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    committed.refresh_from_db()
    assert (old.status, bytes(old.file_bytes)) == (ImportStatus.DISCARDED, b"")
    assert recent.status == ImportStatus.PENDING and bytes(recent.file_bytes) == seed_plan_path.read_bytes()
    assert committed.status == ImportStatus.COMMITTED and committed.plan is not None


def test_a_committed_upload_keeps_its_file_once_on_the_source_document(
    cast: Cast, seed_plan_path: Path
) -> None:
    session = stage(cast, seed_plan_path, "ke-hoach.txt")
    plan = import_session_commit(session=session, user=cast.planning_finance, plan_json=session.plan_json)
    session.refresh_from_db()
    assert bytes(session.file_bytes) == b""
    assert plan.source_document is not None
    with plan.source_document.file.open("rb") as f:
        assert f.read() == seed_plan_path.read_bytes()


def test_expire_imports_refuses_a_limit_under_one_day(cast: Cast) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("expire-imports", "--days", "0", stdout=io.StringIO())
    assert raised.value.returncode == 2
