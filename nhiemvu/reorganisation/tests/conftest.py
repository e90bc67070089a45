"""The 2025 reform in miniature: the cast's department with a running and a closed plan, open and
finished work in its two units, and a second department (Sở TN&MT) to merge it with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from nhiemvu.organisations.models import Membership, Official, Organisation, OrganisationKind, Role
from nhiemvu.plans.models import Plan, PlanStatus, Task
from nhiemvu.reporting.models import ProgressReport, ReportingPeriod, ReportStatus
from nhiemvu.reporting.services import periods_generate
from nhiemvu.roadmaps.models import RoadmapStep
from nhiemvu.testing import Cast, _user, make_plan

D = dt.date
MARCH_1 = D(2025, 3, 1)


@dataclass
class Reform:
    cast: Cast
    environment: Organisation  # Sở Tài nguyên và Môi trường
    env_unit: Organisation  # its Chi cục Bảo vệ môi trường
    env_director: User
    plan: Plan  # running, issued by the cast's department
    closed_plan: Plan  # last year's, closed
    done_task: Task  # forest unit, completed (accepted report with a completion date)
    forest_task: Task  # forest unit, open: a returned report, a submitted one, an accepted one
    rural_task: Task  # rural unit, open: a draft report and an open roadmap step
    department_task: Task  # led by the department itself, supported by Sở TN&MT
    closed_task: Task  # the closed plan's, forest unit
    periods: list[ReportingPeriod]
    accepted: ProgressReport
    submitted: ProgressReport
    returned: ProgressReport
    draft: ProgressReport


def _report(
    task: Task, period: ReportingPeriod, org: Organisation, status: str, **kw: object
) -> ProgressReport:
    return ProgressReport.objects.create(task=task, period=period, organisation=org, status=status, **kw)


@pytest.fixture
def reform(cast: Cast) -> Reform:
    environment = Organisation.objects.create(
        parent=cast.province,
        name="Sở Tài nguyên và Môi trường",
        short_name="Sở TN&MT",
        kind=OrganisationKind.DEPARTMENT,
    )
    env_unit = Organisation.objects.create(
        parent=environment, name="Chi cục Bảo vệ môi trường", kind=OrganisationKind.SUB_DEPARTMENT
    )
    env_director = _user("tnmt", "Nguyễn Thị Môi")
    Membership.objects.create(
        user=env_director, organisation=environment, role=Role.DIRECTOR, starts_on=D(2020, 1, 1)
    )
    Official.objects.create(full_name="Nguyễn Thị Môi", organisation=environment, user=env_director)
    closed_plan = make_plan(cast, tasks=1, targets_per_task=1, title="Kế hoạch năm 2022")
    closed_plan.status = PlanStatus.CLOSED
    closed_plan.save()
    plan = make_plan(cast, tasks=3, targets_per_task=1, title="Kế hoạch nhiệm vụ trọng tâm")
    plan.status = PlanStatus.ACTIVE
    plan.save()
    periods = periods_generate(plan=plan)
    monthly = [p for p in periods if p.frequency == "monthly"]
    done_task, rural_task, forest_task = (plan.tasks.get(code=c) for c in "123")
    department_task = Task.objects.create(
        plan=plan,
        code="4",
        title="Tổng kết ngành",
        order=4,
        lead_unit=cast.department,
        deadline=D(2023, 12, 31),
    )
    department_task.support_units.add(environment)
    _report(done_task, monthly[0], cast.forest_unit, ReportStatus.ACCEPTED, completed_on=D(2023, 1, 20))
    accepted = _report(forest_task, monthly[0], cast.forest_unit, ReportStatus.ACCEPTED, percent_done=20)
    submitted = _report(forest_task, monthly[1], cast.forest_unit, ReportStatus.SUBMITTED)
    returned = _report(forest_task, monthly[2], cast.forest_unit, ReportStatus.RETURNED)
    draft = _report(rural_task, monthly[0], cast.rural_unit, ReportStatus.DRAFT)
    RoadmapStep.objects.create(task=rural_task, title="Khảo sát", due=D(2023, 5, 1))
    RoadmapStep.objects.create(
        task=rural_task, title="Đã xong", due=D(2023, 2, 1), done_on=D(2023, 2, 1), order=2
    )
    return Reform(
        cast=cast,
        environment=environment,
        env_unit=env_unit,
        env_director=env_director,
        plan=plan,
        closed_plan=closed_plan,
        done_task=done_task,
        forest_task=forest_task,
        rural_task=rural_task,
        department_task=department_task,
        closed_task=closed_plan.tasks.get(code="1"),
        periods=monthly,
        accepted=accepted,
        submitted=submitted,
        returned=returned,
        draft=draft,
    )
