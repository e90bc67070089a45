"""Recording a directive or meeting conclusion: all or nothing, with periods, tracked like a plan's tasks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from nhiemvu.dashboards.selectors import Filters, dashboard_build
from nhiemvu.plans.models import Plan, PlanKind, PlanStatus, SourceDocument, Target, Task
from nhiemvu.plans.selectors import directive_tasks, plans_visible_to, tasks_visible_to
from nhiemvu.reporting.models import ReportingPeriod
from nhiemvu.reporting.selectors import my_tasks
from nhiemvu.reporting.services.directives import (
    DirectiveError,
    DirectiveTask,
    directive_create,
    directive_task_add,
)
from nhiemvu.reporting.snapshot import tasks_progress
from nhiemvu.reporting.status import TaskStatus
from nhiemvu.testing import Cast

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2025, 3, 10)


def _tasks(cast: Cast, **overrides: Any) -> list[DirectiveTask]:
    first: DirectiveTask = {
        "title": "Rà soát, báo cáo diện tích rừng bị cháy",
        "lead_unit": cast.forest_unit,
        "support_units": [cast.rural_unit],
        "leader": cast.deputy_official,
        "deadline": dt.date(2025, 6, 30),
        "targets": [{"name": "Diện tích rà soát", "unit": "ha", "value": Decimal("1000.5")}],
    }
    second: DirectiveTask = {
        "title": "Tham mưu kế hoạch phát triển nông thôn mới",
        "lead_unit": cast.rural_unit,
        "deadline": dt.date(2025, 9, 30),
    }
    first.update(overrides)  # type: ignore[typeddict-item]  # a test's overrides are of the task's own keys
    return [first, second]


def _create(cast: Cast, **overrides: Any) -> Plan:
    fields: dict[str, Any] = {
        "agency": cast.department,
        "kind": "TB",
        "number": "125/TB-UBND",
        "issued_on": ISSUED,
        "title": "Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với Sở Nông nghiệp",
        "document_issuer": cast.province,
        "tasks": _tasks(cast),
        "created_by": cast.planning_finance,
    }
    fields.update(overrides)
    return directive_create(**fields)


def _nothing_written() -> None:
    assert not Plan.objects.exists()
    assert not Task.objects.exists()
    assert not SourceDocument.objects.exists()
    assert not ReportingPeriod.objects.exists()


def test_it_records_the_document_its_tasks_and_the_year_s_periods(cast: Cast) -> None:
    plan = _create(cast)
    assert plan.kind == PlanKind.DIRECTIVE
    assert plan.status == PlanStatus.ACTIVE
    assert plan.issuer == cast.department
    assert (plan.year, plan.starts_on, plan.ends_on) == (2025, ISSUED, dt.date(2025, 12, 31))
    doc = plan.source_document
    assert doc is not None
    assert (doc.kind, doc.number, doc.symbol, doc.issued_on, doc.issuer) == (
        "TB",
        "125/TB-UBND",
        "TB-UBND",
        ISSUED,
        cast.province,
    )
    tasks = list(plan.tasks.order_by("order"))
    assert [(t.code, t.lead_unit, t.deadline) for t in tasks] == [
        ("1", cast.forest_unit, dt.date(2025, 6, 30)),
        ("2", cast.rural_unit, dt.date(2025, 9, 30)),
    ]
    assert list(tasks[0].support_units.all()) == [cast.rural_unit]
    assert tasks[0].leader == cast.deputy_official
    assert Target.objects.get(task=tasks[0]).value == Decimal("1000.5")
    # Quarterly by default, as periods_generate gives a plan that names no frequency.
    assert sorted(plan.periods.values_list("key", flat=True)) == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]


def test_a_deadline_past_the_year_carries_the_directive_s_end_with_it(cast: Cast) -> None:
    plan = _create(cast, tasks=_tasks(cast, deadline=dt.date(2026, 3, 31)))
    assert plan.ends_on == dt.date(2026, 3, 31)


def test_the_director_records_one_too(cast: Cast) -> None:
    assert _create(cast, created_by=cast.director).tasks.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"tasks": []}, "chưa có nhiệm vụ nào"),
        ({"number": "  "}, "số, ký hiệu"),
        ({"issued_on": None}, "ngày ban hành"),
        ({"title": ""}, "trích yếu"),
        ({"document_issuer": None}, "cơ quan ban hành"),
        ({"kind": "XX"}, "Loại văn bản không hợp lệ"),
        ({"reporting_frequencies": ["weekly"]}, "Tần suất báo cáo không hợp lệ"),
        ("no lead unit", "Nhiệm vụ 1: hãy chọn đơn vị chủ trì"),
        ("no deadline", "Nhiệm vụ 1: hãy ghi thời hạn"),
        ("early deadline", "Nhiệm vụ 1: thời hạn 01/03/2025 trước ngày ban hành văn bản 10/03/2025"),
        ("foreign unit", "Nhiệm vụ 1: đơn vị chủ trì «Sở Y tế» không thuộc cơ quan"),
        ("blank title", "Nhiệm vụ 1: hãy ghi nội dung"),
    ],
)
def test_a_refused_directive_writes_nothing_and_says_why_in_vietnamese(
    cast: Cast, overrides: Any, message: str
) -> None:
    if isinstance(overrides, str):
        task_changes: dict[str, dict[str, Any]] = {
            "no lead unit": {"lead_unit": None},
            "no deadline": {"deadline": None},
            "early deadline": {"deadline": dt.date(2025, 3, 1)},
            "foreign unit": {"lead_unit": cast.other_department},
            "blank title": {"title": "  "},
        }
        overrides = {"tasks": _tasks(cast, **task_changes[overrides])}
    with pytest.raises(DirectiveError) as refused:
        _create(cast, **overrides)
    assert message in refused.value.message
    _nothing_written()


def test_a_refusal_in_the_last_task_leaves_the_first_unwritten(cast: Cast) -> None:
    tasks = _tasks(cast)
    tasks[1]["deadline"] = dt.date(2024, 12, 31)
    with pytest.raises(DirectiveError, match="Nhiệm vụ 2"):
        _create(cast, tasks=tasks)
    _nothing_written()


def test_the_same_number_and_date_is_refused_in_words_naming_the_directive(cast: Cast) -> None:
    _create(cast)
    with pytest.raises(DirectiveError) as refused:
        _create(cast, title="Một văn bản khác")
    assert "Văn bản số 125/TB-UBND ngày 10/03/2025 đã được ghi nhận" in refused.value.message
    assert Plan.objects.count() == 1
    # The same number on another date is another document.
    assert _create(cast, issued_on=dt.date(2025, 4, 2)).year == 2025


def test_a_document_a_plan_already_cites_is_reused_not_duplicated(cast: Cast) -> None:
    cited = SourceDocument.objects.create(number="125/TB-UBND", issued_on=ISSUED)
    plan = _create(cast)
    assert plan.source_document == cited
    cited.refresh_from_db()
    assert cited.kind == "TB"
    assert cited.issuer == cast.province


@pytest.mark.parametrize("who", ["unit_staff", "reviewer", "deputy", "outsider"])
def test_only_planning_finance_and_the_director_record_directives(cast: Cast, who: str) -> None:
    with pytest.raises(DirectiveError, match="Chỉ Phòng Kế hoạch"):
        _create(cast, created_by=getattr(cast, who))
    _nothing_written()


def test_planning_finance_of_another_agency_cannot_record_one_for_this_agency(cast: Cast) -> None:
    from nhiemvu.testing import build_far_planner

    far, _ = build_far_planner()
    with pytest.raises(DirectiveError):
        _create(cast, created_by=far)
    _nothing_written()


def test_a_task_added_later_is_numbered_after_the_others_and_moves_the_end(cast: Cast) -> None:
    plan = _create(cast)
    task = directive_task_add(
        plan=plan,
        task={"title": "Bổ sung", "lead_unit": cast.forest_unit, "deadline": dt.date(2026, 1, 15)},
        user=cast.planning_finance,
    )
    assert (task.code, task.order) == ("3", 3)
    plan.refresh_from_db()
    assert plan.ends_on == dt.date(2026, 1, 15)
    with pytest.raises(DirectiveError, match="trước ngày ban hành"):
        directive_task_add(
            plan=plan,
            task={"title": "Sớm", "lead_unit": cast.forest_unit, "deadline": dt.date(2025, 1, 1)},
            user=cast.planning_finance,
        )
    with pytest.raises(DirectiveError, match="Chỉ Phòng Kế hoạch"):
        directive_task_add(
            plan=plan,
            task={"title": "Ngoài", "lead_unit": cast.forest_unit, "deadline": dt.date(2025, 7, 1)},
            user=cast.unit_staff,
        )
    assert plan.tasks.count() == 3


def test_a_plan_takes_no_task_through_the_directive_door(cast: Cast) -> None:
    from nhiemvu.testing import make_plan

    plan = make_plan(cast, tasks=1)
    with pytest.raises(DirectiveError, match="Chỉ thêm nhiệm vụ"):
        directive_task_add(
            plan=plan,
            task={"title": "X", "lead_unit": cast.forest_unit, "deadline": dt.date(2023, 7, 1)},
            user=cast.planning_finance,
        )


@time_machine.travel(dt.datetime(2025, 7, 10, 9, 0), tick=False)
def test_the_directive_s_tasks_are_ordinary_tasks_on_dashboards_and_unit_pages(cast: Cast) -> None:
    plan = _create(cast)
    board = dashboard_build(cast.director, Filters())
    assert {row.code for row in board.rows} == {"1", "2"}
    progress = tasks_progress(list(plan.tasks.prefetch_related("targets", "milestones")))
    assert {p.task.code: p.status for p in progress.values()} == {
        "1": TaskStatus.OVERDUE,  # due 30/06/2025, nothing accepted
        "2": TaskStatus.NOT_STARTED,
    }
    period = plan.periods.get(key="2025-Q3")
    assert [row.task.code for row in my_tasks(cast.unit_staff, period)] == ["1"]
    reviewer_board = dashboard_build(cast.reviewer, Filters(plan=plan.pk))
    assert len(reviewer_board.rows) == 2


def test_a_unit_of_another_agency_never_sees_the_directive(cast: Cast) -> None:
    plan = _create(cast)
    assert not plans_visible_to(cast.outsider).filter(pk=plan.pk).exists()
    assert not tasks_visible_to(cast.outsider).filter(plan=plan).exists()
    assert not directive_tasks(cast.outsider, 2025).exists()
    assert [t.code for t in directive_tasks(cast.unit_staff, 2025)] == ["1"]  # the forest unit's own
    assert [t.code for t in directive_tasks(cast.reviewer, 2025)] == ["1", "2"]
    assert not directive_tasks(cast.director, 2024).exists()
