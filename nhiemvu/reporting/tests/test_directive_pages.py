"""The directive pages: the year's list (who reads what, constant queries) and the form (who may
record, dates typed day first, the user's values back with Vietnamese messages on error)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nhiemvu.plans.models import Plan, PlanKind, Task
from nhiemvu.reporting.services.directives import directive_create
from nhiemvu.testing import PASSWORD, Cast, form_data, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _july_2025():
    with time_machine.travel(dt.datetime(2025, 7, 10, 9, 0), tick=False):
        yield


LIST = reverse("plans:directive-list")
NEW = reverse("plans:directive-create")


def login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def _directive(cast: Cast, number: str = "125/TB-UBND", tasks: int = 2) -> Plan:
    return directive_create(
        agency=cast.department,
        kind="TB",
        number=number,
        issued_on=dt.date(2025, 3, 10),
        title=f"Kết luận số {number}",
        document_issuer=cast.province,
        tasks=[
            {
                "title": f"Nhiệm vụ kết luận {i}",
                "lead_unit": cast.forest_unit if i % 2 else cast.rural_unit,
                "deadline": dt.date(2025, 6, 30),
            }
            for i in range(1, tasks + 1)
        ],
        created_by=None,
    )


def _post(cast: Cast, **changes: Any) -> dict[str, Any]:
    data = {
        "agency": str(cast.department.pk),
        "kind": "TB",
        "number": "125/TB-UBND",
        "issued_on": "10/3/2025",
        "document_issuer": str(cast.province.pk),
        "document_issuer_name": "",
        "title": "Kết luận của Chủ tịch UBND tỉnh",
        "tasks-TOTAL_FORMS": "2",
        "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "1",
        "tasks-MAX_NUM_FORMS": "50",
        "tasks-0-title": "Rà soát diện tích rừng",
        "tasks-0-lead_unit": str(cast.forest_unit.pk),
        "tasks-0-deadline": "30/6/2025",
        "tasks-1-title": "Xây dựng đề án",
        "tasks-1-lead_unit": str(cast.rural_unit.pk),
        "tasks-1-support_units": [str(cast.forest_unit.pk)],
        "tasks-1-leader": str(cast.deputy_official.pk),
        "tasks-1-deadline": "15/9/2025",
    }
    data.update(changes)
    return data


def test_the_list_asks_anonymous_visitors_to_log_in(client) -> None:
    assert client.get(LIST).status_code == 302
    assert client.get(NEW).status_code == 302


@pytest.mark.parametrize(
    ("who", "codes"),
    [
        ("director", ["Nhiệm vụ kết luận 1", "Nhiệm vụ kết luận 2"]),
        ("planning_finance", ["Nhiệm vụ kết luận 1", "Nhiệm vụ kết luận 2"]),
        ("reviewer", ["Nhiệm vụ kết luận 1", "Nhiệm vụ kết luận 2"]),
        ("unit_staff", ["Nhiệm vụ kết luận 1"]),  # the forest unit's own task only
        ("outsider", []),
    ],
)
def test_each_reader_sees_the_directive_tasks_they_may_see(
    client, cast: Cast, who: str, codes: list[str]
) -> None:
    _directive(cast)
    login(client, getattr(cast, who))
    html = client.get(LIST).content.decode()
    for title in ["Nhiệm vụ kết luận 1", "Nhiệm vụ kết luận 2"]:
        assert (title in html) is (title in codes)
    if codes:
        assert "125/TB-UBND" in html
        assert "10/03/2025" in html
        assert "30/06/2025" in html
        assert "Đang thực hiện quá hạn" in html  # due 30/06/2025, today 10/07/2025, nothing accepted


def test_the_list_names_document_issuer_and_links_each_task_page(client, cast: Cast) -> None:
    plan = _directive(cast, tasks=1)
    task = plan.tasks.get()
    login(client, cast.reviewer)
    html = client.get(LIST).content.decode()
    assert "Thông báo 125/TB-UBND" in html
    assert "UBND tỉnh" in html
    assert reverse("reporting:task-detail", args=[task.pk]) in html
    assert client.get(reverse("reporting:task-detail", args=[task.pk])).status_code == 200
    assert client.get(reverse("plans:plan-detail", args=[plan.pk])).status_code == 200


def test_the_year_selector_shows_another_year_s_directives(client, cast: Cast) -> None:
    _directive(cast)
    login(client, cast.director)
    html = client.get(LIST, {"year": "2024"}).content.decode()
    assert "Nhiệm vụ kết luận 1" not in html
    assert '<option value="2024" selected>' in html
    assert '<option value="2025"' in html
    assert "Nhiệm vụ kết luận 1" in client.get(LIST, {"year": "abc"}).content.decode()  # the current year


def test_the_plans_list_labels_the_directive_and_its_tasks_count_like_a_plan_s(client, cast: Cast) -> None:
    plan = make_plan(cast, tasks=1)
    _directive(cast)
    login(client, cast.director)
    html = client.get(reverse("plans:plan-list")).content.decode()
    assert html.count('data-testid="plan-kind"') == 1
    assert "Văn bản chỉ đạo, kết luận" in html
    assert plan.title in html


def test_the_list_costs_the_same_queries_for_2_or_20_tasks(client, cast: Cast) -> None:
    login(client, cast.director)
    _directive(cast, tasks=2)
    client.get(LIST)  # warm the session and the scope cache
    with CaptureQueriesContext(connection) as small:
        client.get(LIST)
    _directive(cast, number="126/TB-UBND", tasks=18)
    with CaptureQueriesContext(connection) as large:
        assert client.get(LIST).status_code == 200
    # Session, user, scope, tasks with their prefetches, accepted reports, years, creator check.
    assert len(large) == len(small)


@pytest.mark.parametrize("who", ["unit_staff", "outsider", "deputy", "reviewer"])
def test_only_planning_finance_and_the_director_open_the_form(client, cast: Cast, who: str) -> None:
    login(client, getattr(cast, who))
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, _post(cast)).status_code == 404
    assert client.get(reverse("plans:directive-task-form"), {"index": "1"}).status_code == 404
    assert "directive-new" not in client.get(LIST).content.decode()
    assert not Plan.objects.exists()


def test_planning_finance_saves_a_notice_with_two_tasks_typed_day_first(client, cast: Cast) -> None:
    login(client, cast.planning_finance)
    assert 'data-testid="directive-new"' in client.get(LIST).content.decode()
    response = client.post(NEW, _post(cast))
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?year=2025"
    plan = Plan.objects.get()
    assert plan.kind == PlanKind.DIRECTIVE
    assert plan.created_by == cast.planning_finance
    tasks = list(plan.tasks.order_by("order"))
    assert [(t.title, t.lead_unit, t.deadline) for t in tasks] == [
        ("Rà soát diện tích rừng", cast.forest_unit, dt.date(2025, 6, 30)),
        ("Xây dựng đề án", cast.rural_unit, dt.date(2025, 9, 15)),
    ]
    assert list(tasks[1].support_units.all()) == [cast.forest_unit]
    assert tasks[1].leader == cast.deputy_official
    html = client.get(response["Location"]).content.decode()
    assert "Đã ghi nhận văn bản 125/TB-UBND với 2 nhiệm vụ." in html
    assert "15/09/2025" in html


def test_a_refused_form_comes_back_with_the_values_typed_and_vietnamese_messages(client, cast: Cast) -> None:
    login(client, cast.director)
    response = client.post(NEW, _post(cast, **{"tasks-1-lead_unit": "", "tasks-0-deadline": "31/02/2025"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hãy chọn đơn vị chủ trì." in html
    assert "«31/02/2025» không phải là ngày hợp lệ" in html
    sent = form_data(html, "directive-form")
    assert sent["number"] == "125/TB-UBND"
    assert sent["issued_on"] == "10/3/2025"  # as typed, not reformatted
    assert sent["tasks-1-title"] == "Xây dựng đề án"
    assert sent["tasks-1-deadline"] == "15/9/2025"
    assert sent["tasks-TOTAL_FORMS"] == "2"
    assert not Plan.objects.exists()


def test_the_service_s_refusal_shows_on_the_form(client, cast: Cast) -> None:
    login(client, cast.planning_finance)
    html = client.post(NEW, _post(cast, **{"tasks-1-deadline": "1/3/2025"})).content.decode()
    assert "Nhiệm vụ 2: thời hạn 01/03/2025 trước ngày ban hành văn bản 10/03/2025." in html
    assert not Task.objects.exists()
    client.post(NEW, _post(cast))
    html = client.post(NEW, _post(cast)).content.decode()
    assert "Văn bản số 125/TB-UBND ngày 10/03/2025 đã được ghi nhận" in html
    assert Plan.objects.count() == 1


def test_the_form_needs_a_task_and_an_issuer(client, cast: Cast) -> None:
    login(client, cast.planning_finance)
    data = _post(cast, document_issuer="", **{"tasks-TOTAL_FORMS": "1"})
    for key in [k for k in data if k.startswith("tasks-0-")]:
        data[key] = ""
    html = client.post(NEW, data).content.decode()
    assert "Hãy ghi ít nhất một nhiệm vụ." in html
    assert "Hãy chọn cơ quan ban hành, hoặc ghi tên ở ô bên dưới." in html
    assert not Plan.objects.exists()


def test_a_blank_added_task_is_skipped_and_a_saved_date_reads_day_first(client, cast: Cast) -> None:
    login(client, cast.planning_finance)
    data = _post(cast, **{"tasks-TOTAL_FORMS": "3"})
    assert client.post(NEW, data).status_code == 302
    assert Task.objects.count() == 2
    form = client.get(NEW).content.decode()
    assert 'placeholder="dd/mm/yyyy"' in form


def test_the_add_task_button_returns_one_more_task_and_the_new_total(client, cast: Cast) -> None:
    login(client, cast.planning_finance)
    form = client.get(NEW).content.decode()
    assert f"{reverse('plans:directive-task-form')}?index=1" in form
    html = client.get(
        reverse("plans:directive-task-form"), {"index": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'name="tasks-1-title"' in html
    assert 'name="tasks-1-deadline"' in html
    assert 'id="id_tasks-TOTAL_FORMS" hx-swap-oob="true"' in html
    assert 'value="2"' in html
    assert "?index=2" in html
    assert client.get(reverse("plans:directive-task-form"), {"index": "x"}).status_code == 404
    assert client.get(reverse("plans:directive-task-form"), {"index": "50"}).status_code == 404
