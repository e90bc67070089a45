"""Who reads a lead unit's unsent draft (issue 22, item 5; README "Who reads what").

The decision: an unsent report is the unit's working copy. Its own staff read it; Planning-Finance,
the director, a deputy, a support unit and the province's reviewer do not, on the web or through
the API, until it is sent. A correction being prepared after acceptance is unsent too: the others
keep reading the accepted version.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from nhiemvu.api.tests.conftest import API, token_for
from nhiemvu.reporting.models import Attachment, ProgressReport
from nhiemvu.reporting.services import (
    ObstacleInput,
    ReportInput,
    attachment_add,
    report_accept,
    report_save_draft,
    report_start,
    report_submit,
)

from .conftest import Cycle
from .test_pages import staff_of

pytestmark = pytest.mark.django_db

SECRET = "Số liệu nháp chưa thống nhất"
READERS = ["planning_finance", "director", "deputy", "reviewer", "support unit"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def reader(cycle: Cycle, who: str) -> User:
    if who == "support unit":
        cycle.forest_task.support_units.add(cycle.cast.rural_unit)
        return staff_of(cycle.cast.rural_unit, "nongthon")
    user: User = getattr(cycle.cast, who)
    return user


def draft(cycle: Cycle, narrative: str, report: ProgressReport | None = None) -> ProgressReport:
    unit = cycle.cast.unit_staff
    report = report or report_start(task=cycle.forest_task, period=cycle.june, user=unit)
    data = ReportInput(
        narrative=narrative,
        percent_done=Decimal(40),
        values={t.pk: (Decimal("8650"), None) for t in cycle.forest_task.targets.all()},
        obstacles=[ObstacleInput(description=f"{narrative}: thiếu vốn")],
    )
    report = report_save_draft(report=report, user=unit, revision=report.revision, data=data)
    attachment_add(report=report, user=unit, name="nhap.pdf", data=b"%PDF-1.7\n")
    return report


def what_they_read(user: User, cycle: Cycle, report: ProgressReport) -> dict[str, Any]:
    web = Client()
    web.force_login(user)
    api = Client()
    headers = {"Authorization": f"Bearer {token_for(user, 'read')}"}
    attachment = Attachment.objects.filter(report=report).first()
    listed = api.get(f"{API}/reports", {"task": cycle.forest_task.pk}, headers=headers).json()
    return {
        "task page": SECRET
        in web.get(reverse("reporting:task-detail", args=[cycle.forest_task.pk])).content.decode(),
        "api detail": api.get(f"{API}/reports/{report.pk}", headers=headers).status_code,
        "api list": report.pk in [item["id"] for item in listed["results"]],
        "attachment": attachment is not None
        and web.get(reverse("reporting:attachment", args=[attachment.pk])).status_code,
        "api obstacles": any(
            SECRET in o["description"] for o in api.get(f"{API}/obstacles", headers=headers).json()["results"]
        ),
    }


@pytest.mark.parametrize("who", READERS)
def test_an_unsent_draft_is_read_by_nobody_outside_the_unit_until_it_is_sent(cycle: Cycle, who: str) -> None:
    user = reader(cycle, who)
    report = draft(cycle, SECRET)
    assert what_they_read(user, cycle, report) == {
        "task page": False,
        "api detail": 404,
        "api list": False,
        "attachment": 404,
        "api obstacles": False,
    }
    report = report_submit(report=report, user=cycle.cast.unit_staff)
    assert what_they_read(user, cycle, report) == {
        "task page": True,
        "api detail": 200,
        "api list": True,
        "attachment": 200,
        "api obstacles": True,
    }


def test_the_unit_reads_its_own_draft_everywhere(cycle: Cycle) -> None:
    report = draft(cycle, SECRET)
    assert what_they_read(cycle.cast.unit_staff, cycle, report) == {
        "task page": True,
        "api detail": 200,
        "api list": True,
        "attachment": 200,
        "api obstacles": True,
    }


def test_a_correction_in_preparation_leaves_the_others_reading_the_accepted_version(cycle: Cycle) -> None:
    accepted = report_submit(report=draft(cycle, "Bản đã gửi"), user=cycle.cast.unit_staff)
    accepted = report_accept(report=accepted, user=cycle.cast.planning_finance)
    correction = report_start(task=cycle.forest_task, period=cycle.june, user=cycle.cast.unit_staff)
    assert correction.pk != accepted.pk
    draft(cycle, SECRET, correction)
    director = what_they_read(cycle.cast.director, cycle, correction)
    assert director["task page"] is False and director["api detail"] == 404
    web = Client()
    web.force_login(cycle.cast.director)
    page = web.get(reverse("reporting:task-detail", args=[cycle.forest_task.pk])).content.decode()
    assert "Bản đã gửi" in page
