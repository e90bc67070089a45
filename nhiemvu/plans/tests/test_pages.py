"""The plan list and plan page: who sees what, and a constant number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nhiemvu.testing import PASSWORD, Cast, make_plan

pytestmark = pytest.mark.django_db


def login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def test_the_plan_list_asks_anonymous_visitors_to_log_in(client) -> None:
    response = client.get(reverse("plans:plan-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "sees_task_2"),
    [
        ("director", True),
        ("deputy", True),
        ("planning_finance", True),
        ("reviewer", True),
        ("unit_staff", False),
    ],
)
def test_the_department_and_province_see_the_plan_and_a_unit_only_its_own_tasks(
    client, cast: Cast, who: str, sees_task_2: bool
) -> None:
    plan = make_plan(cast, tasks=2)  # task 1 led by the forest unit, task 2 by the rural unit
    login(client, getattr(cast, who))
    listing = client.get(reverse("plans:plan-list"))
    assert plan.title in listing.content.decode()
    page = client.get(reverse("plans:plan-detail", args=[plan.pk]))
    assert page.status_code == 200
    assert "Nhiệm vụ số 1" in page.content.decode()
    assert ("Nhiệm vụ số 2" in page.content.decode()) is sees_task_2


def test_a_deputy_sees_only_the_tasks_they_lead(client, cast: Cast) -> None:
    plan = make_plan(cast, tasks=2)
    plan.tasks.filter(code="2").update(leader=None)
    login(client, cast.deputy)
    html = client.get(reverse("plans:plan-detail", args=[plan.pk])).content.decode()
    assert "Nhiệm vụ số 1" in html
    assert "Nhiệm vụ số 2" not in html


def test_another_department_neither_lists_nor_opens_the_plan(client, cast: Cast) -> None:
    plan = make_plan(cast, tasks=1)
    login(client, cast.outsider)
    assert plan.title not in client.get(reverse("plans:plan-list")).content.decode()
    assert client.get(reverse("plans:plan-detail", args=[plan.pk])).status_code == 404


def test_a_missing_plan_is_a_404(client, cast: Cast) -> None:
    login(client, cast.director)
    assert client.get(reverse("plans:plan-detail", args=[999999])).status_code == 404


def test_the_plan_page_shows_targets_in_vietnamese_number_format(client, cast: Cast) -> None:
    plan = make_plan(cast, tasks=1, targets_per_task=2)
    login(client, cast.director)
    html = client.get(reverse("plans:plan-detail", args=[plan.pk])).content.decode()
    assert "1.000 ha" in html
    assert "2.000 ha" in html
    assert "30/06/2023" in html
    assert "Chi cục Kiểm lâm" in html


def test_the_plan_page_costs_the_same_queries_for_3_or_30_tasks(client, cast: Cast) -> None:
    small = make_plan(cast, tasks=3)
    large = make_plan(cast, tasks=30, title="Kế hoạch lớn")
    login(client, cast.director)
    client.get(reverse("plans:plan-detail", args=[small.pk]))  # warm the session
    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("plans:plan-detail", args=[plan.pk])).status_code == 200
        counts.append(len(queries))
    # session, user, the access scope (memberships, organisation tree, officials), the plan, the
    # tasks and their 5 prefetches, the visible task ids, accepted reports (with their prefetches
    # when there are any), the findings, the plan's own targets, the current period (and its
    # fallback), the unread count of the notification bell, the span of the periods' dates and the
    # confirmed holiday years among them (the holiday warning): 21, for any size.
    assert counts[0] == counts[1]
    assert counts[0] <= 21


def test_the_plan_list_costs_the_same_queries_for_1_or_10_plans(
    client, cast: Cast, django_assert_max_num_queries
) -> None:
    make_plan(cast, tasks=1)
    login(client, cast.director)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("plans:plan-list"))
    for i in range(9):
        make_plan(cast, tasks=2, title=f"Kế hoạch {i}")
    with CaptureQueriesContext(connection) as ten:
        client.get(reverse("plans:plan-list"))
    assert len(one) == len(ten)


def test_the_plan_list_counts_each_plan_s_own_tasks_and_targets(client, cast: Cast) -> None:
    """Each plan's counts are read on their own (issue 20: they were counted over every plan's
    tasks and targets joined); a plan with no task, or with tasks but no target, shows 0."""
    make_plan(cast, tasks=3, targets_per_task=2)
    make_plan(cast, tasks=1, targets_per_task=0, title="Kế hoạch một nhiệm vụ")
    empty = make_plan(cast, tasks=0, title="Kế hoạch chưa có nhiệm vụ")
    assert not empty.tasks.exists()
    login(client, cast.director)
    html = client.get(reverse("plans:plan-list")).content.decode()
    rows = re.findall(
        r'<a href="/plans/\d+/">([^<]+)</a>.*?<td class="nv-num">([^<]+)</td>\s*<td class="nv-num">([^<]+)</td>',
        html,
        flags=re.S,
    )
    assert {title: (tasks, targets) for title, tasks, targets in rows} == {
        "Kế hoạch thử nghiệm": ("3", "6"),
        "Kế hoạch một nhiệm vụ": ("1", "0"),
        "Kế hoạch chưa có nhiệm vụ": ("0", "0"),
    }


def test_postgresql_compiles_no_query_of_the_site_just_in_time(cast: Cast) -> None:
    """A plan list estimated dear enough (a count per listed plan) was JIT-compiled for 38 ms at ten
    years to run for 3 (bench/growth.py); the site's connections turn JIT off (settings)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite compiles nothing just in time")
    with connection.cursor() as cursor:
        cursor.execute("SET jit_above_cost = 0")  # every query would be compiled, were JIT on
        cursor.execute("EXPLAIN (ANALYZE) SELECT count(*) FROM plans_task")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET jit_above_cost")
    assert "JIT:" not in plan


def test_the_organisation_page_lists_the_tasks_it_leads_and_supports(client, cast: Cast) -> None:
    make_plan(cast, tasks=3)
    login(client, cast.unit_staff)
    html = client.get(
        reverse("organisations:organisation-detail", args=[cast.forest_unit.pk])
    ).content.decode()
    assert "Nhiệm vụ số 1" in html and "Nhiệm vụ số 3" in html
    assert "Nhiệm vụ số 2" not in html
    division_page = reverse("organisations:organisation-detail", args=[cast.planning_finance_division.pk])
    # the division supports all three tasks; the unit's staff see the two their unit leads
    assert client.get(division_page).content.decode().count("<td>Phối hợp</td>") == 2
    client.logout()
    login(client, cast.director)
    assert client.get(division_page).content.decode().count("<td>Phối hợp</td>") == 3


def test_another_province_body_is_a_404_on_the_organisation_page(client, cast: Cast) -> None:
    from nhiemvu.organisations.models import Organisation

    stranger = Organisation.objects.create(name="UBND tỉnh Khác")
    login(client, cast.director)
    assert client.get(reverse("organisations:organisation-detail", args=[stranger.pk])).status_code == 404


def test_login_page_speaks_vietnamese(client) -> None:
    html = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in html and "Mật khẩu" in html
