"""Every invariant of the plan model is refused twice: by validation with a readable message,
and by the database itself when validation is bypassed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from nhiemvu.plans.models import Milestone, Plan, Target, Task
from nhiemvu.testing import Cast, make_plan

pytestmark = pytest.mark.django_db


def messages_of(exc: ValidationError) -> str:
    return " ".join(m for msgs in exc.message_dict.values() for m in msgs)


@pytest.fixture
def task(cast: Cast) -> Task:
    return make_plan(cast, tasks=1, targets_per_task=0).tasks.get()


def test_a_range_target_without_a_max_is_refused_with_a_clear_message(task: Task) -> None:
    target = Target(task=task, name="doanh nghiệp", unit="doanh nghiệp", comparator="range", value=Decimal(5))
    with pytest.raises(ValidationError) as exc:
        target.full_clean()
    assert "Chỉ tiêu dạng khoảng cần giá trị tối đa" in messages_of(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_a_range_target_with_its_max_below_its_value_is_refused(task: Task) -> None:
    target = Target(
        task=task, name="HTX", unit="HTX", comparator="range", value=Decimal(15), max_value=Decimal(10)
    )
    with pytest.raises(ValidationError) as exc:
        target.full_clean()
    assert "lớn hơn giá trị tối thiểu" in messages_of(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_a_range_target_with_a_max_above_its_value_is_accepted(task: Task) -> None:
    target = Target(
        task=task, name="HTX", unit="HTX", comparator="range", value=Decimal(10), max_value=Decimal(15)
    )
    target.full_clean()
    target.save()
    assert Target.objects.get(pk=target.pk).max_value == Decimal(15)


def test_a_max_on_a_target_that_is_not_a_range_is_refused(task: Task) -> None:
    target = Target(task=task, name="ha", unit="ha", comparator=">=", value=Decimal(1), max_value=Decimal(2))
    with pytest.raises(ValidationError) as exc:
        target.full_clean()
    assert "Chỉ chỉ tiêu dạng khoảng mới có giá trị tối đa" in messages_of(exc.value)


def test_a_negative_target_is_refused(task: Task) -> None:
    target = Target(task=task, name="ha", unit="ha", comparator="=", value=Decimal(-1))
    with pytest.raises(ValidationError) as exc:
        target.full_clean()
    assert "không được âm" in messages_of(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_an_unknown_comparator_is_refused_by_the_database(task: Task) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(task=task, name="x", comparator="~", value=Decimal(1))


def test_a_duplicate_task_code_in_one_plan_is_refused(cast: Cast) -> None:
    plan = make_plan(cast, tasks=1, targets_per_task=0)
    duplicate = Task(plan=plan, code="1", title="Trùng số", order=9)
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert "Số thứ tự nhiệm vụ này đã có trong kế hoạch" in messages_of(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_the_same_task_code_in_two_plans_is_fine(cast: Cast) -> None:
    make_plan(cast, tasks=1)
    make_plan(cast, tasks=1, title="Kế hoạch khác")
    assert Task.objects.filter(code="1").count() == 2


def test_a_task_whose_parent_belongs_to_another_plan_is_refused(cast: Cast) -> None:
    first = make_plan(cast, tasks=1, targets_per_task=0)
    second = make_plan(cast, tasks=1, targets_per_task=0, title="Kế hoạch khác")
    child = Task(plan=second, parent=first.tasks.get(), code="1.1", title="Con lạc kế hoạch", order=2)
    with pytest.raises(ValidationError) as exc:
        child.full_clean()
    assert "Nhiệm vụ cha phải thuộc cùng kế hoạch" in messages_of(exc.value)


def test_a_task_cannot_be_its_own_parent_in_the_database(task: Task) -> None:
    task.parent_id = task.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        task.save()


def test_a_plan_that_ends_before_it_starts_is_refused(cast: Cast) -> None:
    plan = Plan(
        title="Ngược",
        year=2023,
        starts_on=dt.date(2023, 12, 31),
        ends_on=dt.date(2023, 1, 1),
        issuer=cast.department,
    )
    with pytest.raises(ValidationError) as exc:
        plan.full_clean()
    assert "Ngày bắt đầu kế hoạch phải trước ngày kết thúc" in messages_of(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        plan.save()


def test_an_implausible_plan_year_is_refused(cast: Cast) -> None:
    plan = Plan(
        title="x",
        year=1975,
        starts_on=dt.date(1975, 1, 1),
        ends_on=dt.date(1975, 12, 31),
        issuer=cast.department,
    )
    with pytest.raises(ValidationError) as exc:
        plan.full_clean()
    assert "2000–2100" in messages_of(exc.value)


def test_an_unknown_reporting_frequency_is_refused(cast: Cast) -> None:
    plan = make_plan(cast, tasks=0)
    plan.reporting_frequencies = ["weekly"]
    with pytest.raises(ValidationError) as exc:
        plan.full_clean()
    assert "weekly" in messages_of(exc.value)


def test_a_milestone_with_a_negative_quantity_is_refused(task: Task) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(task=task, text="âm", value=Decimal(-5), unit="ha")
