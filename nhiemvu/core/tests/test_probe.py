"""The security probe as tests (issue 21, item 6). Each walks every URL the site has, so a route added
later is covered the day it is added:

- every list and page without an id, web and API, as two outsiders (a sibling department's unit
  officer, Planning-Finance of another province): none shows a word of our department's plan,
  tasks, reports, obstacles or proposals (objects by id: test_idor.py);
- every route outside the API refuses a signed-in POST without its CSRF token;
- every free-text field carrying a script payload comes back escaped on the pages that show it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import get_resolver, reverse

from nhiemvu.api.services import api_token_create
from nhiemvu.reporting.models import Obstacle
from nhiemvu.reporting.services import (
    ObstacleInput,
    ReportInput,
    periods_generate,
    report_accept,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.testing import Cast, build_far_planner, make_plan

from .test_idor import _walk

pytestmark = pytest.mark.django_db

MARKERS = [
    "MARKER-PLAN-7Q",
    "MARKER-TASK-7Q",
    "MARKER-NARRATIVE-7Q",
    "MARKER-OBSTACLE-7Q",
    "MARKER-PROPOSAL-7Q",
]
SCRIPT = '<script>alert("xss")</script>'


def _our_department(cast: Cast, text: dict[str, str]) -> None:
    """A plan of the cast's department with one accepted report carrying `text` in every field."""
    plan = make_plan(cast, tasks=1, targets_per_task=1, title=text["plan"])
    plan.status = "active"
    plan.save(update_fields=["status"])
    task = plan.tasks.get()
    task.title = text["task"]
    task.save(update_fields=["title"])
    periods_generate(plan=plan)
    period = plan.periods.get(key="2023-06")
    report = report_start(task=task, period=period, user=cast.unit_staff)
    data = ReportInput(
        percent_done=Decimal(40),
        narrative=text["narrative"],
        proposals=text["proposal"],
        values={t.pk: (Decimal("8650"), None) for t in task.targets.all()},
        obstacles=[ObstacleInput(description=text["obstacle"], needs=text["obstacle"])],
    )
    report = report_save_draft(report=report, user=cast.unit_staff, revision=report.revision, data=data)
    report = report_submit(report=report, user=cast.unit_staff)
    report_accept(report=report, user=cast.planning_finance)


def _routes_without_parameters() -> list[tuple[str, str]]:
    return [
        (name, "/" + route.lstrip("^").rstrip("$"))
        for name, route in _walk(get_resolver())
        if "<" not in route and "(?P" not in route and not route.startswith("admin/")
    ]


@pytest.mark.parametrize(
    "who", ["unit officer of a sibling department", "planning-finance of another province"]
)
def test_no_list_or_page_shows_an_outsider_a_word_of_our_department(cast: Cast, who: str) -> None:
    _our_department(
        cast,
        {
            "plan": MARKERS[0],
            "task": MARKERS[1],
            "narrative": MARKERS[2],
            "obstacle": MARKERS[3],
            "proposal": MARKERS[4],
        },
    )
    outsider = cast.outsider if who.startswith("unit officer") else build_far_planner()[0]
    shown = _markers_shown(outsider)
    assert not any(shown.values()), {route: found for route, found in shown.items() if found}
    assert len(shown) > 25, "the walk found the site's lists"
    # The same walk as our own director finds the markers: the probe can see a leak when there is one.
    assert set().union(*_markers_shown(cast.director).values()) == set(MARKERS)


def _markers_shown(user: User) -> dict[str, set[str]]:
    """route -> the markers its page (or API list) shows `user`, for every route without an id."""
    web = Client()
    web.force_login(user)
    token = api_token_create(user=user, name="probe", scope="read")[1]
    shown: dict[str, set[str]] = {}
    for name, path in _routes_without_parameters():
        if name in {"logout", "account:sessions-end", "set_language"}:
            continue  # they end the probe's own session or only redirect
        headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/v1/") else {}
        response = web.get(path, headers=headers)
        body = response.getvalue() if response.streaming else response.content
        shown[f"{name} {path}"] = {m for m in MARKERS if m.encode() in body}
    return shown


def test_every_route_outside_the_api_refuses_a_post_without_its_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.planning_finance)
    refused, routes = 0, []
    for name, route in _walk(get_resolver()):
        if route.startswith(("admin/", "api/v1/")):
            continue  # the admin is Django's own (CSRF-protected); the API takes no session
        path = "/" + re.sub(r"<(?:int:)?[^>]+>", lambda m: "1" if "int:" in m.group(0) else "x", route)
        routes.append(name)
        response = client.post(path, {"anything": "1"})
        assert response.status_code == 403, f"{name} {path} answered {response.status_code} without a token"
        refused += 1
    assert refused == len(routes) > 40


@pytest.mark.parametrize(
    "path",
    [
        "/plans/{plan}/",
        "/reporting/tasks/{task}/",
        "/dashboards/?plan={plan}",
        "/reporting/periods/{period}/submissions/",
    ],
)
def test_script_in_every_free_text_field_comes_back_escaped(cast: Cast, path: str) -> None:
    _our_department(
        cast,
        {k: f"{k} {SCRIPT}" for k in ("plan", "task", "narrative", "obstacle", "proposal")},
    )
    obstacle = Obstacle.objects.get()
    task = obstacle.report.task
    ids: dict[str, Any] = {"plan": task.plan_id, "task": task.pk, "period": obstacle.report.period_id}
    client = Client()
    client.force_login(cast.planning_finance)
    response = client.get(path.format(**ids), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html or "&lt;script&gt;" in html


def test_script_payloads_in_the_exports_are_inert_data(cast: Cast) -> None:
    """The calendar feed and the API carry the payload as data, typed so that no browser renders it
    as a page (.docx and .xlsx: documents/tests/test_injection.py)."""
    from nhiemvu.reminders.services import feed_create

    _our_department(cast, {k: f"{k} {SCRIPT}" for k in ("plan", "task", "narrative", "obstacle", "proposal")})
    _, token = feed_create(user=cast.unit_staff)
    ics = Client().get(reverse("reminders:feed-ics", args=[token]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert ics["X-Content-Type-Options"] == "nosniff"
    api_token = api_token_create(user=cast.planning_finance, name="probe", scope="read")[1]
    listed = Client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {api_token}"})
    assert listed["Content-Type"] == "application/json; charset=utf-8"
    assert listed["X-Content-Type-Options"] == "nosniff"
    assert any(SCRIPT in task["title"] for task in listed.json()["results"]), "kept as written, as data"
