"""The roadmap reminder: a step N days ahead (N as for deadlines) and once overdue, to the person
responsible or else the lead unit's staff, once per step and kind however many rounds run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from nhiemvu.organisations.models import Official
from nhiemvu.reminders.models import Notification, NotificationKind
from nhiemvu.reminders.tests.conftest import World, remind, world  # noqa: F401  (the fixtures)
from nhiemvu.reporting.tests.conftest import cycle  # noqa: F401  (the world's own fixture)
from nhiemvu.roadmaps.models import RoadmapStep
from nhiemvu.roadmaps.services import StepInput, step_create, step_mark_done
from nhiemvu.testing import _user

pytestmark = pytest.mark.django_db

D = dt.date
ROADMAP_KINDS = [NotificationKind.ROADMAP_STEP_DUE_SOON, NotificationKind.ROADMAP_STEP_OVERDUE]


def roadmap_notices() -> set[tuple[str, str, str]]:
    return {
        (n.recipient.username, n.kind, n.subject)
        for n in Notification.objects.filter(kind__in=ROADMAP_KINDS).select_related("recipient")
    }


@pytest.fixture
def steps(world: World) -> tuple[RoadmapStep, RoadmapStep]:  # noqa: F811
    """A forest step (30/06) with its responsible official's account, a rural step (05/07) with nobody."""
    forester = Official.objects.create(
        full_name="Hoàng Văn Lâm", organisation=world.cast.forest_unit, user=world.cast.unit_staff
    )
    forest = step_create(
        task=world.forest_task,
        user=world.cast.unit_staff,
        data=StepInput(title="Khảo sát hiện trạng", due=D(2023, 6, 30), responsible=forester),
    )
    rural = step_create(
        task=world.rural_task,
        user=world.rural_staff,
        data=StepInput(title="Họp dân", due=D(2023, 7, 5)),
    )
    return forest, rural


def test_a_step_is_announced_seven_days_ahead_once_then_once_overdue(world: World, remind, steps) -> None:  # noqa: F811
    remind(D(2023, 6, 22))
    assert roadmap_notices() == set()
    remind(D(2023, 6, 23))
    assert roadmap_notices() == {
        ("kiemlam", "roadmap_step_due_soon", "Còn 7 ngày đến hạn bước lộ trình 30/06/2023: nhiệm vụ 1"),
    }
    for day in (D(2023, 6, 23), D(2023, 6, 26)):
        remind(day)
    assert len(roadmap_notices()) == 1  # the same step and kind: never again
    remind(D(2023, 6, 30))  # the rural step comes into the 7-day window (the 28th was not run)
    remind(D(2023, 7, 3))  # Monday: the forest step is late
    assert roadmap_notices() == {
        ("kiemlam", "roadmap_step_due_soon", "Còn 7 ngày đến hạn bước lộ trình 30/06/2023: nhiệm vụ 1"),
        ("ptnt", "roadmap_step_due_soon", "Còn 5 ngày đến hạn bước lộ trình 05/07/2023: nhiệm vụ 2"),
        ("kiemlam", "roadmap_step_overdue", "Quá hạn bước lộ trình 30/06/2023: nhiệm vụ 1"),
    }
    remind(D(2023, 7, 4))
    assert Notification.objects.filter(kind__in=ROADMAP_KINDS).count() == 3
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count("[nhiemvu] Quá hạn bước lộ trình 30/06/2023: nhiệm vụ 1") == 1
    overdue = Notification.objects.get(kind=NotificationKind.ROADMAP_STEP_OVERDUE)
    assert "Cán bộ phụ trách: Hoàng Văn Lâm" in overdue.body
    assert overdue.url.endswith(f"/reporting/tasks/{world.forest_task.pk}/#roadmap")


def test_a_step_done_is_not_chased(world: World, remind, steps) -> None:  # noqa: F811
    forest, _ = steps
    step_mark_done(step=forest, user=world.cast.unit_staff, done_on=D(2023, 6, 20))
    remind(D(2023, 7, 3))
    assert {kind for _, kind, _ in roadmap_notices()} == {"roadmap_step_due_soon"}
    assert {user for user, _, _ in roadmap_notices()} == {"ptnt"}


def test_the_responsible_official_hears_of_the_step_not_the_whole_unit(world: World, remind, steps) -> None:  # noqa: F811
    forest, _ = steps
    ranger_user = _user("lamvien", "Nguyễn Văn Rừng")
    ranger = Official.objects.create(
        full_name="Nguyễn Văn Rừng", organisation=world.cast.forest_unit, user=ranger_user
    )
    RoadmapStep.objects.filter(pk=forest.pk).update(responsible=ranger)
    remind(D(2023, 6, 23))
    assert {user for user, _, _ in roadmap_notices()} == {"lamvien"}


def test_without_an_account_the_lead_units_staff_hear_of_the_step(world: World, remind, steps) -> None:  # noqa: F811
    forest, _ = steps
    ranger = Official.objects.create(full_name="Nguyễn Văn Rừng", organisation=world.cast.forest_unit)
    RoadmapStep.objects.filter(pk=forest.pk).update(responsible=ranger)
    remind(D(2023, 6, 23))
    assert {user for user, _, _ in roadmap_notices()} == {"kiemlam"}  # the forest unit's staff, by role
