"""The roadmap services: the lead unit writes, everyone else who sees the task reads."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from nhiemvu.audit.models import AuditEntry
from nhiemvu.organisations.models import Membership, Role
from nhiemvu.plans.models import PlanStatus
from nhiemvu.roadmaps.errors import RoadmapError, RoadmapNotAllowedError
from nhiemvu.roadmaps.models import RoadmapStep, StepStatus
from nhiemvu.roadmaps.services import (
    StepInput,
    step_create,
    step_delete,
    step_mark_done,
    step_mark_undone,
    step_update,
)
from nhiemvu.testing import _user

from .conftest import Roadmap

pytestmark = pytest.mark.django_db

D = dt.date


def survey(**changes: object) -> StepInput:
    values: dict[str, object] = {"title": "Khảo sát hiện trạng rừng", "due": D(2023, 6, 30)}
    values.update(changes)
    return StepInput(**values)  # type: ignore[arg-type]


def test_the_lead_units_staff_add_steps_in_order_and_they_are_recorded(roadmap: Roadmap) -> None:
    staff = roadmap.cast.unit_staff
    first = step_create(task=roadmap.forest_task, user=staff, data=survey(responsible=roadmap.forester))
    second = step_create(
        task=roadmap.forest_task, user=staff, data=survey(title="Lập hồ sơ", due=D(2023, 5, 1))
    )
    assert (first.order, second.order) == (1, 2)
    stored = RoadmapStep.objects.get(pk=first.pk)
    assert (stored.title, stored.due, stored.responsible, stored.created_by) == (
        "Khảo sát hiện trạng rừng",
        D(2023, 6, 30),
        roadmap.forester,
        staff,
    )
    assert list(roadmap.forest_task.roadmap_steps.values_list("title", flat=True)) == [
        "Lập hồ sơ",
        "Khảo sát hiện trạng rừng",
    ]
    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(RoadmapStep))
    assert entries.count() == 2
    assert set(entries.values_list("organisation_id", flat=True)) == {roadmap.plan.issuer_id}


def test_staff_above_the_lead_unit_write_its_roadmap(roadmap: Roadmap) -> None:
    head = _user("so.donvi", "Đinh Văn Sở")
    Membership.objects.create(user=head, organisation=roadmap.cast.department, role=Role.UNIT_STAFF)
    assert step_create(task=roadmap.forest_task, user=head, data=survey()).pk


@pytest.mark.parametrize("who", ["director", "deputy", "planning_finance", "reviewer"])
def test_the_department_is_refused_writing_a_roadmap(roadmap: Roadmap, who: str) -> None:
    user = getattr(roadmap.cast, who)
    with pytest.raises(RoadmapNotAllowedError, match="Chỉ cán bộ của đơn vị chủ trì"):
        step_create(task=roadmap.forest_task, user=user, data=survey())
    step = step_create(task=roadmap.forest_task, user=roadmap.cast.unit_staff, data=survey())
    for write in (
        lambda: step_update(step=step, user=user, data=survey(title="Khác")),
        lambda: step_mark_done(step=step, user=user),
        lambda: step_mark_undone(step=step, user=user),
        lambda: step_delete(step=step, user=user),
    ):
        with pytest.raises(RoadmapNotAllowedError):
            write()
    assert RoadmapStep.objects.get(pk=step.pk).title == "Khảo sát hiện trạng rừng"


def test_another_units_staff_cannot_write_the_roadmap(roadmap: Roadmap, rural_staff) -> None:
    with pytest.raises(RoadmapNotAllowedError):
        step_create(task=roadmap.forest_task, user=rural_staff, data=survey())
    # The cast's forest staff work in a unit that supports neither... and leads task 1 only.
    with pytest.raises(RoadmapNotAllowedError):
        step_create(task=roadmap.rural_task, user=roadmap.cast.unit_staff, data=survey())


def test_the_responsible_official_must_work_in_the_lead_unit(roadmap: Roadmap) -> None:
    with pytest.raises(RoadmapError, match="Vũ Thị Nông không phải cán bộ đang công tác ở đơn vị chủ trì"):
        step_create(
            task=roadmap.forest_task, user=roadmap.cast.unit_staff, data=survey(responsible=roadmap.farmer)
        )
    roadmap.ranger.is_active = False
    roadmap.ranger.save()
    with pytest.raises(RoadmapError):
        step_create(
            task=roadmap.forest_task, user=roadmap.cast.unit_staff, data=survey(responsible=roadmap.ranger)
        )
    assert not RoadmapStep.objects.exists()


def test_a_blank_title_or_an_implausible_year_is_refused_in_vietnamese(roadmap: Roadmap) -> None:
    staff = roadmap.cast.unit_staff
    with pytest.raises(RoadmapError, match="Hãy ghi nội dung công việc"):
        step_create(task=roadmap.forest_task, user=staff, data=survey(title="   "))
    with pytest.raises(RoadmapError, match="trong khoảng năm 2000 đến năm 2100"):
        step_create(task=roadmap.forest_task, user=staff, data=survey(due=D(225, 6, 30)))


@time_machine.travel(dt.datetime(2023, 7, 3, 9, 0), tick=False)
def test_marking_done_records_today_and_undo_opens_the_step_again(roadmap: Roadmap) -> None:
    staff = roadmap.cast.unit_staff
    step = step_create(task=roadmap.forest_task, user=staff, data=survey())
    assert step.status_on(D(2023, 7, 3)) == StepStatus.OVERDUE
    step = step_mark_done(step=step, user=staff)
    assert step.done_on == D(2023, 7, 3)
    assert step.status_on(D(2023, 7, 3)) == StepStatus.DONE
    assert step_mark_done(step=step, user=staff).done_on == D(2023, 7, 3)  # a second click changes nothing
    step = step_mark_undone(step=step, user=staff)
    assert RoadmapStep.objects.get(pk=step.pk).done_on is None
    with pytest.raises(RoadmapError, match="không được sau hôm nay"):
        step_mark_done(step=step, user=staff, done_on=D(2023, 7, 4))
    step_mark_done(step=step, user=staff, done_on=D(2023, 6, 28))
    assert RoadmapStep.objects.get(pk=step.pk).done_on == D(2023, 6, 28)


def test_a_step_is_changed_and_deleted_by_the_lead_unit(roadmap: Roadmap) -> None:
    staff = roadmap.cast.unit_staff
    step = step_create(task=roadmap.forest_task, user=staff, data=survey())
    step_update(
        step=step, user=staff, data=survey(due=D(2023, 8, 15), responsible=roadmap.ranger, note="Cần xe")
    )
    stored = RoadmapStep.objects.get(pk=step.pk)
    assert (stored.due, stored.responsible, stored.note, stored.updated_by) == (
        D(2023, 8, 15),
        roadmap.ranger,
        "Cần xe",
        staff,
    )
    step_delete(step=stored, user=staff)
    assert not RoadmapStep.objects.exists()


def test_a_closed_plan_keeps_its_roadmaps_as_they_are(roadmap: Roadmap) -> None:
    step = step_create(task=roadmap.forest_task, user=roadmap.cast.unit_staff, data=survey())
    roadmap.plan.status = PlanStatus.CLOSED
    roadmap.plan.save(update_fields=["status"])
    with pytest.raises(RoadmapError, match="Kế hoạch đã kết thúc"):
        step_mark_done(step=step, user=roadmap.cast.unit_staff)


def test_a_task_without_a_lead_unit_has_no_roadmap_to_write(roadmap: Roadmap) -> None:
    task = roadmap.forest_task
    task.lead_unit = None
    task.save(update_fields=["lead_unit"])
    with pytest.raises(RoadmapError, match="chưa có đơn vị chủ trì"):
        step_create(task=task, user=roadmap.cast.unit_staff, data=survey())
