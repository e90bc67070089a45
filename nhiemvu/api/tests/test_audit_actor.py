"""Issue 22, item 3: every change made through the API is recorded against the token's user, from
the address the server saw, never one the client wrote in a header."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from nhiemvu.audit.models import AuditEntry
from nhiemvu.reporting.tests.conftest import Cycle

from .conftest import API, Api

pytestmark = pytest.mark.django_db


def test_every_api_write_names_the_tokens_user(unit: Api, planner: Api, cycle: Cycle) -> None:
    before = AuditEntry.objects.count()
    targets = list(cycle.forest_task.targets.order_by("order"))
    report = unit.post(
        "/reports",
        {
            "task": cycle.forest_task.pk,
            "period": cycle.june.pk,
            "draft": {
                "percent_done": 40,
                "values": [{"target": targets[0].pk, "actual": "500"}],
                "obstacles": [{"description": "Thiếu cây giống"}],
            },
        },
    ).json()
    assert unit.patch(f"/reports/{report['id']}", {"revision": 1, "narrative": "Đã trồng"}).status_code == 200
    assert unit.post(f"/reports/{report['id']}/submit").status_code == 200
    unit_entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert planner.post(f"/reports/{report['id']}/return", {"comment": "Bổ sung"}).status_code == 200
    assert unit.post(f"/reports/{report['id']}/submit").status_code == 200
    assert planner.post(f"/reports/{report['id']}/accept", {}).status_code == 200
    assert planner.post(f"/periods/{cycle.june.pk}/lock").status_code == 200
    assert planner.post(f"/periods/{cycle.june.pk}/unlock").status_code == 200

    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert len(unit_entries) >= 4 and len(entries) > len(unit_entries)
    assert all(e.actor == cycle.cast.unit_staff for e in unit_entries)
    actors = {e.actor for e in entries}
    assert None not in actors  # nothing recorded as "Hệ thống"
    assert actors == {cycle.cast.unit_staff, cycle.cast.planning_finance}


@pytest.mark.parametrize(
    ("trusted", "expected"),
    [([], "10.0.0.7"), (["10.0.0.7"], "203.0.113.9")],
)
def test_the_address_is_the_sockets_unless_a_trusted_proxy_forwarded_it(
    unit: Api, cycle: Cycle, trusted: list[str], expected: str
) -> None:
    body: Any = {"task": cycle.forest_task.pk, "period": cycle.june.pk}
    before = AuditEntry.objects.count()
    with override_settings(FORWARDED_ALLOW_IPS=trusted):
        response = unit.client.post(
            f"{API}/reports",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {unit.token}", "X-Forwarded-For": "6.6.6.6, 203.0.113.9"},
            REMOTE_ADDR="10.0.0.7",
        )
    assert response.status_code == 201
    addresses = {e.remote_addr for e in AuditEntry.objects.order_by("pk")[before:]}
    assert addresses == {expected}  # never the 6.6.6.6 the client wrote first
