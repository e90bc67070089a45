"""API test helpers: a token per user and a client that sends it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from nhiemvu.api.services import api_token_create
from nhiemvu.reporting.models import ProgressReport
from nhiemvu.reporting.services import ReportInput, report_save_draft, report_start, report_submit
from nhiemvu.reporting.tests.conftest import Cycle, cycle  # noqa: F401 — the reporting cycle fixture

API = "/api/v1"


@dataclass
class Api:
    """A Django test client that calls the API with one token, as an integration would."""

    client: Client
    token: str

    def _headers(self) -> dict[str, str]:
        # No token: no header at all, as an anonymous caller sends.
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"{API}{path}", params or {}, headers=self._headers())

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            f"{API}{path}",
            body if body is not None else {},
            content_type="application/json",
            headers=self._headers(),
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            f"{API}{path}", body, content_type="application/json", headers=self._headers()
        )

    def upload(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(f"{API}{path}", data, headers=self._headers())


def token_for(user: User, scope: str = "write", name: str = "Hệ thống quản lý văn bản") -> str:
    return api_token_create(user=user, name=name, scope=scope)[1]


@pytest.fixture
def api_as() -> Any:
    """`api_as(user, scope)` → an Api client carrying a fresh token of that user."""

    def make(user: User, scope: str = "write") -> Api:
        return Api(Client(), token_for(user, scope))

    return make


@pytest.fixture
def unit(api_as: Any, cycle: Cycle) -> Api:  # noqa: F811 — `cycle` is the imported fixture
    """The forest unit's officer."""
    api: Api = api_as(cycle.cast.unit_staff)
    return api


@pytest.fixture
def planner(api_as: Any, cycle: Cycle) -> Api:  # noqa: F811
    """Planning-finance of the department."""
    api: Api = api_as(cycle.cast.planning_finance)
    return api


def draft(cycle: Cycle) -> ProgressReport:  # noqa: F811
    """The forest unit's June draft of its task, through the services: 40 %, 500 on each target."""
    task, user = cycle.forest_task, cycle.cast.unit_staff
    report = report_start(task=task, period=cycle.june, user=user)
    data = ReportInput(
        percent_done=Decimal(40), values={t.pk: (Decimal(500), None) for t in task.targets.all()}
    )
    return report_save_draft(report=report, user=user, revision=report.revision, data=data)


def submitted(cycle: Cycle) -> ProgressReport:  # noqa: F811
    return report_submit(report=draft(cycle), user=cycle.cast.unit_staff)
