"""The dashboards tell the truth: overdue and silent targets are shown as such, and every number links
to exactly the tasks it counts (issue 13, item 2). On the mixed plan of conftest, as of 1 July 2023."""

from __future__ import annotations

import html
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from nhiemvu.dashboards.selectors import NOBODY, Filters, dashboard_build
from nhiemvu.testing import matched

from .conftest import build_mixed_plan

pytestmark = pytest.mark.django_db

LINKED_NUMBER = re.compile(r'<a\b[^>]*\bhref="(/dashboards/tasks/[^"]*)"[^>]*>(.*?)</a>', re.S)
LIST_COUNT = re.compile(r'data-testid="list-count">\((\d+)\)')


@pytest.fixture
def mixed(cast, today):
    return build_mixed_plan(cast)


def _codes(rows) -> list[str]:
    return [r.code for r in rows]


def test_overdue_tasks_are_at_risk_on_what_they_reached_and_silent_ones_are_shown_as_no_data(cast, mixed):
    board = dashboard_build(cast.director, Filters())
    reasons = {r.code: str(r.reason) for r in board.at_risk}
    assert reasons == {
        "1": "Đã quá hạn, mới đạt 50%",
        "2": "Dự báo 523/1.000 ha (52%) đến 31/12/2023 theo xu hướng 3 kỳ gần nhất",
        "4": "Dự báo 523/1.000 ha (52%) đến 31/12/2023 theo xu hướng 3 kỳ gần nhất",
        "8": "Đã quá hạn, mới đạt 48%",  # no targets: judged on its percent done
    }
    assert {r.code: str(r.no_data_reason) for r in board.no_data} == {
        "1": "Đã quá hạn, chưa có số liệu để đánh giá",  # its second target: late, and nothing to compare
        "6": "Chưa có số liệu sau 1/3 thời gian thực hiện",
        "7": "Chưa có số liệu sau 1/3 thời gian thực hiện",
    }
    # Targets of unfinished tasks, two each: 2, 4 and one of 1 at risk; 6, 7 and one of 1 silent; 3 on pace.
    assert board.outlook == {"at_risk": 5, "no_data": 5, "on_track": 2, "not_judged": 0}
    assert {b.task_code for b in board.bars if b.kind == ""} == {"5"}


def test_before_a_third_of_its_window_silence_is_not_yet_judged(cast, mixed):
    # As of the March cut-off (14/03): task 7 has until 31/12, a third not gone; 6 until 25/07 and 1 until 30/06, gone.
    board = dashboard_build(cast.director, Filters(period="2023-03"))
    assert _codes(board.no_data) == ["1", "6"]
    kinds = {(b.task_code, b.kind) for b in board.bars if b.task_code in ("6", "7")}
    assert kinds == {("6", "no_data"), ("7", "not_judged")}
    assert board.outlook["not_judged"] == 2


def test_the_forecast_summary_counts_honestly_on_the_page(client, cast, mixed):
    client.force_login(cast.planning_finance)
    page = client.get(reverse("dashboards:overview")).content.decode()
    summary = matched(r'data-testid="forecast-summary">(.*?)</p>', page, re.S)[1]
    assert (
        "5 chỉ tiêu có nguy cơ không đạt; 5 chỉ tiêu chưa có số liệu để đánh giá; 2 chỉ tiêu dự báo đạt; "
        "0 chỉ tiêu chưa đánh giá được" in summary
    )
    assert "Không nhiệm vụ nào đã quá hạn" not in page
    assert page.count('data-testid="no-data-reason"') == 3
    assert "Đã quá hạn, mới đạt 50%" in page


def test_the_summary_and_reasons_are_english_for_an_english_reader(client, cast, mixed):
    client.force_login(cast.director)
    client.cookies["django_language"] = "en"  # picked in the header
    page = client.get(reverse("dashboards:overview")).content.decode()
    assert "5 targets at risk of being missed; 5 targets without figures to judge" in page
    assert "No figures after a third of the time allowed" in page


@pytest.mark.parametrize(
    ("filters", "codes"),
    [
        (Filters(leader=NOBODY), ["3", "7"]),
        (Filters(unit=NOBODY), ["4"]),
        (Filters(leader=NOBODY, unit=NOBODY), []),
        (Filters(), ["1", "2", "3", "4", "5", "6", "7", "8"]),
    ],
)
def test_the_tasks_without_a_leader_or_a_lead_unit_can_be_listed(cast, mixed, filters, codes):
    assert _codes(dashboard_build(cast.director, filters).rows) == codes


def test_a_leader_or_unit_that_is_neither_a_number_nor_none_is_ignored(client, cast, mixed):
    client.force_login(cast.director)
    response = client.get(reverse("dashboards:task-list") + "?leader=nobody&unit=-3")
    assert response.status_code == 200
    assert int(matched(LIST_COUNT, response.content.decode())[1]) == 8
    response = client.get(reverse("dashboards:task-list") + "?leader=99999999999999999999")
    assert int(matched(LIST_COUNT, response.content.decode())[1]) == 0


def test_the_overdue_card_and_its_list_count_the_same_tasks(cast, mixed):
    board = dashboard_build(cast.director, Filters())
    # 9 deadlines and milestones passed, on 7 tasks; 5 finished before its milestone's date.
    assert len(board.overdue) == 9
    assert board.tasks_in["overdue"] == len(board.rows_for("overdue")) == 7
    assert sorted({d.task_code for d in board.overdue}) == _codes(board.rows_for("overdue"))


def _count_links(page: str) -> list[tuple[str, int]]:
    """Every link on the page to a task list whose text is a number: (url, number)."""
    found = []
    for href, text in LINKED_NUMBER.findall(page):
        number = re.search(r"\d+", re.sub(r"<[^>]+>", " ", text))
        if number:
            found.append((html.unescape(href), int(number[0])))
    return found


@pytest.mark.parametrize(
    "dashboard", ["overview", "leader", "unit-forest", "unit-rural", "overview-filtered"]
)
def test_every_number_on_a_dashboard_links_to_exactly_the_tasks_it_counts(client, cast, mixed, dashboard):
    url = {
        "overview": reverse("dashboards:overview"),
        "overview-filtered": reverse("dashboards:overview") + f"?plan={mixed.pk}&status=in_progress",
        "leader": reverse("dashboards:leader-detail", args=[cast.deputy_official.pk]),
        "unit-forest": reverse("dashboards:unit", args=[cast.forest_unit.pk]),
        "unit-rural": reverse("dashboards:unit", args=[cast.rural_unit.pk]),
    }[dashboard]
    client.force_login(cast.director)
    links = _count_links(client.get(url).content.decode())
    # Status counts, the total, five tiles, four list headings, the leader and unit tables.
    assert len(links) >= 15
    # Tasks 3 and 7 have no leader: the overview and the forest unit's page list them in a row of their own.
    if dashboard in ("overview", "unit-forest"):
        assert any("leader=none" in href for href, _ in links)
    if dashboard == "overview":
        assert any("unit=none" in href for href, _ in links)
    for href, number in links:
        listing = client.get(href).content.decode()
        assert int(matched(LIST_COUNT, listing)[1]) == number, href
        assert listing.count('data-testid="task-row"') == number, href


def test_the_list_of_tasks_nobody_leads_runs_the_same_queries_as_any_list(
    client, cast, mixed, django_assert_num_queries
):
    client.force_login(cast.director)
    # 2 session + user, 3 access scope, 1 data stamp, 1 plan menu, 14 the snapshot, 1 the bell: a filter in Python.
    with django_assert_num_queries(22):
        response = client.get(reverse("dashboards:task-list") + "?leader=none&show=no_data")
    assert _codes(response.context["rows"]) == ["7"]


def test_the_no_leader_row_links_to_the_tasks_without_a_leader(client, cast, mixed):
    client.force_login(cast.director)
    page = client.get(reverse("dashboards:overview")).content.decode()
    row = matched(r"<tr>\s*<td><em>Chưa phân công lãnh đạo</em></td>(.*?)</tr>", page, re.S)[1]
    href, number = _count_links(row)[0]
    assert "leader=none" in href and number == 2
    listing = client.get(href)
    assert _codes(listing.context["rows"]) == ["3", "7"]
    assert re.findall(r"Nhiệm vụ số (\d+)</a>", listing.content.decode()) == ["3", "7"]


def test_leader_none_is_a_cache_entry_of_its_own(client, cast, mixed, settings):
    settings.DASHBOARD_STAMP_SECONDS = 15  # the stamp is trusted: a wrong key would serve the wrong list
    client.force_login(cast.director)
    url = reverse("dashboards:task-list")
    everyone = client.get(url).content.decode()
    nobody = client.get(url + "?leader=none").content.decode()
    unit_nobody = client.get(url + "?unit=none").content.decode()
    assert matched(LIST_COUNT, everyone)[1] == "8"
    assert matched(LIST_COUNT, nobody)[1] == "2"
    assert matched(LIST_COUNT, unit_nobody)[1] == "1"
    assert cache.get("dashboards:stamp") is not None
    # And the filter menus offer the choice, selected.
    assert '<option value="none" selected>Chưa phân công lãnh đạo</option>' in nobody


def test_the_overdue_card_says_what_it_counts_and_matches_its_heading_on_the_page(client, cast, mixed):
    client.force_login(cast.director)
    page = client.get(reverse("dashboards:overview")).content.decode()
    tile = matched(r'data-testid="tile-overdue"><strong>(\d+)</strong> ([^<]+)</a>', page)
    assert (tile[1], tile[2]) == ("7", "nhiệm vụ có việc quá hạn")
    assert matched(r'data-testid="overdue-tasks">\((\d+) nhiệm vụ\)', page)[1] == "7"
    assert "Thời hạn, mốc đã qua mà chưa hoàn thành: 9" in page


def test_a_finished_plan_leaves_the_default_dashboard_but_stays_one_click_away(client, cast) -> None:
    """A closed 2023 plan mixed into this year's chart and counts would tell the director nothing."""

    from django.urls import reverse

    from nhiemvu.plans.models import PlanStatus
    from nhiemvu.testing import make_plan

    old = make_plan(cast, tasks=2, title="Kế hoạch năm trước")
    current = make_plan(cast, tasks=3, title="Kế hoạch năm nay")
    for plan, status in ((old, PlanStatus.CLOSED), (current, PlanStatus.ACTIVE)):
        plan.status = status
        plan.save(update_fields=["status"])
    client.force_login(cast.director)

    def total(query: str = "") -> int:
        html = client.get(reverse("dashboards:overview") + query).content.decode()
        return int(matched(r'data-testid="count-total">(\d+)', html).group(1))

    assert total() == 3
    assert total(f"?plan={old.pk}") == 2
    html = client.get(reverse("dashboards:overview")).content.decode()
    assert f'<option value="{old.pk}"' in html  # still in the menu
