"""The demo is alive on any day: this year's plan with accepted figures, a return, answered obstacles."""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from nhiemvu.demo.data import demo_load
from nhiemvu.demo.live import RETURN_COMMENT, live_year
from nhiemvu.plans.models import Plan, PlanStatus
from nhiemvu.reminders.models import Notification, NotificationKind
from nhiemvu.reporting.models import Obstacle, ObstacleStatus, ProgressReport, ReportStatus
from nhiemvu.reporting.snapshot import tasks_progress
from nhiemvu.reporting.status import TaskStatus
from nhiemvu.testing import present

# Real commits: the review notices are made after each commit, as in the demo command.
pytestmark = pytest.mark.django_db(transaction=True)

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _build(seed_plan_path: Path, day: dt.date) -> Plan:
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=HANOI), tick=False):
        demo_load(plan_path=seed_plan_path, live=True)
    return Plan.objects.get(
        year=live_year(day), status=PlanStatus.ACTIVE, issuer__kind="department", kind="plan"
    )


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 12, 5), 2026),  # late in the year: eleven periods behind it
        (dt.date(2027, 6, 20), 2027),  # mid-year
        (dt.date(2027, 1, 6), 2026),  # early January: the year just closed, not an empty new one
        (dt.date(2027, 4, 2), 2027),  # three monthly periods closed
    ],
)
def test_on_any_day_the_live_plan_has_a_true_story_to_tell(
    seed_plan_path: Path, day: dt.date, year: int
) -> None:
    plan = _build(seed_plan_path, day)
    assert plan.year == year
    reports = ProgressReport.objects.filter(task__plan=plan)
    statuses = Counter(reports.values_list("status", flat=True))
    assert statuses[ReportStatus.ACCEPTED] >= 10
    assert statuses[ReportStatus.RETURNED] == 1
    returned = reports.get(status=ReportStatus.RETURNED)
    assert returned.events.filter(to_status=ReportStatus.RETURNED, comment=RETURN_COMMENT).exists()
    obstacles = Counter(Obstacle.objects.filter(report__task__plan=plan).values_list("status", flat=True))
    assert obstacles[ObstacleStatus.ANSWERED] == 1 and obstacles[ObstacleStatus.OPEN] >= 1

    tasks = list(plan.tasks.prefetch_related("targets", "milestones"))
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=HANOI), tick=False):
        progress = tasks_progress(tasks, today=day)
    by_code = {t.code: progress[t.pk] for t in tasks}
    assert by_code["3"].status == TaskStatus.COMPLETED_ON_TIME
    assert by_code["4"].status == TaskStatus.OVERDUE
    attainment = by_code["4"].targets[0].attainment
    assert attainment is not None and attainment < 100  # below «trên 1.000 ha» past its deadline
    forest = by_code["1"].targets[0]
    assert forest.actual is not None and forest.attainment is not None and 0 < forest.attainment < 100
    # Figures grow period by period.
    planted = [
        v
        for v in ProgressReport.objects.filter(task__plan=plan, task__code="1", status=ReportStatus.ACCEPTED)
        .order_by("period__ends_on")
        .values_list("values__actual", flat=True)
    ]
    assert planted == sorted(present(planted)) and len(set(planted)) == len(planted)
    # The unit finds the return and the answer unread; old acceptances are already read.
    unread = Counter(Notification.objects.filter(read_at__isnull=True).values_list("kind", flat=True))
    assert unread[NotificationKind.REPORT_RETURNED] == 1 and unread[NotificationKind.OBSTACLE_ANSWERED] == 1
    assert unread[NotificationKind.REPORT_ACCEPTED] == 0
    assert not Notification.objects.filter(created_at__date__gt=day).exists()


def test_the_demo_runs_twice_without_duplicating_anything(seed_plan_path: Path) -> None:
    _build(seed_plan_path, dt.date(2026, 12, 5))
    counts = (Plan.objects.count(), ProgressReport.objects.count(), Notification.objects.count())
    _build(seed_plan_path, dt.date(2026, 12, 6))
    assert (Plan.objects.count(), ProgressReport.objects.count(), Notification.objects.count()) == counts


def test_the_directors_dashboard_shows_figures_on_time_and_overdue(seed_plan_path: Path) -> None:
    plan = _build(seed_plan_path, dt.date(2026, 12, 5))
    client = Client()
    client.login(username="giamdoc", password="demo-nhiemvu-2023")
    with time_machine.travel(dt.datetime(2026, 12, 5, 9, tzinfo=HANOI), tick=False):
        html = client.get(f"{reverse('dashboards:overview')}?plan={plan.pk}").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Hoàn thành đúng hạn" in text and "Đang thực hiện quá hạn" in text
    assert re.search(r"\d+,\d%", text), "attainment figures are shown"


def test_the_demo_command_serves_where_it_says_and_links_follow(seed_plan_path: Path, monkeypatch) -> None:
    """`PORT=8101 make demo`: the address printed, and the site URL used in e-mails and feeds."""
    monkeypatch.setenv("PORT", "8101")
    monkeypatch.delenv("NHIEMVU_SITE_URL", raising=False)
    executed: list[list[str]] = []
    # Where the command would replace itself with gunicorn: the command line is kept instead.
    monkeypatch.setattr(
        "nhiemvu.core.management.commands.serve.os.execv", lambda path, argv: executed.append(argv)
    )
    out = StringIO()
    original = settings.NHIEMVU_SITE_URL
    try:
        call_command("demo", "--plan", str(seed_plan_path), stdout=out)
        assert "http://127.0.0.1:8101/" in out.getvalue()
        [argv] = executed
        assert argv[argv.index("--bind") + 1] == "127.0.0.1:8101" and "config.wsgi:application" in argv
        # gunicorn's workers read the address from the environment they inherit.
        assert os.environ["NHIEMVU_SITE_URL"] == settings.NHIEMVU_SITE_URL == "http://127.0.0.1:8101"
        from nhiemvu.reminders.services import site_url

        assert site_url() == "http://127.0.0.1:8101"
    finally:
        settings.NHIEMVU_SITE_URL = original
        os.environ.pop("NHIEMVU_SITE_URL", None)
