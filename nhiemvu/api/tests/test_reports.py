"""The report workflow through the API: start, update a draft, submit, accept, return; refusals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from nhiemvu.reporting.models import ProgressReport, ReportStatus

from .conftest import Api, Cycle

pytestmark = pytest.mark.django_db


def start(unit: Api, cycle: Cycle, **draft: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"task": cycle.forest_task.pk, "period": cycle.june.pk}
    if draft:
        body["draft"] = draft
    response = unit.post("/reports", body)
    assert response.status_code in (200, 201), response.json()
    return response.json()


def test_a_unit_starts_fills_and_submits_its_report(unit: Api, cycle: Cycle) -> None:
    targets = list(cycle.forest_task.targets.order_by("order"))
    created = unit.post(
        "/reports",
        {
            "task": cycle.forest_task.pk,
            "period": cycle.june.pk,
            "draft": {
                "percent_done": 40.5,
                "narrative": "Đã trồng 500 ha rừng.",
                "values": [{"target": targets[0].pk, "actual": "500.25"}],
                "obstacles": [{"description": "Thiếu cây giống", "addressed_to": "Sở Tài chính"}],
            },
        },
    )
    assert created.status_code == 201
    report = created.json()
    assert (report["status"], report["percent_done"], report["revision"]) == ("draft", 40.5, 1)
    assert report["values"] == [{"target": targets[0].pk, "actual": 500.25, "estimate": None}]
    assert report["obstacles"][0]["description"] == "Thiếu cây giống"

    again = unit.post("/reports", {"task": cycle.forest_task.pk, "period": cycle.june.pk})
    assert again.status_code == 200
    assert again.json()["id"] == report["id"]

    patched = unit.patch(f"/reports/{report['id']}", {"revision": 1, "proposals": "Bổ sung kinh phí"})
    assert patched.status_code == 200
    body = patched.json()
    # Fields left out of a PATCH keep their value.
    assert (body["narrative"], body["proposals"], body["percent_done"]) == (
        "Đã trồng 500 ha rừng.",
        "Bổ sung kinh phí",
        40.5,
    )
    assert len(body["obstacles"]) == 1

    submitted = unit.post(f"/reports/{report['id']}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert [e["to_status"] for e in submitted.json()["events"]] == ["draft", "submitted"]


def test_a_stale_revision_is_a_409_and_keeps_the_other_persons_work(unit: Api, cycle: Cycle) -> None:
    report = start(unit, cycle, narrative="Bản của người thứ nhất")
    assert unit.patch(f"/reports/{report['id']}", {"revision": 1, "narrative": "Bản mới"}).status_code == 200
    stale = unit.patch(f"/reports/{report['id']}", {"revision": 1, "narrative": "Bản cũ đè lên"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "edit_conflict"
    assert ProgressReport.objects.get(pk=report["id"]).narrative == "Bản mới"


def test_planning_finance_accepts_and_returns_with_a_comment(unit: Api, planner: Api, cycle: Cycle) -> None:
    report = start(unit, cycle, percent_done=10)
    unit.post(f"/reports/{report['id']}/submit")

    no_comment = planner.post(f"/reports/{report['id']}/return", {"comment": "  "})
    assert no_comment.status_code == 422
    assert no_comment.json()["code"] == "comment_required"

    returned = planner.post(f"/reports/{report['id']}/return", {"comment": "Bổ sung số liệu"})
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"
    assert returned.json()["events"][-1]["comment"] == "Bổ sung số liệu"

    assert unit.post(f"/reports/{report['id']}/submit").status_code == 200
    accepted = planner.post(f"/reports/{report['id']}/accept", {})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"

    twice = planner.post(f"/reports/{report['id']}/accept", {})
    assert twice.status_code == 409
    assert twice.json()["code"] == "invalid_transition"


def test_an_accepted_report_is_never_changed_through_the_api(unit: Api, planner: Api, cycle: Cycle) -> None:
    report = start(unit, cycle, percent_done=60, narrative="Đã nghiệm thu")
    unit.post(f"/reports/{report['id']}/submit")
    planner.post(f"/reports/{report['id']}/accept", {})
    row = ProgressReport.objects.get(pk=report["id"])
    before = (row.status, row.revision, row.narrative, row.percent_done, row.updated_at)

    response = unit.patch(f"/reports/{report['id']}", {"revision": row.revision, "narrative": "Sửa lén"})
    assert response.status_code == 409
    assert response.json()["code"] == "accepted_report_frozen"
    assert response.json()["message"].startswith("Báo cáo đã được chấp nhận")
    for action in ("submit", "return"):
        refused = planner.post(f"/reports/{report['id']}/{action}", {"comment": "x"})
        assert refused.status_code in (404, 409)
    row.refresh_from_db()
    assert (row.status, row.revision, row.narrative, row.percent_done, row.updated_at) == before
    assert before[3] == Decimal(60)

    # A correction is a new version that points at the accepted one, which stays as it was.
    correction = unit.post("/reports", {"task": cycle.forest_task.pk, "period": cycle.june.pk})
    assert correction.status_code == 201
    assert (correction.json()["version"], correction.json()["supersedes"]) == (2, report["id"])


def test_a_submission_in_a_locked_period_is_a_409(unit: Api, planner: Api, cycle: Cycle) -> None:
    report = start(unit, cycle, percent_done=10)
    assert planner.post(f"/periods/{cycle.june.pk}/lock").json()["locked"] is True
    refused = unit.post(f"/reports/{report['id']}/submit")
    assert refused.status_code == 409
    assert refused.json()["code"] == "period_locked"
    assert ProgressReport.objects.get(pk=report["id"]).status == ReportStatus.DRAFT


def test_figures_out_of_range_are_422_and_write_nothing(unit: Api, cycle: Cycle) -> None:
    report = start(unit, cycle)
    for body in (
        {"revision": 0, "percent_done": 101},
        {"revision": 0, "values": [{"target": cycle.forest_task.pk, "actual": -1}]},
        {"revision": 0, "narrative": "có ký tự \x00 lạ"},
    ):
        response = unit.patch(f"/reports/{report['id']}", body)
        assert response.status_code == 422, body
        assert response.json()["code"] == "validation_error"
        assert response.json()["details"]
    other_task_target = cycle.rural_task.targets.first()
    assert other_task_target is not None
    response = unit.patch(
        f"/reports/{report['id']}", {"revision": 0, "values": [{"target": other_task_target.pk, "actual": 5}]}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "reporting_error"
    assert ProgressReport.objects.get(pk=report["id"]).revision == 0


def test_a_period_of_another_plan_is_404(unit: Api, cycle: Cycle) -> None:
    from nhiemvu.reporting.services import periods_generate
    from nhiemvu.testing import make_plan

    other = make_plan(cycle.cast, tasks=1, title="Kế hoạch khác")
    periods_generate(plan=other)
    response = unit.post(
        "/reports", {"task": cycle.forest_task.pk, "period": other.periods.get(key="2023-06").pk}
    )
    assert response.status_code == 404
    assert not ProgressReport.objects.exists()
