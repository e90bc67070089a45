"""A script stored in every free-text field a person can fill comes back escaped on every page
that shows it: Django's autoescaping is never switched off around user data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from nhiemvu.ingest.services import import_session_stage
from nhiemvu.organisations.models import Official
from nhiemvu.plans.models import Milestone, Plan, Target, Task
from nhiemvu.reminders.models import Notification, NotificationKind
from nhiemvu.reporting.models import ProgressReport, ReportingPeriod
from nhiemvu.reporting.services import (
    ObstacleInput,
    ReportInput,
    attachment_add,
    obstacle_answer,
    periods_generate,
    report_return,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.testing import Cast, make_plan

pytestmark = pytest.mark.django_db

PAYLOAD = """<script>alert("x")</script><img src=x onerror=alert(1)>"'"""
# A browser never sends "/" in a file name, so the attachment carries the half without it.
FILE_PAYLOAD = "<img src=x onerror=alert(1)>"


@dataclass
class Stored:
    plan: Plan
    task: Task
    june: ReportingPeriod
    report: ProgressReport
    session_pk: int


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def stored(cast: Cast) -> Stored:
    plan = make_plan(cast, tasks=2, targets_per_task=1, title=PAYLOAD)
    periods_generate(plan=plan)
    task = plan.tasks.get(code="1")
    Task.objects.filter(pk=task.pk).update(title=PAYLOAD, description=PAYLOAD)
    Target.objects.filter(task=task).update(name=PAYLOAD, unit=PAYLOAD[:80])
    Milestone.objects.filter(task=task).update(text=PAYLOAD)
    for org in (cast.forest_unit, cast.department):
        org.short_name = PAYLOAD[:80]
        org.save()
    cast.forest_unit.name = PAYLOAD
    cast.forest_unit.save()
    Official.objects.filter(pk=cast.deputy_official.pk).update(full_name=PAYLOAD, position=PAYLOAD)
    task.refresh_from_db()
    june = plan.periods.get(key="2023-06")
    report = report_start(task=task, period=june, user=cast.unit_staff)
    data = ReportInput(
        percent_done=Decimal(40),
        narrative=PAYLOAD,
        proposals=PAYLOAD,
        values={t.pk: (Decimal(500), None) for t in task.targets.all()},
        obstacles=[ObstacleInput(description=PAYLOAD, needs=PAYLOAD, addressed_to=PAYLOAD)],
    )
    report = report_save_draft(report=report, user=cast.unit_staff, revision=report.revision, data=data)
    attachment_add(report=report, user=cast.unit_staff, name=f"{FILE_PAYLOAD}.pdf", data=b"%PDF-1.7\n")
    report = report_submit(report=report, user=cast.unit_staff)
    obstacle_answer(obstacle=report.obstacles.get(), user=cast.deputy, answer=PAYLOAD, resolved=False)
    report = report_return(report=report, user=cast.planning_finance, comment=PAYLOAD)
    Notification.objects.create(
        recipient=cast.unit_staff,
        kind=NotificationKind.REPORT_RETURNED,
        dedup_key="xss",
        subject=PAYLOAD,
        body=PAYLOAD,
        url=reverse("reporting:task-detail", args=[task.pk]),
    )
    session = import_session_stage(
        user=cast.planning_finance,
        issuer=cast.department,
        file_name=f"{FILE_PAYLOAD}.txt",
        data=b"x",
        plan_json=_plan_json(),
    )
    return Stored(plan=plan, task=task, june=june, report=report, session_pk=session.pk)


def _plan_json() -> dict[str, Any]:
    return {
        "schema": "nhiemvu.plan/1",
        "document": {
            "kind": "KH",
            "number": PAYLOAD,
            "symbol": "KH-SNN",
            "issuer": PAYLOAD,
            "place": PAYLOAD,
            "issued_on": None,
            "year": 2023,
            "title": PAYLOAD,
            "signer": {"name": PAYLOAD, "title": PAYLOAD},
        },
        "references": [],
        "tasks": [
            {
                "code": "1",
                "parent": None,
                "title": PAYLOAD,
                "leader": PAYLOAD,
                "lead_unit": PAYLOAD,
                "support_units": [PAYLOAD],
                "deadline": None,
                "recurrence": None,
                "targets": [
                    {
                        "name": PAYLOAD,
                        "unit": PAYLOAD,
                        "comparator": "=",
                        "value": 5,
                        "max": None,
                        "change": None,
                    }
                ],
                "milestones": [{"due": "2023-06-30", "text": PAYLOAD, "value": None, "unit": None}],
            }
        ],
        "reporting": {"compiler": PAYLOAD, "frequencies": ["monthly"]},
        "recipients": [PAYLOAD],
        "findings": [{"code": "blank_number", "task": None, "excerpt": PAYLOAD, "message": PAYLOAD}],
    }


# (who looks, the page): every page that shows one of the fields above.
PAGES = {
    "plan list": ("planning_finance", lambda s: reverse("plans:plan-list")),
    "plan detail": ("planning_finance", lambda s: reverse("plans:plan-detail", args=[s.plan.pk])),
    "task page (reviewer)": (
        "planning_finance",
        lambda s: reverse("reporting:task-detail", args=[s.task.pk]),
    ),
    "task page (unit)": ("unit_staff", lambda s: reverse("reporting:task-detail", args=[s.task.pk])),
    "my tasks": (
        "unit_staff",
        lambda s: reverse("reporting:my-tasks") + f"?plan={s.plan.pk}&period={s.june.pk}",
    ),
    "report form": ("unit_staff", lambda s: reverse("reporting:report-edit", args=[s.task.pk, s.june.pk])),
    "submissions": ("planning_finance", lambda s: reverse("reporting:submissions", args=[s.june.pk])),
    "period list": ("planning_finance", lambda s: reverse("reporting:period-list", args=[s.plan.pk])),
    "dashboard overview": ("director", lambda s: reverse("dashboards:overview")),
    "dashboard task list": ("director", lambda s: reverse("dashboards:task-list")),
    "dashboard leader": ("director", lambda s: reverse("dashboards:leader-detail", args=[s.task.leader_id])),
    "dashboard unit": ("director", lambda s: reverse("dashboards:unit", args=[s.task.lead_unit_id])),
    "organisation list": ("planning_finance", lambda s: reverse("organisations:organisation-list")),
    "organisation detail": (
        "planning_finance",
        lambda s: reverse("organisations:organisation-detail", args=[s.task.lead_unit_id]),
    ),
    "notifications": ("unit_staff", lambda s: reverse("reminders:notification-list")),
    "audit trail": ("planning_finance", lambda s: reverse("audit:log-list")),
    "import review": ("planning_finance", lambda s: reverse("ingest:review", args=[s.session_pk])),
    "provincial report": ("reviewer", lambda s: reverse("documents:provincial-report") + "?period=2023-06"),
}


@pytest.mark.parametrize("name", PAGES)
def test_the_stored_payload_is_shown_escaped(stored: Stored, cast: Cast, name: str) -> None:
    role, url_of = PAGES[name]
    client = Client()
    client.force_login(getattr(cast, role))
    response = client.get(url_of(stored))
    assert response.status_code == 200, name
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;" in html or "&lt;img src=x onerror" in html, (
        "the page doesn't show the field at all"
    )


def test_every_page_that_shows_a_report_shows_all_its_fields_escaped(stored: Stored, cast: Cast) -> None:
    """The report form holds the narrative, proposals, obstacles, comment and attachment name."""
    client = Client()
    client.force_login(cast.unit_staff)
    html = client.get(
        reverse("reporting:report-edit", args=[stored.task.pk, stored.june.pk])
    ).content.decode()
    assert html.count("&lt;script&gt;") >= 5
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in html


@pytest.mark.parametrize(
    "url_of",
    [
        lambda s: reverse("reporting:task-detail", args=[s.task.pk]),
        lambda s: reverse("reporting:report-edit", args=[s.task.pk, s.june.pk]),
    ],
    ids=["task page", "report form"],
)
def test_the_leaders_answer_to_an_obstacle_is_shown_escaped_to_the_unit(
    stored: Stored, cast: Cast, url_of: Any
) -> None:
    client = Client()
    client.force_login(cast.unit_staff)
    html = client.get(url_of(stored)).content.decode()
    start = html.index('data-testid="obstacle-answer"')
    answer = html[start : html.index("</p>", start)]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in answer
    assert "<script>" not in answer and "<img" not in answer
