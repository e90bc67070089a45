"""The unit's period report document lists the roadmap steps done in the period and those late."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from nhiemvu.documents.unit_report import build_unit_report
from nhiemvu.reporting.services import ReportInput, periods_generate, report_save_draft, report_start
from nhiemvu.roadmaps.services import StepInput, step_create, step_mark_done

from .conftest import Roadmap

pytestmark = pytest.mark.django_db

D = dt.date


@time_machine.travel(dt.datetime(2023, 6, 15, 9, 0), tick=False)
def test_the_unit_report_says_what_the_roadmap_got_done_and_what_is_late(roadmap: Roadmap) -> None:
    staff, task = roadmap.cast.unit_staff, roadmap.forest_task
    periods_generate(plan=roadmap.plan)
    june = roadmap.plan.periods.get(key="2023-06")  # 15/05 – 14/06/2023

    def add(title: str, due: dt.date, done: dt.date | None = None) -> None:
        step = step_create(
            task=task, user=staff, data=StepInput(title=title, due=due, responsible=roadmap.forester)
        )
        if done:
            step_mark_done(step=step, user=staff, done_on=done)

    add("Khảo sát hiện trạng", D(2023, 5, 31), done=D(2023, 5, 20))
    add("Rà soát từ kỳ trước", D(2023, 5, 10), done=D(2023, 5, 12))  # before the period: not repeated
    add("Lập hồ sơ thiết kế", D(2023, 6, 10))
    add("Thi công", D(2023, 7, 30))  # not yet due: not mentioned
    report = report_start(task=task, period=june, user=staff)
    report = report_save_draft(
        report=report,
        user=staff,
        revision=report.revision,
        data=ReportInput(percent_done=Decimal(40), narrative="Đã triển khai.", values={}, obstacles=[]),
    )
    figures = build_unit_report(report).figures
    assert figures[-2:] == [
        "- Theo lộ trình triển khai, trong kỳ đã hoàn thành: Khảo sát hiện trạng (ngày 20/05/2023, "
        "Hoàng Văn Lâm phụ trách).",
        "- Chậm so với lộ trình triển khai: Lập hồ sơ thiết kế (hạn 10/06/2023, Hoàng Văn Lâm phụ trách).",
    ]
