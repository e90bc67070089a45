"""Plan JSON through the API: import the seed plan, export it, import the export elsewhere, export again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nhiemvu.organisations.models import Membership, Organisation, OrganisationKind, Role
from nhiemvu.plans.models import Plan
from nhiemvu.testing import Cast

from .conftest import Api

pytestmark = pytest.mark.django_db

DOCUMENT_KEYS = ["kind", "number", "symbol", "issuer", "place", "issued_on", "year", "title", "signer"]
TASK_KEYS = ["code", "parent", "title", "leader", "lead_unit", "support_units", "deadline", "recurrence"]


@pytest.fixture
def gold(shared_dir: Path) -> dict[str, Any]:
    return json.loads((shared_dir / "corpus" / "seed" / "lang-son-snn-2023.gold.json").read_text())


def spec_view(plan_json: dict[str, Any]) -> dict[str, Any]:
    """The keys the spec defines, numbers compared as numbers (5 == 5.0)."""
    return {
        "document": {k: plan_json["document"][k] for k in DOCUMENT_KEYS},
        "references": plan_json["references"],
        "tasks": [
            {
                **{k: t[k] for k in TASK_KEYS},
                "targets": [
                    {k: x[k] for k in ("name", "unit", "comparator", "value", "max", "change")}
                    for x in t["targets"]
                ],
                "milestones": [{k: m[k] for k in ("due", "text", "value", "unit")} for m in t["milestones"]],
            }
            for t in plan_json["tasks"]
        ],
        "reporting": plan_json["reporting"],
        "recipients": plan_json["recipients"],
        "findings": [(f["code"], f["task"]) for f in plan_json["findings"]],
    }


def test_the_seed_plan_comes_back_from_export_as_it_was_imported(
    api_as: Any, cast: Cast, gold: dict[str, Any]
) -> None:
    api: Api = api_as(cast.planning_finance)
    response = api.post("/plans/import", {"plan": gold})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] is True
    assert body["plan"]["issuer"]["id"] == cast.department.pk
    assert [f["code"] for f in body["plan"]["findings"]] == ["blank_number", "blank_date", "year_mismatch"]

    exported = api.get(f"/plans/{body['plan']['id']}/export")
    assert exported.status_code == 200
    assert exported.json()["schema"] == "nhiemvu.plan/1"
    assert spec_view(exported.json()) == spec_view(gold)


def test_an_export_imported_for_another_issuer_exports_the_same(
    api_as: Any, cast: Cast, gold: dict[str, Any]
) -> None:
    api: Api = api_as(cast.planning_finance)
    first_id = api.post("/plans/import", {"plan": gold}).json()["plan"]["id"]
    first = api.get(f"/plans/{first_id}/export").json()

    # A fresh department elsewhere in the province, with its own planning-finance official.
    other = Organisation.objects.create(
        parent=cast.province, name="Sở Nông nghiệp tỉnh Bên Cạnh", kind=OrganisationKind.DEPARTMENT
    )
    division = Organisation.objects.create(parent=other, name="Phòng KH-TC Bên Cạnh", kind="division")
    from django.contrib.auth import get_user_model

    planner = get_user_model().objects.create_user(username="khtc2", password="x")
    Membership.objects.create(user=planner, organisation=division, role=Role.PLANNING_FINANCE)
    other_api: Api = api_as(planner)
    response = other_api.post("/plans/import", {"plan": first, "issuer": other.pk})
    assert response.status_code == 201, response.json()
    second_id = response.json()["plan"]["id"]
    assert Plan.objects.get(pk=second_id).issuer == other

    second = other_api.get(f"/plans/{second_id}/export").json()
    assert second == first


def test_importing_the_same_document_twice_is_a_409_naming_the_plan(
    api_as: Any, cast: Cast, gold: dict[str, Any]
) -> None:
    api: Api = api_as(cast.planning_finance)
    gold["document"]["number"] = "12/KH-SNN"
    gold["document"]["issued_on"] = "2023-02-10"
    first = api.post("/plans/import", {"plan": gold}).json()["plan"]["id"]
    response = api.post("/plans/import", {"plan": gold})
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_plan"
    assert response.json()["details"] == {"plan": first}
    assert Plan.objects.count() == 1

    gold["tasks"] = gold["tasks"][:2]
    updated = api.post("/plans/import", {"plan": gold, "update_plan": first})
    assert updated.status_code == 200
    assert updated.json()["created"] is False
    assert Plan.objects.get(pk=first).tasks.count() == 2


def test_a_plan_json_the_importer_refuses_is_a_422_with_the_importers_code(api_as: Any, cast: Cast) -> None:
    api: Api = api_as(cast.planning_finance)
    plan: dict[str, Any] = {
        "document": {"title": "Kế hoạch thử", "year": 2023},
        "tasks": [{"code": "1", "title": "Việc một", "targets": [{"name": "diện tích", "value": -5}]}],
    }
    response = api.post("/plans/import", {"plan": plan})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"  # a negative amount is refused by the schema

    plan["tasks"][0]["targets"][0] = {"name": "diện tích", "comparator": "range", "value": 5}
    response = api.post("/plans/import", {"plan": plan})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_target"
    assert "tối đa" in response.json()["message"]
    assert Plan.objects.count() == 0


def test_a_plan_file_is_extracted_and_imported(api_as: Any, cast: Cast, seed_plan_path: Path) -> None:
    api: Api = api_as(cast.planning_finance)
    with seed_plan_path.open("rb") as handle:
        response = api.upload("/plans/import/file", {"file": handle})
    assert response.status_code == 201, response.json()
    plan = Plan.objects.get(pk=response.json()["plan"]["id"])
    assert plan.tasks.count() >= 5
    assert plan.source_document is not None and plan.source_document.content_hash

    with seed_plan_path.open("rb") as handle:
        again = api.upload("/plans/import/file", {"file": handle})
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_plan"


def test_a_file_the_extractor_cannot_read_is_a_400_with_its_code(
    api_as: Any, cast: Cast, tmp_path: Path
) -> None:
    api: Api = api_as(cast.planning_finance)
    empty = tmp_path / "trong.txt"
    empty.write_bytes(b"")
    with empty.open("rb") as handle:
        response = api.upload("/plans/import/file", {"file": handle})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "message_en", "details"}
    assert body["code"] != "validation_error"
    assert Plan.objects.count() == 0


@pytest.mark.parametrize("role", ["director", "deputy", "unit_staff", "reviewer", "outsider"])
def test_only_planning_finance_imports_everyone_else_gets_404(
    api_as: Any, cast: Cast, gold: dict[str, Any], role: str
) -> None:
    response = api_as(getattr(cast, role)).post("/plans/import", {"plan": gold})
    assert response.status_code == 404
    assert Plan.objects.count() == 0


def test_a_planner_cannot_import_for_an_issuer_outside_their_scope(
    api_as: Any, cast: Cast, gold: dict[str, Any]
) -> None:
    outside = Organisation.objects.create(name="UBND tỉnh Khác", kind=OrganisationKind.PROVINCE_COMMITTEE)
    response = api_as(cast.planning_finance).post("/plans/import", {"plan": gold, "issuer": outside.pk})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_issuer"
    assert Plan.objects.count() == 0
