"""Mergers, renames and dissolutions: open work moves to the successor, history keeps the old body."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from nhiemvu.audit.models import AuditEntry
from nhiemvu.organisations.models import (
    Membership,
    Official,
    Organisation,
    OrganisationKind,
    Role,
    Succession,
    SuccessionKind,
)
from nhiemvu.plans.models import Task
from nhiemvu.plans.selectors import organisation_tasks, plans_visible_to
from nhiemvu.reorganisation.errors import ReorganisationError, ReorganisationNotAllowedError
from nhiemvu.reorganisation.selectors import authority_of, change_preview
from nhiemvu.reorganisation.services import (
    NewBody,
    organisation_dissolve,
    organisation_merge,
    organisation_rename,
)
from nhiemvu.reporting.models import ProgressReport
from nhiemvu.testing import _user

from .conftest import MARCH_1, Reform

pytestmark = pytest.mark.django_db

D = dt.date
M = TypeVar("M", bound=Model)
DECISION = "Quyết định 123/QĐ-UBND ngày 25/02/2025 của UBND tỉnh"


def merge_units(reform: Reform, user: User | None = None) -> Organisation:
    cast = reform.cast
    result = organisation_merge(
        predecessors=[cast.forest_unit, cast.rural_unit],
        new_body=NewBody(
            name="Chi cục Kiểm lâm và Phát triển nông thôn",
            kind=OrganisationKind.SUB_DEPARTMENT,
            parent=cast.department,
        ),
        effective_on=MARCH_1,
        decision=DECISION,
        user=user or cast.planning_finance,
    )
    return result.successor


def merge_departments(reform: Reform) -> Organisation:
    cast = reform.cast
    return organisation_merge(
        predecessors=[cast.department, reform.environment],
        new_body=NewBody(
            name="Sở Nông nghiệp và Môi trường",
            short_name="Sở NN&MT",
            kind=OrganisationKind.DEPARTMENT,
            parent=cast.province,
        ),
        effective_on=MARCH_1,
        decision=DECISION,
        user=cast.reviewer,
    ).successor


def fresh(obj: M) -> M:
    obj.refresh_from_db()
    return obj


# Merging two units ----------------------------------------------------------------------------


def test_merging_two_units_moves_their_open_tasks_and_reports_and_keeps_the_finished_ones(
    reform: Reform,
) -> None:
    cast = reform.cast
    successor = merge_units(reform)
    assert successor.parent == cast.department and successor.active_from == MARCH_1
    # Open tasks of the running plan move; the completed one and last year's stay.
    assert fresh(reform.forest_task).lead_unit == successor
    assert fresh(reform.rural_task).lead_unit == successor
    assert fresh(reform.done_task).lead_unit == cast.forest_unit
    assert fresh(reform.closed_task).lead_unit == cast.forest_unit
    # Reports still being written move; the one under review and the accepted one stay.
    assert fresh(reform.draft).organisation == successor
    assert fresh(reform.returned).organisation == successor
    assert fresh(reform.submitted).organisation == cast.forest_unit
    assert fresh(reform.accepted).organisation == cast.forest_unit
    # The old units are dissolved on the day, each succeeded by the new one.
    for old in (cast.forest_unit, cast.rural_unit):
        assert fresh(old).dissolved_on == MARCH_1
        succession = Succession.objects.get(predecessor=old)
        assert (succession.successor, succession.kind, succession.decision) == (
            successor,
            SuccessionKind.MERGED,
            DECISION,
        )


def test_the_unit_staffs_role_ends_the_day_before_and_starts_again_at_the_successor(reform: Reform) -> None:
    cast = reform.cast
    successor = merge_units(reform)
    old = Membership.objects.get(user=cast.unit_staff, organisation=cast.forest_unit)
    new = Membership.objects.get(user=cast.unit_staff, organisation=successor)
    assert old.ends_on == D(2025, 2, 28)
    assert (new.role, new.starts_on, new.ends_on) == (Role.UNIT_STAFF, MARCH_1, None)
    # The unit's staff now see the moved task through their new unit, and write its roadmap.
    assert reform.rural_task in organisation_tasks(cast.unit_staff, successor)


def test_the_preview_counts_what_the_merge_then_moves(reform: Reform) -> None:
    cast = reform.cast
    preview = change_preview(
        authority_of(cast.planning_finance),
        predecessors=[cast.forest_unit, cast.rural_unit],
        successor=None,
        new_parent=cast.department,
        day=MARCH_1,
    )
    t = preview.transfer
    assert preview.possible
    assert (t.tasks, len(t.reports), t.accounts, len(t.children)) == (2, 2, 1, 0)
    assert (t.completed_tasks, t.reports_in_review, t.open_steps) == (1, 1, 1)
    assert t.summary().startswith("2 nhiệm vụ đang thực hiện, 2 báo cáo chưa gửi, 1 tài khoản")


def test_a_support_unit_is_replaced_by_the_successor_on_open_tasks(reform: Reform) -> None:
    cast = reform.cast
    task = reform.forest_task
    task.support_units.add(cast.rural_unit)
    successor = merge_units(reform)
    # The successor leads the task now: it is no longer listed as its own support.
    assert set(fresh(task).support_units.all()) == {cast.planning_finance_division}
    # A task the old unit only supports gets the successor as support.
    other = Task.objects.create(
        plan=reform.plan, code="5", title="Phối hợp", order=5, lead_unit=cast.department
    )
    other.support_units.add(successor)
    assert successor in other.support_units.all()


# Merging two departments ------------------------------------------------------------------------


def test_merging_two_departments_moves_the_running_plan_and_the_units_and_keeps_the_closed_one(
    reform: Reform,
) -> None:
    cast = reform.cast
    successor = merge_departments(reform)
    assert fresh(reform.plan).issuer == successor
    assert fresh(reform.closed_plan).issuer == cast.department
    assert fresh(cast.department).name == "Sở Nông nghiệp và Phát triển nông thôn"
    assert set(successor.children.all()) == {
        cast.planning_finance_division,
        cast.forest_unit,
        cast.rural_unit,
        reform.env_unit,
    }
    # The department's own task and its support by Sở TN&MT: both are the successor now.
    task = fresh(reform.department_task)
    assert task.lead_unit == successor
    assert list(task.support_units.all()) == []
    # Officials move with their rows; the director and Sở TN&MT's director hold their roles there.
    assert set(Official.objects.filter(organisation=successor).values_list("full_name", flat=True)) == {
        "Lê Thị Phó",
        "Trần Văn Giám",
        "Nguyễn Thị Môi",
    }
    assert (
        Membership.objects.filter(organisation=successor, role=Role.DIRECTOR, starts_on=MARCH_1).count() == 2
    )


def test_the_successors_new_staff_see_the_running_plan_and_its_tasks_on_the_dashboards(
    reform: Reform,
) -> None:
    successor = merge_departments(reform)
    newcomer = _user("nnmt", "Lý Văn Mới")
    Membership.objects.create(user=newcomer, organisation=successor, role=Role.DIRECTOR)
    # The running plan moved; the closed one stays the old department's, and the successor's people
    # read it as history (access follows the succession back).
    assert set(plans_visible_to(newcomer)) == {reform.plan, reform.closed_plan}
    client = Client()
    client.force_login(newcomer)
    plans = client.get(reverse("plans:plan-list")).content.decode()
    assert "Kế hoạch nhiệm vụ trọng tâm" in plans and "Kế hoạch năm 2022" in plans
    closed = client.get(reverse("plans:plan-detail", args=[reform.closed_plan.pk])).content.decode()
    assert "Sở Nông nghiệp và Phát triển nông thôn" in closed
    board = client.get(reverse("dashboards:overview"))
    assert board.status_code == 200
    assert "Tổng kết ngành" in client.get(reverse("dashboards:unit", args=[successor.pk])).content.decode()


def test_the_old_plans_page_still_shows_the_old_name_and_the_running_one_the_new(reform: Reform) -> None:
    merge_departments(reform)
    client = Client()
    client.force_login(reform.cast.director)  # an ended role at the old department: its history
    old_page = client.get(reverse("plans:plan-detail", args=[reform.closed_plan.pk])).content.decode()
    assert "Sở Nông nghiệp và Phát triển nông thôn" in old_page
    admin = _user("quantri", "Quản Trị")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get(reverse("plans:plan-detail", args=[reform.plan.pk])).content.decode()
    assert "Sở Nông nghiệp và Môi trường" in page


# Renaming ---------------------------------------------------------------------------------------


def test_a_rename_is_a_new_body_succeeding_the_old_which_keeps_its_name(reform: Reform) -> None:
    cast = reform.cast
    result = organisation_rename(
        organisation=cast.forest_unit,
        name="Chi cục Kiểm lâm vùng I",
        short_name="CCKL vùng I",
        aliases=["Chi cục KL vùng I"],
        effective_on=MARCH_1,
        decision=DECISION,
        user=cast.planning_finance,
    )
    renamed = result.successor
    assert (renamed.name, renamed.short_name, renamed.aliases) == (
        "Chi cục Kiểm lâm vùng I",
        "CCKL vùng I",
        ["Chi cục KL vùng I"],
    )
    assert (renamed.parent, renamed.kind) == (cast.department, cast.forest_unit.kind)
    old = fresh(cast.forest_unit)
    assert (old.name, old.dissolved_on) == ("Chi cục Kiểm lâm", MARCH_1)
    assert Succession.objects.get(predecessor=old).kind == SuccessionKind.RENAMED
    assert fresh(reform.forest_task).lead_unit == renamed
    assert fresh(reform.done_task).lead_unit == old


# Refusals ---------------------------------------------------------------------------------------


def test_merging_a_body_into_itself_or_its_own_unit_is_refused(reform: Reform) -> None:
    cast = reform.cast
    with pytest.raises(ReorganisationError, match="vào chính nó"):
        organisation_merge(
            predecessors=[cast.department],
            successor=cast.department,
            effective_on=MARCH_1,
            decision=DECISION,
            user=None,
        )
    with pytest.raises(ReorganisationError, match="trực thuộc cơ quan bị sáp nhập"):
        organisation_dissolve(
            organisation=cast.department,
            taken_over_by=cast.forest_unit,
            effective_on=MARCH_1,
            decision=DECISION,
            user=None,
        )
    assert fresh(cast.department).dissolved_on is None


def test_a_date_before_the_body_started_and_a_dissolved_body_are_refused(reform: Reform) -> None:
    cast = reform.cast
    cast.rural_unit.active_from = D(2025, 6, 1)
    cast.rural_unit.save()
    with pytest.raises(ReorganisationError, match="trước ngày «Chi cục Phát triển nông thôn» bắt đầu"):
        merge_units(reform)
    cast.rural_unit.active_from = None
    cast.rural_unit.save()
    merge_units(reform)
    with pytest.raises(ReorganisationError, match="đã giải thể, sáp nhập từ ngày 01/03/2025"):
        organisation_rename(
            organisation=fresh(cast.forest_unit),
            name="Chi cục Kiểm lâm mới",
            effective_on=D(2025, 4, 1),
            decision=DECISION,
            user=None,
        )


def test_a_refused_merge_changes_nothing(reform: Reform) -> None:
    cast = reform.cast
    # Both departments have a unit of this name: the successor cannot hold two.
    Organisation.objects.create(parent=reform.environment, name="Chi cục Kiểm lâm", kind="sub_department")
    before = Organisation.objects.count()
    with pytest.raises(ReorganisationError, match="hai đơn vị trực thuộc cùng tên: «Chi cục Kiểm lâm»"):
        merge_departments(reform)
    assert Organisation.objects.count() == before
    assert fresh(reform.plan).issuer == cast.department
    assert not Succession.objects.exists()


def test_a_rename_to_the_same_name_is_refused(reform: Reform) -> None:
    with pytest.raises(ReorganisationError, match="trùng với tên hiện tại"):
        organisation_rename(
            organisation=reform.cast.forest_unit,
            name=" Chi cục  Kiểm lâm ",
            effective_on=MARCH_1,
            decision=DECISION,
            user=None,
        )


# Who may --------------------------------------------------------------------------------------


def test_planning_finance_reorganises_its_own_units_only(reform: Reform) -> None:
    cast = reform.cast
    with pytest.raises(ReorganisationNotAllowedError):
        merge_departments_as(reform, cast.planning_finance)
    with pytest.raises(ReorganisationNotAllowedError):
        organisation_dissolve(
            organisation=reform.env_unit,
            taken_over_by=cast.forest_unit,
            effective_on=MARCH_1,
            decision=DECISION,
            user=cast.planning_finance,
        )
    for user in (cast.director, cast.unit_staff, cast.outsider, cast.deputy):
        with pytest.raises(ReorganisationNotAllowedError):
            merge_units(reform, user=user)
    assert merge_units(reform).pk


def merge_departments_as(reform: Reform, user: User) -> None:
    organisation_merge(
        predecessors=[reform.cast.department, reform.environment],
        successor=reform.cast.other_department,
        effective_on=MARCH_1,
        decision=DECISION,
        user=user,
    )


def test_the_provinces_reviewer_dissolves_a_district_into_the_province(reform: Reform) -> None:
    cast = reform.cast
    district = Organisation.objects.create(parent=cast.province, name="UBND huyện Thử", kind="district")
    commune = Organisation.objects.create(parent=district, name="UBND xã Một", kind="commune")
    result = organisation_dissolve(
        organisation=district,
        taken_over_by=cast.province,
        effective_on=D(2025, 7, 1),
        decision="NQ 1/NQ-QH",
        user=cast.reviewer,
    )
    assert result.successor == cast.province
    assert fresh(commune).parent == cast.province
    assert fresh(district).dissolved_on == D(2025, 7, 1)


# The audit trail ------------------------------------------------------------------------------


def test_the_change_and_every_moved_row_are_in_the_audit_trail(reform: Reform) -> None:
    cast = reform.cast
    reform.forest_task.support_units.add(cast.rural_unit)
    successor = merge_units(reform)
    succession_type = ContentType.objects.get_for_model(Succession)
    summaries = AuditEntry.objects.filter(content_type=succession_type)
    assert sorted(summaries.values_list("organisation_id", flat=True)) == sorted(
        [cast.forest_unit.pk, successor.pk, cast.rural_unit.pk, successor.pk]
    )
    entry = summaries.first()
    assert entry is not None and entry.actor == cast.planning_finance
    assert entry.changes_dict["decision"][1] == DECISION
    assert "2 nhiệm vụ đang thực hiện" in entry.changes_dict["Chuyển sang cơ quan kế thừa"][1]
    task_type = ContentType.objects.get_for_model(Task)
    lead = AuditEntry.objects.get(
        content_type=task_type,
        object_id=reform.forest_task.pk,
        action=AuditEntry.Action.UPDATE,
        changes__has_key="lead_unit",
    )
    assert lead.organisation_id == cast.department.pk
    support = AuditEntry.objects.get(
        content_type=task_type, object_id=reform.forest_task.pk, changes__has_key="Đơn vị phối hợp"
    )
    assert support.changes_dict["Đơn vị phối hợp"][0].count(",") == 1
    report_type = ContentType.objects.get_for_model(ProgressReport)
    assert AuditEntry.objects.filter(content_type=report_type, object_id=reform.draft.pk).exists()
    membership_type = ContentType.objects.get_for_model(Membership)
    assert (
        AuditEntry.objects.filter(
            content_type=membership_type, action=AuditEntry.Action.CREATE, organisation_id=successor.pk
        ).count()
        == 1
    )


# The console ------------------------------------------------------------------------------------


def test_the_console_merges_and_renames_and_refuses_in_vietnamese(
    reform: Reform, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "reorganise", "merge", "Sở NN&PTNT", "Sở TN&MT", "--new-name", "Sở Nông nghiệp và Môi trường",
        "--parent", "UBND tỉnh", "--date", "1/3/2025", "--decision", DECISION, "--dry-run",
    )  # fmt: skip
    assert "1 nhiệm vụ đang thực hiện, 0 báo cáo chưa gửi, 3 tài khoản" in capsys.readouterr().out
    assert not Succession.objects.exists()
    call_command(
        "reorganise", "merge", "Sở NN&PTNT", "Sở TN&MT", "--new-name", "Sở Nông nghiệp và Môi trường",
        "--parent", "UBND tỉnh", "--date", "1/3/2025", "--decision", DECISION,
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "→ Sở Nông nghiệp và Môi trường" in out and "từ 01/03/2025" in out
    assert Succession.objects.filter(kind=SuccessionKind.MERGED).count() == 2
    call_command(
        "reorganise", "rename", "Sở Nông nghiệp và Môi trường", "--name", "Sở NN và MT tỉnh", "--date", "1/4/2025",
        "--decision", "QĐ 200/QĐ-UBND",
    )  # fmt: skip
    assert Succession.objects.filter(kind=SuccessionKind.RENAMED).count() == 1
    with pytest.raises(CommandError, match="Không tìm thấy cơ quan «Sở NN&PTNT» đang hoạt động"):
        call_command(
            "reorganise",
            "dissolve",
            "Sở NN&PTNT",
            "--into",
            "UBND tỉnh",
            "--date",
            "1/3/2025",
            "--decision",
            "x",
        )


def test_two_open_reports_on_one_task_and_period_leave_the_second_with_its_old_unit(reform: Reform) -> None:
    cast = reform.cast
    task, period = reform.forest_task, reform.periods[3]
    task.support_units.add(cast.rural_unit)
    lead = ProgressReport.objects.create(task=task, period=period, organisation=cast.forest_unit)
    support = ProgressReport.objects.create(
        task=task, period=period, organisation=cast.rural_unit, is_lead=False
    )
    successor = merge_units(reform)
    assert fresh(lead).organisation == successor
    assert fresh(support).organisation == cast.rural_unit


def test_a_role_given_for_after_the_change_moves_whole_to_the_successor(reform: Reform) -> None:
    cast = reform.cast
    newcomer = _user("moi", "Đinh Văn Mới")
    role = Membership.objects.create(
        user=newcomer, organisation=cast.rural_unit, role=Role.UNIT_STAFF, starts_on=D(2025, 4, 1)
    )
    successor = merge_units(reform)
    assert (fresh(role).organisation, role.starts_on, role.ends_on) == (successor, D(2025, 4, 1), None)
    assert not Membership.objects.filter(user=newcomer, organisation=cast.rural_unit).exists()


def test_planning_finance_reads_the_change_in_its_audit_trail(reform: Reform) -> None:
    cast = reform.cast
    merge_units(reform)
    client = Client()
    client.force_login(cast.planning_finance)
    page = client.get(reverse("audit:log-list")).content.decode()
    assert "Chi cục Kiểm lâm → Chi cục Kiểm lâm và Phát triển nông thôn (01/03/2025)" in page
    assert "Hợp nhất, sáp nhập" in page and DECISION in page
    assert "2 nhiệm vụ đang thực hiện, 2 báo cáo chưa gửi" in page


def test_the_successors_planning_finance_reviews_what_stayed_with_the_old_department(reform: Reform) -> None:
    """A submitted report stays with its review at the old unit; the successor's Planning-Finance,
    new to the merged department, may still accept or return it."""
    from nhiemvu.organisations.selectors import access_scope

    successor = merge_departments(reform)
    newcomer = _user("khtc.nnmt", "Đinh Văn Mới")
    Membership.objects.create(user=newcomer, organisation=successor, role=Role.PLANNING_FINANCE)
    assert fresh(reform.submitted).organisation == reform.cast.forest_unit
    scope = access_scope(newcomer)
    assert {reform.cast.department.pk, reform.environment.pk} <= scope.review_orgs
    assert successor.pk in scope.review_orgs
    outsider_scope = access_scope(reform.cast.outsider)
    assert reform.cast.department.pk not in outsider_scope.department_orgs
