"""A refusal reaches the user in the interface's language only, never Vietnamese and English glued."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from nhiemvu.reporting.models import ProgressReport
from nhiemvu.reporting.services import (
    ReportInput,
    report_accept,
    report_save_draft,
    report_start,
    report_submit,
)

from .conftest import Cycle


def _accepted(cycle: Cycle) -> ProgressReport:
    cast, task = cycle.cast, cycle.forest_task
    report = report_start(task=task, period=cycle.june, user=cast.unit_staff)
    values: dict[int, tuple[Decimal | None, Decimal | None]] = {
        t.pk: (Decimal(1), None) for t in task.targets.all()
    }
    report = report_save_draft(
        report=report, user=cast.unit_staff, revision=0, data=ReportInput(values=values)
    )
    report = report_submit(report=report, user=cast.unit_staff)
    return report_accept(report=report, user=cast.planning_finance)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "other"),
    [
        ("en", "Cannot accept a report that is accepted.", "Không thể"),
        ("vi", "Không thể chấp nhận", "Cannot"),
    ],
)
def test_a_refused_review_says_why_in_one_language(
    client: Client, cycle: Cycle, language: str, expected: str, other: str
) -> None:
    report = _accepted(cycle)
    client.force_login(cycle.cast.planning_finance)
    client.post(reverse("set_language"), {"language": language, "next": "/"})

    response = client.post(reverse("reporting:report-review", args=[report.pk]), {"decision": "accept"})

    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    refusal = next(t for t in texts if t.startswith(f"{cycle.forest_task.code}: "))
    assert expected in refusal
    assert other not in refusal and " / " not in refusal
