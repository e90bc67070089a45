"""Issue 22, item 3: every change made through the API is recorded against the token's user, from
the address the server saw, never one the client wrote in a header."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from nhiemvu.audit.models import AuditEntry
from nhiemvu.reminders.models import Notification, NotificationKind
from nhiemvu.reporting.models import Obstacle
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


def _write_operations() -> set[str]:
    """Every write operation the API publishes, as "POST /reports/{report_id}/submit"."""
    schema = Client().get(f"{API}/openapi.json").json()
    return {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"post", "put", "patch", "delete"}
    }


@pytest.fixture
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.usefixtures("media_in_tmp")
def test_a_write_through_each_api_route_is_recorded_against_the_tokens_user(
    unit: Api, planner: Api, cycle: Cycle, shared_dir: Path
) -> None:
    """Each write operation of the schema is called once, by the role that may; the audit entries
    it leaves name that role's user (none is "Hệ thống"), and no operation is left out."""
    called: set[str] = set()

    def write(api: Api, user: User, operation: str, response: Any, *, audited: bool = True) -> Any:
        assert response.status_code in {200, 201}, (operation, response.content[:300])
        entries = list(AuditEntry.objects.filter(pk__gt=marks[-1]))
        marks.append(AuditEntry.objects.order_by("pk").values_list("pk", flat=True).last() or 0)
        if audited:
            assert entries, f"{operation} left no entry in the trail"
        assert {e.actor for e in entries} <= {user}, (operation, {e.actor for e in entries})
        called.add(operation)
        return response.json()

    marks = [AuditEntry.objects.order_by("pk").values_list("pk", flat=True).last() or 0]
    cast = cycle.cast
    pf, staff = cast.planning_finance, cast.unit_staff
    gold = json.loads((shared_dir / "corpus/seed/lang-son-snn-2023.gold.json").read_text())
    imported = write(planner, pf, "POST /plans/import", planner.post("/plans/import", {"plan": gold}))
    document = shared_dir / "corpus/dev/binh-dinh-sct-2025.docx"
    write(
        planner,
        pf,
        "POST /plans/import/file",
        planner.upload(
            "/plans/import/file", {"file": SimpleUploadedFile(document.name, document.read_bytes())}
        ),
    )
    plan_id = imported["plan"]["id"]
    write(planner, pf, "POST /plans/{plan_id}/activate", planner.post(f"/plans/{plan_id}/activate"))

    targets = list(cycle.forest_task.targets.order_by("order"))
    body = {
        "task": cycle.forest_task.pk,
        "period": cycle.june.pk,
        "draft": {
            "values": [{"target": targets[0].pk, "actual": "8650"}],
            "obstacles": [{"description": "Thiếu vốn"}],
        },
    }
    report = write(unit, staff, "POST /reports", unit.post("/reports", body))
    rid = report["id"]
    write(
        unit,
        staff,
        "PATCH /reports/{report_id}",
        unit.patch(f"/reports/{rid}", {"revision": 1, "narrative": "Đã trồng"}),
    )
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.7\n% bien ban\n")
    write(
        unit,
        staff,
        "POST /reports/{report_id}/attachments",
        unit.upload(f"/reports/{rid}/attachments", {"file": pdf}),
    )
    write(unit, staff, "POST /reports/{report_id}/submit", unit.post(f"/reports/{rid}/submit"))
    write(
        planner,
        pf,
        "POST /reports/{report_id}/return",
        planner.post(f"/reports/{rid}/return", {"comment": "Bổ sung"}),
    )
    write(unit, staff, "POST /reports/{report_id}/submit", unit.post(f"/reports/{rid}/submit"))
    write(planner, pf, "POST /reports/{report_id}/accept", planner.post(f"/reports/{rid}/accept", {}))
    obstacle = Obstacle.objects.get(report_id=rid)
    write(
        planner,
        pf,
        "POST /obstacles/{obstacle_id}/answer",
        planner.post(f"/obstacles/{obstacle.pk}/answer", {"answer": "Sở bố trí vốn quý III"}),
    )
    write(planner, pf, "POST /periods/{period_id}/lock", planner.post(f"/periods/{cycle.june.pk}/lock"))
    write(planner, pf, "POST /periods/{period_id}/unlock", planner.post(f"/periods/{cycle.june.pk}/unlock"))

    # Notifications are the reader's own rows, not in the trail: the token's user is the reader.
    for n in range(2):
        Notification.objects.create(
            recipient=staff, kind=NotificationKind.REPORT_RETURNED, dedup_key=f"k{n}", subject="s", body="b"
        )
    first = Notification.objects.filter(recipient=staff).order_by("pk").first()
    assert first is not None
    read = write(
        unit,
        staff,
        "POST /notifications/{notification_id}/read",
        unit.post(f"/notifications/{first.pk}/read"),
        audited=False,
    )
    assert read["id"] == first.pk and Notification.objects.get(pk=first.pk).read_at is not None
    write(unit, staff, "POST /notifications/read-all", unit.post("/notifications/read-all"), audited=False)
    assert not Notification.objects.filter(recipient=staff, read_at__isnull=True).exists()

    assert called == _write_operations()
