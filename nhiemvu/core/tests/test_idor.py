"""No object URL opens another department's object: every route with an id in config.urls,
called by the outsider (unit staff of another department) with a real id of ours, answers as
if the id did not exist; an anonymous visitor is sent to log in.

The table must name every such route: a new one fails `test_the_table_covers_every_object_url`
until it is added here with its expected answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.http import HttpResponseRedirect
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from nhiemvu.api.services import api_token_create
from nhiemvu.cascade.models import TaskLink
from nhiemvu.core.models import UserSession
from nhiemvu.documents.models import ReportJob
from nhiemvu.ingest.services import import_session_stage
from nhiemvu.plans.models import Plan, SourceDocument
from nhiemvu.reminders.models import Notification, NotificationKind
from nhiemvu.reminders.services import feed_create
from nhiemvu.reporting.models import Attachment, Obstacle, ProgressReport, ReportingPeriod
from nhiemvu.reporting.services import (
    ObstacleInput,
    ReportInput,
    attachment_add,
    periods_generate,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.roadmaps.models import RoadmapStep
from nhiemvu.roadmaps.services import StepInput, step_create
from nhiemvu.testing import Cast, build_far_planner, make_plan

pytestmark = pytest.mark.django_db


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            found += _walk(p, route, ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else str(p.name)
            found.append((name, route))
    return found


def _has_parameter(route: str) -> bool:
    return "<" in route or "(?P<" in route


def object_routes() -> dict[str, str]:
    """name → route of every pattern that takes a parameter, outside the admin (staff only, below)."""
    return {
        name: route
        for name, route in _walk(get_resolver())
        if _has_parameter(route) and not route.startswith("admin/") and name != "api:unknown"
    }


@dataclass
class Ours:
    """Objects of the cast's department, and what the outsider uses to ask for them."""

    cast: Cast
    plan_pk: int
    task_pk: int
    target_pk: int
    period: ReportingPeriod
    report: ProgressReport
    obstacle_pk: int
    attachment_pk: int
    notification_pk: int
    feed_pk: int
    session_pk: int
    job_pk: int  # a PDF report the worker built for Planning-Finance
    token_pk: int
    outsider_token: str
    user_session_pk: int  # one of the unit officer's signed-in sessions (the account page)
    step_pk: int  # a step of the lead unit's roadmap for the task
    decision_pk: int  # the province's decision on its agencies' key tasks
    provincial_task_pk: int  # the decision's task assigned to our department, carried by our task


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ours(cast: Cast) -> Ours:
    plan = make_plan(cast, tasks=1, targets_per_task=1)
    # The file the plan was imported from, downloadable through plans:plan-document.
    plan.source_document = SourceDocument(number="05/KH-SNN", issued_on=dt.date(2023, 1, 5))
    plan.source_document.file.save("ke-hoach.txt", ContentFile(b"KE HOACH"), save=False)
    plan.source_document.save()
    plan.save(update_fields=["source_document"])
    periods_generate(plan=plan)
    task = plan.tasks.get()
    period = plan.periods.get(key="2023-06")
    report = report_start(task=task, period=period, user=cast.unit_staff)
    data = ReportInput(
        percent_done=Decimal(40),
        values={t.pk: (Decimal(500), None) for t in task.targets.all()},
        obstacles=[ObstacleInput(description="Thiếu vốn")],
    )
    report = report_save_draft(report=report, user=cast.unit_staff, revision=report.revision, data=data)
    attachment_add(report=report, user=cast.unit_staff, name="bien-ban.pdf", data=b"%PDF-1.7\n")
    report = report_submit(report=report, user=cast.unit_staff)
    notification = Notification.objects.create(
        recipient=cast.unit_staff, kind=NotificationKind.REPORT_RETURNED, dedup_key="k", subject="s", body="b"
    )
    feed, _ = feed_create(user=cast.unit_staff)
    session = import_session_stage(
        user=cast.planning_finance,
        issuer=cast.department,
        file_name="kh.txt",
        data=b"x",
        plan_json={"tasks": []},
    )
    token, _ = api_token_create(user=cast.unit_staff, name="Hệ thống văn bản", scope="write")
    decision = Plan.objects.create(
        title="Nhiệm vụ trọng tâm của các cơ quan",
        year=2023,
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
        issuer=cast.province,
    )
    provincial = decision.tasks.create(code="1", title="Trồng rừng", lead_unit=cast.department)
    TaskLink.objects.create(provincial_task=provincial, agency_task=task)
    signed_in = SessionStore()
    signed_in.create()
    assert signed_in.session_key is not None
    user_session = UserSession.objects.create(user=cast.unit_staff, session_key=signed_in.session_key)
    return Ours(
        cast=cast,
        plan_pk=plan.pk,
        task_pk=task.pk,
        target_pk=task.targets.get().pk,
        period=period,
        report=report,
        obstacle_pk=Obstacle.objects.get(report=report).pk,
        attachment_pk=Attachment.objects.get(report=report).pk,
        notification_pk=notification.pk,
        feed_pk=feed.pk,
        session_pk=session.pk,
        job_pk=ReportJob.objects.create(
            requested_by=cast.planning_finance,
            request={"period": period.pk},
            fmt="pdf",
            status="done",
            content=b"%PDF-1.7\n",
            filename="bao-cao.pdf",
        ).pk,
        token_pk=token.pk,
        outsider_token=api_token_create(user=cast.outsider, name="Sở Y tế", scope="write")[1],
        user_session_pk=user_session.pk,
        step_pk=step_create(
            task=task, user=cast.unit_staff, data=StepInput(title="Khảo sát", due=dt.date(2023, 6, 30))
        ).pk,
        decision_pk=decision.pk,
        provincial_task_pk=provincial.pk,
    )


GET, POST, PATCH = "get", "post", "patch"
NOT_FOUND = 404
# Organisation pages are the province's directory: everyone in the province sees every body's
# name (they coordinate with each other); what they must not see is its plans and reports.
DIRECTORY = "directory"


@dataclass(frozen=True)
class Case:
    method: str
    url: Callable[[Ours], str]
    outsider: int | str = NOT_FOUND
    anonymous: int = 302  # to the login page; the API answers 401


def _uid(pk: int) -> str:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return urlsafe_base64_encode(force_bytes(pk))


def _r(name: str, *args: Callable[[Ours], object]) -> Callable[[Ours], str]:
    return lambda o: reverse(name, args=[a(o) for a in args])


WEB: dict[str, Case] = {
    "organisations:organisation-detail": Case(
        GET, _r("organisations:organisation-detail", lambda o: o.cast.forest_unit.pk), DIRECTORY
    ),
    "plans:plan-detail": Case(GET, _r("plans:plan-detail", lambda o: o.plan_pk)),
    "plans:plan-document": Case(GET, _r("plans:plan-document", lambda o: o.plan_pk)),
    "account:session-end": Case(POST, _r("account:session-end", lambda o: o.user_session_pk)),
    # Public by design (the e-mailed link): without the token it only says the link is invalid.
    "account:password-reset-confirm": Case(
        GET,
        lambda o: reverse("account:password-reset-confirm", args=[_uid(o.cast.unit_staff.pk), "x-y"]),
        outsider=200,
        anonymous=200,
    ),
    "ingest:review": Case(GET, _r("ingest:review", lambda o: o.session_pk)),
    "ingest:confirm": Case(POST, _r("ingest:confirm", lambda o: o.session_pk)),
    "ingest:discard": Case(POST, _r("ingest:discard", lambda o: o.session_pk)),
    "ingest:issuer": Case(POST, _r("ingest:issuer", lambda o: o.session_pk)),
    "ingest:progress": Case(GET, _r("ingest:progress", lambda o: o.session_pk)),
    "documents:report-job": Case(GET, _r("documents:report-job", lambda o: o.job_pk)),
    "documents:report-job-download": Case(GET, _r("documents:report-job-download", lambda o: o.job_pk)),
    "ingest:retry": Case(POST, _r("ingest:retry", lambda o: o.session_pk)),
    "reporting:task-detail": Case(GET, _r("reporting:task-detail", lambda o: o.task_pk)),
    "reporting:report-edit": Case(
        GET, _r("reporting:report-edit", lambda o: o.task_pk, lambda o: o.period.pk)
    ),
    "reporting:submissions": Case(GET, _r("reporting:submissions", lambda o: o.period.pk)),
    "reporting:report-review": Case(POST, _r("reporting:report-review", lambda o: o.report.pk)),
    "reporting:period-list": Case(GET, _r("reporting:period-list", lambda o: o.plan_pk)),
    "reporting:attachment": Case(GET, _r("reporting:attachment", lambda o: o.attachment_pk)),
    "reporting:obstacle-answer": Case(POST, _r("reporting:obstacle-answer", lambda o: o.obstacle_pk)),
    "documents:period-report": Case(
        GET, lambda o: reverse("documents:period-report", kwargs={"period_pk": o.period.pk, "fmt": "docx"})
    ),
    "documents:unit-report": Case(
        GET, lambda o: reverse("documents:unit-report", kwargs={"report_pk": o.report.pk, "fmt": "docx"})
    ),
    # Our agency's report template: Planning-Finance of another province, or a unit next door, get a 404.
    "documents:template-download": Case(
        GET, lambda o: reverse("documents:template-download", args=[o.cast.department.pk, "period"])
    ),
    "reminders:notification-read": Case(POST, _r("reminders:notification-read", lambda o: o.notification_pk)),
    "reminders:feed-revoke": Case(POST, _r("reminders:feed-revoke", lambda o: o.feed_pk)),
    # The feed's id is a secret token (calendar apps can't log in): a wrong one is a 404 for all.
    "reminders:feed-ics": Case(
        GET, lambda o: reverse("reminders:feed-ics", args=["khong-dung"]), anonymous=NOT_FOUND
    ),
    "dashboards:leader-detail": Case(
        GET, _r("dashboards:leader-detail", lambda o: o.cast.deputy_official.pk)
    ),
    "dashboards:unit": Case(GET, _r("dashboards:unit", lambda o: o.cast.forest_unit.pk)),
    "api-tokens:token-revoke": Case(POST, _r("api-tokens:token-revoke", lambda o: o.token_pk)),
    # The province's decision: our agency's share and its links, never another agency's business.
    "dashboards:province-agency": Case(
        GET, _r("dashboards:province-agency", lambda o: o.decision_pk, lambda o: o.cast.department.pk)
    ),
    "cascade:provincial-task": Case(GET, _r("cascade:provincial-task", lambda o: o.provincial_task_pk)),
    "cascade:plan-links": Case(POST, _r("cascade:plan-links", lambda o: o.plan_pk)),
    "roadmaps:step-list": Case(GET, _r("roadmaps:step-list", lambda o: o.task_pk)),
    "roadmaps:step-create": Case(POST, _r("roadmaps:step-create", lambda o: o.task_pk)),
    "roadmaps:period-summary": Case(
        GET, _r("roadmaps:period-summary", lambda o: o.task_pk, lambda o: o.period.pk)
    ),
    "roadmaps:step-edit": Case(POST, _r("roadmaps:step-edit", lambda o: o.step_pk)),
    "roadmaps:step-delete": Case(POST, _r("roadmaps:step-delete", lambda o: o.step_pk)),
    "roadmaps:step-done": Case(POST, _r("roadmaps:step-done", lambda o: o.step_pk)),
    # Our agency's people: only its Planning-Finance (and administrators) manage them.
    "people:agency": Case(GET, _r("people:agency", lambda o: o.cast.department.pk)),
    "people:add": Case(GET, _r("people:add", lambda o: o.cast.department.pk)),
    "people:import": Case(GET, _r("people:import", lambda o: o.cast.department.pk)),
    "people:person": Case(
        GET, _r("people:person", lambda o: o.cast.department.pk, lambda o: o.cast.unit_staff.pk)
    ),
    "people:resend": Case(
        POST, _r("people:resend", lambda o: o.cast.department.pk, lambda o: o.cast.unit_staff.pk)
    ),
    "people:deactivate": Case(
        POST, _r("people:deactivate", lambda o: o.cast.department.pk, lambda o: o.cast.unit_staff.pk)
    ),
    # An agency's two-factor policy: its Planning-Finance (and administrators) only.
    "twofactor:policy-edit": Case(GET, _r("twofactor:policy-edit", lambda o: o.cast.department.pk)),
    # The national holiday table: administrators only (a year is no object of an agency, but a page
    # that takes a parameter all the same).
    "reporting:holiday-year": Case(GET, _r("reporting:holiday-year", lambda o: 2027)),
    # The invitation's token is the secret (the invited person has no password yet): a wrong one is a 404 for all.
    "people:invitation": Case(
        GET, lambda o: reverse("people:invitation", args=["khong-dung"]), anonymous=NOT_FOUND
    ),
}


def _api(path: Callable[[Ours], str], method: str = GET) -> Case:
    return Case(method, lambda o: f"/api/v1/{path(o)}", NOT_FOUND, anonymous=401)


API: dict[str, Case] = {
    "api:organisation_detail": Case(
        GET, lambda o: f"/api/v1/organisations/{o.cast.forest_unit.pk}", DIRECTORY, anonymous=401
    ),
    "api:plan_detail": _api(lambda o: f"plans/{o.plan_pk}"),
    "api:plan_export_json": _api(lambda o: f"plans/{o.plan_pk}/export"),
    "api:plan_activate": _api(lambda o: f"plans/{o.plan_pk}/activate", POST),
    "api:task_detail": _api(lambda o: f"tasks/{o.task_pk}"),
    "api:target_detail": _api(lambda o: f"targets/{o.target_pk}"),
    "api:period_detail": _api(lambda o: f"periods/{o.period.pk}"),
    "api:period_lock": _api(lambda o: f"periods/{o.period.pk}/lock", POST),
    "api:period_unlock": _api(lambda o: f"periods/{o.period.pk}/unlock", POST),
    "api:report_detail": _api(lambda o: f"reports/{o.report.pk}"),
    "api:report_update": _api(lambda o: f"reports/{o.report.pk}", PATCH),
    "api:report_submit": _api(lambda o: f"reports/{o.report.pk}/submit", POST),
    "api:report_accept": _api(lambda o: f"reports/{o.report.pk}/accept", POST),
    "api:report_return": _api(lambda o: f"reports/{o.report.pk}/return", POST),
    "api:attachment_list": _api(lambda o: f"reports/{o.report.pk}/attachments"),
    "api:attachment_upload": _api(lambda o: f"reports/{o.report.pk}/attachments", POST),
    "api:attachment_detail": _api(lambda o: f"attachments/{o.attachment_pk}"),
    "api:attachment_download": _api(lambda o: f"attachments/{o.attachment_pk}/file"),
    "api:obstacle_detail": _api(lambda o: f"obstacles/{o.obstacle_pk}"),
    "api:obstacle_answer": _api(lambda o: f"obstacles/{o.obstacle_pk}/answer", POST),
    "api:notification_read": _api(lambda o: f"notifications/{o.notification_pk}/read", POST),
}
TABLE = {**WEB, **API}


def test_the_table_covers_every_object_url() -> None:
    assert set(object_routes()) == set(TABLE)


def _call(client: Client, case: Case, ours: Ours, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = case.url(ours)
    if case.method == PATCH:
        body = {"narrative": "x", "revision": ours.report.revision}
        return client.patch(url, body, content_type="application/json", headers=headers)
    if case.method == POST and url.startswith("/api/"):
        body = {"comment": "x", "answer": "x"}
        return client.post(url, body, content_type="application/json", headers=headers)
    data = {"answer": "x", "decision": "resolved"} if case.method == POST else {}
    return getattr(client, case.method)(url, data, headers=headers)


def _state(ours: Ours) -> tuple[object, ...]:
    """What a write through one of the routes could change."""
    from nhiemvu.api.models import ApiToken
    from nhiemvu.ingest.models import ImportSession
    from nhiemvu.reminders.models import CalendarFeed

    ours.report.refresh_from_db()
    ours.period.refresh_from_db()
    return (
        ours.report.status,
        ours.report.revision,
        ours.period.locked_at,
        Notification.objects.get(pk=ours.notification_pk).read_at,
        CalendarFeed.objects.get(pk=ours.feed_pk).revoked_at,
        ImportSession.objects.values_list("status", "issuer_id").get(pk=ours.session_pk),
        ApiToken.objects.get(pk=ours.token_pk).revoked_at,
        Plan.objects.values_list("status", "updated_at").get(pk=ours.plan_pk),
        sorted(Attachment.objects.filter(report=ours.report).values_list("pk", "file")),
        Obstacle.objects.values_list("status", "answer", "answered_at").get(pk=ours.obstacle_pk),
        UserSession.objects.filter(pk=ours.user_session_pk).exists(),
        sorted(RoadmapStep.objects.values_list("pk", "title", "due", "done_on")),
    )


@pytest.mark.parametrize(
    "who", ["unit staff of a sibling department", "planning-finance of another province"]
)
@pytest.mark.parametrize("name", TABLE)
def test_the_outsider_gets_404_for_our_objects(ours: Ours, name: str, who: str) -> None:
    """Every object URL, read or write, on the web and the API: another body gets a 404 and
    changes nothing, whether a unit officer next door or Planning-Finance of another province."""
    case = TABLE[name]
    client = Client()
    if who.startswith("unit staff"):
        outsider, token = ours.cast.outsider, ours.outsider_token
    else:
        outsider = build_far_planner()[0]
        token = api_token_create(user=outsider, name="Hệ thống Cao Bằng", scope="write")[1]
    client.force_login(outsider)
    before = _state(ours)
    response = _call(client, case, ours, token if name.startswith("api:") else None)
    if case.outsider == DIRECTORY and who.startswith("planning-finance"):
        assert response.status_code == NOT_FOUND  # another province's directory is not theirs
    elif case.outsider == DIRECTORY:
        assert response.status_code == 200
        body = response.content.decode()
        assert "Nhiệm vụ số 1" not in body and "Kế hoạch thử nghiệm" not in body
    else:
        assert response.status_code == case.outsider, response.content[:300]
    assert _state(ours) == before


@pytest.mark.parametrize("name", TABLE)
def test_an_anonymous_visitor_is_sent_to_log_in(ours: Ours, name: str) -> None:
    case = TABLE[name]
    before = _state(ours)
    response = _call(Client(), case, ours)
    assert response.status_code == case.anonymous
    if case.anonymous == 302:
        assert response.url.startswith(reverse("login"))
    assert _state(ours) == before


def test_admin_object_pages_are_for_staff_only(ours: Ours) -> None:
    """Every admin route with an id sends a non-staff user to the admin's login."""
    client = Client()
    client.force_login(ours.cast.outsider)
    routes = [r for _, r in _walk(get_resolver()) if r.startswith("admin/") and _has_parameter(r)]
    assert len(routes) > 50
    for route in routes:
        if "(?P<" in route:
            continue  # the app index and the catch-all: not object pages
        url = "/" + route.replace("<path:content_type_id>", "1").replace(
            "<path:object_id>", str(ours.plan_pk)
        )
        url = url.replace("<id>", str(ours.cast.director.pk))
        response = client.get(url)
        assert response.status_code == 302 and isinstance(response, HttpResponseRedirect), url
        assert "/admin/login/" in response.url, url
