"""The figures of the consolidated report, checked against what was written to the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from nhiemvu.documents.access import period_queryset
from nhiemvu.documents.data import PeriodReport, ReportOptions, build_report
from nhiemvu.documents.tests.conftest import REPORT_DATE, Quarter, build_quarter, grow
from nhiemvu.reporting.status import TaskStatus


def _build(quarter: Quarter) -> PeriodReport:
    return build_report(
        [period_queryset().get(pk=quarter.period.pk)], options=ReportOptions(date=REPORT_DATE)
    )


def test_it_counts_tasks_by_status_category_at_the_cut_off(quarter):
    report = _build(quarter)
    assert report.counts == {
        TaskStatus.COMPLETED_ON_TIME: 0,
        TaskStatus.COMPLETED_LATE: 0,
        TaskStatus.IN_PROGRESS: 2,
        TaskStatus.OVERDUE: 0,
        TaskStatus.NOT_STARTED: 1,
    }
    assert report.total == quarter.plan.tasks.count()


def test_it_consolidates_the_latest_accepted_report_up_to_the_quarter_cut_off(quarter):
    tasks = {t.code: t for t in _build(quarter).tasks}
    # Task 1: June (not April) wins; task 2: May, never the July report after the cut-off.
    assert [t.actual for t in tasks["1"].targets] == [Decimal(750), Decimal("2500.5")]
    assert tasks["1"].reported_in == "Tháng 06/2023"
    assert tasks["2"].targets[0].actual == Decimal(100)
    assert tasks["1"].targets[0].attainment == Decimal("75.0")
    # Each target capped at 100% before averaging: (75 + 100) / 2.
    assert tasks["1"].attainment == Decimal("87.5")


def test_it_flags_a_task_due_next_quarter_with_nothing_reported_as_at_risk(quarter):
    """The dashboard's rule (the snapshot's verdict): a target without a figure once a third of its
    window has gone cannot be judged on track; the reason says which rule flagged it."""
    report = _build(quarter)
    flagged = {t.code: t for t in report.attention}
    assert list(flagged) == ["2", "3"]
    assert flagged["3"].deadline == dt.date(2023, 8, 31)
    assert flagged["3"].at_risk == "Chưa có số liệu sau 1/3 thời gian thực hiện"
    # Task 2's one figure (100 ha by mid-May) projects a quarter of its 1.000 ha by the deadline.
    assert flagged["2"].at_risk.startswith("Dự báo 274/1.000 ha (27%) đến 31/12/2023")
    assert [t.code for t in report.tasks if t.reportable and not t.at_risk] == ["1"]
    assert report.next_label == "Quý III/2023"
    assert ("3", "deadline") in {(d.task_code, d.kind) for d in report.priorities}


def test_it_groups_obstacles_and_proposals_by_the_leader_in_charge(quarter):
    report = _build(quarter)
    assert [g.leader for g in report.leaders] == ["Đồng chí Lê Thị Phó, Phó Giám đốc Sở"]
    group = report.leaders[0]
    assert [o.description for o in group.obstacles] == ["Thiếu cây giống đạt chuẩn"]
    assert group.proposals[0].text == "Đề nghị UBND tỉnh bổ sung kinh phí trồng rừng."


def test_it_counts_each_units_reports_due_sent_and_late(quarter):
    units = {u.unit: u for u in _build(quarter).submissions}
    forest = units["Chi cục Kiểm lâm"]  # tasks 1 and 3, three months each
    assert (forest.due, forest.submitted, forest.on_time, forest.late, forest.missing) == (6, 2, 2, 0, 4)
    rural = units["Chi cục Phát triển nông thôn"]  # task 2, sent on 30/5 for a report due early May
    assert (rural.due, rural.submitted, rural.late, rural.accepted) == (3, 1, 1, 1)


def test_it_writes_the_letterhead_from_the_plan_and_its_source_document(quarter):
    report = build_report(
        [period_queryset().get(pk=quarter.period.pk)], options=ReportOptions(date=dt.date(2024, 1, 5))
    )
    head = report.letterhead
    assert head.parent_agency == "UBND TỈNH THỬ NGHIỆM"
    assert head.agency == "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"
    assert head.number_line.replace(" ", "") == "Số:/BC-SNN"
    assert head.place_date == "Lạng Sơn, ngày 05 tháng 01 năm 2024"
    assert (report.signer_prefix, report.signer_title, report.signer_name) == (
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "",
    )
    assert report.recipients[0] == "UBND tỉnh (b/c);" and report.recipients[-1] == "Lưu: VT, KHTC."


def test_the_report_build_takes_the_same_number_of_queries_for_two_sizes(cast, django_assert_num_queries):
    # The build runs the snapshot's fixed set of queries (reporting.snapshot: plans, periods, tasks,
    # targets, milestones, 4 latest reports, 2 histories, obstacles, proposals, lead reports): not one per task.
    small = build_quarter(cast, tasks=3, title="Kế hoạch nhỏ")
    large = build_quarter(cast, tasks=3, title="Kế hoạch lớn")
    grow(large.plan, 40)
    counts = []
    for quarter in (small, large):
        period = period_queryset().get(pk=quarter.period.pk)
        with django_assert_num_queries(14) as ctx:
            build_report([period], options=ReportOptions(date=REPORT_DATE))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    large_report = build_report(
        [period_queryset().get(pk=large.period.pk)], options=ReportOptions(date=REPORT_DATE)
    )
    assert large_report.total == 43


def test_the_provincial_report_spans_the_plans_of_several_agencies(cast, django_assert_num_queries):
    first = build_quarter(cast, title="Kế hoạch của Sở NN&PTNT")
    second = build_quarter(cast, title="Kế hoạch của Sở Y tế")
    second.plan.issuer = cast.other_department
    second.plan.save()
    periods = list(period_queryset().filter(pk__in=[first.period.pk, second.period.pk]))
    # One more than an agency's report: whether the province's decision assigned these agencies tasks.
    with django_assert_num_queries(15):
        report = build_report(periods, province=cast.province, options=ReportOptions(date=REPORT_DATE))
    assert report.provincial
    assert [b.agency for b in report.plans] == ["Sở Nông nghiệp và Phát triển nông thôn", "Sở Y tế"]
    assert report.total == 6
    assert report.letterhead.agency == "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM"
    assert report.letterhead.place_date.startswith("Thử Nghiệm, ngày 16 tháng 6 năm 2023")
    assert (report.signer_prefix, report.signer_title) == (
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    )


def test_status_and_attainment_follow_the_same_rules_as_the_reporting_pages(quarter):
    from nhiemvu.reporting.selectors import tasks_with_plan_data
    from nhiemvu.reporting.snapshot import tasks_progress

    report = _build(quarter)
    cut_off = quarter.period.ends_on
    pages = tasks_progress(list(tasks_with_plan_data(quarter.plan.pk)), today=cut_off, as_of=cut_off)
    by_code = {p.task.code: p for p in pages.values()}
    for line in report.tasks:
        assert line.status == by_code[line.code].status
        assert line.attainment == by_code[line.code].mean_attainment
        assert [t.actual for t in line.targets] == [t.actual for t in by_code[line.code].targets]
