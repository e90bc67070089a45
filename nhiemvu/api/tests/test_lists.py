"""Every list pages the same way and filters by plan, unit, leader, status and period, in few queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nhiemvu.reminders.models import Notification
from nhiemvu.reporting.services import (
    ReportInput,
    periods_generate,
    report_accept,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.testing import make_plan

from .conftest import Api, Cycle

pytestmark = pytest.mark.django_db

LISTS = [
    "/organisations",
    "/plans",
    "/tasks",
    "/targets",
    "/periods",
    "/reports",
    "/obstacles",
    "/notifications",
]


def accepted(cycle: Cycle, task: Any = None, percent: int = 50) -> Any:
    task = task or cycle.forest_task
    user = cycle.cast.unit_staff
    period = task.plan.periods.get(key="2023-06")
    report = report_start(task=task, period=period, user=user)
    report = report_save_draft(
        report=report,
        user=user,
        revision=report.revision,
        data=ReportInput(
            percent_done=Decimal(percent), values={t.pk: (Decimal(700), None) for t in task.targets.all()}
        ),
    )
    report_submit(report=report, user=user)
    return report_accept(report=report, user=cycle.cast.planning_finance)


@pytest.mark.parametrize("path", LISTS)
def test_every_list_answers_count_next_previous_results(planner: Api, path: str) -> None:
    body = planner.get(path).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["previous"] is None


def test_pages_link_to_each_other_and_keep_the_filters(planner: Api, cycle: Cycle) -> None:
    first = planner.get("/periods", {"plan": cycle.plan.pk, "page_size": 5}).json()
    assert first["count"] == 16
    assert len(first["results"]) == 5
    assert first["next"].startswith("http://testserver/api/v1/periods?")
    assert f"plan={cycle.plan.pk}" in first["next"] and "page=2" in first["next"]
    last = planner.get("/periods", {"plan": cycle.plan.pk, "page_size": 5, "page": 4}).json()
    assert len(last["results"]) == 1
    assert last["next"] is None
    assert "page=3" in last["previous"]
    ids = [
        p["id"]
        for n in range(1, 5)
        for p in planner.get("/periods", {"page_size": 5, "page": n}).json()["results"]
    ]
    assert len(ids) == len(set(ids)) == 16
    beyond = planner.get("/periods", {"page": 99}).json()
    assert beyond["results"] == [] and beyond["count"] == 16


@pytest.mark.parametrize("params", [{"page_size": 101}, {"page": 0}, {"page_size": "lots"}, {"plan": -1}])
def test_bad_paging_or_filters_are_a_422_in_the_error_shape(planner: Api, params: dict[str, Any]) -> None:
    response = planner.get("/tasks", params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["message"] and body["message_en"]
    assert body["details"][0]["loc"]


def test_unknown_addresses_under_the_api_are_json_404s(planner: Api) -> None:
    response = planner.get("/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_tasks_filter_by_plan_unit_leader_and_status(planner: Api, cycle: Cycle) -> None:
    other = make_plan(cycle.cast, tasks=3, title="Kế hoạch khác")
    accepted(cycle)
    all_tasks = planner.get("/tasks").json()
    assert all_tasks["count"] == 5
    by_plan = planner.get("/tasks", {"plan": other.pk}).json()
    assert {t["plan"] for t in by_plan["results"]} == {other.pk}
    by_unit = planner.get("/tasks", {"unit": cycle.cast.rural_unit.pk}).json()
    assert {t["lead_unit"]["id"] for t in by_unit["results"]} == {cycle.cast.rural_unit.pk}
    assert by_unit["count"] == 2
    by_leader = planner.get("/tasks", {"leader": cycle.cast.deputy_official.pk}).json()
    assert by_leader["count"] == 5
    # Mid-year: the task with an accepted report is in progress, the others not started.
    with time_machine.travel(dt.datetime(2023, 7, 10, 9, tzinfo=dt.UTC), tick=False):
        in_progress = planner.get("/tasks", {"status": "in_progress", "page_size": 1}).json()
        not_started = planner.get("/tasks", {"status": "not_started"}).json()
    assert in_progress["count"] == 1
    assert [t["id"] for t in in_progress["results"]] == [cycle.forest_task.pk]
    assert not_started["count"] == 4
    assert planner.get("/tasks", {"status": "completed_late"}).json()["count"] == 0


def test_reports_filter_by_plan_unit_leader_status_and_period(planner: Api, cycle: Cycle) -> None:
    report = accepted(cycle)
    july = cycle.plan.periods.get(key="2023-07")
    cases: list[tuple[dict[str, Any], int]] = [
        ({"plan": cycle.plan.pk}, 1),
        ({"unit": cycle.cast.forest_unit.pk}, 1),
        ({"unit": cycle.cast.rural_unit.pk}, 0),
        ({"leader": cycle.cast.deputy_official.pk}, 1),
        ({"status": "accepted"}, 1),
        ({"status": "draft"}, 0),
        ({"period": cycle.june.pk}, 1),
        ({"period": july.pk}, 0),
    ]
    for params, count in cases:
        body = planner.get("/reports", params).json()
        assert body["count"] == count, params
    assert planner.get("/reports").json()["results"][0]["id"] == report.pk


def test_targets_carry_the_latest_accepted_figure_and_attainment(planner: Api, cycle: Cycle) -> None:
    accepted(cycle)
    targets = planner.get("/targets", {"task": cycle.forest_task.pk}).json()["results"]
    assert [(t["value"], t["actual"], t["attainment"]) for t in targets] == [(1000, 700, 70), (2000, 700, 35)]
    detail = planner.get(f"/tasks/{cycle.forest_task.pk}").json()
    assert detail["percent_done"] == 50
    assert [t["actual"] for t in detail["targets"]] == [700, 700]


def test_notifications_are_the_users_own_and_can_be_marked_read(api_as: Any, cycle: Cycle) -> None:
    mine = Notification.objects.create(
        recipient=cycle.cast.unit_staff, kind="report_due", dedup_key="a", subject="Sắp đến hạn", body="…"
    )
    theirs = Notification.objects.create(
        recipient=cycle.cast.deputy, kind="report_due", dedup_key="a", subject="Của người khác", body="…"
    )
    api: Api = api_as(cycle.cast.unit_staff)
    assert [n["id"] for n in api.get("/notifications").json()["results"]] == [mine.pk]
    assert api.post(f"/notifications/{theirs.pk}/read").status_code == 404
    read = api.post(f"/notifications/{mine.pk}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert api.get("/notifications", {"unread": True}).json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def queries(api: Api, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path, {"page_size": 100}).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", LISTS)
def test_a_list_costs_the_same_queries_for_many_rows_as_for_few(
    planner: Api, cycle: Cycle, path: str
) -> None:
    accepted(cycle)
    planner.get("/me")  # the token's first use writes last_used_at; measure the steady state
    few = queries(planner, path)
    # Three more plans with their periods, tasks, targets and an accepted report each.
    for n in range(3):
        plan = make_plan(cycle.cast, tasks=4, title=f"Kế hoạch {n}")
        periods_generate(plan=plan)
        accepted(cycle, plan.tasks.get(code="1"))
    many = queries(planner, path)
    # Token, scope (memberships, tree), COUNT, page, prefetches: a constant, not one per row.
    assert many == few, (path, few, many)
    assert many <= 14, (path, many)


def test_every_other_list_filter_narrows_to_the_matching_rows(planner: Api, cycle: Cycle) -> None:
    """Each filter of organisations, plans, targets, periods and obstacles, checked against the rows."""
    from nhiemvu.reporting.models import Obstacle

    other = make_plan(cycle.cast, tasks=2, title="Kế hoạch khác")
    periods_generate(plan=other)
    report = accepted(cycle)
    Obstacle.objects.create(report=report, description="Thiếu kinh phí", needs="", addressed_to="")
    other_task = other.tasks.get(lead_unit=cycle.cast.forest_unit)
    other_report = report_start(
        task=other_task, period=other.periods.get(key="2023-06"), user=cycle.cast.unit_staff
    )
    Obstacle.objects.create(report=other_report, description="Thiếu giống", needs="", addressed_to="")
    # Sent, so Planning-Finance reads it (an unsent draft is the unit's own).
    other_report = report_submit(report=other_report, user=cycle.cast.unit_staff)
    cast = cycle.cast

    def rows(path: str, **params: Any) -> list[dict[str, Any]]:
        body = planner.get(path, {"page_size": 100, **params}).json()
        assert body["count"] == len(body["results"]), (path, params)
        return list(body["results"])

    children = rows("/organisations", parent=cast.department.pk)
    assert children and {o["parent"] for o in children} == {cast.department.pk}
    departments = rows("/organisations", kind="department")
    assert departments and {o["kind"] for o in departments} == {"department"}
    assert len(rows("/organisations", kind="")) == len(rows("/organisations"))

    assert {p["id"] for p in rows("/plans", issuer=cast.department.pk)} == {cycle.plan.pk, other.pk}
    assert rows("/plans", issuer=cast.other_department.pk) == []
    assert {p["year"] for p in rows("/plans", year=cycle.plan.year)} == {cycle.plan.year}
    assert rows("/plans", year=1999 + 2) == []

    assert {t["task"] for t in rows("/targets", plan=other.pk)} == set(
        other.tasks.values_list("pk", flat=True)
    )
    assert {t["task"] for t in rows("/targets", task=cycle.forest_task.pk)} == {cycle.forest_task.pk}
    rural = rows("/targets", unit=cast.rural_unit.pk)
    assert rural and all(
        cycle.plan.tasks.filter(pk=t["task"], lead_unit=cast.rural_unit).exists()
        or other.tasks.filter(pk=t["task"], lead_unit=cast.rural_unit).exists()
        for t in rural
    )
    assert len(rows("/targets", leader=cast.deputy_official.pk)) == len(rows("/targets"))

    assert {p["plan"] for p in rows("/periods", plan=other.pk)} == {other.pk}

    assert [o["report"] for o in rows("/obstacles", plan=cycle.plan.pk)] == [report.pk]
    assert [o["report"] for o in rows("/obstacles", plan=other.pk)] == [other_report.pk]
    assert len(rows("/obstacles", unit=cast.forest_unit.pk)) == 2
    assert rows("/obstacles", unit=cast.rural_unit.pk) == []
    assert [o["report"] for o in rows("/obstacles", task=other_task.pk)] == [other_report.pk]
    assert [o["report"] for o in rows("/obstacles", period=cycle.june.pk, status="open")] == [report.pk]
    assert rows("/obstacles", status="resolved") == []
