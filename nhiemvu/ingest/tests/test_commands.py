"""`nhiemvu extract` and `nhiemvu import` on the seed plan."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from nhiemvu.plans.models import Plan, SourceDocument, Target, Task
from nhiemvu.testing import Cast

parsing = pytest.importorskip("nhiemvu.ingest.parsing", reason="the extractor is not written yet")
if not hasattr(parsing, "extract_bytes"):
    pytest.skip("nhiemvu.ingest.parsing.extract_bytes is missing", allow_module_level=True)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_extract_prints_the_plan_json_without_source_text_or_excerpts(seed_plan_path: Path) -> None:
    # No django_db mark: pytest-django fails any database access, so this also shows extract never opens it.
    plan = json.loads(run("extract", str(seed_plan_path), "--format", "json"))

    assert plan["schema"] == "nhiemvu.plan/1"
    assert "source_text" not in plan
    assert plan["tasks"] and all("excerpt" not in t for t in plan["tasks"])


def test_extract_prints_an_outline_as_text(seed_plan_path: Path) -> None:
    text = run("extract", str(seed_plan_path), "--format", "text")

    assert "Nhiệm vụ" in text
    assert "1.1." in text


def test_extract_exits_with_status_2_on_a_file_it_cannot_read(tmp_path: Path) -> None:
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")

    with pytest.raises(CommandError) as raised:
        run("extract", str(empty))

    assert raised.value.returncode == 2
    assert str(raised.value).startswith("Lỗi: ") and " / Error: " in str(raised.value)


@pytest.mark.django_db
def test_import_with_yes_creates_the_plan(cast: Cast, seed_plan_path: Path) -> None:
    out = run("import", str(seed_plan_path), "--issuer", "Sở NN&PTNT", "--yes")

    plan = Plan.objects.get()
    assert f"#{plan.pk}" in out
    assert plan.issuer == cast.department
    assert plan.tasks.count() > 0
    assert plan.source_document is not None
    assert plan.source_document.content_hash


@pytest.mark.django_db
def test_import_takes_the_issuer_from_the_document_when_none_is_given(
    cast: Cast, seed_plan_path: Path
) -> None:
    run("import", str(seed_plan_path), "--yes")

    assert Plan.objects.get().issuer == cast.department


@pytest.mark.django_db
def test_import_refuses_a_second_run_of_the_same_file(cast: Cast, seed_plan_path: Path) -> None:
    run("import", str(seed_plan_path), "--issuer", "Sở NN&PTNT", "--yes")

    with pytest.raises(CommandError) as raised:
        run("import", str(seed_plan_path), "--issuer", "Sở NN&PTNT", "--yes")

    assert raised.value.returncode == 1
    assert "--update" in str(raised.value)
    assert Plan.objects.count() == 1


@pytest.mark.django_db
def test_import_with_update_updates_the_plan_in_place(cast: Cast, seed_plan_path: Path) -> None:
    run("import", str(seed_plan_path), "--issuer", "Sở NN&PTNT", "--yes")
    plan = Plan.objects.get()
    task_ids = set(plan.tasks.values_list("id", flat=True))

    out = run("import", str(seed_plan_path), "--issuer", "Sở NN&PTNT", "--yes", "--update")

    assert "Đã cập nhật" in out
    assert Plan.objects.get().pk == plan.pk
    assert set(Task.objects.values_list("id", flat=True)) == task_ids


@pytest.mark.django_db
def test_import_refuses_an_unknown_issuer_and_writes_nothing(cast: Cast, seed_plan_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        run("import", str(seed_plan_path), "--issuer", "Sở Không Có", "--yes")

    assert "--issuer" in str(raised.value)
    assert (
        Plan.objects.count(),
        Task.objects.count(),
        Target.objects.count(),
        SourceDocument.objects.count(),
    ) == (
        0,
        0,
        0,
        0,
    )


@pytest.mark.django_db
def test_import_exits_with_status_2_on_an_unreadable_file(cast: Cast, tmp_path: Path) -> None:
    garbage = tmp_path / "rac.pdf"
    garbage.write_bytes(b"\x00\x01 not a pdf at all")

    with pytest.raises(CommandError) as raised:
        run("import", str(garbage), "--issuer", "Sở NN&PTNT", "--yes")

    assert raised.value.returncode == 2
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_import_without_yes_asks_and_a_no_writes_nothing(
    cast: Cast, seed_plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")

    out = run("import", str(seed_plan_path), "--issuer", "Sở NN&PTNT")

    assert "Nhiệm vụ" in out and "Đã hủy" in out
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_import_reads_a_doc_itself_where_the_web_hands_it_to_the_worker(
    cast: Cast, seed_plan_path: Path, tmp_path: Path
) -> None:
    """Issue 16: the console waits for LibreOffice (the web queues a job); the plan is the .txt's."""
    from nhiemvu.ingest.parsing.tests.scanned import typed_docx
    from nhiemvu.lib import soffice

    if soffice.soffice_path() is None:
        pytest.skip("LibreOffice is not installed")
    docx = typed_docx(seed_plan_path.read_text(encoding="utf-8"))
    legacy = tmp_path / "ke-hoach-2023.doc"
    legacy.write_bytes(soffice.convert(soffice.convert(docx, ".docx", "odt"), ".odt", "doc"))
    run("import", str(legacy), "--issuer", "Sở NN&PTNT", "--yes")
    plan = Plan.objects.get()
    expected = parsing.extract_file(seed_plan_path)
    assert [t.code for t in plan.tasks.order_by("order")] == [t["code"] for t in expected["tasks"]]
    assert Target.objects.filter(task__plan=plan).count() == sum(len(t["targets"]) for t in expected["tasks"])
