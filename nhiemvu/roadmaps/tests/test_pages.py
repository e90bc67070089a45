"""The roadmap section and its forms: the lead unit edits, the department reads, others get 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from nhiemvu.organisations.models import Membership, Role
from nhiemvu.reporting.services import periods_generate
from nhiemvu.roadmaps.models import RoadmapStep
from nhiemvu.roadmaps.services import StepInput, step_create
from nhiemvu.testing import _user

from .conftest import Roadmap

pytestmark = pytest.mark.django_db

D = dt.date
HTMX = {"HX-Request": "true"}


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def a_step(roadmap: Roadmap, **changes: Any) -> RoadmapStep:
    data = {
        "title": "Khảo sát hiện trạng rừng",
        "due": D(2023, 6, 30),
        "responsible": roadmap.forester,
        **changes,
    }
    return step_create(task=roadmap.forest_task, user=roadmap.cast.unit_staff, data=StepInput(**data))


def new_step(**fields: str) -> dict[str, str]:
    return {f"new-step-{k}": v for k, v in fields.items()}


def test_the_task_page_loads_the_roadmap_from_the_roadmaps_app(roadmap: Roadmap) -> None:
    page = as_user(roadmap.cast.director).get(reverse("reporting:task-detail", args=[roadmap.forest_task.pk]))
    assert f'hx-get="{reverse("roadmaps:step-list", args=[roadmap.forest_task.pk])}"' in page.content.decode()


def test_the_lead_units_staff_see_the_steps_with_their_controls(
    roadmap: Roadmap, django_assert_max_num_queries: Any
) -> None:
    for i in range(3):
        a_step(roadmap, title=f"Bước {i}", due=D(2023, 6, 10 + i))
    client = as_user(roadmap.cast.unit_staff)
    url = reverse("roadmaps:step-list", args=[roadmap.forest_task.pk])
    # Session and user, memberships + tree + officials (scope), the task, its steps with their
    # officials, the officials for the form's list: as many steps, no more queries.
    with django_assert_max_num_queries(9):
        page = client.get(url, headers=HTMX).content.decode()
    assert page.count('data-testid="roadmap-step"') == 3
    assert page.count('data-testid="step-edit"') == 3
    assert 'data-testid="step-form"' in page
    assert "10/06/2023" in page and "Hoàng Văn Lâm" in page
    assert "<html" not in page  # the section alone for htmx


@pytest.mark.parametrize("who", ["director", "deputy", "planning_finance", "reviewer"])
def test_the_department_reads_the_roadmap_without_controls_and_is_refused_writing(
    roadmap: Roadmap, who: str
) -> None:
    step = a_step(roadmap)
    client = as_user(getattr(roadmap.cast, who))
    page = client.get(reverse("roadmaps:step-list", args=[roadmap.forest_task.pk])).content.decode()
    assert "Khảo sát hiện trạng rừng" in page and "30/06/2023" in page
    for control in ("step-edit", "step-delete", "step-mark-done", "step-form"):
        assert f'data-testid="{control}"' not in page
    create = client.post(
        reverse("roadmaps:step-create", args=[roadmap.forest_task.pk]),
        new_step(title="Bước khác", due="1/7/2023"),
        headers=HTMX,
    )
    assert create.status_code == 403
    assert "Chỉ cán bộ của đơn vị chủ trì (Chi cục Kiểm lâm)" in create.content.decode()
    assert client.post(reverse("roadmaps:step-done", args=[step.pk])).status_code == 403
    assert client.post(reverse("roadmaps:step-delete", args=[step.pk])).status_code == 403
    assert client.get(reverse("roadmaps:step-edit", args=[step.pk])).status_code == 403
    assert list(RoadmapStep.objects.values_list("title", "done_on")) == [("Khảo sát hiện trạng rừng", None)]


def test_a_support_units_staff_read_the_roadmap_but_do_not_write_it(roadmap: Roadmap) -> None:
    a_step(roadmap)
    support = _user("khtc.canbo", "Mai Văn Hỗ")  # staff of Planning-Finance, which supports task 1
    Membership.objects.create(
        user=support, organisation=roadmap.cast.planning_finance_division, role=Role.UNIT_STAFF
    )
    client = as_user(support)
    page = client.get(reverse("roadmaps:step-list", args=[roadmap.forest_task.pk])).content.decode()
    assert "Khảo sát hiện trạng rừng" in page and 'data-testid="step-edit"' not in page
    create = client.post(
        reverse("roadmaps:step-create", args=[roadmap.forest_task.pk]), new_step(title="x", due="1/7/2023")
    )
    assert create.status_code == 403
    assert RoadmapStep.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "rural_staff"])
def test_another_units_staff_get_404_on_every_roadmap_address(
    roadmap: Roadmap, rural_staff: User, who: str
) -> None:
    step = a_step(roadmap)
    periods_generate(plan=roadmap.plan)
    period = roadmap.plan.periods.first()
    client = as_user(rural_staff if who == "rural_staff" else roadmap.cast.outsider)
    task = roadmap.forest_task.pk
    assert client.get(reverse("roadmaps:step-list", args=[task])).status_code == 404
    assert (
        client.post(
            reverse("roadmaps:step-create", args=[task]), new_step(title="x", due="1/7/2023")
        ).status_code
        == 404
    )
    for name in ("step-edit", "step-delete", "step-done"):
        assert client.post(reverse(f"roadmaps:{name}", args=[step.pk])).status_code == 404
    assert period is not None
    assert client.get(reverse("roadmaps:period-summary", args=[task, period.pk])).status_code == 404
    assert client.get(reverse("roadmaps:step-edit", args=[step.pk])).status_code == 404
    assert RoadmapStep.objects.get().title == "Khảo sát hiện trạng rừng"


def test_a_date_typed_30_6_2025_is_stored_and_shown_as_30_06_2025(roadmap: Roadmap) -> None:
    client = as_user(roadmap.cast.unit_staff)
    response = client.post(
        reverse("roadmaps:step-create", args=[roadmap.forest_task.pk]),
        new_step(title="Nghiệm thu", due="30/6/2025", responsible=str(roadmap.forester.pk)),
        headers=HTMX,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "30/06/2025" in page and "Đã thêm bước hạn 30/06/2025" in page
    step = RoadmapStep.objects.get()
    assert (step.due, step.responsible, step.created_by) == (
        D(2025, 6, 30),
        roadmap.forester,
        roadmap.cast.unit_staff,
    )
    edit = client.get(reverse("roadmaps:step-edit", args=[step.pk]), headers=HTMX).content.decode()
    assert 'value="30/06/2025"' in edit


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2025", "«31/02/2025» không phải là ngày hợp lệ"),
        ("ngày mai", "«ngày mai» không phải là ngày hợp lệ"),
        ("", "Hãy ghi thời hạn"),
        ("30/6/225", "«30/6/225» không phải là ngày hợp lệ"),
        ("30/6/0225", "trong khoảng năm 2000 đến năm 2100"),
    ],
)
def test_a_bad_date_gets_a_vietnamese_message_on_the_form(roadmap: Roadmap, typed: str, message: str) -> None:
    client = as_user(roadmap.cast.unit_staff)
    response = client.post(
        reverse("roadmaps:step-create", args=[roadmap.forest_task.pk]),
        new_step(title="Nghiệm thu", due=typed),
        headers=HTMX,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'value="{typed}"' in page or not typed  # shown back as typed
    assert not RoadmapStep.objects.exists()


def test_a_person_of_another_unit_cannot_be_picked_as_responsible(roadmap: Roadmap) -> None:
    client = as_user(roadmap.cast.unit_staff)
    page = client.get(reverse("roadmaps:step-list", args=[roadmap.forest_task.pk])).content.decode()
    assert "Nguyễn Văn Rừng" in page and "Vũ Thị Nông" not in page
    response = client.post(
        reverse("roadmaps:step-create", args=[roadmap.forest_task.pk]),
        new_step(title="Nghiệm thu", due="30/6/2025", responsible=str(roadmap.farmer.pk)),
        headers=HTMX,
    )
    assert "Hãy chọn một cán bộ của đơn vị chủ trì" in response.content.decode()
    assert not RoadmapStep.objects.exists()


def test_editing_marking_done_and_deleting_without_script_go_back_to_the_task_page(roadmap: Roadmap) -> None:
    step = a_step(roadmap)
    client = as_user(roadmap.cast.unit_staff)
    back = f"{reverse('reporting:task-detail', args=[roadmap.forest_task.pk])}#roadmap"
    edit = client.post(
        reverse("roadmaps:step-edit", args=[step.pk]),
        {
            f"step-{step.pk}-title": "Khảo sát lại",
            f"step-{step.pk}-due": "15/7/2023",
            f"step-{step.pk}-responsible": "",
            f"step-{step.pk}-done_on": "1/7/2023",
        },
    )
    assert edit.status_code == 302 and edit["Location"] == back
    step.refresh_from_db()
    assert (step.title, step.due, step.responsible, step.done_on) == (
        "Khảo sát lại",
        D(2023, 7, 15),
        None,
        D(2023, 7, 1),
    )
    assert client.post(reverse("roadmaps:step-done", args=[step.pk]), {"undo": "1"})["Location"] == back
    step.refresh_from_db()
    assert step.done_on is None
    done = client.post(reverse("roadmaps:step-done", args=[step.pk]), headers=HTMX).content.decode()
    assert 'data-status="done"' in done and "Đã đánh dấu bước là đã hoàn thành" in done
    assert client.post(reverse("roadmaps:step-delete", args=[step.pk]))["Location"] == back
    assert not RoadmapStep.objects.exists()


def test_the_report_form_shows_the_steps_due_by_the_periods_end(roadmap: Roadmap) -> None:
    from nhiemvu.roadmaps.services import step_mark_done

    periods_generate(plan=roadmap.plan)
    june = roadmap.plan.periods.get(key="2023-06")  # 15/05 – 14/06/2023
    done = a_step(roadmap, title="Khảo sát", due=D(2023, 6, 1))
    step_mark_done(step=done, user=roadmap.cast.unit_staff, done_on=D(2023, 5, 30))
    a_step(roadmap, title="Lập hồ sơ", due=D(2023, 6, 14))
    a_step(roadmap, title="Thi công", due=D(2023, 6, 15))
    client = as_user(roadmap.cast.unit_staff)
    form = client.get(
        reverse("reporting:report-edit", args=[roadmap.forest_task.pk, june.pk])
    ).content.decode()
    summary_url = reverse("roadmaps:period-summary", args=[roadmap.forest_task.pk, june.pk])
    assert f'hx-get="{summary_url}"' in form
    summary = client.get(summary_url, headers=HTMX).content.decode()
    assert summary.count('data-testid="roadmap-period-step"') == 2
    assert 'data-status="done"' in summary and "30/05/2023" in summary
    assert "Lập hồ sơ" in summary and "Thi công" not in summary
    # The department reads it too.
    assert "Lập hồ sơ" in as_user(roadmap.cast.director).get(summary_url).content.decode()
