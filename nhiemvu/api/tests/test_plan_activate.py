"""Planning-Finance puts a draft plan into tracking through the API, as the plan page's button does."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from nhiemvu.plans.models import Plan, PlanStatus
from nhiemvu.testing import Cast, make_plan

from .conftest import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(cast: Cast) -> Plan:
    return make_plan(cast, tasks=2, title="Kế hoạch dự thảo")


def state(plan: Plan) -> tuple[str, list[str]]:
    plan.refresh_from_db()
    return plan.status, sorted(plan.periods.values_list("key", flat=True))


def test_planning_finance_activates_a_draft_plan_and_its_periods_are_laid_out(
    api_as: Any, cast: Cast, plan: Plan
) -> None:
    assert state(plan) == (PlanStatus.DRAFT, [])
    response = api_as(cast.planning_finance).post(f"/plans/{plan.pk}/activate")
    assert response.status_code == 200, response.json()
    assert (response.json()["id"], response.json()["status"]) == (plan.pk, "active")
    status, keys = state(plan)
    assert status == PlanStatus.ACTIVE
    # Monthly and quarterly reporting for 2023 (make_plan's frequencies): 12 months and 4 quarters.
    assert "2023-06" in keys and "2023-Q2" in keys and len(keys) == 16, keys


def test_the_api_and_the_web_button_leave_a_plan_in_the_same_state(api_as: Any, cast: Cast) -> None:
    by_api, by_web = make_plan(cast, title="Qua API"), make_plan(cast, title="Qua trang")
    assert api_as(cast.planning_finance).post(f"/plans/{by_api.pk}/activate").status_code == 200
    client = Client()
    client.force_login(cast.planning_finance)
    client.post(reverse("reporting:period-list", args=[by_web.pk]), {"action": "activate"})
    status, keys = state(by_api)
    assert (status, keys) == state(by_web)
    assert status == PlanStatus.ACTIVE and keys


def test_activating_an_active_plan_again_changes_nothing(api_as: Any, cast: Cast, plan: Plan) -> None:
    api: Api = api_as(cast.planning_finance)
    assert api.post(f"/plans/{plan.pk}/activate").status_code == 200
    before = state(plan), list(plan.periods.order_by("pk").values_list("pk", flat=True))
    again = api.post(f"/plans/{plan.pk}/activate")
    assert (again.status_code, again.json()["status"]) == (200, "active")
    assert (state(plan), list(plan.periods.order_by("pk").values_list("pk", flat=True))) == before


def test_a_closed_plan_is_not_reopened(api_as: Any, cast: Cast, plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.CLOSED)
    refused = api_as(cast.planning_finance).post(f"/plans/{plan.pk}/activate")
    assert refused.status_code == 409
    assert refused.json()["code"] == "plan_closed"
    assert refused.json()["message"].startswith("Kế hoạch đã kết thúc")
    assert state(plan) == (PlanStatus.CLOSED, [])


@pytest.mark.parametrize("role", ["director", "deputy", "unit_staff", "reviewer", "outsider"])
def test_anyone_but_planning_finance_gets_the_404_of_a_missing_plan(
    api_as: Any, cast: Cast, plan: Plan, role: str
) -> None:
    api: Api = api_as(getattr(cast, role))
    refused = api.post(f"/plans/{plan.pk}/activate")
    missing = api.post("/plans/987654/activate")
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
    assert state(plan) == (PlanStatus.DRAFT, [])


def test_a_read_only_token_of_planning_finance_is_refused_with_403(
    api_as: Any, cast: Cast, plan: Plan
) -> None:
    refused = api_as(cast.planning_finance, "read").post(f"/plans/{plan.pk}/activate")
    assert refused.status_code == 403
    assert refused.json()["code"] == "token_read_only"
    assert state(plan) == (PlanStatus.DRAFT, [])


def test_without_a_token_it_is_401(plan: Plan) -> None:
    assert Api(Client(), "").post(f"/plans/{plan.pk}/activate").status_code == 401
    assert state(plan) == (PlanStatus.DRAFT, [])
