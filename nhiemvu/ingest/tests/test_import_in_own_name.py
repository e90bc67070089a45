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
from nhiemvu.organisations.models import Membership, Organisation, OrganisationKind, Role
from nhiemvu.plans.models import Plan
from nhiemvu.testing import PASSWORD, Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def gold(shared_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shared_dir / "corpus/seed/lang-son-snn-2023.gold.json").read_text())
    return data


@pytest.fixture
def far_planner(cast: Cast) -> tuple[User, Organisation]:
    """Planning-finance of a department in another province."""
    province = Organisation.objects.create(
        name="UBND tỉnh Cao Bằng", kind=OrganisationKind.PROVINCE_COMMITTEE
    )
    department = Organisation.objects.create(
        parent=province, name="Sở Nông nghiệp tỉnh Cao Bằng", kind=OrganisationKind.DEPARTMENT
    )
    division = Organisation.objects.create(parent=department, name="Phòng KH-TC Cao Bằng", kind="division")
    user = User.objects.create_user(username="khtc.caobang", password=PASSWORD)
    Membership.objects.create(user=user, organisation=division, role=Role.PLANNING_FINANCE)
    return user, department


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
