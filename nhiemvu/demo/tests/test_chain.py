"""The demo shows the chain: the province's decision imported from its document, the department's
plans linked to it, a directive that added a task mid-year, and the forest unit's roadmap."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from nhiemvu.cascade.models import TaskLink
from nhiemvu.demo.chain import DECISION_NUMBER, DIRECTIVE_NUMBER
from nhiemvu.demo.data import demo_load
from nhiemvu.organisations.models import OrganisationKind
from nhiemvu.plans.models import Plan, PlanKind
from nhiemvu.roadmaps.models import RoadmapStep

pytestmark = pytest.mark.django_db(transaction=True)
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize("day", [dt.date(2026, 12, 5), dt.date(2027, 4, 2)])
def test_the_demo_shows_the_chain(seed_plan_path: Path, day: dt.date) -> None:
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=HANOI), tick=False):
        demo_load(plan_path=seed_plan_path, live=True)
        demo_load(plan_path=seed_plan_path, live=True)  # twice is once
    decisions = Plan.objects.filter(issuer__kind=OrganisationKind.PROVINCE_COMMITTEE)
    assert sorted(decisions.values_list("year", flat=True)) == [2023, day.year]
    decision = decisions.get(year=day.year)
    assert decision.source_document is not None and decision.source_document.number == DECISION_NUMBER
    agencies = set(decision.tasks.values_list("lead_unit__name", flat=True))
    assert len(agencies) == 20
    live = Plan.objects.get(year=day.year, kind=PlanKind.PLAN, issuer__kind=OrganisationKind.DEPARTMENT)
    linked = {
        (link.agency_task.code, link.provincial_task.code)
        for link in TaskLink.objects.filter(agency_task__plan=live)
    }
    # Forest planting and the cover rate carry the forest task; the value chains and the new-rural
    # communes the restructuring task; the others are the department's own.
    assert linked == {("1", "2"), ("2", "2"), ("3", "1"), ("6", "1")}
    seed = Plan.objects.get(year=2023, kind=PlanKind.PLAN, issuer__kind=OrganisationKind.DEPARTMENT)
    assert TaskLink.objects.filter(agency_task__plan=seed).count() >= 4
    directive = Plan.objects.get(kind=PlanKind.DIRECTIVE)
    assert directive.source_document is not None and directive.source_document.number == DIRECTIVE_NUMBER
    assert directive.tasks.get().lead_unit.name == "Chi cục Kiểm lâm"  # type: ignore[union-attr]
    assert RoadmapStep.objects.filter(task__plan=live).count() == 3

    client = Client()
    assert client.login(username="ubndtinh", password="demo-nhiemvu-2023")
    page = client.get(reverse("dashboards:province")).content.decode()
    assert page.count('data-testid="agency-row"') == 20
