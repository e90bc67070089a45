"""The reporting admin: reports and their history are only looked at, and staff see only their own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from nhiemvu.plans.models import Plan, Task
from nhiemvu.reporting.models import ProgressReport, ReportingPeriod, ReportStatus, ReviewEvent
from nhiemvu.reporting.services import (
    ReportInput,
    periods_generate,
    report_accept,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.testing import Cast, make_plan

from .conftest import Cycle

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"admin:reporting_{name}", args=args)


@pytest.fixture
def superuser(cast: Cast) -> User:
    return get_user_model().objects.create_superuser(username="quantri", password="x", email="qt@example.vn")


@pytest.fixture
def admin_client(client: Client, superuser: User) -> Client:
    client.force_login(superuser)
    return client


def accepted_report(cycle: Cycle, narrative: str = "Đã trồng 500 ha rừng.") -> ProgressReport:
    cast = cycle.cast
    report = report_start(task=cycle.forest_task, period=cycle.june, user=cast.unit_staff)
    targets = cycle.forest_task.targets.all()
    data = ReportInput(
        percent_done=Decimal(40), narrative=narrative, values={t.pk: (Decimal(500), None) for t in targets}
    )
    report = report_save_draft(report=report, user=cast.unit_staff, revision=report.revision, data=data)
    report = report_submit(report=report, user=cast.unit_staff)
    return report_accept(report=report, user=cast.planning_finance, comment="Đạt yêu cầu")


def other_department_report(cast: Cast) -> ProgressReport:
    """A report on a plan of Sở Y tế, written by its own staff (the cast's outsider)."""
    plan = Plan.objects.create(
        title="Kế hoạch của Sở Y tế",
        year=2023,
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
        issuer=cast.other_department,
        reporting_frequencies=["monthly"],
    )
    task = Task.objects.create(
        plan=plan, code="1", title="Tiêm chủng mở rộng", order=1, lead_unit=cast.other_department
    )
    periods_generate(plan=plan)
    period = plan.periods.get(key="2023-06")
    return report_start(task=task, period=period, user=cast.outsider)


def staff_with_view_permissions(user: User) -> User:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="reporting", codename__startswith="view_")
    )
    return user


def test_every_reporting_admin_page_opens_for_a_superuser(admin_client: Client, cycle: Cycle) -> None:
    report = accepted_report(cycle)
    event = report.events.first()
    assert event is not None
    pages = [
        url("holiday_changelist"),
        url("holiday_add"),
        url("reportingcalendar_changelist"),
        url("reportingcalendar_change", cycle.plan.reporting_calendar.pk),
        url("reportingperiod_changelist"),
        url("reportingperiod_changelist") + f"?plan__id__exact={cycle.plan.pk}&frequency=monthly&locked=no",
        url("reportingperiod_change", cycle.june.pk),
        url("progressreport_changelist"),
        url("progressreport_changelist") + "?status__exact=accepted",
        url("progressreport_change", report.pk),
        url("reviewevent_changelist"),
        url("reviewevent_change", event.pk),
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page


def test_an_accepted_report_opens_read_only_in_the_admin_without_a_save_button(
    admin_client: Client, cycle: Cycle
) -> None:
    report = accepted_report(cycle)
    response = admin_client.get(url("progressreport_change", report.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đã trồng 500 ha rừng." in html
    assert 'name="_save"' not in html
    assert 'name="narrative"' not in html
    assert 'name="status"' not in html


def test_posting_a_change_to_an_accepted_report_is_refused_and_leaves_it_unchanged(
    admin_client: Client, cycle: Cycle
) -> None:
    report = accepted_report(cycle)
    response = admin_client.post(
        url("progressreport_change", report.pk),
        {"narrative": "Sửa lại sau khi đã duyệt", "status": "draft", "version": "7", "_save": "Lưu"},
    )
    assert response.status_code == 403
    after = ProgressReport.objects.get(pk=report.pk)
    assert (after.narrative, after.status, after.version, after.revision) == (
        "Đã trồng 500 ha rừng.",
        ReportStatus.ACCEPTED,
        1,
        report.revision,
    )


def test_a_superuser_cannot_delete_an_accepted_report_through_the_admin(
    admin_client: Client, cycle: Cycle
) -> None:
    report = accepted_report(cycle)
    assert admin_client.get(url("progressreport_delete", report.pk)).status_code == 403
    assert admin_client.post(url("progressreport_delete", report.pk), {"post": "yes"}).status_code == 403
    response = admin_client.post(
        url("progressreport_changelist"), {"action": "delete_selected", "_selected_action": [report.pk]}
    )
    assert response.status_code in (200, 302)  # the bulk action is simply not offered
    assert ProgressReport.objects.filter(pk=report.pk, status=ReportStatus.ACCEPTED).exists()


def test_a_draft_is_not_editable_in_the_admin_either_reports_go_through_the_services(
    admin_client: Client, cycle: Cycle
) -> None:
    draft = report_start(task=cycle.forest_task, period=cycle.june, user=cycle.cast.unit_staff)
    assert admin_client.get(url("progressreport_add")).status_code == 403
    response = admin_client.post(url("progressreport_change", draft.pk), {"narrative": "Viết hộ đơn vị"})
    assert response.status_code == 403
    assert ProgressReport.objects.get(pk=draft.pk).narrative == ""


def test_deleting_a_period_with_reports_is_refused_because_the_reports_would_go_with_it(
    admin_client: Client, cycle: Cycle
) -> None:
    accepted_report(cycle)
    confirmation = admin_client.get(url("reportingperiod_delete", cycle.june.pk))
    # Django's cascade check: the period's reports may not be deleted, so neither may the period.
    assert "báo cáo tiến độ" in confirmation.context["perms_lacking"]
    assert admin_client.post(url("reportingperiod_delete", cycle.june.pk), {"post": "yes"}).status_code == 403
    assert ReportingPeriod.objects.filter(pk=cycle.june.pk).exists()
    assert ProgressReport.objects.filter(period=cycle.june).count() == 1


def test_the_review_history_admin_refuses_add_change_and_delete_even_to_a_superuser(
    admin_client: Client, cycle: Cycle
) -> None:
    report = accepted_report(cycle)
    event = report.events.get(to_status=ReportStatus.ACCEPTED)
    assert admin_client.get(url("reviewevent_add")).status_code == 403
    assert (
        admin_client.post(url("reviewevent_add"), {"report": report.pk, "to_status": "draft"}).status_code
        == 403
    )
    assert admin_client.post(url("reviewevent_change", event.pk), {"comment": "Viết lại"}).status_code == 403
    assert admin_client.post(url("reviewevent_delete", event.pk), {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert (event.comment, event.to_status) == ("Đạt yêu cầu", ReportStatus.ACCEPTED)
    assert ReviewEvent.objects.filter(report=report).count() == 3  # created, submitted, accepted
    page = admin_client.get(url("progressreport_change", report.pk)).content.decode()
    assert "Đạt yêu cầu" in page  # the history is shown with the report
    assert 'name="events-0-comment"' not in page


def test_planning_finance_staff_see_their_departments_reports_and_get_404_for_another_departments(
    client: Client, cycle: Cycle
) -> None:
    cast = cycle.cast
    ours = accepted_report(cycle)
    theirs = other_department_report(cast)
    client.force_login(staff_with_view_permissions(cast.planning_finance))

    changelist = client.get(url("progressreport_changelist"))
    assert changelist.status_code == 200
    shown = list(changelist.context["cl"].result_list)
    assert shown == [ours]
    assert client.get(url("progressreport_change", ours.pk)).status_code == 200
    assert client.get(url("progressreport_change", theirs.pk)).status_code == 404
    assert client.get(url("progressreport_change", 999_999)).status_code == 404

    events = client.get(url("reviewevent_changelist")).context["cl"].result_list
    assert {e.report_id for e in events} == {ours.pk}
    their_event = theirs.events.get()
    assert client.get(url("reviewevent_change", their_event.pk)).status_code == 404

    periods = client.get(url("reportingperiod_changelist")).context["cl"].result_list
    assert {p.plan_id for p in periods} == {cycle.plan.pk}
    assert client.get(url("reportingperiod_change", theirs.period_id)).status_code == 404


def test_the_plan_filter_offers_only_the_staff_users_own_plans(client: Client, cycle: Cycle) -> None:
    cast = cycle.cast
    accepted_report(cycle)
    other_department_report(cast)
    second = make_plan(cast, tasks=1, title="Kế hoạch thứ hai")
    periods_generate(plan=second)
    report_start(task=second.tasks.get(), period=second.periods.get(key="2023-06"), user=cast.unit_staff)
    client.force_login(staff_with_view_permissions(cast.planning_finance))
    changelist = client.get(url("progressreport_changelist")).context["cl"]
    # The filter is shown only when it has a choice to make, hence the department's second plan.
    plan_filter = next(f for f in changelist.filter_specs if f.field_path == "period__plan")
    assert sorted(title for _, title in plan_filter.lookup_choices) == [str(second), str(cycle.plan)]


def test_locking_periods_in_the_admin_goes_through_the_service_and_records_who(
    admin_client: Client, superuser: User, cycle: Cycle
) -> None:
    response = admin_client.post(
        url("reportingperiod_changelist"),
        {"action": "lock_periods", "_selected_action": [cycle.june.pk]},
    )
    assert response.status_code == 302
    cycle.june.refresh_from_db()
    assert cycle.june.is_locked
    assert cycle.june.locked_by == superuser


def test_changing_the_send_by_rule_in_the_admin_re_dates_the_plans_periods(
    admin_client: Client, cycle: Cycle
) -> None:
    calendar = cycle.plan.reporting_calendar
    assert cycle.june.due_on == dt.date(2023, 6, 16)  # cut-off Wed 14/6 + 2 working days
    response = admin_client.post(
        url("reportingcalendar_change", calendar.pk), {"due_working_days": "5", "_save": "Lưu"}
    )
    assert response.status_code == 302
    cycle.june.refresh_from_db()
    assert cycle.june.due_on == dt.date(2023, 6, 21)  # + 5 working days, over the weekend
