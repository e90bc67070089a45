"""Fixtures for the reminder tests: the reporting cycle with an active plan and staff in both units."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from pytest_django import DjangoCaptureOnCommitCallbacks

from nhiemvu.organisations.models import Membership, Role
from nhiemvu.plans.models import Plan, PlanStatus, Task
from nhiemvu.reminders.management.commands.remind import Command
from nhiemvu.reminders.services import RoundResult
from nhiemvu.reporting.models import ProgressReport, ReportingPeriod
from nhiemvu.reporting.services import (
    ObstacleInput,
    ReportInput,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.reporting.tests.conftest import Cycle, cycle  # noqa: F401  (the fixture, re-exported)
from nhiemvu.testing import Cast, _user

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@contextmanager
def on(day: dt.date, hour: int = 8) -> Iterator[None]:
    """Freeze the clock at `hour` o'clock, Hanoi time, on `day`."""
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=HANOI), tick=False):
        yield


@dataclass
class World:
    """The cycle fixture with its plan active and a staff member in the rural unit too."""

    cycle: Cycle
    rural_staff: User

    # The cycle's fields, read through the world.
    @property
    def cast(self) -> Cast:
        return self.cycle.cast

    @property
    def plan(self) -> Plan:
        return self.cycle.plan

    @property
    def forest_task(self) -> Task:
        return self.cycle.forest_task

    @property
    def rural_task(self) -> Task:
        return self.cycle.rural_task

    @property
    def june(self) -> ReportingPeriod:
        return self.cycle.june

    def period(self, key: str) -> ReportingPeriod:
        return self.cycle.plan.periods.get(key=key)

    def staff_of(self, task: Task) -> User:
        return self.cycle.cast.unit_staff if task == self.cycle.forest_task else self.rural_staff

    def may_on_time(self) -> None:
        """Both units sent May on time: nobody is late two periods in a row in June."""
        for task in (self.cycle.forest_task, self.cycle.rural_task):
            self.submit(task, self.period("2023-05"), dt.date(2023, 5, 15))

    def submit(
        self, task: Task, period: ReportingPeriod, day: dt.date, obstacles: list[ObstacleInput] | None = None
    ) -> ProgressReport:
        """The lead unit fills in and sends its report on `day`, through the real services."""
        user = self.staff_of(task)
        with on(day, 10):
            report = report_start(task=task, period=period, user=user)
            data = ReportInput(
                percent_done=Decimal(40),
                narrative="Đã thực hiện một phần.",
                values={t.pk: (Decimal(100), None) for t in task.targets.all()},
                obstacles=obstacles or [],
            )
            report = report_save_draft(report=report, user=user, revision=report.revision, data=data)
            return report_submit(report=report, user=user)


@pytest.fixture
def world(cycle: Cycle) -> World:  # noqa: F811
    cycle.plan.status = PlanStatus.ACTIVE
    cycle.plan.save(update_fields=["status"])
    rural_staff = _user("ptnt", "Vũ Thị Nông")
    Membership.objects.create(user=rural_staff, organisation=cycle.cast.rural_unit, role=Role.UNIT_STAFF)
    return World(cycle=cycle, rural_staff=rural_staff)


@pytest.fixture
def remind(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> Callable[..., RoundResult]:
    """Run one round of `nhiemvu remind` at a frozen moment; e-mails go out as on a real commit."""

    def run(day: dt.date, hour: int = 8) -> RoundResult:
        with on(day, hour), django_capture_on_commit_callbacks(execute=True):
            return Command(stdout=StringIO()).handle_one()

    return run
