"""Fixtures for the roadmap tests: the cast's plan, and officials in the lead units."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from nhiemvu.organisations.models import Membership, Official, Role
from nhiemvu.plans.models import Plan, Task
from nhiemvu.testing import Cast, _user, make_plan


@dataclass
class Roadmap:
    cast: Cast
    plan: Plan
    forest_task: Task  # led by the forest unit, where the cast's unit_staff works
    rural_task: Task  # led by the rural unit
    forester: Official  # the forest unit's staff member as an official, with their account
    ranger: Official  # a forest-unit official without an account
    farmer: Official  # an official of the rural unit


@pytest.fixture
def roadmap(cast: Cast) -> Roadmap:
    plan = make_plan(cast, tasks=2, targets_per_task=1)
    forester = Official.objects.create(
        full_name="Hoàng Văn Lâm", position="Chuyên viên", organisation=cast.forest_unit, user=cast.unit_staff
    )
    ranger = Official.objects.create(
        full_name="Nguyễn Văn Rừng", position="Kiểm lâm viên", organisation=cast.forest_unit
    )
    farmer = Official.objects.create(full_name="Vũ Thị Nông", organisation=cast.rural_unit)
    return Roadmap(
        cast=cast,
        plan=plan,
        forest_task=plan.tasks.get(code="1"),
        rural_task=plan.tasks.get(code="2"),
        forester=forester,
        ranger=ranger,
        farmer=farmer,
    )


@pytest.fixture
def rural_staff(cast: Cast) -> User:
    user = _user("ptnt", "Vũ Thị Nông")
    Membership.objects.create(user=user, organisation=cast.rural_unit, role=Role.UNIT_STAFF)
    return user
