"""The audit trail: every change of the audited models is recorded with its actor, before and
after; planning-finance and the director read their department's part, nobody edits it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db.models import Model
from django.http import HttpResponseRedirect

if TYPE_CHECKING:
    from playwright.sync_api import Page

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from nhiemvu.audit.models import AuditEntry
from nhiemvu.audit.registry import AUDITED_MODELS
from nhiemvu.organisations.models import Membership, Role
from nhiemvu.plans.models import Plan, Target
from nhiemvu.reporting.models import ProgressReport
from nhiemvu.reporting.services import periods_generate
from nhiemvu.reporting.tests.test_permissions import report_fields
from nhiemvu.testing import Cast, browser_login, make_plan

pytestmark = pytest.mark.django_db
URL = "/audit/"
CREATE, UPDATE, DELETE = AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE, AuditEntry.Action.DELETE


def entries_for(obj: Model) -> list[AuditEntry]:
    ct = ContentType.objects.get_for_model(obj)
    return list(AuditEntry.objects.filter(content_type=ct, object_id=obj.pk).order_by("pk"))


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_audited_model_is_registered() -> None:
    from auditlog.registry import auditlog
    from django.apps import apps

    assert all(auditlog.contains(apps.get_model(label)) for label in AUDITED_MODELS)


def test_creating_a_plan_records_each_object_under_the_department(cast: Cast) -> None:
    plan = make_plan(cast, tasks=2, targets_per_task=1)
    [created] = entries_for(plan)
    assert created.action == CREATE
    assert created.organisation_id == cast.department.pk
    assert created.changes_dict["title"] == ["None", "Kế hoạch thử nghiệm"]
    target = Target.objects.filter(task__plan=plan).first()
    assert target is not None
    assert entries_for(target)[0].organisation_id == cast.department.pk


def test_a_change_keeps_the_value_before_and_after(cast: Cast) -> None:
    plan = make_plan(cast, tasks=1, targets_per_task=1)
    target = Target.objects.get(task__plan=plan)
    target.value = Decimal(1500)
    target.save()
    change = entries_for(target)[-1]
    assert change.action == UPDATE
    assert list(change.changes_dict) == ["value"]
    assert change.changes_dict["value"][0].startswith("1000")
    assert change.changes_dict["value"][1].startswith("1500")


def test_a_delete_is_recorded_and_stays_readable_after_the_object_is_gone(cast: Cast) -> None:
    plan = make_plan(cast, tasks=1, targets_per_task=1)
    plan_pk = plan.pk
    plan.delete()
    ct = ContentType.objects.get_for_model(Plan)
    deleted = AuditEntry.objects.get(content_type=ct, object_id=plan_pk, action=DELETE)
    assert deleted.organisation_id == cast.department.pk
    response = as_user(cast.planning_finance).get(URL, {"model": ct.pk, "object": plan_pk})
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="audit-entry"') == 2  # created, deleted


def test_memberships_officials_and_organisations_are_recorded(cast: Cast) -> None:
    user = get_user_model().objects.create_user(username="moi", password="x")
    membership = Membership.objects.create(user=user, organisation=cast.forest_unit, role=Role.UNIT_STAFF)
    assert entries_for(membership)[0].organisation_id == cast.forest_unit.pk
    cast.forest_unit.name = "Chi cục Kiểm lâm tỉnh"
    cast.forest_unit.save()
    assert entries_for(cast.forest_unit)[-1].changes_dict["name"][1] == "Chi cục Kiểm lâm tỉnh"
    assert entries_for(cast.deputy_official)[0].organisation_id == cast.department.pk


def test_a_web_write_names_its_actor_and_the_report_change(cast: Cast) -> None:
    plan = make_plan(cast, tasks=1, targets_per_task=1)
    periods_generate(plan=plan)
    task = plan.tasks.get(code="1")
    june = plan.periods.get(key="2023-06")
    client = as_user(cast.unit_staff)
    url = reverse("reporting:report-edit", args=[task.pk, june.pk])
    response = client.post(url, report_fields(task, "save"))
    assert response.status_code == 302
    report = ProgressReport.objects.get(task=task, period=june)
    entries = entries_for(report)
    assert entries and all(e.actor == cast.unit_staff for e in entries)
    assert entries[0].organisation_id == cast.department.pk
    assert any("narrative" in e.changes_dict for e in entries)


def test_a_submitted_report_s_figures_and_obstacles_are_recorded_under_the_department(cast: Cast) -> None:
    from nhiemvu.reporting.models import Obstacle, TargetValue

    plan = make_plan(cast, tasks=1, targets_per_task=2)
    periods_generate(plan=plan)
    task = plan.tasks.get(code="1")
    june = plan.periods.get(key="2023-06")
    fields = report_fields(task, "submit") | {"obstacle_0_description": "Thiếu vốn"}
    url = reverse("reporting:report-edit", args=[task.pk, june.pk])
    assert as_user(cast.unit_staff).post(url, fields).status_code == 302
    report = ProgressReport.objects.get(task=task, period=june)
    values = list(TargetValue.objects.filter(report=report).select_related("target"))
    rows = [report, *values, Obstacle.objects.get(report=report)]
    entries = [e for row in rows for e in entries_for(row)]
    # the report created with what the form sent, already sent (one save and send, one entry);
    # two figures; one obstacle
    assert len(entries) == 1 + 2 + 1
    created = entries_for(report)[0].changes_dict
    assert created["narrative"][1] == fields["narrative"] and created["status"][1] == "submitted"
    assert {e.organisation_id for e in entries} == {cast.department.pk}
    assert all(e.actor == cast.unit_staff for e in entries)
    assert {e.object_repr for v in values for e in entries_for(v)} == {
        f"{v.target.name}: 500" for v in values
    }
    # The report's history still shows both steps.
    assert list(report.events.order_by("at", "id").values_list("from_status", "to_status")) == [
        ("", "draft"),
        ("draft", "submitted"),
    ]
    # A draft saved first and sent later: its sending is an entry of its own.
    july = plan.periods.get(key="2023-07")
    url = reverse("reporting:report-edit", args=[task.pk, july.pk])
    assert as_user(cast.unit_staff).post(url, report_fields(task, "save")).status_code == 302
    later = ProgressReport.objects.get(task=task, period=july)
    fields = report_fields(task, "submit", revision=later.revision)
    assert as_user(cast.unit_staff).post(url, fields).status_code == 302
    assert entries_for(later)[-1].changes_dict["status"] == ["draft", "submitted"]


def test_a_row_saved_without_its_parents_loaded_is_still_recorded_under_the_department(cast: Cast) -> None:
    """Each way up to the plan (one, two and three steps), read from the database when the row was
    loaded on its own, as an admin or a command saves it."""
    from nhiemvu.plans.models import Task
    from nhiemvu.reporting.models import ReportingPeriod, TargetValue

    plan = make_plan(cast, tasks=1, targets_per_task=1)
    periods_generate(plan=plan)
    task = plan.tasks.get(code="1")
    june = plan.periods.get(key="2023-06")
    url = reverse("reporting:report-edit", args=[task.pk, june.pk])
    assert as_user(cast.unit_staff).post(url, report_fields(task, "save")).status_code == 302
    value = TargetValue.objects.get(report__task=task)
    rows: list[tuple[Model, str, object]] = [
        (Task.objects.get(pk=task.pk), "title", "Nhiệm vụ đã sửa"),  # task -> plan
        (ReportingPeriod.objects.get(pk=june.pk), "label", "Tháng 6 (sửa)"),  # period -> plan
        (Target.objects.get(task=task), "name", "Chỉ tiêu đã sửa"),  # target -> task -> plan
        (ProgressReport.objects.get(task=task), "narrative", "Đã sửa"),  # report -> task -> plan
        (TargetValue.objects.get(pk=value.pk), "actual", Decimal("8650")),  # figure -> report -> task -> plan
    ]
    for row, field, changed in rows:
        setattr(row, field, changed)
        with CaptureQueriesContext(connection) as queries:
            row.save()
        change = entries_for(row)[-1]
        assert change.action == UPDATE and field in change.changes_dict, row
        assert change.organisation_id == cast.department.pk, row
        assert any("issuer_id" in q["sql"] for q in queries.captured_queries), row


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("planning_finance", 200),
        ("director", 200),
        ("deputy", 404),
        ("unit_staff", 404),
        ("reviewer", 404),
        ("outsider", 404),
    ],
)
def test_only_planning_finance_and_the_director_read_the_trail(cast: Cast, role: str, status: int) -> None:
    response = as_user(getattr(cast, role)).get(URL)
    assert response.status_code == status
    nav = as_user(getattr(cast, role)).get(reverse("plans:plan-list")).content.decode()
    assert ('data-testid="nav-audit"' in nav) == (status == 200)


def test_an_anonymous_visitor_is_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and isinstance(response, HttpResponseRedirect)
    assert response.url.startswith("/login/")


def test_a_department_sees_its_own_trail_and_not_another_department_s(cast: Cast) -> None:
    make_plan(cast, tasks=1, targets_per_task=1, title="Kế hoạch của Sở Nông nghiệp")
    other_pf = get_user_model().objects.create_user(username="khtc-yte", password="x")
    Membership.objects.create(user=other_pf, organisation=cast.other_department, role=Role.PLANNING_FINANCE)
    Plan.objects.create(
        title="Kế hoạch của Sở Y tế",
        year=2023,
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
        issuer=cast.other_department,
    )
    ours = as_user(cast.planning_finance).get(URL).content.decode()
    theirs = as_user(other_pf).get(URL).content.decode()
    assert "Kế hoạch của Sở Nông nghiệp" in ours and "Kế hoạch của Sở Y tế" not in ours
    assert "Kế hoạch của Sở Y tế" in theirs and "Kế hoạch của Sở Nông nghiệp" not in theirs


def test_the_list_filters_by_model_object_user_action_and_dates(cast: Cast) -> None:
    plan = make_plan(cast, tasks=2, targets_per_task=1)
    target = Target.objects.filter(task__plan=plan).first()
    assert target is not None
    # The trail refuses to back-date its entries, so the change is made ten days later instead.
    with time_machine.travel(timezone.now() + dt.timedelta(days=10)):
        target.name = "chỉ tiêu đã sửa"
        target.save()
        client = as_user(cast.director)
        ct = ContentType.objects.get_for_model(Target)

        def count(**params: int | str) -> int:
            return client.get(URL, params).content.decode().count('data-testid="audit-entry"')

        assert count(model=ct.pk) == 3  # two created, one changed
        assert count(model=ct.pk, object=target.pk) == 2
        assert count(action=UPDATE) == 1
        today = timezone.localdate()
        assert count(date_from=today.isoformat()) == 1
        assert count(date_to=(today - dt.timedelta(days=1)).isoformat()) == count() - 1
        # Nobody has acted through the web yet: no one to choose, and an unknown choice finds nothing.
        assert count(actor=cast.planning_finance.pk) == 0


def test_the_list_is_read_only_and_queries_a_fixed_number_of_times(
    cast: Cast,
) -> None:
    make_plan(cast, tasks=3, targets_per_task=2)
    client = as_user(cast.planning_finance)
    assert client.post(URL, {}).status_code == 405
    before = AuditEntry.objects.count()
    # session, user; the trail's scope (memberships, organisations); content types; actors;
    # count and page; one per kind of row its foreign keys name (plans, tasks, organisations,
    # officials, users: the names shown instead of ids); the nav's scope and the bell —
    # however many entries the page holds. (A first visit warms Django's content-type cache.)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        response = client.get(URL)
    assert response.status_code == 200
    assert AuditEntry.objects.count() == before
    make_plan(cast, tasks=12, targets_per_task=2, title="Kế hoạch thứ hai")
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) <= len(few) <= 16  # more rows, no more queries


def test_the_admin_offers_no_add_change_or_delete_even_to_a_superuser(cast: Cast) -> None:
    admin = site._registry[AuditEntry]
    request = RequestFactory().get("/admin/audit/auditentry/")
    request.user = get_user_model().objects.create_superuser(username="root", password="x")
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
    client = as_user(request.user)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    entry = AuditEntry.objects.first()
    assert entry is not None
    client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.browser
def test_planning_finance_follows_a_target_change_in_the_browser(page: Page, cast: Cast) -> None:
    plan = make_plan(cast, tasks=1, targets_per_task=1)
    target = Target.objects.get(task__plan=plan)
    target.value = Decimal(2500)
    target.save()
    browser_login(page, "khtc")
    page.get_by_test_id("nav-audit").click()
    page.wait_for_url("**/audit/")
    page.get_by_label("Loại dữ liệu").select_option(label="Chỉ tiêu")
    page.get_by_label("Thao tác").select_option(label="Sửa")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url("**/audit/?*action=*")
    rows = page.get_by_test_id("audit-entry")
    # The filtered list arrives with a page load: wait for it rather than count the page it replaces.
    expect(rows).to_have_count(1)
    text = rows.first.inner_text()
    assert "1000" in text.replace(".", "") and "2500" in text.replace(".", "")
    assert "Sửa" in text


@pytest.mark.parametrize(
    "query", ["date_from=0001-01-01", "date_to=9999-12-31", "date_from=01/01/0001&date_to=31/12/9999"]
)
def test_a_date_at_the_ends_of_the_calendar_is_refused_not_a_500(cast: Cast, query: str) -> None:
    """Issue 22, item 5: the far ends of the calendar raised an overflow; now the form says which years."""
    client = Client()
    client.force_login(cast.planning_finance)
    response = client.get(f"{reverse('audit:log-list')}?{query}")
    assert response.status_code == 200
    assert "Hãy chọn một ngày từ 01/01/2000 đến 31/12/2100." in response.content.decode()
