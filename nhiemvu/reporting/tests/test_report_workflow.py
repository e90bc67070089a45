"""The review cycle through the services: draft, submit, return, resubmit, accept, correct."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from nhiemvu.reporting.errors import (
    AcceptedReportError,
    ConflictError,
    NotAllowedError,
    PeriodLockedError,
    ReportingError,
    TransitionError,
)
from nhiemvu.reporting.models import ProgressReport, ReportStatus
from nhiemvu.reporting.services import (
    ObstacleInput,
    ReportInput,
    period_lock,
    period_unlock,
    report_accept,
    report_return,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.testing import present

from .conftest import Cycle

pytestmark = pytest.mark.django_db


def fill(cycle: Cycle, report: ProgressReport, actual: int = 500) -> ProgressReport:
    targets = list(cycle.forest_task.targets.order_by("order"))
    data = ReportInput(
        percent_done=Decimal(40),
        narrative="Đã trồng một phần diện tích.",
        values={t.pk: (Decimal(actual), None) for t in targets},
        obstacles=[ObstacleInput("Thiếu giống cây", needs="Bổ sung kinh phí", addressed_to="UBND tỉnh")],
    )
    return report_save_draft(report=report, user=cycle.cast.unit_staff, revision=report.revision, data=data)


def test_a_unit_drafts_submits_is_returned_resubmits_and_is_accepted(cycle: Cycle) -> None:
    cast = cycle.cast
    report = report_start(task=cycle.forest_task, period=cycle.june, user=cast.unit_staff)
    assert (report.status, report.version, report.is_lead) == (ReportStatus.DRAFT, 1, True)
    report = fill(cycle, report)
    report = report_submit(report=report, user=cast.unit_staff)
    report = report_return(report=report, user=cast.planning_finance, comment="Bổ sung số liệu diện tích")
    assert report.status == ReportStatus.RETURNED
    report = fill(cycle, report, actual=600)
    report = report_submit(report=report, user=cast.unit_staff)
    report = report_accept(report=report, user=cast.planning_finance)
    assert report.status == ReportStatus.ACCEPTED
    history = [(e.from_status, e.to_status, e.comment, e.actor) for e in report.events.order_by("at", "id")]
    assert history == [
        ("", "draft", "", cast.unit_staff),
        ("draft", "submitted", "", cast.unit_staff),
        ("submitted", "returned", "Bổ sung số liệu diện tích", cast.planning_finance),
        ("returned", "submitted", "", cast.unit_staff),
        ("submitted", "accepted", "", cast.planning_finance),
    ]
    assert sorted(present(v.actual for v in report.values.all())) == [Decimal(600), Decimal(600)]
    assert report.obstacles.get().description == "Thiếu giống cây"


def test_returning_without_a_reason_is_refused(cycle: Cycle) -> None:
    report = fill(cycle, report_start(task=cycle.forest_task, period=cycle.june, user=cycle.cast.unit_staff))
    report_submit(report=report, user=cycle.cast.unit_staff)
    with pytest.raises(ReportingError, match="lý do"):
        report_return(report=report, user=cycle.cast.planning_finance, comment="  ")


def test_an_accepted_report_cannot_be_changed_and_a_correction_is_a_new_version(cycle: Cycle) -> None:
    cast = cycle.cast
    report = fill(cycle, report_start(task=cycle.forest_task, period=cycle.june, user=cast.unit_staff))
    report_submit(report=report, user=cast.unit_staff)
    accepted = report_accept(report=report, user=cast.planning_finance)
    with pytest.raises(AcceptedReportError):
        report_save_draft(
            report=accepted, user=cast.unit_staff, revision=accepted.revision, data=ReportInput()
        )
    with pytest.raises(TransitionError):
        report_return(report=accepted, user=cast.planning_finance, comment="Sửa lại")
    correction = report_start(task=cycle.forest_task, period=cycle.june, user=cast.unit_staff)
    assert (correction.version, correction.supersedes_id, correction.status) == (2, accepted.pk, "draft")
    assert sorted(present(v.actual for v in correction.values.all())) == [Decimal(500), Decimal(500)]
    fill(cycle, correction, actual=700)
    accepted.refresh_from_db()
    assert sorted(present(v.actual for v in accepted.values.all())) == [Decimal(500), Decimal(500)]


def test_two_open_reports_for_one_unit_task_and_period_are_refused_by_the_database(cycle: Cycle) -> None:
    report = report_start(task=cycle.forest_task, period=cycle.june, user=cycle.cast.unit_staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.create(
            task=report.task, period=report.period, organisation=report.organisation, version=2
        )


def test_a_stale_form_gets_a_conflict_instead_of_overwriting(cycle: Cycle) -> None:
    report = report_start(task=cycle.forest_task, period=cycle.june, user=cycle.cast.unit_staff)
    opened_at = report.revision
    report_save_draft(
        report=report,
        user=cycle.cast.unit_staff,
        revision=opened_at,
        data=ReportInput(narrative="Người thứ nhất"),
    )
    with pytest.raises(ConflictError, match="tải lại"):
        report_save_draft(
            report=report,
            user=cycle.cast.unit_staff,
            revision=opened_at,
            data=ReportInput(narrative="Người thứ hai"),
        )
    report.refresh_from_db()
    assert report.narrative == "Người thứ nhất"


def test_a_locked_period_refuses_submissions_until_unlocked(cycle: Cycle) -> None:
    cast = cycle.cast
    report = fill(cycle, report_start(task=cycle.forest_task, period=cycle.june, user=cast.unit_staff))
    period_lock(period=cycle.june, user=cast.planning_finance)
    with pytest.raises(PeriodLockedError, match="mở khóa"):
        report_submit(report=report, user=cast.unit_staff)
    period_unlock(period=cycle.june, user=cast.planning_finance)
    assert report_submit(report=report, user=cast.unit_staff).status == "submitted"


def test_unit_staff_cannot_lock_a_period(cycle: Cycle) -> None:
    with pytest.raises(NotAllowedError):
        period_lock(period=cycle.june, user=cycle.cast.unit_staff)


def test_a_support_unit_adds_its_contribution_beside_the_lead_report(cycle: Cycle, cast) -> None:
    from nhiemvu.organisations.models import Membership, Role

    Membership.objects.create(
        user=cast.outsider, organisation=cast.planning_finance_division, role=Role.UNIT_STAFF
    )
    contribution = report_start(task=cycle.forest_task, period=cycle.june, user=cast.outsider)
    assert (contribution.is_lead, contribution.organisation) == (False, cast.planning_finance_division)
    lead = report_start(task=cycle.forest_task, period=cycle.june, user=cast.unit_staff)
    assert lead.pk != contribution.pk and lead.is_lead


def test_a_task_without_targets_needs_a_percentage_before_submission(cycle: Cycle) -> None:
    cycle.forest_task.targets.all().delete()
    report = report_start(task=cycle.forest_task, period=cycle.june, user=cycle.cast.unit_staff)
    with pytest.raises(ReportingError, match="tỷ lệ"):
        report_submit(report=report, user=cycle.cast.unit_staff)
    report = report_save_draft(
        report=report,
        user=cycle.cast.unit_staff,
        revision=report.revision,
        data=ReportInput(percent_done=Decimal(30)),
    )
    assert report_submit(report=report, user=cycle.cast.unit_staff).status == "submitted"


def test_a_percentage_over_100_is_refused(cycle: Cycle) -> None:
    report = report_start(task=cycle.forest_task, period=cycle.june, user=cycle.cast.unit_staff)
    with pytest.raises(ReportingError, match="0 đến 100"):
        report_save_draft(
            report=report,
            user=cycle.cast.unit_staff,
            revision=report.revision,
            data=ReportInput(percent_done=Decimal(120)),
        )


def test_a_negative_actual_is_refused(cycle: Cycle) -> None:
    report = report_start(task=cycle.forest_task, period=cycle.june, user=cycle.cast.unit_staff)
    target = cycle.forest_task.targets.first()
    assert target is not None
    with pytest.raises(ReportingError, match="không được âm"):
        report_save_draft(
            report=report,
            user=cycle.cast.unit_staff,
            revision=report.revision,
            data=ReportInput(values={target.pk: (Decimal(-3), None)}),
        )
    assert report.values.count() == 0


def test_completion_date_is_kept(cycle: Cycle) -> None:
    report = report_start(task=cycle.forest_task, period=cycle.june, user=cycle.cast.unit_staff)
    report = report_save_draft(
        report=report,
        user=cycle.cast.unit_staff,
        revision=report.revision,
        data=ReportInput(percent_done=Decimal(100), completed_on=dt.date(2023, 6, 10)),
    )
    assert report.completed_on == dt.date(2023, 6, 10)


def test_a_first_save_and_send_goes_in_sent_with_both_steps_or_not_at_all(
    cycle: Cycle, settings: Any, tmp_path: Path
) -> None:
    """The form's first "save and send" writes the report already sent (issue 20: one INSERT), with
    the same checks, revision and history as a save followed by a send; a refusal writes nothing."""
    from nhiemvu.reporting.models import Attachment
    from nhiemvu.reporting.services import report_write

    settings.MEDIA_ROOT = tmp_path / "media"
    cast, task = cycle.cast, cycle.forest_task
    figures: dict[int, tuple[Decimal | None, Decimal | None]] = {
        t.pk: (Decimal("8650"), None) for t in task.targets.all()
    }

    def send(period, data, uploads=()):
        return report_write(
            task=task, period=period, report=None, user=cast.unit_staff, revision=0,
            data=data, uploads=uploads, submit=True,
        )  # fmt: skip

    period_lock(period=cycle.june, user=cast.planning_finance)
    with pytest.raises(PeriodLockedError, match="mở khóa"):
        send(cycle.june, ReportInput(narrative="Gửi khi đã khóa", values=figures))
    assert not ProgressReport.objects.filter(period=cycle.june).exists()
    period_unlock(period=cycle.june, user=cast.planning_finance)

    sent = send(cycle.june, ReportInput(narrative="Đã trồng 8.650 ha", values=figures))
    sent.refresh_from_db()
    assert (sent.status, sent.revision, sent.narrative) == (ReportStatus.SUBMITTED, 2, "Đã trồng 8.650 ha")
    assert sent.submitted_at is not None
    assert {v.actual for v in sent.values.all()} == {Decimal("8650")}
    assert list(sent.events.order_by("at", "id").values_list("from_status", "to_status", "actor")) == [
        ("", ReportStatus.DRAFT, cast.unit_staff.pk),
        (ReportStatus.DRAFT, ReportStatus.SUBMITTED, cast.unit_staff.pk),
    ]

    # With a file: written first, the file put on it, then sent.
    july = cycle.forest_task.plan.periods.get(key="2023-07")
    with_file = send(
        july, ReportInput(narrative="Kèm biên bản", values=figures), [("bien-ban.pdf", b"%PDF-1.7\n")]
    )
    with_file.refresh_from_db()
    assert (with_file.status, with_file.revision) == (ReportStatus.SUBMITTED, 2)
    assert Attachment.objects.filter(report=with_file).count() == 1

    # A task without numeric targets needs its percentage: refused, nothing written.
    task.targets.all().delete()
    task.refresh_from_db()
    august = cycle.forest_task.plan.periods.get(key="2023-08")
    with pytest.raises(ReportingError, match="tỷ lệ"):
        send(august, ReportInput(narrative="Chưa có tỷ lệ"))
    assert not ProgressReport.objects.filter(period=august).exists()
    assert send(august, ReportInput(percent_done=Decimal("64.2"))).status == ReportStatus.SUBMITTED
