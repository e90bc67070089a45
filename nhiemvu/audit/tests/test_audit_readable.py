"""The audit trail reads as a person writes: labels, names, local time, `1.000,5`, never `None`."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from nhiemvu.reporting.services import (
    ReportInput,
    report_accept,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.reporting.tests.conftest import Cycle, cycle  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _text(cycle: Cycle, query: str = "") -> str:  # noqa: F811
    client = Client()
    client.force_login(cycle.cast.planning_finance)
    html = client.get("/audit/" + query).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_report_accepted_reads_with_labels_names_and_local_time(cycle: Cycle) -> None:  # noqa: F811
    task, target = cycle.forest_task, cycle.forest_task.targets.first()
    assert target is not None
    user = cycle.cast.unit_staff
    with time_machine.travel(dt.datetime(2023, 6, 13, 2, 5, 7, 654321, tzinfo=dt.UTC), tick=False):
        draft = report_start(task=task, period=cycle.june, user=user)
        draft = report_save_draft(
            report=draft,
            user=user,
            revision=draft.revision,
            data=ReportInput(percent_done=Decimal("64.2"), values={target.pk: (Decimal(8650), None)}),
        )
        report_accept(report=report_submit(report=draft, user=user), user=cycle.cast.planning_finance)
    text = _text(cycle)
    assert "Trạng thái" in text and "Đã chấp nhận" in text and "Đã gửi" in text  # choice labels, not codes
    assert "accepted" not in text and "submitted" not in text
    assert "13/06/2023 09:05" in text  # 02:05 UTC is 09:05 in Hà Nội, no seconds, no microseconds
    assert "654321" not in text and "+00:00" not in text
    assert "8.650" in text and "8650.0000" not in text
    assert "64,2" in text
    assert "None" not in text and "True" not in text and "False" not in text


def test_a_changed_leader_reads_as_names_not_ids(cycle: Cycle) -> None:  # noqa: F811
    from nhiemvu.organisations.models import Official

    task = cycle.forest_task
    before = task.leader
    assert before is not None
    other = Official.objects.create(
        full_name="Hoàng Văn Minh", position="Phó Giám đốc Sở", organisation=cycle.cast.department
    )
    task.leader = other
    task.save()
    text = _text(cycle)
    assert "Hoàng Văn Minh" in text and before.full_name in text
    assert re.search(rf"Lãnh đạo[^|]*{re.escape(before.full_name)}", text, re.IGNORECASE)
