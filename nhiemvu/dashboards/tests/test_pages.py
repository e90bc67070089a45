"""The dashboard pages: what they show, who may open them, and that their query count does not grow with tasks."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nhiemvu.dashboards import caching, views
from nhiemvu.dashboards.demo import SCALES, seed_province
from nhiemvu.dashboards.selectors import Filters, PageScope
from nhiemvu.organisations.selectors import access_scope
from nhiemvu.plans.models import Task
from nhiemvu.testing import matched

from .conftest import overview_body_key

pytestmark = pytest.mark.django_db


def login(client, user) -> None:
    client.force_login(user)


def test_the_overview_counts_tasks_by_status_and_links_each_count_to_its_list(client, cast, plan_of, today):
    plan = plan_of(3)
    login(client, cast.director)
    response = client.get(reverse("dashboards:overview"))
    assert response.status_code == 200
    board = response.context["board"]
    counts = {status: n for status, _, n in board.counts}
    assert counts["overdue"] == 1 and counts["in_progress"] == 2
    assert "?status=overdue" in response.content.decode() or "status=overdue" in response.content.decode()
    listing = client.get(reverse("dashboards:task-list") + f"?plan={plan.pk}&status=overdue")
    assert [row.code for row in listing.context["rows"]] == ["1"]


def test_a_task_behind_its_trend_is_flagged_at_risk_with_a_reason_a_person_can_check(
    client, cast, plan_of, today
):
    plan_of(3)
    login(client, cast.director)
    board = client.get(reverse("dashboards:overview")).context["board"]
    at_risk = {row.code: str(row.reason) for row in board.at_risk}
    # Task 1 passed its deadline (30/06) at half its targets: at risk on what it reached, not on a trend.
    assert list(at_risk) == ["1", "2"]
    assert at_risk["1"] == "Đã quá hạn, mới đạt 50%"
    assert at_risk["2"].startswith("Dự báo 523/1.000 ha (52%) đến 31/12/2023 theo xu hướng 3 kỳ gần nhất")


def test_overdue_due_soon_obstacles_and_the_trajectory_are_on_the_page(client, cast, plan_of, today):
    plan_of(3)
    login(client, cast.director)
    response = client.get(reverse("dashboards:overview"))
    board = response.context["board"]
    # Nobody has ticked the 30/06 milestone; task 1's deadline passed the same day.
    assert [(d.task_code, d.kind) for d in board.overdue] == [
        ("1", "milestone"),
        ("1", "deadline"),
        ("2", "milestone"),
        ("3", "milestone"),
    ]
    assert board.obstacles[0].description == "Thiếu mặt bằng để trồng rừng"
    assert board.chart["labels"][0] == "14/01/2023"
    assert board.chart["actual"][-1] is None  # no figures past today
    assert 'id="db-chart-data" type="application/json"' in response.content.decode()


def test_the_overview_query_count_does_not_grow_with_the_number_of_tasks(
    client, cast, plan_of, today, settings
):
    settings.DASHBOARD_STAMP_SECONDS = 0  # look for changes on every request: the data changes below
    # 2 session + user, 3 access scope (memberships, organisations, officials), 1 data stamp, 1 the plan menu,
    # 14 the snapshot (reporting.snapshot: plans, periods, 3 tasks + targets + milestones, 4 latest reports,
    # figure history, percent-done history, obstacles, proposals, submission record), 1 the bell.
    plan = plan_of(3)
    login(client, cast.director)
    url = reverse("dashboards:overview")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    Task.objects.filter(plan=plan).delete()
    plan.delete()
    plan_of(30)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small) == len(large) == 22


@pytest.mark.parametrize("name", ["overview", "leader", "unit", "task-list"])
def test_each_dashboard_page_runs_a_fixed_number_of_queries(
    client, cast, plan_of, today, name, django_assert_num_queries
):
    plan_of(30)
    args = {"unit": [cast.forest_unit.pk]}.get(name, [])
    user = cast.deputy if name == "leader" else cast.director
    login(client, user)
    # The same 22 as the overview; the leader and unit pages look their official or unit up (+1).
    expected = {"overview": 22, "task-list": 22, "leader": 23, "unit": 23}[name]
    with django_assert_num_queries(expected):
        assert client.get(reverse(f"dashboards:{name}", args=args)).status_code == 200


def test_a_deputy_sees_their_own_leader_page_and_not_another_leaders(client, cast, plan_of, today):
    plan_of(3)
    login(client, cast.deputy)
    response = client.get(reverse("dashboards:leader"))
    assert response.status_code == 200 and response.context["board"].total == 3
    director_official = cast.director.official.pk
    assert client.get(reverse("dashboards:leader-detail", args=[director_official])).status_code == 404


def test_the_director_opens_any_leader_page_the_outsider_none(client, cast, plan_of, today):
    plan_of(3)
    url = reverse("dashboards:leader-detail", args=[cast.deputy_official.pk])
    login(client, cast.director)
    assert client.get(url).status_code == 200
    login(client, cast.outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("dashboards:leader")).status_code == 404


def test_a_unit_page_shows_its_submission_record_to_its_staff_only(client, cast, plan_of, today):
    plan_of(4)
    url = reverse("dashboards:unit", args=[cast.forest_unit.pk])
    login(client, cast.unit_staff)
    response = client.get(url)
    assert response.status_code == 200
    [row] = response.context["board"].submissions
    assert row.unit == "Chi cục Kiểm lâm"
    assert [(c.label, c.due, c.on_time, c.missing) for c in row.cells][-1] == ("2023-06", 2, 2, 0)
    assert client.get(reverse("dashboards:unit", args=[cast.rural_unit.pk])).status_code == 404
    login(client, cast.outsider)
    assert client.get(url).status_code == 404


def test_a_plan_the_user_cannot_see_is_a_404_and_an_outsider_sees_an_empty_overview(
    client, cast, plan_of, today
):
    plan = plan_of(3)
    login(client, cast.outsider)
    assert client.get(reverse("dashboards:overview") + f"?plan={plan.pk}").status_code == 404
    assert client.get(reverse("dashboards:overview")).context["board"].total == 0


def test_the_period_filter_judges_status_at_that_cut_off(client, cast, plan_of, today):
    plan = plan_of(3)
    login(client, cast.director)
    board = client.get(reverse("dashboards:overview") + f"?plan={plan.pk}&period=2023-03").context["board"]
    assert board.cutoff.isoformat() == "2023-03-14"
    assert {s: n for s, _, n in board.counts}["overdue"] == 0


def test_the_health_check_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("dashboards:health"))
    assert response.content == b"ok"


def test_seed_demo_builds_a_small_province_and_the_command_takes_its_dashed_name(db, capsys):
    call_command("seed-demo", "--scale", "tiny", "--start-year", "2023")
    # The agency's tasks, and the province's decision assigning them (one task per five, linked).
    assert Task.objects.filter(plan__issuer__kind="department").count() == SCALES["tiny"].tasks_per_plan
    provincial = Task.objects.get(plan__issuer__kind="province_committee")
    assert provincial.agency_links.count() == SCALES["tiny"].tasks_per_plan
    assert "demo-tinh" in capsys.readouterr().out


def test_the_province_generator_makes_the_advertised_sizes():
    scale = SCALES["province"]
    assert scale.agencies == 20
    assert scale.agencies * scale.plans_per_agency * scale.tasks_per_plan == 1000
    assert scale.agencies * scale.plans_per_agency * scale.tasks_per_plan * scale.targets_per_task == 3000
    assert callable(seed_province)  # the generator bench/report.py calls


def test_a_second_look_comes_from_the_cache_until_the_data_changes(client, cast, plan_of, today, settings):
    from nhiemvu.reporting.models import Obstacle

    settings.DASHBOARD_STAMP_SECONDS = 0
    plan_of(30)
    login(client, cast.director)
    url = reverse("dashboards:overview")
    client.get(url)
    # 2 session + user, 3 access scope, 1 data stamp, 1 the bell: nothing else on a hit.
    with CaptureQueriesContext(connection) as hit:
        client.get(url)
    assert len(hit) == 7
    # Time is frozen here: the audit trail's entry for the deleted row, not the clock, moves the stamp.
    Obstacle.objects.all().delete()
    assert client.get(url).context["board"].obstacles == []


def test_under_load_the_data_stamp_is_trusted_for_a_few_seconds_then_checked_again(
    client, cast, plan_of, settings
):
    import datetime as dt

    import time_machine

    from nhiemvu.reporting.models import Obstacle

    settings.DASHBOARD_STAMP_SECONDS = 15
    plan_of(3)
    login(client, cast.director)
    url = reverse("dashboards:overview")
    with time_machine.travel(dt.datetime(2023, 6, 20, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        before = client.get(url).context["board"].obstacles
        assert before
        # 2 session + user, 3 access scope, 1 the bell: not even the stamp on a hit within 15 s.
        with CaptureQueriesContext(connection) as hit:
            client.get(url)
        assert len(hit) == 6
        Obstacle.objects.all().delete()
        traveller.shift(10)
        stale = client.get(url)
        assert "board" not in stale.context  # still the cached page: the change isn't looked for yet
        traveller.shift(6)
        # The stamp has moved: the previous page is served while it is rebuilt. Here another
        # request holds the rebuild (a thread of ours couldn't see this test's transaction).
        key = overview_body_key(cast.director)
        assert cache.add(caching.lock_key(key), 1)
        stale = client.get(url)
        assert "board" not in stale.context
        assert OBSTACLE in stale.content.decode()
        _rebuild_overview(cast.director)
        fresh = client.get(url)
        assert OBSTACLE not in fresh.content.decode()


OBSTACLE = "Thiếu mặt bằng để trồng rừng"


def _rebuild_overview(user) -> None:
    """What the background thread runs, run here: store the body as of the current stamp."""
    stamp = caching.data_stamp()
    build = views.body_builder(
        user,
        Filters(),
        page=PageScope("overview"),
        scope=access_scope(user),
        today=timezone.localdate(),
        language="vi",
    )
    caching.rebuild(overview_body_key(user), stamp, build)


def test_a_stale_page_is_served_while_another_request_rebuilds_it_then_the_new_one(
    client, cast, plan_of, today, settings
):
    from nhiemvu.reporting.models import Obstacle

    settings.DASHBOARD_STAMP_SECONDS = 15
    plan_of(3)
    login(client, cast.director)
    url = reverse("dashboards:overview")
    assert client.get(url).context["board"].obstacles  # the first view ever is built in the request
    Obstacle.objects.all().delete()
    cache.delete("dashboards:stamp")  # as if 15 s had passed
    key = overview_body_key(cast.director)
    assert cache.add(caching.lock_key(key), 1)  # a rebuild is under way
    # 2 session + user, 3 access scope, 1 data stamp, 1 the bell: the stale page, nothing built.
    with CaptureQueriesContext(connection) as stale_queries:
        stale = client.get(url)
    assert len(stale_queries) == 7
    assert "board" not in stale.context
    assert OBSTACLE in stale.content.decode()
    assert cache.get(caching.lock_key(key)) == 1  # not ours to release
    _rebuild_overview(cast.director)
    assert cache.get(caching.lock_key(key)) is None  # the rebuild releases the lock
    fresh = client.get(url)
    assert "board" not in fresh.context  # from the cache, as rebuilt
    assert OBSTACLE not in fresh.content.decode()
    assert 'name="csrfmiddlewaretoken"' in fresh.content.decode()  # the frame is still this request's


@pytest.mark.django_db(transaction=True)
def test_a_stale_task_list_is_served_at_once_and_rebuilt_in_the_background(client, cast, plan_of, settings):
    """Committed data, so the rebuild thread's own connection sees it; the thread is joined here."""
    import threading

    settings.DASHBOARD_STAMP_SECONDS = 15
    plan = plan_of(3)
    login(client, cast.director)
    url = reverse("dashboards:task-list")

    def listed() -> int:
        html = client.get(url).content.decode()
        return int(matched(r'data-testid="list-count">\((\d+)\)', html)[1])

    assert listed() == 3
    Task.objects.filter(plan=plan, code="1").delete()
    cache.delete("dashboards:stamp")
    assert listed() == 3  # the previous list, without waiting for the rebuild
    rebuilding = [t for t in threading.enumerate() if t.name.startswith("rebuild dashboards:")]
    assert rebuilding
    for thread in rebuilding:
        thread.join(timeout=30)
    assert listed() == 2


@pytest.mark.django_db(transaction=True)
def test_a_stale_page_is_rebuilt_in_a_background_thread_by_one_request(client, cast, plan_of, settings):
    """Committed data, so the rebuild thread's own connection sees it; the thread is joined here."""
    import datetime as dt
    import threading

    import time_machine

    from nhiemvu.reporting.models import Obstacle

    settings.DASHBOARD_STAMP_SECONDS = 15
    plan_of(3)
    login(client, cast.director)
    url = reverse("dashboards:overview")
    with time_machine.travel(dt.datetime(2023, 6, 20, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        assert OBSTACLE in client.get(url).content.decode()
        Obstacle.objects.all().delete()
        traveller.shift(16)
        key = overview_body_key(cast.director)
        stale = client.get(url)
        assert OBSTACLE in stale.content.decode()
        threads = [t for t in threading.enumerate() if t.name == f"rebuild {key}"]
        assert len(threads) == 1
        threads[0].join(timeout=30)
        assert not threads[0].is_alive()
        assert cache.get(caching.lock_key(key)) is None
        assert OBSTACLE not in client.get(url).content.decode()
