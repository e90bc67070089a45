from __future__ import annotations

from dataclasses import dataclass

import pytest

from nhiemvu.plans.models import Plan, Task
from nhiemvu.reporting.models import ReportingPeriod
from nhiemvu.reporting.services import periods_generate
from nhiemvu.testing import Cast, make_plan


@dataclass
class Cycle:
    cast: Cast
    plan: Plan
    forest_task: Task  # led by the forest unit (where unit_staff works), supported by planning-finance
    rural_task: Task  # led by the rural unit
    june: ReportingPeriod


@pytest.fixture
def cycle(cast: Cast) -> Cycle:
    plan = make_plan(cast, tasks=2, targets_per_task=2)
    periods_generate(plan=plan)
    return Cycle(
        cast=cast,
        plan=plan,
        forest_task=plan.tasks.get(code="1"),
        rural_task=plan.tasks.get(code="2"),
        june=plan.periods.get(key="2023-06"),
    )
