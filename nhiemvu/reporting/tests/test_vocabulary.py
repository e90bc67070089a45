"""One word for one state: a report's state reads the same on every page that shows it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from nhiemvu.reporting.models import ReportStatus
from nhiemvu.reporting.services import (
    ReportInput,
    report_accept,
    report_save_draft,
    report_start,
    report_submit,
)

from .conftest import Cycle

pytestmark = pytest.mark.django_db


def _badges(html: str) -> list[str]:
    return re.findall(r'data-testid="report-status">([^<]*)<', html)


def test_a_task_without_a_report_is_not_reported_on_the_list_and_on_its_form(
    client: Client, cycle: Cycle
) -> None:
    client.force_login(cycle.cast.unit_staff)
    listed = client.get(f"{reverse('reporting:my-tasks')}?plan={cycle.plan.pk}&period={cycle.june.pk}")
    form = client.get(reverse("reporting:report-edit", args=[cycle.forest_task.pk, cycle.june.pk]))
    assert _badges(listed.content.decode()) == ["Chưa báo cáo"]
    assert _badges(form.content.decode()) == ["Chưa báo cáo"]  # was «Đang soạn» before anything was saved


def test_a_saved_draft_is_being_written_on_the_list_and_on_its_form(client: Client, cycle: Cycle) -> None:
    report_start(task=cycle.forest_task, period=cycle.june, user=cycle.cast.unit_staff)
    client.force_login(cycle.cast.unit_staff)
    listed = client.get(f"{reverse('reporting:my-tasks')}?plan={cycle.plan.pk}&period={cycle.june.pk}")
    form = client.get(reverse("reporting:report-edit", args=[cycle.forest_task.pk, cycle.june.pk]))
    label = str(ReportStatus.DRAFT.label)
    assert _badges(listed.content.decode()) == [label]
    assert _badges(form.content.decode()) == [label]


def test_a_target_left_empty_reads_no_figure_yet_not_a_bare_unit(client: Client, cycle: Cycle) -> None:
    """A value left blank printed as «tỷ lệ che phủ rừng: %»."""
    first, second = cycle.forest_task.targets.all()[:2]
    user = cycle.cast.unit_staff
    draft = report_start(task=cycle.forest_task, period=cycle.june, user=user)
    draft = report_save_draft(
        report=draft,
        user=user,
        revision=draft.revision,
        data=ReportInput(values={first.pk: (Decimal(8650), None), second.pk: (None, None)}),
    )
    report_accept(report=report_submit(report=draft, user=user), user=cycle.cast.planning_finance)
    client.force_login(user)
    for url in (
        reverse("reporting:report-edit", args=[cycle.forest_task.pk, cycle.june.pk]),
        reverse("reporting:task-detail", args=[cycle.forest_task.pk]),
    ):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", client.get(url).content.decode()))
        assert f"{first.name}: 8.650 ha" in text, url
        assert f"{second.name}: chưa có số liệu" in text, url
        assert f"{second.name}: ha" not in text and f"{second.name}: %" not in text


def test_the_submissions_page_counts_with_the_states_own_words(client: Client, cycle: Cycle) -> None:
    client.force_login(cycle.cast.planning_finance)
    html = client.get(reverse("reporting:submissions", args=[cycle.june.pk])).content.decode()
    assert "chờ duyệt" not in html
    assert "đã gửi (chờ xem xét)" in html
