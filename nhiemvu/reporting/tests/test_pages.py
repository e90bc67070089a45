"""The reporting pages as a unit and Planning-Finance use them: my tasks, the report form, submissions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nhiemvu.organisations.models import Membership, Organisation, Role
from nhiemvu.plans.models import Plan, Task
from nhiemvu.reporting.models import (
    Attachment,
    Obstacle,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    TargetValue,
)
from nhiemvu.reporting.services import (
    ReportInput,
    periods_generate,
    report_accept,
    report_return,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.testing import Cast, make_plan, present

from .conftest import Cycle

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.7\n% bien ban\n"
NOT_PDF = b"MZ\x90\x00\x03 an executable renamed to .pdf"


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def staff_of(unit: Organisation, username: str) -> User:
    user = get_user_model().objects.create_user(username=username, password="x")
    Membership.objects.create(user=user, organisation=unit, role=Role.UNIT_STAFF)
    return user


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_url(task: Task, period: ReportingPeriod) -> str:
    return reverse("reporting:report-edit", args=[task.pk, period.pk])


def fields(
    task: Task, *, revision: int, narrative: str = "", action: str = "save", **more: str
) -> dict[str, Any]:
    """What the report form posts; `more` overrides single fields (actual_<id>, percent_done, ...)."""
    data: dict[str, Any] = {"action": action, "revision": str(revision), "narrative": narrative}
    for target in task.targets.all():
        data[f"actual_{target.pk}"] = ""
        data[f"estimate_{target.pk}"] = ""
    data.update(more)
    return data


def report(
    task: Task, period: ReportingPeriod, user: User, status: str, narrative: str = "Đã làm"
) -> ProgressReport:
    """A lead report brought to `status` through the services, as the unit and Planning-Finance would."""
    draft = report_start(task=task, period=period, user=user)
    values: dict[int, tuple[Decimal | None, Decimal | None]] = {
        t.pk: (Decimal(500), None) for t in task.targets.all()
    }
    draft = report_save_draft(
        report=draft,
        user=user,
        revision=draft.revision,
        data=ReportInput(percent_done=Decimal(40), narrative=narrative, values=values),
    )
    if status == ReportStatus.DRAFT:
        return draft
    return report_submit(report=draft, user=user)


def reviewed(done: ProgressReport, cast: Cast, status: str) -> ProgressReport:
    if status == ReportStatus.ACCEPTED:
        return report_accept(report=done, user=cast.planning_finance)
    if status == ReportStatus.RETURNED:
        return report_return(report=done, user=cast.planning_finance, comment="Bổ sung số liệu")
    return done


def revision_in(response: Any) -> int:
    """The revision the report form was rendered with (its hidden input)."""
    found = re.search(r'name="revision" value="(\d+)"', response.content.decode())
    assert found is not None
    return int(found[1])


# My tasks -----------------------------------------------------------------------------------------


def my_tasks_url(plan: Plan, period: ReportingPeriod) -> str:
    return f"{reverse('reporting:my-tasks')}?plan={plan.pk}&period={period.pk}"


def test_my_tasks_shows_the_forest_units_task_1_as_lead_and_nothing_of_task_2(
    client: Client, cycle: Cycle
) -> None:
    client.force_login(cycle.cast.unit_staff)
    response = client.get(my_tasks_url(cycle.plan, cycle.june))
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(
        r'<tr data-testid="my-task" data-code="([^"]*)".*?<td data-label="Vai trò">([^<]*)</td>', html, re.S
    )
    assert rows == [("1", "Chủ trì")]
    assert 'data-code="1"' in html
    assert 'data-code="2"' not in html
    assert cycle.rural_task.title not in html


def test_my_tasks_offers_every_plan_the_unit_leads_or_supports_a_task_in_and_no_other(
    client: Client, cycle: Cycle
) -> None:
    from nhiemvu.testing import make_plan

    supported = make_plan(cycle.cast, tasks=1, title="Kế hoạch đơn vị phối hợp")
    supported.tasks.update(lead_unit=cycle.cast.rural_unit)
    supported.tasks.get().support_units.add(cycle.cast.forest_unit)
    other = make_plan(cycle.cast, tasks=1, title="Kế hoạch của đơn vị khác")
    other.tasks.update(lead_unit=cycle.cast.rural_unit)
    client.force_login(cycle.cast.unit_staff)
    html = client.get(reverse("reporting:my-tasks")).content.decode()
    switcher = re.search(r'<select name="plan".*?</select>', html, re.S)
    assert switcher
    offered = set(map(int, re.findall(r'<option value="(\d+)"', switcher[0])))
    assert offered == {cycle.plan.pk, supported.pk}
    periods_generate(plan=supported)
    june = supported.periods.get(key="2023-06")
    rows = re.findall(
        r'<tr data-testid="my-task" data-code="([^"]*)".*?<td data-label="Vai trò">([^<]*)</td>',
        client.get(my_tasks_url(supported, june)).content.decode(),
        re.S,
    )
    assert rows == [("1", "Phối hợp")]


def test_my_tasks_opens_on_the_period_whose_send_by_date_has_not_passed(client: Client, cycle: Cycle) -> None:
    with time_machine.travel(dt.datetime(2023, 6, 20, 9, tzinfo=HANOI)):
        client.force_login(cycle.cast.unit_staff)
        response = client.get(reverse("reporting:my-tasks"))
    # June's figures (15/5–14/6) were due 16/6; on 20/6 the unit is working on July's.
    july = cycle.plan.periods.get(key="2023-07")
    assert re.findall(r'<option value="(\d+)" selected>', response.content.decode())[-1] == str(july.pk)


@pytest.mark.parametrize(
    ("day", "late"),
    [
        (dt.datetime(2023, 6, 15, 9, tzinfo=HANOI), False),  # before the send-by date
        (dt.datetime(2023, 6, 16, 16, tzinfo=HANOI), False),  # on the send-by date itself
        (dt.datetime(2023, 6, 20, 9, tzinfo=HANOI), True),  # after it, nothing sent
    ],
)
def test_a_task_not_reported_by_the_send_by_date_is_flagged_late(
    client: Client, cycle: Cycle, day: dt.datetime, late: bool
) -> None:
    with time_machine.travel(day):
        client.force_login(cycle.cast.unit_staff)
        response = client.get(my_tasks_url(cycle.plan, cycle.june))
    assert ('class="nv-late"' in response.content.decode()) is late
    assert ("Quá hạn gửi" in response.content.decode()) is late


def test_a_submitted_report_is_not_late_and_a_draft_still_is(client: Client, cycle: Cycle) -> None:
    cast = cycle.cast
    rural_staff = staff_of(cast.rural_unit, "ptnt")
    with time_machine.travel(dt.datetime(2023, 6, 14, 9, tzinfo=HANOI)):
        report(cycle.forest_task, cycle.june, cast.unit_staff, ReportStatus.SUBMITTED)
        report(cycle.rural_task, cycle.june, rural_staff, ReportStatus.DRAFT)
    with time_machine.travel(dt.datetime(2023, 6, 20, 9, tzinfo=HANOI)):
        forest = logged_in(cast.unit_staff).get(my_tasks_url(cycle.plan, cycle.june))
        rural = logged_in(rural_staff).get(my_tasks_url(cycle.plan, cycle.june))
    assert 'data-testid="my-task"' in forest.content.decode()
    assert 'class="nv-late"' not in forest.content.decode()
    assert 'data-testid="my-task" data-code="2" class="nv-late"' in rural.content.decode()


# The report form ----------------------------------------------------------------------------------


def test_a_stale_save_is_shown_as_a_conflict_and_the_first_save_stays(cycle: Cycle) -> None:
    task, june = cycle.forest_task, cycle.june
    first = logged_in(cycle.cast.unit_staff)
    second = logged_in(staff_of(cycle.cast.forest_unit, "kiemlam2"))
    report(task, june, cycle.cast.unit_staff, ReportStatus.DRAFT, narrative="Bản đầu")
    opened_first = revision_in(first.get(form_url(task, june)))
    opened_second = revision_in(second.get(form_url(task, june)))
    assert opened_first == opened_second == 1

    saved = first.post(
        form_url(task, june), fields(task, revision=opened_first, narrative="Bản của người thứ nhất")
    )
    assert saved.status_code == 302
    stale = second.post(
        form_url(task, june), fields(task, revision=opened_second, narrative="Bản của người thứ hai")
    )

    assert stale.status_code == 200
    html = stale.content.decode()
    assert "tải lại" in html
    assert "Bản của người thứ hai" in html  # what they typed is still in the form to copy from
    stored = ProgressReport.objects.get(task=task, period=june)
    assert (stored.narrative, stored.revision) == ("Bản của người thứ nhất", 2)


def test_two_first_saves_of_a_new_report_conflict_instead_of_making_two_reports(cycle: Cycle) -> None:
    task, june = cycle.forest_task, cycle.june
    first = logged_in(cycle.cast.unit_staff)
    second = logged_in(staff_of(cycle.cast.forest_unit, "kiemlam2"))
    first.get(form_url(task, june))
    second.get(form_url(task, june))
    assert first.post(form_url(task, june), fields(task, revision=0, narrative="Một")).status_code == 302
    stale = second.post(form_url(task, june), fields(task, revision=0, narrative="Hai"))
    assert "tải lại" in stale.content.decode()
    assert list(ProgressReport.objects.filter(task=task).values_list("narrative", flat=True)) == ["Một"]


def test_an_accepted_reports_page_is_read_only_and_a_post_does_not_change_it(
    client: Client, cycle: Cycle
) -> None:
    task, june = cycle.forest_task, cycle.june
    accepted = reviewed(
        report(task, june, cycle.cast.unit_staff, ReportStatus.SUBMITTED), cycle.cast, ReportStatus.ACCEPTED
    )
    client.force_login(cycle.cast.unit_staff)

    page = client.get(form_url(task, june))
    html = page.content.decode()
    assert 'data-testid="report-readonly"' in html
    assert "Lập báo cáo đính chính" in html
    assert 'data-testid="save-draft"' not in html
    assert 'name="narrative"' not in html

    for action in ("save", "submit"):
        response = client.post(
            form_url(task, june),
            fields(task, revision=accepted.revision, narrative="Sửa sau khi duyệt", action=action),
        )
        assert response.status_code == 200
        # Someone who had the draft open when it was accepted is told why nothing was saved.
        assert "Hãy lập báo cáo đính chính" in response.content.decode()
    after = ProgressReport.objects.get(task=task, period=june)  # still one report: no silent correction
    assert (after.narrative, after.status, after.revision) == (
        "Đã làm",
        ReportStatus.ACCEPTED,
        accepted.revision,
    )
    assert sorted(present(after.values.values_list("actual", flat=True))) == [Decimal(500), Decimal(500)]


def test_numbers_typed_the_vietnamese_way_are_stored_as_numbers(client: Client, cycle: Cycle) -> None:
    task, june = cycle.forest_task, cycle.june
    first, second = task.targets.order_by("order")
    client.force_login(cycle.cast.unit_staff)
    response = client.post(
        form_url(task, june),
        fields(
            task,
            revision=0,
            percent_done="40,5",
            **{
                f"actual_{first.pk}": "1.000,5",
                f"estimate_{first.pk}": "2.000",
                f"actual_{second.pk}": "64,2",
            },
        ),
    )
    assert response.status_code == 302
    stored = ProgressReport.objects.get(task=task, period=june)
    assert stored.percent_done == Decimal("40.5")
    values = {v.target_id: (v.actual, v.estimate) for v in TargetValue.objects.filter(report=stored)}
    assert values == {first.pk: (Decimal("1000.5"), Decimal(2000)), second.pk: (Decimal("64.2"), None)}
    assert 'value="1.000,5"' in client.get(form_url(task, june)).content.decode()  # shown back the same way


def test_a_number_that_is_not_one_is_refused_with_an_example(client: Client, cycle: Cycle) -> None:
    task = cycle.forest_task
    target = task.targets.order_by("order").first()
    assert target is not None
    client.force_login(cycle.cast.unit_staff)
    response = client.post(
        form_url(task, cycle.june), fields(task, revision=0, **{f"actual_{target.pk}": "khoảng 1 nghìn"})
    )
    assert response.status_code == 200
    assert "1.000,5" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_pdf_name_on_a_file_that_is_not_a_pdf_is_refused_and_nothing_of_the_post_is_saved(
    client: Client, cycle: Cycle, media_in_tmp: Path
) -> None:
    task, june = cycle.forest_task, cycle.june
    draft = report(task, june, cycle.cast.unit_staff, ReportStatus.DRAFT, narrative="Bản đã lưu")
    client.force_login(cycle.cast.unit_staff)
    data = fields(task, revision=draft.revision, narrative="Bản mới cùng tệp giả")
    data["attachments"] = [
        SimpleUploadedFile("bien-ban-that.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("bien-ban.pdf", NOT_PDF, content_type="application/pdf"),
    ]
    response = client.post(form_url(task, june), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "«bien-ban.pdf» không phải PDF" in html
    # The view saves the draft and its files in one transaction: a refused file undoes the text too,
    # so the unit is never left with half of what it sent.
    stored = ProgressReport.objects.get(pk=draft.pk)
    assert (stored.narrative, stored.revision) == ("Bản đã lưu", draft.revision)
    assert not Attachment.objects.exists()
    assert not [p for p in media_in_tmp.rglob("*") if p.is_file()]  # and no file left in storage
    assert "Bản mới cùng tệp giả" in html  # nothing typed is lost either: the form comes back filled


def test_a_submission_refused_after_its_files_were_stored_leaves_no_file_behind(
    client: Client, cycle: Cycle, media_in_tmp: Path
) -> None:
    from nhiemvu.reporting.services import period_lock

    task, june = cycle.forest_task, cycle.june
    draft = report(task, june, cycle.cast.unit_staff, ReportStatus.DRAFT, narrative="Bản đã lưu")
    period_lock(period=june, user=cycle.cast.planning_finance)
    client.force_login(cycle.cast.unit_staff)
    data = fields(task, revision=draft.revision, narrative="Gửi kèm biên bản")
    data["action"] = "submit"
    data["attachments"] = [SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")]
    response = client.post(form_url(task, june), data)

    assert "đã khóa" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not [p for p in media_in_tmp.rglob("*") if p.is_file()]


def test_a_refused_file_on_a_first_save_leaves_no_report_behind(client: Client, cycle: Cycle) -> None:
    task = cycle.forest_task
    client.force_login(cycle.cast.unit_staff)
    data = fields(task, revision=0, narrative="Lần đầu")
    data["attachments"] = [SimpleUploadedFile("bao-cao.pdf", NOT_PDF)]
    response = client.post(form_url(task, cycle.june), data)
    assert response.status_code == 200
    assert "không phải PDF" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_real_pdf_is_attached_with_its_sniffed_type(client: Client, cycle: Cycle) -> None:
    task = cycle.forest_task
    client.force_login(cycle.cast.unit_staff)
    data = fields(task, revision=0, narrative="Kèm biên bản")
    data["attachments"] = [SimpleUploadedFile("Biên bản.pdf", PDF, content_type="application/octet-stream")]
    assert client.post(form_url(task, cycle.june), data).status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "Biên bản.pdf",
        "application/pdf",
        len(PDF),
    )


def test_an_attachment_whose_file_is_lost_from_storage_is_a_clear_404_not_a_server_error(
    client: Client, cycle: Cycle, caplog: pytest.LogCaptureFixture
) -> None:
    task = cycle.forest_task
    client.force_login(cycle.cast.unit_staff)
    data = fields(task, revision=0, narrative="Kèm biên bản")
    data["attachments"] = [SimpleUploadedFile("Biên bản.pdf", PDF, content_type="application/pdf")]
    assert client.post(form_url(task, cycle.june), data).status_code == 302
    attachment = Attachment.objects.get()
    url = reverse("reporting:attachment", args=[attachment.pk])
    download = client.get(url)
    assert isinstance(download, StreamingHttpResponse)  # a FileResponse
    assert b"".join(download.streaming_content) == PDF
    assert attachment.file.name is not None
    attachment.file.storage.delete(attachment.file.name)

    response = client.get(url)

    assert response.status_code == 404
    html = response.content.decode()
    assert "Tệp «Biên bản.pdf» không còn trong kho lưu trữ" in html and 'data-testid="not-found"' in html
    assert any("missing from storage" in r.getMessage() for r in caplog.records)


# Submissions --------------------------------------------------------------------------------------


def test_submissions_lists_every_task_with_its_status_and_the_counts(client: Client, cast: Cast) -> None:
    plan = make_plan(cast, tasks=4)
    periods_generate(plan=plan)
    june = plan.periods.get(key="2023-06")
    rural_staff = staff_of(cast.rural_unit, "ptnt")
    tasks = {t.code: t for t in plan.tasks.all()}  # 1, 3: forest unit; 2, 4: rural unit
    report(tasks["1"], june, cast.unit_staff, ReportStatus.SUBMITTED)
    reviewed(report(tasks["2"], june, rural_staff, ReportStatus.SUBMITTED), cast, ReportStatus.ACCEPTED)
    reviewed(report(tasks["3"], june, cast.unit_staff, ReportStatus.SUBMITTED), cast, ReportStatus.RETURNED)
    client.force_login(cast.planning_finance)

    response = client.get(reverse("reporting:submissions", args=[june.pk]))

    assert response.status_code == 200
    statuses = {r.task.code: (r.report.status if r.report else None) for r in response.context["rows"]}
    assert statuses == {"1": "submitted", "2": "accepted", "3": "returned", "4": None}
    assert response.context["counts"] == {
        "total": 4,
        "missing": 1,
        "submitted": 1,
        "returned": 1,
        "accepted": 1,
    }
    html = response.content.decode()
    for code in "1234":
        assert f'data-code="{code}"' in html
    for label in ("Đã gửi", "Đã chấp nhận", "Bị trả lại", "Chưa báo cáo"):
        assert label in html
    assert '<span data-testid="count-accepted">1</span>' in html
    assert html.count('data-testid="accept"') == 1  # only the submitted one can be reviewed


# Query counts -------------------------------------------------------------------------------------


def plan_with_reports(cast: Cast, rural_staff: User, tasks: int) -> tuple[Plan, ReportingPeriod]:
    """A plan of `tasks` tasks, each with a June report in every state, accepted ones with figures."""
    plan = make_plan(cast, tasks=tasks, title=f"Kế hoạch {tasks} nhiệm vụ")
    periods_generate(plan=plan)
    june = plan.periods.get(key="2023-06")
    states = [ReportStatus.ACCEPTED, ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.DRAFT]
    for i, task in enumerate(plan.tasks.order_by("order")):
        user = cast.unit_staff if task.lead_unit_id == cast.forest_unit.pk else rural_staff
        status = states[i % len(states)]
        reviewed(report(task, june, user, status), cast, status)
    return plan, june


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def small_and_large(cast: Cast) -> dict[int, tuple[Plan, ReportingPeriod]]:
    rural_staff = staff_of(cast.rural_unit, "ptnt")
    return {n: plan_with_reports(cast, rural_staff, n) for n in (3, 30)}


PAGES: dict[str, tuple[str, Callable[[Plan, ReportingPeriod], str], int]] = {
    # session, user, access scope (memberships, organisation tree), plans the unit carries, the
    # plan's reporting periods (the filter's, the chosen one among them), the unit's tasks (only
    # what the list shows), the period's reports, the bell's unread count. The navigation bar
    # reuses the cached scope.
    "my tasks": ("unit_staff", lambda plan, june: my_tasks_url(plan, june), 9),
    # session, user, scope (memberships, tree), the period with its plan (visibility is a
    # subquery), the plan's tasks, the period's reports, their events (prefetched), the periods
    # of the switcher, the bell's unread count.
    "submissions": (
        "planning_finance",
        lambda plan, june: reverse("reporting:submissions", args=[june.pk]),
        10,
    ),
    # session, user, scope (memberships, tree, the director's officials), the visible task, the
    # task with plan data (targets, milestones, support units prefetched), its latest accepted
    # report (its id, the report, values, milestones met), the current period (two queries once every send-by date
    # has passed), the history (reports, events, values, obstacles, attachments), the bell's
    # unread count.
    "task page": (
        "director",
        lambda plan, june: reverse("reporting:task-detail", args=[plan.tasks.get(code="1").pk]),
        22,
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_page_makes_as_many_queries_for_30_tasks_as_for_3(
    cast: Cast,
    small_and_large: dict[int, tuple[Plan, ReportingPeriod]],
    page: str,
    django_assert_max_num_queries: Any,
) -> None:
    role, url_of, most = PAGES[page]
    client = logged_in(getattr(cast, role))
    queries(client, url_of(*small_and_large[3]))  # warm-up: content types, the session row
    small = queries(client, url_of(*small_and_large[3]))
    large = queries(client, url_of(*small_and_large[30]))
    assert small == large
    url = url_of(*small_and_large[30])
    with django_assert_max_num_queries(most):
        client.get(url)


def submit_queries(cast: Cast, targets: int) -> tuple[int, int]:
    """Queries of a unit's first save-and-submit of task 1's June report, then of a resubmission."""
    from django.contrib.contenttypes.models import ContentType

    from nhiemvu.reporting.tests.test_permissions import report_fields

    plan = make_plan(cast, tasks=1, targets_per_task=targets, title=f"Kế hoạch {targets} chỉ tiêu")
    periods_generate(plan=plan)
    task, june = plan.tasks.get(), plan.periods.get(key="2023-06")
    ContentType.objects.get_for_models(ProgressReport, TargetValue, Obstacle)  # cached once a process
    client = logged_in(cast.unit_staff)
    url = reverse("reporting:report-edit", args=[task.pk, june.pk])
    fields = report_fields(task, "submit")
    with CaptureQueriesContext(connection) as first:
        assert client.post(url, fields).status_code == 302
    report = ProgressReport.objects.get(task=task, period=june)
    assert report.status == ReportStatus.SUBMITTED and report.values.count() == targets
    report_return(report=report, user=cast.planning_finance, comment="Bổ sung")
    report.refresh_from_db()
    fields = report_fields(task, "submit", revision=report.revision)
    fields.update({f"actual_{t.pk}": "600" for t in task.targets.all()}, obstacle_0_description="Thiếu vốn")
    with CaptureQueriesContext(connection) as again:
        assert client.post(url, fields).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.obstacles.count() == 1
    assert {v.actual for v in report.values.all()} == {Decimal(600)}
    return len(first), len(again)


def test_saving_and_submitting_the_report_form_takes_a_fixed_number_of_queries(cast: Cast) -> None:
    one, one_again = submit_queries(cast, 1)
    four, four_again = submit_queries(cast, 4)
    # First submission: session, user, scope (memberships, tree), the task with its targets and
    # milestones, the period, the unit's report (none); in one savepoint (the test's transaction
    # stands in for BEGIN/COMMIT): the task's row lock, its latest report, the period's share lock,
    # the new report written with the form's fields and already sent (issue 20: no UPDATE after the
    # INSERT, nor the audit trail's read of the row before it) with its audit entry and its two
    # events (written, sent) in one INSERT. Each target adds its value and the value's audit entry.
    assert (one, four - one) == (19, 2 * 3)
    # Resubmitting a returned report also reads its figures, obstacles, milestones met and
    # attachments for the form, locks the report, reads its figures, replaces its obstacles
    # (read, insert with its audit entry) and milestones met (read). Each changed figure costs
    # the audit trail's read before, its entry and the update.
    assert (one_again, four_again - one_again) == (32, 3 * 3)
