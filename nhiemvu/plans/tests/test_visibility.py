"""Who sees which task and plan: every way the rule reaches a task, one at a time, and nothing more.

The rule is read as a UNION of one indexed read per way (plans/selectors._reached); a way left out
of it, or one that leaks into another role's reach, changes one of these sets.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nhiemvu.organisations.models import Organisation
from nhiemvu.plans.models import Plan, Task
from nhiemvu.plans.selectors import plans_visible_to, tasks_visible_to
from nhiemvu.testing import Cast

pytestmark = pytest.mark.django_db


def _plan(title: str, issuer: Organisation) -> Plan:
    return Plan.objects.create(
        title=title, year=2023, starts_on=dt.date(2023, 1, 1), ends_on=dt.date(2023, 12, 31), issuer=issuer
    )


def _task(plan: Plan, code: str, lead_unit: Organisation, **fields: object) -> Task:
    return Task.objects.create(
        plan=plan, code=code, title=f"Nhiệm vụ {code}", order=len(code), lead_unit=lead_unit, **fields
    )


@pytest.fixture
def plans(cast: Cast) -> None:
    forest, rural = cast.forest_unit, cast.rural_unit
    ours = _plan("Kế hoạch của Sở", cast.department)
    led = _task(ours, "1", forest, leader=cast.deputy_official)  # the deputy's; the forest unit leads it
    _task(ours, "1.1", rural, parent=led)  # under the deputy's task: theirs too
    _task(ours, "2", rural).support_units.add(forest)  # the forest unit only supports it
    _task(ours, "3", rural)  # nobody's but the department's
    _task(_plan("Kế hoạch khác của Sở", cast.department), "4", rural)
    # Another department's plan: the forest unit supports one of its tasks and sees that task only.
    theirs = _plan("Kế hoạch của Sở Y tế", cast.other_department)
    _task(theirs, "5", cast.other_department).support_units.add(forest)
    _task(theirs, "6", cast.other_department)


@pytest.mark.parametrize(
    ("role", "tasks", "plans_seen"),
    [
        ("director", {"1", "1.1", "2", "3", "4"}, {"Kế hoạch của Sở", "Kế hoạch khác của Sở"}),
        ("planning_finance", {"1", "1.1", "2", "3", "4"}, {"Kế hoạch của Sở", "Kế hoạch khác của Sở"}),
        ("deputy", {"1", "1.1"}, {"Kế hoạch của Sở"}),
        ("unit_staff", {"1", "2", "5"}, {"Kế hoạch của Sở", "Kế hoạch của Sở Y tế"}),
        (
            "reviewer",
            {"1", "1.1", "2", "3", "4", "5", "6"},
            {"Kế hoạch của Sở", "Kế hoạch khác của Sở", "Kế hoạch của Sở Y tế"},
        ),
        ("outsider", {"5", "6"}, {"Kế hoạch của Sở Y tế"}),  # Sở Y tế's own staff: its body leads them
    ],
)
def test_each_role_sees_the_tasks_it_reaches_and_the_plans_they_are_in(
    cast: Cast, plans: None, role: str, tasks: set[str], plans_seen: set[str]
) -> None:
    user = getattr(cast, role)
    assert set(tasks_visible_to(user).values_list("code", flat=True)) == tasks
    assert set(plans_visible_to(user).values_list("title", flat=True)) == plans_seen
    # A task reached two ways (led and supported, or led by the deputy and under their task) once.
    codes = list(tasks_visible_to(user).values_list("code", flat=True))
    assert len(codes) == len(set(codes))


def test_a_unit_that_leads_and_supports_the_same_task_sees_it_once(cast: Cast, plans: None) -> None:
    Task.objects.get(code="1").support_units.add(cast.forest_unit)
    codes = list(tasks_visible_to(cast.unit_staff).order_by("code").values_list("code", flat=True))
    assert codes == ["1", "2", "5"]
