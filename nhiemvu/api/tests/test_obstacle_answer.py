"""POST /obstacles/{id}/answer: the leader's direction through the API, with the web's rules."""

from __future__ import annotations

from typing import Any

import pytest

from nhiemvu.reporting.models import Obstacle

from .conftest import Api, Cycle

pytestmark = pytest.mark.django_db


def _report(unit: Api, cycle: Cycle, *, submit: bool = True) -> dict[str, Any]:
    body = {
        "task": cycle.forest_task.pk,
        "period": cycle.june.pk,
        "draft": {"percent_done": 40, "obstacles": [{"description": "Thiếu cây giống"}]},
    }
    report: dict[str, Any] = unit.post("/reports", body).json()
    if submit:
        report = unit.post(f"/reports/{report['id']}/submit").json()
    return report


def test_the_deputy_answers_then_resolves_and_the_unit_reads_it(api_as: Any, cycle: Cycle) -> None:
    unit, deputy = api_as(cycle.cast.unit_staff), api_as(cycle.cast.deputy)
    report = _report(unit, cycle)
    obstacle_id = report["obstacles"][0]["id"]
    answered = deputy.post(f"/obstacles/{obstacle_id}/answer", {"answer": " Đồng ý bổ sung "})
    assert answered.status_code == 200, answered.json()
    assert (answered.json()["status"], answered.json()["answer"]) == ("answered", "Đồng ý bổ sung")
    resolved = deputy.post(f"/obstacles/{obstacle_id}/answer", {"answer": "Đã cấp giống", "resolved": True})
    assert resolved.json()["status"] == "resolved"
    seen = unit.get(f"/obstacles/{obstacle_id}").json()
    assert (seen["status"], seen["answer"]) == ("resolved", "Đã cấp giống")
    assert seen["answered_at"] and seen["answered_at"] >= answered.json()["answered_at"]
    assert report["obstacles"][0]["answered_at"] is None


def test_an_obstacle_of_an_unsent_draft_is_a_404_and_of_a_returned_report_a_409(
    api_as: Any, cycle: Cycle
) -> None:
    """The deputy does not read the unit's draft (README), so its obstacles are not found; a
    returned report was read, and is the unit's to change: its obstacles wait for the resubmission."""
    unit = api_as(cycle.cast.unit_staff)
    report = _report(unit, cycle, submit=False)
    obstacle_id = report["obstacles"][0]["id"]
    deputy = api_as(cycle.cast.deputy)
    assert deputy.post(f"/obstacles/{obstacle_id}/answer", {"answer": "Đồng ý"}).status_code == 404
    unit.post(f"/reports/{report['id']}/submit")
    planner = api_as(cycle.cast.planning_finance)
    assert planner.post(f"/reports/{report['id']}/return", {"comment": "Bổ sung"}).status_code == 200
    response = deputy.post(f"/obstacles/{obstacle_id}/answer", {"answer": "Đồng ý"})
    assert response.status_code == 409
    assert response.json()["code"] == "obstacle_not_answerable"
    assert Obstacle.objects.get(pk=obstacle_id).answer == ""


@pytest.mark.parametrize("body", [{}, {"answer": "   "}, {"answer": "x" * 5001}])
def test_a_missing_or_empty_answer_is_a_422(api_as: Any, cycle: Cycle, body: dict[str, Any]) -> None:
    report = _report(api_as(cycle.cast.unit_staff), cycle)
    obstacle_id = report["obstacles"][0]["id"]
    response = api_as(cycle.cast.deputy).post(f"/obstacles/{obstacle_id}/answer", body)
    assert response.status_code == 422, response.json()
    assert Obstacle.objects.get(pk=obstacle_id).status == "open"


def test_a_missing_obstacle_is_a_404(api_as: Any, cycle: Cycle) -> None:
    response = api_as(cycle.cast.deputy).post("/obstacles/987654/answer", {"answer": "Đồng ý"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_returned_report_patched_with_the_same_obstacle_keeps_its_answer(api_as: Any, cycle: Cycle) -> None:
    unit, deputy, planner = (
        api_as(cycle.cast.unit_staff),
        api_as(cycle.cast.deputy),
        api_as(cycle.cast.planning_finance),
    )
    report = _report(unit, cycle)
    obstacle_id = report["obstacles"][0]["id"]
    deputy.post(f"/obstacles/{obstacle_id}/answer", {"answer": "Đồng ý"})
    returned = planner.post(f"/reports/{report['id']}/return", {"comment": "Bổ sung số liệu"}).json()
    patched = unit.patch(
        f"/reports/{report['id']}", {"revision": returned["revision"], "narrative": "Đã bổ sung"}
    )
    assert patched.status_code == 200
    assert [(o["id"], o["status"], o["answer"]) for o in patched.json()["obstacles"]] == [
        (obstacle_id, "answered", "Đồng ý")
    ]
