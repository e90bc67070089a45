"""The web's role × action table (reporting/tests/test_permissions.py), asked again through the API.

Outcomes: OK (2xx, and a write reached the database), NOT_FOUND (404, the same answer as an id that
does not exist, and the database unchanged), UNAUTHENTICATED (401 without a token: the web's login
redirect). The API has no form pages, so the web's "open the report form" is "start a report" here,
and its submissions page is the report itself, which everyone who sees task 1 may read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from nhiemvu.organisations.models import Membership, Role
from nhiemvu.plans.models import PlanStatus, Task
from nhiemvu.reporting.models import Attachment, ObstacleStatus, ProgressReport, ReportStatus
from nhiemvu.reporting.services import (
    ObstacleInput,
    ReportInput,
    attachment_add,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.testing import Cast

from .conftest import Api, Cycle, draft, submitted, token_for

pytestmark = pytest.mark.django_db

OK, NOT_FOUND, UNAUTHENTICATED = "ok", "404", "401"
NARRATIVE = "Đã trồng 500 ha rừng phòng hộ."
PDF = b"%PDF-1.7\n% bien ban\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def add_rural_staff(cast: Cast) -> User:
    user = get_user_model().objects.create_user(username="ptnt", password="x")
    Membership.objects.create(user=user, organisation=cast.rural_unit, role=Role.UNIT_STAFF)
    return user


def client_of(cycle: Cycle, role: str, scope: str = "write") -> Api:
    if role == "anonymous":
        return Api(Client(), "")
    user = add_rural_staff(cycle.cast) if role == "rural_staff" else getattr(cycle.cast, role)
    return Api(Client(), token_for(user, scope))


@dataclass
class Seen:
    status: int
    effect: bool | None = None


def view(path_of: Callable[[Cycle], str]) -> Callable[[Api, Cycle], Seen]:
    def act(api: Api, cycle: Cycle) -> Seen:
        return Seen(api.get(path_of(cycle)).status_code)

    return act


def save_draft(task_of: Callable[[Cycle], Task]) -> Callable[[Api, Cycle], Seen]:
    def act(api: Api, cycle: Cycle) -> Seen:
        task = task_of(cycle)
        body = {
            "task": task.pk,
            "period": cycle.june.pk,
            "draft": {"percent_done": 40, "narrative": NARRATIVE},
        }
        response = api.post("/reports", body)
        saved = ProgressReport.objects.filter(task=task, period=cycle.june, narrative=NARRATIVE).exists()
        return Seen(response.status_code, saved)

    return act


def start_report(api: Api, cycle: Cycle) -> Seen:
    response = api.post("/reports", {"task": cycle.forest_task.pk, "period": cycle.june.pk})
    return Seen(response.status_code, ProgressReport.objects.filter(task=cycle.forest_task).exists())


def submit(api: Api, cycle: Cycle) -> Seen:
    report = draft(cycle)
    response = api.post(f"/reports/{report.pk}/submit")
    report.refresh_from_db()
    return Seen(response.status_code, report.status == ReportStatus.SUBMITTED)


def review(action: str, comment: str, after: ReportStatus) -> Callable[[Api, Cycle], Seen]:
    def act(api: Api, cycle: Cycle) -> Seen:
        report = submitted(cycle)
        events = report.events.count()
        response = api.post(f"/reports/{report.pk}/{action}", {"comment": comment})
        report.refresh_from_db()
        moved = report.status == after
        assert report.events.count() == events + (1 if moved else 0)
        return Seen(response.status_code, moved)

    return act


def view_report(api: Api, cycle: Cycle) -> Seen:
    report = submitted(cycle)
    return Seen(api.get(f"/reports/{report.pk}").status_code)


def lock_period(api: Api, cycle: Cycle) -> Seen:
    response = api.post(f"/periods/{cycle.june.pk}/lock")
    cycle.june.refresh_from_db()
    return Seen(response.status_code, cycle.june.is_locked)


def attach(api: Api, cycle: Cycle) -> Seen:
    report = draft(cycle)
    file = SimpleUploadedFile("bien-ban.pdf", PDF)
    response = api.upload(f"/reports/{report.pk}/attachments", {"file": file})
    return Seen(response.status_code, Attachment.objects.filter(report=report).exists())


def download_attachment(*, sent: bool) -> Callable[[Api, Cycle], Seen]:
    def act(api: Api, cycle: Cycle) -> Seen:
        report = draft(cycle)
        attachment = attachment_add(report=report, user=cycle.cast.unit_staff, name="bb.pdf", data=PDF)
        if sent:
            report_submit(report=report, user=cycle.cast.unit_staff)
        return Seen(api.get(f"/attachments/{attachment.pk}/file").status_code)

    return act


def activate_plan(api: Api, cycle: Cycle) -> Seen:
    response = api.post(f"/plans/{cycle.plan.pk}/activate")
    cycle.plan.refresh_from_db()
    return Seen(response.status_code, cycle.plan.status == PlanStatus.ACTIVE)


def answer_obstacle(api: Api, cycle: Cycle) -> Seen:
    task, user = cycle.forest_task, cycle.cast.unit_staff
    report = report_start(task=task, period=cycle.june, user=user)
    data = ReportInput(
        percent_done=Decimal(40),
        values={t.pk: (Decimal(500), None) for t in task.targets.all()},
        obstacles=[ObstacleInput("Thiếu vốn")],
    )
    report = report_save_draft(report=report, user=user, revision=report.revision, data=data)
    obstacle = report_submit(report=report, user=user).obstacles.get()
    response = api.post(
        f"/obstacles/{obstacle.pk}/answer", {"answer": "Đồng ý bổ sung vốn", "resolved": True}
    )
    obstacle.refresh_from_db()
    return Seen(response.status_code, obstacle.status == ObstacleStatus.RESOLVED)


ACTIONS: dict[str, Callable[[Api, Cycle], Seen]] = {
    "view the plan": view(lambda c: f"/plans/{c.plan.pk}"),
    "export the plan": view(lambda c: f"/plans/{c.plan.pk}/export"),
    "view task 1": view(lambda c: f"/tasks/{c.forest_task.pk}"),
    "view task 2": view(lambda c: f"/tasks/{c.rural_task.pk}"),
    "start a report for task 1": start_report,
    "save a draft for task 1": save_draft(lambda c: c.forest_task),
    "save a draft for task 2": save_draft(lambda c: c.rural_task),
    "submit task 1": submit,
    "view a submitted report of task 1": view_report,
    "accept a submitted report": review("accept", "", ReportStatus.ACCEPTED),
    "return a report with a comment": review("return", "Bổ sung số liệu diện tích", ReportStatus.RETURNED),
    "view the period": view(lambda c: f"/periods/{c.june.pk}"),
    "lock a period": lock_period,
    "attach a file to a draft of task 1": attach,
    "download an attachment of task 1's unsent draft": download_attachment(sent=False),
    "download an attachment of task 1's sent report": download_attachment(sent=True),
    "activate the plan": activate_plan,
    "answer an obstacle of task 1": answer_obstacle,
}

ROLES = [
    "director",
    "deputy",
    "planning_finance",
    "unit_staff",
    "reviewer",
    "outsider",
    "rural_staff",
    "anonymous",
]
MATRIX: dict[str, tuple[str, ...]] = {
    #                                      director   deputy     plan-fin   unit       reviewer   outsider   rural      anonymous
    "view the plan":                      (OK,        OK,        OK,        OK,        OK,        NOT_FOUND, OK,        UNAUTHENTICATED),
    "export the plan":                    (OK,        OK,        OK,        OK,        OK,        NOT_FOUND, OK,        UNAUTHENTICATED),
    "view task 1":                        (OK,        OK,        OK,        OK,        OK,        NOT_FOUND, NOT_FOUND, UNAUTHENTICATED),
    "view task 2":                        (OK,        OK,        OK,        NOT_FOUND, OK,        NOT_FOUND, OK,        UNAUTHENTICATED),
    "start a report for task 1":          (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED),
    "save a draft for task 1":            (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED),
    "save a draft for task 2":            (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        UNAUTHENTICATED),
    "submit task 1":                      (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED),
    "view a submitted report of task 1":  (OK,        OK,        OK,        OK,        OK,        NOT_FOUND, NOT_FOUND, UNAUTHENTICATED),
    "accept a submitted report":          (NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED),
    "return a report with a comment":     (NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED),
    "view the period":                    (OK,        OK,        OK,        OK,        OK,        NOT_FOUND, OK,        UNAUTHENTICATED),
    "lock a period":                      (NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED),
    "attach a file to a draft of task 1": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED),
    "download an attachment of task 1's unsent draft": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED),
    "download an attachment of task 1's sent report":  (OK,        OK,        OK,        OK, OK,        NOT_FOUND, NOT_FOUND, UNAUTHENTICATED),
    "activate the plan":                  (NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED),
    "answer an obstacle of task 1":       (OK,        OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED),
}  # fmt: skip
ROWS = [
    (role, action, expected)
    for action, row in MATRIX.items()
    for role, expected in zip(ROLES, row, strict=True)
]
WRITES = [
    "start a report for task 1",
    "save a draft for task 1",
    "submit task 1",
    "accept a submitted report",
    "return a report with a comment",
    "lock a period",
    "attach a file to a draft of task 1",
    "activate the plan",
    "answer an obstacle of task 1",
]


def outcome(seen: Seen) -> str:
    if seen.status == 401:
        return UNAUTHENTICATED
    if seen.status == 404:
        return NOT_FOUND
    assert seen.status in (200, 201), seen.status
    return OK


def test_the_table_covers_every_action() -> None:
    assert set(MATRIX) == set(ACTIONS)
    assert set(WRITES) <= set(ACTIONS)


@pytest.mark.parametrize(("role", "action", "expected"), ROWS, ids=[f"{r}-{a}" for r, a, _ in ROWS])
def test_each_role_gets_through_the_api_what_it_gets_on_the_web(
    cycle: Cycle, role: str, action: str, expected: str
) -> None:
    seen = ACTIONS[action](client_of(cycle, role), cycle)
    assert outcome(seen) == expected
    if seen.effect is not None:
        # Allowed only if it reached the database, refused only if it left it as it was.
        assert seen.effect is (expected == OK)


ALLOWED_WRITERS = {action: ROLES[MATRIX[action].index(OK)] for action in WRITES}


@pytest.mark.parametrize("action", WRITES)
def test_a_read_only_token_of_the_allowed_role_is_refused_every_write_with_403(
    cycle: Cycle, action: str
) -> None:
    api = client_of(cycle, ALLOWED_WRITERS[action], scope="read")
    seen = ACTIONS[action](api, cycle)
    assert seen.status == 403
    assert seen.effect is False


def test_another_organisations_report_is_the_same_404_as_a_missing_one(cycle: Cycle) -> None:
    report = submitted(cycle)
    for user in (cycle.cast.outsider, add_rural_staff(cycle.cast)):
        api = Api(Client(), token_for(user))
        theirs = api.get(f"/reports/{report.pk}")
        missing = api.get("/reports/987654")
        assert theirs.status_code == missing.status_code == 404
        assert (
            theirs.json()
            == missing.json()
            == {
                "code": "not_found",
                "message": "Không tìm thấy hoặc bạn không có quyền truy cập.",
                "message_en": "Not found.",
                "details": None,
            }
        )
        for path in (f"/reports/{report.pk}/submit", f"/reports/{report.pk}/accept"):
            assert api.post(path, {"comment": ""}).status_code == 404
        assert (
            api.patch(f"/reports/{report.pk}", {"revision": report.revision, "narrative": "x"}).status_code
            == 404
        )
        listed = api.get("/reports").json()
        assert report.pk not in [r["id"] for r in listed["results"]]
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.narrative == ""


def test_a_unit_cannot_review_its_own_report_through_the_api(cycle: Cycle) -> None:
    report = submitted(cycle)
    api = Api(Client(), token_for(cycle.cast.unit_staff))
    assert api.post(f"/reports/{report.pk}/accept", {"comment": ""}).status_code == 404
    assert api.post(f"/reports/{report.pk}/return", {"comment": "Tự trả lại"}).status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_lists_show_only_what_the_detail_pages_would(cycle: Cycle) -> None:
    submitted(cycle)
    outsider = Api(Client(), token_for(cycle.cast.outsider))
    for path in ("/plans", "/tasks", "/targets", "/periods", "/reports", "/obstacles"):
        assert outsider.get(path).json()["count"] == 0, path
    unit = Api(Client(), token_for(cycle.cast.unit_staff))
    assert [t["code"] for t in unit.get("/tasks").json()["results"]] == ["1"]
    assert {t["task"] for t in unit.get("/targets").json()["results"]} == {cycle.forest_task.pk}
