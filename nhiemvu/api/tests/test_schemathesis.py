"""Schemathesis drives every operation of the API from its own OpenAPI schema, in process (WSGI).

Each operation is run with generated data twice: once with generated ids (mostly 404s, plus every
malformed parameter and body schemathesis can think of), once with its path ids pinned to real
rows, so the success paths meet generated bodies too. Checks: no 5xx, every response conforms to
the schema, every status code is one the schema declares.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks
from schemathesis.core.result import Ok

from config.wsgi import application
from nhiemvu.reminders.models import Notification
from nhiemvu.reporting.models import Obstacle
from nhiemvu.reporting.services import (
    ObstacleInput,
    ReportInput,
    attachment_add,
    report_save_draft,
    report_start,
    report_submit,
)

from .conftest import Cycle, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis]

EXAMPLES = 12
PDF = b"%PDF-1.7\n% bien ban\n"
CHECKS = [checks.not_a_server_error, checks.response_schema_conformance, checks.status_code_conformance]


@pytest.fixture
def in_process_wsgi() -> Any:
    """Keep the test's connection open across WSGI requests, as Django's test client does.

    The WSGI handler closes "old" connections at the end of each request, which would close the
    connection holding the test's transaction.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def real_ids(cycle: Cycle) -> dict[str, int]:
    """One real row per path parameter, visible to the planning-finance user."""
    task = cycle.forest_task
    report = report_start(task=task, period=cycle.june, user=cycle.cast.unit_staff)
    report = report_save_draft(
        report=report,
        user=cycle.cast.unit_staff,
        revision=report.revision,
        data=ReportInput(
            percent_done=Decimal(30),
            values={t.pk: (Decimal(100), None) for t in task.targets.all()},
            obstacles=[ObstacleInput("Thiếu kinh phí", "Bổ sung dự toán", "Sở Tài chính")],
        ),
    )
    attachment = attachment_add(
        report=report, user=cycle.cast.unit_staff, name="bien-ban.pdf", data=b"%PDF-1.7\n"
    )
    report_submit(report=report, user=cycle.cast.unit_staff)
    notification = Notification.objects.create(
        recipient=cycle.cast.planning_finance, kind="report_due", dedup_key="t", subject="Nhắc", body="Nhắc"
    )
    return {
        "plan_id": cycle.plan.pk,
        "task_id": task.pk,
        "target_id": task.targets.first().pk,  # type: ignore[union-attr]  # the plan was made with targets
        "period_id": cycle.june.pk,
        "report_id": report.pk,
        "obstacle_id": Obstacle.objects.get(report=report).pk,
        "organisation_id": cycle.cast.forest_unit.pk,
        "notification_id": notification.pk,
        "attachment_id": attachment.pk,
    }


def run(
    operation: Any,
    headers: dict[str, str],
    mode: GenerationMode,
    pinned: dict[str, Any] | None,
    seen: Counter[int],
    prepare: Callable[[Any], None] | None = None,
) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=pinned or None)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        if prepare is not None:
            prepare(case)
        response = case.call(headers=headers)
        seen[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    check()


def test_every_operation_survives_generated_requests_and_answers_as_its_schema_says(
    cycle: Cycle, in_process_wsgi: None
) -> None:
    ids = real_ids(cycle)
    headers = {"Authorization": f"Bearer {token_for(cycle.cast.planning_finance)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    started = time.monotonic()
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # an Err: the schema has an operation it cannot read
        operations.append(result.ok())
    assert len(operations) >= 25
    seen: Counter[int] = Counter()
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        pinned = {name: ids[name] for name in names if name in ids}
        run(operation, headers, GenerationMode.POSITIVE, None, seen)
        run(operation, headers, GenerationMode.NEGATIVE, None, seen)
        if pinned:
            run(operation, headers, GenerationMode.POSITIVE, pinned, seen)
    # The unit's own writes (start, update, submit, attach) with the unit's token, on its open draft.
    unit_headers = {"Authorization": f"Bearer {token_for(cycle.cast.unit_staff)}"}
    draft = report_start(task=cycle.forest_task, period=cycle.june, user=cycle.cast.unit_staff)
    unit_operations = [
        op
        for op in operations
        if op.path
        in (
            "/api/v1/reports",
            "/api/v1/reports/{report_id}",
            "/api/v1/reports/{report_id}/submit",
            "/api/v1/reports/{report_id}/attachments",
        )
        and op.method.upper() != "GET"
    ]
    # Submitting ends the draft's editing: attach while it is still a draft.
    unit_operations.sort(key=lambda op: op.path.endswith("/submit"))
    assert len(unit_operations) == 4

    def real_references(case: Any) -> None:
        # Generated bodies with the draft's task, period and current revision reach the service.
        if isinstance(case.body, dict):
            draft.refresh_from_db()
            for key, value in (
                ("task", draft.task_id),
                ("period", draft.period_id),
                ("revision", draft.revision),
            ):
                if key in case.body:
                    case.body[key] = value
            if "file" in case.body:
                case.body["file"] = PDF  # generated bytes are refused; a real PDF reaches the 201

    for operation in unit_operations:
        draft_id = {"report_id": draft.pk} if operation.path_parameters else None
        run(operation, unit_headers, GenerationMode.POSITIVE, draft_id, seen)
        run(operation, unit_headers, GenerationMode.POSITIVE, draft_id, seen, real_references)
        run(operation, unit_headers, GenerationMode.NEGATIVE, draft_id, seen)
    elapsed = time.monotonic() - started
    print(
        f"schemathesis: {len(operations)} operations (+{len(unit_operations)} as the unit), {sum(seen.values())} requests in {elapsed:.0f} s: {dict(sorted(seen.items()))}"
    )
    # The pinned runs must reach the success paths, or the schema's 2xx shapes were never checked.
    assert seen[200] > len(operations)
    assert seen[201] > 0  # attachments the unit uploaded
    assert 500 not in seen
