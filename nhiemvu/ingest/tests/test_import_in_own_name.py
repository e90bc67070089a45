"""Issue 22, item 1: a plan is imported only in the importer's own name, through the web, the API
and the services alike. Two provinces, each with a department and its planning-finance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from nhiemvu.api.tests.conftest import Api, api_as  # noqa: F401 — the API client fixture
from nhiemvu.ingest.models import ImportSession
from nhiemvu.ingest.services import IssuerNotAllowedError, import_session_stage, plan_import_commit
from nhiemvu.organisations.models import Organisation
from nhiemvu.plans.models import Plan, SourceDocument
from nhiemvu.testing import Cast, build_far_planner

pytestmark = pytest.mark.django_db


@pytest.fixture
def gold(shared_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shared_dir / "corpus/seed/lang-son-snn-2023.gold.json").read_text())
    return data


@pytest.fixture
def far_planner(cast: Cast) -> tuple[User, Organisation]:
    """Planning-finance of a department in another province."""
    return build_far_planner()


def _foreign(cast: Cast, far: tuple[User, Organisation]) -> dict[str, Organisation]:
    return {
        "own province": cast.province,
        "sibling department": cast.other_department,
        "another province's department": far[1],
    }


@pytest.mark.parametrize("body", ["own province", "sibling department", "another province's department"])
def test_the_service_refuses_another_bodys_name_and_writes_nothing(
    cast: Cast, far_planner: tuple[User, Organisation], gold: dict[str, Any], body: str
) -> None:
    issuer = _foreign(cast, far_planner)[body]
    with pytest.raises(IssuerNotAllowedError) as refused:
        plan_import_commit(plan_json=gold, issuer=issuer, user=cast.planning_finance)
    assert refused.value.message_en == "You may import plans only for your own department and its units."
    with pytest.raises(IssuerNotAllowedError):
        import_session_stage(
            user=cast.planning_finance, issuer=issuer, file_name="x.txt", data=b"x", plan_json=gold
        )
    assert Plan.objects.count() == 0 and ImportSession.objects.count() == 0


def test_each_planner_imports_for_their_own_department(
    cast: Cast, far_planner: tuple[User, Organisation], gold: dict[str, Any]
) -> None:
    user, department = far_planner
    assert plan_import_commit(plan_json=gold, issuer=department, user=user).issuer == department
    with pytest.raises(IssuerNotAllowedError):
        plan_import_commit(plan_json=gold, issuer=cast.department, user=user)


@pytest.mark.parametrize("body", ["own province", "sibling department", "another province's department"])
def test_the_upload_page_offers_and_accepts_only_the_own_department(
    client: Client, cast: Cast, far_planner: tuple[User, Organisation], shared_dir: Path, body: str
) -> None:
    issuer = _foreign(cast, far_planner)[body]
    client.force_login(cast.planning_finance)
    page = client.get(reverse("ingest:upload")).content.decode()
    assert f'value="{cast.department.pk}"' in page and f'value="{issuer.pk}"' not in page
    with (shared_dir / "corpus/seed/lang-son-snn-2023.txt").open("rb") as upload:
        response = client.post(reverse("ingest:upload"), {"issuer": issuer.pk, "file": upload})
    assert response.status_code == 200  # the form again, with its error
    assert ImportSession.objects.count() == 0


@pytest.mark.parametrize("body", ["own province", "sibling department", "another province's department"])
def test_the_api_refuses_another_bodys_name(
    api_as: Any,  # noqa: F811 — the imported fixture
    cast: Cast,
    far_planner: tuple[User, Organisation],
    gold: dict[str, Any],
    body: str,
) -> None:
    issuer = _foreign(cast, far_planner)[body]
    api: Api = api_as(cast.planning_finance)
    response = api.post("/plans/import", {"plan": gold, "issuer": issuer.pk})
    assert response.status_code == 422 and response.json()["code"] == "invalid_issuer"
    assert Plan.objects.count() == 0


# Item 2: duplicates within the issuer's own plans; another body's document is never rewritten.


def test_another_bodys_plan_is_neither_named_nor_a_duplicate_of_ones_own(
    api_as: Any,  # noqa: F811 — the imported fixture
    cast: Cast,
    far_planner: tuple[User, Organisation],
    gold: dict[str, Any],
) -> None:
    user, department = far_planner
    theirs = plan_import_commit(plan_json=gold, issuer=cast.department, user=cast.planning_finance)
    # The same unnumbered plan text in another province is that province's own plan, not a duplicate.
    elsewhere = api_as(user).post("/plans/import", {"plan": gold, "issuer": department.pk})
    assert elsewhere.status_code == 201, elsewhere.json()
    assert Plan.objects.get(pk=elsewhere.json()["plan"]["id"]).issuer == department != theirs.issuer


def test_a_numbered_document_already_another_bodys_plan_is_refused_without_naming_it(
    api_as: Any,  # noqa: F811 — the imported fixture
    cast: Cast,
    far_planner: tuple[User, Organisation],
    gold: dict[str, Any],
) -> None:
    numbered = json.loads(json.dumps(gold))
    numbered["document"].update(number="12/KH-SNN", issued_on="2023-02-03")
    theirs = plan_import_commit(plan_json=numbered, issuer=cast.department, user=cast.planning_finance)
    user, department = far_planner
    response = api_as(user).post("/plans/import", {"plan": numbered, "issuer": department.pk})
    assert response.status_code == 409 and response.json()["code"] == "document_taken", response.json()
    said = json.dumps(response.json(), ensure_ascii=False)
    assert theirs.title not in said and f"#{theirs.pk}" not in said and '"plan"' not in said
    assert Plan.objects.count() == 1
    # The first department's own re-import is still the duplicate it always was, with its plan named.
    again = api_as(cast.planning_finance).post("/plans/import", {"plan": numbered})
    assert again.status_code == 409 and again.json()["code"] == "duplicate_plan"
    assert again.json()["details"] == {"plan": theirs.pk}


def test_a_document_another_body_cites_is_not_rewritten_by_an_import(
    cast: Cast, far_planner: tuple[User, Organisation], gold: dict[str, Any]
) -> None:
    plan_import_commit(plan_json=gold, issuer=cast.department, user=cast.planning_finance)
    cited = SourceDocument.objects.filter(implementing_tasks__isnull=False).distinct().first()
    assert cited is not None and cited.number
    content = ["kind", "number", "symbol", "issued_on", "place", "issuer_id", "issuer_name", "title"]
    before = SourceDocument.objects.values(*content).get(pk=cited.pk)
    user, department = far_planner
    plan_json = json.loads(json.dumps(gold))
    plan_json["document"].update(
        number=cited.number,
        issued_on=cited.issued_on.isoformat() if cited.issued_on else None,
        title="Một tiêu đề khác của tỉnh bên",
    )
    plan = plan_import_commit(plan_json=plan_json, issuer=department, user=user)
    assert plan.issuer == department and plan.source_document_id == cited.pk
    assert SourceDocument.objects.values(*content).get(pk=cited.pk) == before
