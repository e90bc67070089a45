"""One plan-JSON schema (nhiemvu.lib.plan_json): the gold files, the extractor, the export, the review
form and the demo all have its shape, and what does not conform is refused in Vietnamese and English."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from nhiemvu.api.export import plan_export
from nhiemvu.core.errors import DomainError
from nhiemvu.demo.live import _plan_json as live_plan_json
from nhiemvu.ingest.management.commands.extract import plan_for_output
from nhiemvu.ingest.parsing import ExtractionError, build, extract_file
from nhiemvu.ingest.services import InvalidDateError, InvalidTargetError, PlanImportError, plan_import_commit
from nhiemvu.lib.plan_json import PlanJSON, PlanJSONIn, ValidationError, plan_json_check, plan_json_problem
from nhiemvu.plans.models import Plan, Task
from nhiemvu.testing import Cast


def _corpus(shared_dir: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for gold in sorted((shared_dir / "corpus").glob("*/*.gold.json")):
        stem = gold.name.removesuffix(".gold.json")
        source = next(p for p in gold.parent.glob(f"{stem}.*") if not p.name.endswith(".json"))
        pairs.append((gold, source))
    return pairs


def test_every_gold_file_has_the_schemas_shape(shared_dir: Path) -> None:
    pairs = _corpus(shared_dir)
    assert len(pairs) >= 6
    for gold, _ in pairs:
        plan = json.loads(gold.read_text(encoding="utf-8"))
        assert plan_json_problem(plan) is None, gold.name
        PlanJSONIn.model_validate(plan)  # and the importer reads it


def test_the_extractors_output_for_every_corpus_document_has_the_schemas_shape(shared_dir: Path) -> None:
    for _, source in _corpus(shared_dir):
        plan = extract_file(source)
        assert plan_json_problem(plan) is None, source.name
        assert plan_json_problem(plan_for_output(plan)) is None, source.name  # what `nhiemvu extract` prints


def test_the_extractor_refuses_to_hand_out_a_plan_of_another_shape(
    shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = build.build_plan

    def broken(seg: Any) -> dict[str, Any]:
        plan = real(seg)
        plan["tasks"][0]["targets"] = [{"name": "diện tích", "unit": "ha", "comparator": "=", "value": "5"}]
        return plan

    monkeypatch.setattr(build, "build_plan", broken)
    with pytest.raises(ExtractionError) as raised:
        extract_file(shared_dir / "corpus" / "seed" / "lang-son-snn-2023.txt")
    assert raised.value.code == "invalid_output"
    assert "định dạng" in raised.value.message_vi
    assert "tasks.0.targets.0.value" in raised.value.message_en


def test_the_schema_is_the_specs_shape() -> None:
    plan: dict[str, Any] = {
        "schema": "nhiemvu.plan/1",
        "document": {
            "kind": "KH",
            "number": None,
            "symbol": "KH-SNN",
            "issuer": "Sở Nông nghiệp và PTNT",
            "place": "Lạng Sơn",
            "issued_on": None,
            "year": 2023,
            "title": "Thực hiện nhiệm vụ năm 2023",
            "signer": None,
        },
        "references": [{"number": "58/QĐ-UBND", "date": "2023-01-17"}],
        "tasks": [],
        "targets": [
            {
                "name": "x",
                "unit": "ha",
                "comparator": ">=",
                "value": 5,
                "max": None,
                "change": None,
                "lead_unit": "A",
            }
        ],
        "reporting": {"compiler": None, "frequencies": ["half-yearly"]},
        "recipients": [],
        "findings": [],
    }
    assert plan_json_check(plan) is plan
    for path, bad in [
        (("document", "year"), "2023"),  # a number, never a string
        (("document", "issued_on"), "10/02/2023"),  # ISO dates only
        (("reporting", "frequencies"), ["weekly"]),
        (("references",), [{"number": "58/QĐ-UBND"}]),  # a listed key is never left out
    ]:
        broken = copy.deepcopy(plan)
        where: Any = broken  # a JSON object, then the objects within it
        for key in path[:-1]:
            where = where[key]
        where[path[-1]] = bad
        with pytest.raises(ValidationError):
            PlanJSON.model_validate(broken)
    # Keys the spec does not list may be added.
    assert plan_json_problem({**plan, "source_text": "…"}) is None


def test_the_live_demos_plan_has_the_schemas_shape() -> None:
    import datetime as dt

    day = dt.date(2025, 12, 31)
    plan = live_plan_json(2025, {"done": day, "overdue": day})
    assert plan_json_problem(plan) is None


@pytest.mark.django_db
def test_the_export_of_an_imported_gold_plan_has_the_schemas_shape(
    cast: Cast, seed_gold: dict[str, Any]
) -> None:
    plan = plan_import_commit(plan_json=seed_gold, issuer=cast.department, user=cast.planning_finance)
    assert plan_json_problem(plan_export(plan)) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, error, vi, en",
    [
        ({"deadline": "30/6/2023"}, InvalidDateError, "Nhiệm vụ 9: thời hạn", "Task 9: deadline"),
        (
            {"targets": [{"name": "x", "comparator": "=", "value": [5]}]},
            InvalidTargetError,
            "Nhiệm vụ 9, chỉ tiêu 1: «[5]» không phải là một số",
            "Task 9, target 1",
        ),
        ({"title": ["một", "hai"]}, PlanImportError, "Nhiệm vụ 9", "Task 9"),
        ({"lead_unit": "A" * 2001}, PlanImportError, "quá dài", "Task 9"),
        ({"support_units": "Sở Tài chính"}, PlanImportError, "Nhiệm vụ 9", "Task 9"),
    ],
)
def test_an_invalid_plan_json_is_refused_in_vietnamese_and_english_and_writes_nothing(
    cast: Cast, seed_gold: dict[str, Any], change: dict[str, Any], error: type[DomainError], vi: str, en: str
) -> None:
    plan_json = copy.deepcopy(seed_gold)
    plan_json["tasks"].append({"code": "9", "title": "Nhiệm vụ cuối"} | change)

    with pytest.raises(error) as raised:
        plan_import_commit(plan_json=plan_json, issuer=cast.department, user=cast.planning_finance)

    assert vi in raised.value.message
    assert en in raised.value.message_en
    assert "Traceback" not in raised.value.message + raised.value.message_en
    assert (Plan.objects.count(), Task.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_plan_json_that_is_not_an_object_at_all_is_refused_in_both_languages(cast: Cast) -> None:
    bad: dict[str, Any]
    for bad in ({"document": "KH"}, {"document": {"title": "Kế hoạch", "year": "năm nay"}}, {"tasks": {}}):
        with pytest.raises(PlanImportError) as raised:
            plan_import_commit(plan_json=bad, issuer=cast.department, user=None)
        assert raised.value.message and raised.value.message_en
        assert raised.value.message != raised.value.message_en
