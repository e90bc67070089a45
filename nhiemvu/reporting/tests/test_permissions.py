"""Who may do what in the reporting cycle, through the web: a table of role × action → outcome.

Outcomes:
- OK: the page opens with its write controls, or the write happened (checked in the database);
- READ_ONLY: the page opens without write controls;
- NOT_FOUND: 404, the same answer as for an ID that does not exist. Writes the user may not make
  on something they can see are refused the same way (the views turn NotAllowedError into a 404),
  and the database is checked to be unchanged;
- LOGIN: an anonymous visitor is sent to the login page, nothing is written.

Task 1 is led by the forest unit (unit_staff), task 2 by the rural unit (rural_staff); both are
supported by Planning-Finance, whose staff review rather than report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from nhiemvu.organisations.models import Membership, Role
from nhiemvu.organisations.selectors import access_scope
from nhiemvu.plans.models import Task
from nhiemvu.plans.selectors import tasks_visible_to
from nhiemvu.reporting.access import reporting_unit
from nhiemvu.reporting.models import Attachment, ProgressReport, ReportStatus, ReviewEvent
from nhiemvu.reporting.services import (
    ReportInput,
    attachment_add,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.testing import Cast

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

from .conftest import Cycle

pytestmark = pytest.mark.django_db

OK, READ_ONLY, NOT_FOUND, LOGIN = "ok", "read-only", "404", "login"
PDF = b"%PDF-1.7\n% bien ban kiem tra hien truong\n"
NARRATIVE = "Đã trồng 500 ha rừng phòng hộ."


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def add_rural_staff(cast: Cast) -> User:
    user = get_user_model().objects.create_user(username="ptnt", password="x", last_name="Vũ Thị Nông")
    Membership.objects.create(user=user, organisation=cast.rural_unit, role=Role.UNIT_STAFF)
    return user


def user_of(cycle: Cycle, role: str) -> User | None:
    if role == "anonymous":
        return None
    if role == "rural_staff":
        return add_rural_staff(cycle.cast)
    user: User = getattr(cycle.cast, role)
    return user


# What the actions need in place ------------------------------------------------------------------


def draft(cycle: Cycle, task: Task | None = None, user: User | None = None) -> ProgressReport:
    task = task or cycle.forest_task
    user = user or cycle.cast.unit_staff
    report = report_start(task=task, period=cycle.june, user=user)
    data = ReportInput(
        percent_done=Decimal(40),
        narrative=NARRATIVE,
        values={t.pk: (Decimal(500), None) for t in task.targets.all()},
    )
    return report_save_draft(report=report, user=user, revision=report.revision, data=data)


def submitted(cycle: Cycle) -> ProgressReport:
    return report_submit(report=draft(cycle), user=cycle.cast.unit_staff)


def report_fields(task: Task, action: str, revision: int = 0) -> dict[str, str]:
    """What the report form posts: every field it renders, as a unit would fill them."""
    fields = {
        "action": action,
        "revision": str(revision),
        "percent_done": "40",
        "completed_on": "",
        "narrative": NARRATIVE,
        "proposals": "",
    }
    for target in task.targets.all():
        fields[f"actual_{target.pk}"] = "500"
        fields[f"estimate_{target.pk}"] = ""
    for i in range(3):
        for part in ("description", "needs", "addressed_to"):
            fields[f"obstacle_{i}_{part}"] = ""
    return fields


# The actions: each returns what the user saw and, for a write, whether it happened ---------------


@dataclass
class Seen:
    response: TestResponse
    effect: bool | None = None  # a write: did it reach the database
    writes_shown: bool | None = None  # a page with write controls: were they there


def has(response: TestResponse, marker: str) -> bool:
    return response.status_code == 200 and marker in response.content.decode()


def report_form_url(cycle: Cycle, task: Task) -> str:
    return reverse("reporting:report-edit", args=[task.pk, cycle.june.pk])


def view_plan(client: Client, cycle: Cycle) -> Seen:
    return Seen(client.get(reverse("plans:plan-detail", args=[cycle.plan.pk])))


def view_task(task_of: Callable[[Cycle], Task]) -> Callable[[Client, Cycle], Seen]:
    def act(client: Client, cycle: Cycle) -> Seen:
        task = task_of(cycle)
        response = client.get(reverse("reporting:task-detail", args=[task.pk]))
        # The write control of a task page is its "report this period" button.
        return Seen(response, writes_shown=has(response, f'href="/reporting/tasks/{task.pk}/periods/'))

    return act


def open_report_form(client: Client, cycle: Cycle) -> Seen:
    response = client.get(report_form_url(cycle, cycle.forest_task))
    return Seen(response, writes_shown=has(response, 'data-testid="save-draft"'))


def save_draft(task_of: Callable[[Cycle], Task]) -> Callable[[Client, Cycle], Seen]:
    def act(client: Client, cycle: Cycle) -> Seen:
        task = task_of(cycle)
        response = client.post(report_form_url(cycle, task), report_fields(task, "save"))
        saved = ProgressReport.objects.filter(
            task=task, period=cycle.june, status=ReportStatus.DRAFT, narrative=NARRATIVE
        ).exists()
        return Seen(response, effect=saved)

    return act


def submit(client: Client, cycle: Cycle) -> Seen:
    task = cycle.forest_task
    response = client.post(report_form_url(cycle, task), report_fields(task, "submit"))
    done = ProgressReport.objects.filter(task=task, period=cycle.june, status=ReportStatus.SUBMITTED).exists()
    return Seen(response, effect=done)


def view_submissions(client: Client, cycle: Cycle) -> Seen:
    submitted(cycle)
    response = client.get(reverse("reporting:submissions", args=[cycle.june.pk]))
    return Seen(response, writes_shown=has(response, 'data-testid="accept"'))


def review(decision: str, comment: str, after: ReportStatus) -> Callable[[Client, Cycle], Seen]:
    def act(client: Client, cycle: Cycle) -> Seen:
        report = submitted(cycle)
        events_before = report.events.count()
        response = client.post(
            reverse("reporting:report-review", args=[report.pk]), {"decision": decision, "comment": comment}
        )
        report.refresh_from_db()
        moved = report.status == after
        assert report.events.count() == events_before + (1 if moved else 0)
        if not moved:
            assert report.status == ReportStatus.SUBMITTED
        return Seen(response, effect=moved)

    return act


def view_periods(client: Client, cycle: Cycle) -> Seen:
    response = client.get(reverse("reporting:period-list", args=[cycle.plan.pk]))
    return Seen(response, writes_shown=has(response, 'value="lock"'))


def lock_period(client: Client, cycle: Cycle) -> Seen:
    response = client.post(
        reverse("reporting:period-list", args=[cycle.plan.pk]), {"action": "lock", "period": cycle.june.pk}
    )
    cycle.june.refresh_from_db()
    return Seen(response, effect=cycle.june.is_locked)


def download_attachment(*, sent: bool) -> Callable[[Client, Cycle], Seen]:
    """An unsent draft's files are its unit's alone (README, "Unsent drafts are the unit's own")."""

    def act(client: Client, cycle: Cycle) -> Seen:
        report = draft(cycle)
        attachment = attachment_add(
            report=report, user=cycle.cast.unit_staff, name="Biên bản kiểm tra.pdf", data=PDF
        )
        if sent:
            report_submit(report=report, user=cycle.cast.unit_staff)
        response = client.get(reverse("reporting:attachment", args=[attachment.pk]))
        if response.status_code == 200:
            assert isinstance(response, StreamingHttpResponse)  # a FileResponse
            assert b"".join(response.streaming_content) == PDF
        return Seen(response)

    return act


ACTIONS: dict[str, Callable[[Client, Cycle], Seen]] = {
    "view the plan page": view_plan,
    "view task 1's page": view_task(lambda c: c.forest_task),
    "view task 2's page": view_task(lambda c: c.rural_task),
    "open the report form for task 1": open_report_form,
    "save a draft for task 1": save_draft(lambda c: c.forest_task),
    "save a draft for task 2": save_draft(lambda c: c.rural_task),
    "submit task 1": submit,
    "view the period's submissions": view_submissions,
    "accept a submitted report": review("accept", "", ReportStatus.ACCEPTED),
    "return a report with a comment": review("return", "Bổ sung số liệu diện tích", ReportStatus.RETURNED),
    "view the period calendar": view_periods,
    "lock a period": lock_period,
    "download an attachment of an unsent draft": download_attachment(sent=False),
    "download an attachment of a sent report": download_attachment(sent=True),
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
    #                                    director   deputy     plan-fin   unit       reviewer   outsider   rural      anonymous
    "view the plan page":               (OK,        OK,        OK,        OK,        OK,        NOT_FOUND, OK,        LOGIN),
    "view task 1's page":               (READ_ONLY, READ_ONLY, READ_ONLY, OK,        READ_ONLY, NOT_FOUND, NOT_FOUND, LOGIN),
    "view task 2's page":               (READ_ONLY, READ_ONLY, READ_ONLY, NOT_FOUND, READ_ONLY, NOT_FOUND, OK,        LOGIN),
    "open the report form for task 1":  (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, LOGIN),
    "save a draft for task 1":          (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, LOGIN),
    "save a draft for task 2":          (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        LOGIN),
    "submit task 1":                    (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, LOGIN),
    "view the period's submissions":    (READ_ONLY, NOT_FOUND, OK,        NOT_FOUND, READ_ONLY, NOT_FOUND, NOT_FOUND, LOGIN),
    "accept a submitted report":        (NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, LOGIN),
    "return a report with a comment":   (NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, LOGIN),
    "view the period calendar":         (READ_ONLY, READ_ONLY, OK,        READ_ONLY, READ_ONLY, NOT_FOUND, READ_ONLY, LOGIN),
    "lock a period":                    (NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, LOGIN),
    "download an attachment of an unsent draft": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, LOGIN),
    "download an attachment of a sent report":   (OK,        OK,        OK,        OK, OK,        NOT_FOUND, NOT_FOUND, LOGIN),
}  # fmt: skip
ROWS = [
    (role, action, expected)
    for action, row in MATRIX.items()
    for role, expected in zip(ROLES, row, strict=True)
]


def outcome(seen: Seen) -> str:
    response = seen.response
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    if response.status_code == 404:
        return NOT_FOUND
    assert response.status_code in (200, 302), response.status_code
    if seen.effect is not None:
        return OK if seen.effect else READ_ONLY
    if seen.writes_shown is False:
        return READ_ONLY
    return OK


def test_the_table_covers_every_action() -> None:
    assert set(MATRIX) == set(ACTIONS)


@pytest.mark.parametrize(("role", "action", "expected"), ROWS, ids=[f"{r}-{a}" for r, a, _ in ROWS])
def test_each_role_gets_its_outcome_for_each_action(
    client: Client, cycle: Cycle, role: str, action: str, expected: str
) -> None:
    user = user_of(cycle, role)
    if user is not None:
        client.force_login(user)
    seen = ACTIONS[action](client, cycle)
    assert outcome(seen) == expected
    if seen.effect is not None:
        # A write is allowed only if it reached the database, refused only if it left it as it was.
        assert seen.effect is (expected == OK)


# The same rules, told as stories -----------------------------------------------------------------


def test_another_unit_gets_404_for_task_1_even_with_the_right_ids(client: Client, cycle: Cycle) -> None:
    report = draft(cycle)
    attachment = attachment_add(report=report, user=cycle.cast.unit_staff, name="bb.pdf", data=PDF)
    urls = [
        reverse("reporting:task-detail", args=[cycle.forest_task.pk]),
        report_form_url(cycle, cycle.forest_task),
        reverse("reporting:attachment", args=[attachment.pk]),
    ]
    for user in (cycle.cast.outsider, add_rural_staff(cycle.cast)):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        response = client.post(
            report_form_url(cycle, cycle.forest_task), report_fields(cycle.forest_task, "save")
        )
        assert response.status_code == 404
    report.refresh_from_db()
    assert report.revision == 1


def test_guessed_ids_get_the_same_404_as_someone_elses(client: Client, cycle: Cycle) -> None:
    report = submitted(cycle)
    missing = 987_654
    client.force_login(cycle.cast.unit_staff)
    for url in (
        reverse("reporting:task-detail", args=[missing]),
        reverse("reporting:report-edit", args=[missing, cycle.june.pk]),
        reverse("reporting:report-edit", args=[cycle.forest_task.pk, missing]),
        reverse("reporting:submissions", args=[missing]),
        reverse("reporting:attachment", args=[missing]),
        reverse("reporting:period-list", args=[missing]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("reporting:report-review", args=[missing]), {"decision": "accept"}).status_code
        == 404
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_report_form_of_a_period_of_another_plan_is_404(client: Client, cycle: Cycle) -> None:
    from nhiemvu.reporting.services import periods_generate
    from nhiemvu.testing import make_plan

    other = make_plan(cycle.cast, tasks=1, title="Kế hoạch khác")
    periods_generate(plan=other)
    client.force_login(cycle.cast.unit_staff)
    other_june = other.periods.get(key="2023-06")
    response = client.get(reverse("reporting:report-edit", args=[cycle.forest_task.pk, other_june.pk]))
    assert response.status_code == 404


def test_a_unit_cannot_review_its_own_report(client: Client, cycle: Cycle) -> None:
    report = submitted(cycle)
    client.force_login(cycle.cast.unit_staff)
    for decision, comment in (("accept", ""), ("return", "Tự trả lại")):
        response = client.post(
            reverse("reporting:report-review", args=[report.pk]), {"decision": decision, "comment": comment}
        )
        assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert list(report.events.values_list("to_status", flat=True)) == ["draft", "submitted"]


def test_the_provincial_reviewer_reads_submissions_but_every_post_is_refused(
    client: Client, cycle: Cycle
) -> None:
    report = submitted(cycle)
    client.force_login(cycle.cast.reviewer)
    page = client.get(reverse("reporting:submissions", args=[cycle.june.pk]))
    assert page.status_code == 200
    assert 'data-code="1"' in page.content.decode()
    assert 'data-testid="accept"' not in page.content.decode()

    posts = [
        (reverse("reporting:report-review", args=[report.pk]), {"decision": "accept"}),
        (reverse("reporting:report-review", args=[report.pk]), {"decision": "return", "comment": "Xem lại"}),
        (reverse("reporting:period-list", args=[cycle.plan.pk]), {"action": "lock", "period": cycle.june.pk}),
        (reverse("reporting:period-list", args=[cycle.plan.pk]), {"action": "generate"}),
        (
            report_form_url(cycle, cycle.forest_task),
            report_fields(cycle.forest_task, "save", report.revision),
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    report.refresh_from_db()
    cycle.june.refresh_from_db()
    assert (report.status, cycle.june.is_locked) == (ReportStatus.SUBMITTED, False)
    assert ReviewEvent.objects.filter(report=report).count() == 2
    assert Attachment.objects.count() == 0


def test_whoever_reports_on_a_task_also_sees_it(cycle: Cycle) -> None:
    """The report form asks only `access.reporting_unit` (selectors.task_for_report): that holds
    only while every task a user reports on is one `tasks_visible_to` lets them see. Checked for
    every role of the table on every task, superuser included; a rule that drifts fails here."""
    users = [user_of(cycle, role) for role in ROLES if role != "anonymous"]
    users.append(get_user_model().objects.create_superuser(username="root", password="x"))
    tasks = list(Task.objects.all())
    reporters = 0
    for user in users:
        assert user is not None
        scope = access_scope(user)
        visible = set(tasks_visible_to(user, scope).values_list("pk", flat=True))
        for task in tasks:
            if reporting_unit(scope, task) is not None:
                reporters += 1
                assert task.pk in visible, (user.username, task.code)
    # The check has teeth: the lead units, the support unit and the superuser report on something.
    assert reporters >= len(tasks) + 2
