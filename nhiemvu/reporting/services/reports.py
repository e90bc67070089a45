"""A unit's report: starting it (or a correction), writing the draft, submitting it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from nhiemvu.organisations.selectors import AccessScope, access_scope
from nhiemvu.plans.models import Target, Task

from .. import access
from ..errors import ConflictError, NotAllowedError, PeriodLockedError, ReportingError
from ..models import (
    Attachment,
    Obstacle,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    ReviewEvent,
    TargetValue,
)
from ..workflow import Action
from ._common import event, full_save, locked_report, move, refuse_accepted
from .attachments import attachment_add, attachment_check

# The relations of a report that `report_start` knows to be empty when it creates a first version.
_EMPTY_WHEN_NEW = ("values", "obstacles", "milestones_met")


@dataclass
class ObstacleInput:
    description: str
    needs: str = ""
    addressed_to: str = ""


@dataclass
class ReportInput:
    """What a unit fills in; `values` maps a target id to (cumulative actual, year-end estimate)."""

    percent_done: Decimal | None = None
    completed_on: dt.date | None = None
    narrative: str = ""
    proposals: str = ""
    values: dict[int, tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)
    obstacles: list[ObstacleInput] = field(default_factory=list)
    milestones_met: list[int] = field(default_factory=list)


def report_start(
    *,
    task: Task,
    period: ReportingPeriod,
    user: User,
    scope: AccessScope | None = None,
    nested: bool = False,
) -> ProgressReport:
    """The user's unit's open report for the task and period, created as a draft if there is none,
    returned with its row locked by this transaction.

    After an accepted report, a new draft is a correction: version + 1, pointing at the accepted one.
    `nested`: called inside the caller's transaction (`report_write`), which it joins without a
    savepoint.
    """
    return _report_open(task=task, period=period, user=user, scope=scope, nested=nested)[0]


def _report_open(
    *,
    task: Task,
    period: ReportingPeriod,
    user: User,
    scope: AccessScope | None = None,
    nested: bool = False,
    first: ReportInput | None = None,
    send: bool = False,
) -> tuple[ProgressReport, bool]:
    """`report_start`, and whether it wrote `first` (the form's fields) into a first version it
    created: its INSERT then carries them, as if the draft had been saved once (revision 1), so
    the form's first save costs one write of the report row, not an INSERT and an UPDATE with
    the audit trail's re-read of the row between them (issue 20: every unit saves at the deadline).
    With `send` (the form's "save and send"), such a first version goes in already sent, after the
    checks of `report_submit`, as if saved and then sent (revision 2, both review events).
    """
    scope = access_scope(user) if scope is None else scope
    if period.plan_id != task.plan_id:
        raise ReportingError(
            "Kỳ báo cáo không thuộc kế hoạch của nhiệm vụ.", message_en="Period of another plan."
        )
    unit = access.reporting_unit(scope, task)
    if unit is None:
        raise NotAllowedError(
            "Đơn vị của bạn không chủ trì hay phối hợp nhiệm vụ này.",
            message_en="Your unit does not carry this task.",
        )
    with transaction.atomic(savepoint=not nested):
        # Lock the task row so two first saves of one report don't both create version 1. The task
        # row only: Task's default ordering joins the plan, whose row FOR UPDATE would also take,
        # queueing the first saves of every task of the plan behind each other.
        list(
            Task.objects.select_for_update(of=("self",))
            .filter(pk=task.pk)
            .order_by()
            .values_list("pk", flat=True)
        )
        previous = (
            ProgressReport.objects.filter(task=task, period=period, organisation_id=unit.organisation_id)
            .order_by("-version")
            .first()
        )
        if previous is not None and previous.status != ReportStatus.ACCEPTED:
            return locked_report(previous), False
        sent_at: dt.datetime | None = None
        report = ProgressReport(
            task=task,
            period=period,
            organisation=unit.organisation,
            is_lead=unit.is_lead,
            version=(previous.version + 1) if previous else 1,
            supersedes=previous,
            created_by=user,
        )
        if previous is not None:
            report.percent_done = previous.percent_done
            report.completed_on = previous.completed_on
            report.narrative = previous.narrative
            report.proposals = previous.proposals
        elif first is not None:
            _fields_apply(report, first)
            report.revision = 1
            if send:
                _submission_check(report, scope)
                move(report, Action.SUBMIT)
                report.submitted_at = sent_at = timezone.now()
                report.revision = 2
        # Nothing can supersede a report not yet created: say so, or the audit entry of its creation
        # would ask the database.
        ProgressReport._meta.get_field("superseded_by").set_cached_value(report, None)
        # Under the task's row lock, the read above has ruled out a second open report and a repeated
        # version; the database's unique constraints stand behind it, so no query re-checks them.
        full_save(report, unique=False)
        if previous is None:
            _known_empty(report)
        else:
            TargetValue.objects.bulk_create(
                [
                    TargetValue(report=report, target_id=v.target_id, actual=v.actual, estimate=v.estimate)
                    for v in previous.values.all()
                ]
            )
            report.milestones_met.set(previous.milestones_met.all())
            # The correction carries the obstacles on, with the answers they already have.
            for o in previous.obstacles.order_by("id"):
                full_save(
                    Obstacle(
                        report=report,
                        description=o.description,
                        needs=o.needs,
                        addressed_to=o.addressed_to,
                        status=o.status,
                        answer=o.answer,
                        answered_at=o.answered_at,
                        answered_by_id=o.answered_by_id,
                    ),
                    exclude=["report"],
                )
        if sent_at is not None:  # written and sent at once: both steps, in order
            ReviewEvent.objects.bulk_create(
                [
                    ReviewEvent(report=report, actor=user, at=sent_at, from_status=before, to_status=after)
                    for before, after in (
                        ("", ReportStatus.DRAFT),
                        (ReportStatus.DRAFT, ReportStatus.SUBMITTED),
                    )
                ]
            )
        else:
            event(report, user, "", ReportStatus.DRAFT, "Đính chính báo cáo đã chấp nhận" if previous else "")
    return report, previous is None and first is not None


def _known_empty(report: ProgressReport) -> None:
    """Record on a report just created empty that it has no figures, obstacles or milestones, as
    `prefetch_related` would, so the draft's first save reads none of them back."""
    cache = report.__dict__.setdefault("_prefetched_objects_cache", {})
    for name in _EMPTY_WHEN_NEW:
        empty = getattr(report, name).all()
        empty._result_cache = []
        empty._prefetch_done = True
        cache[name] = empty


def _is_known_empty(report: ProgressReport, name: str) -> bool:
    known = getattr(report, "_prefetched_objects_cache", {}).get(name)
    return known is not None and not known


def report_save_draft(
    *,
    report: ProgressReport,
    user: User,
    revision: int,
    data: ReportInput,
    scope: AccessScope | None = None,
    nested: bool = False,
) -> ProgressReport:
    """Write the unit's figures and text into a draft or returned report.

    `revision` is the one the form was rendered with: if someone saved in between, the save is
    refused with a conflict, never silently overwriting their work. The task's targets and
    milestones come from `report.task`, so a caller that has them prefetched reads them once.
    `nested`: the caller's transaction already holds the report's row lock (`report_write`), so
    this runs in it as it is, without a savepoint or a second lock.
    """
    scope = access_scope(user) if scope is None else scope
    with transaction.atomic(savepoint=not nested):
        if not nested:
            report = locked_report(report)
        refuse_accepted(report)
        if not access.may_edit(scope, report):
            raise NotAllowedError(
                "Bạn không được sửa báo cáo này.", message_en="You may not edit this report."
            )
        if report.revision != revision:
            raise ConflictError(
                "Báo cáo vừa được người khác cập nhật sau khi bạn mở. Hãy tải lại trang, xem thay đổi của họ rồi nhập lại.",
                message_en="Someone else saved this report after you opened it. Reload and apply your changes again.",
            )
        task_targets = _checked_input(report, data)
        _fields_apply(report, data)
        report.revision += 1
        full_save(report, fields=["percent_done", "completed_on", "narrative", "proposals", "revision"])
        _contents_write(report, data, task_targets)
    return report


def _checked_input(report: ProgressReport, data: ReportInput) -> dict[int, Target]:
    """The task's targets by id, once the figures and milestones sent are checked to be the task's own."""
    task_targets = {t.pk: t for t in report.task.targets.all()}
    unknown = set(data.values) - set(task_targets)
    if unknown:
        raise ReportingError("Chỉ tiêu không thuộc nhiệm vụ.", message_en="Target of another task.")
    task_milestones = {m.pk for m in report.task.milestones.all()}
    if set(data.milestones_met) - task_milestones:
        raise ReportingError("Mốc không thuộc nhiệm vụ.", message_en="Milestone of another task.")
    return task_targets


def _fields_apply(report: ProgressReport, data: ReportInput) -> None:
    report.percent_done = data.percent_done
    report.completed_on = data.completed_on
    report.narrative = data.narrative.strip()
    report.proposals = data.proposals.strip()


def _contents_write(report: ProgressReport, data: ReportInput, task_targets: dict[int, Target]) -> None:
    """The figures, obstacles and milestones met of a draft being saved (its row is written)."""
    existing = {v.target_id: v for v in report.values.all()}
    for target_id, (actual, estimate) in data.values.items():
        value = existing.get(target_id)
        if value is None:
            value = TargetValue(
                report=report, target=task_targets[target_id], actual=actual, estimate=estimate
            )
            full_save(value, exclude=["report", "target"])
        elif (value.actual, value.estimate) != (actual, estimate):
            value.target = task_targets[target_id]  # its name labels the audit entry
            value.actual, value.estimate = actual, estimate
            full_save(value, fields=["actual", "estimate"])
    _write_obstacles(report, data.obstacles)
    if data.milestones_met or not _is_known_empty(report, "milestones_met"):
        report.milestones_met.set(data.milestones_met)
    # What was known empty is not any more.
    for name in _EMPTY_WHEN_NEW:
        getattr(report, "_prefetched_objects_cache", {}).pop(name, None)


def _write_obstacles(report: ProgressReport, items: list[ObstacleInput]) -> None:
    """Keep an obstacle the unit sends again with the same description, with its answer.

    A returned report edited and sent again, or a correction, must not lose the leader's answer
    (ý kiến chỉ đạo) nor restart the reminder's escalation: only the obstacles no longer listed
    are deleted and only new descriptions are created.
    """
    existing: dict[str, list[Obstacle]] = {}
    for obstacle in sorted(report.obstacles.all(), key=lambda o: o.pk):
        existing.setdefault(obstacle.description, []).append(obstacle)
    for item in items:
        description = item.description.strip()
        if not description:
            continue
        needs, addressed_to = item.needs.strip(), item.addressed_to.strip()
        same = existing.get(description)
        if same:
            obstacle = same.pop(0)
            if (obstacle.needs, obstacle.addressed_to) != (needs, addressed_to):
                obstacle.needs, obstacle.addressed_to = needs, addressed_to
                full_save(obstacle, fields=["needs", "addressed_to"])
            continue
        full_save(
            Obstacle(report=report, description=description, needs=needs, addressed_to=addressed_to),
            exclude=["report"],
        )
    gone = [o.pk for left in existing.values() for o in left]
    if gone:
        Obstacle.objects.filter(pk__in=gone).delete()


def report_write(
    *,
    task: Task,
    period: ReportingPeriod,
    report: ProgressReport | None,
    user: User,
    revision: int,
    data: ReportInput,
    uploads: Sequence[tuple[str, bytes]] = (),
    submit: bool = False,
    scope: AccessScope | None = None,
) -> ProgressReport:
    """The report form's save: `report_start` when `report` is None, `report_save_draft`,
    `attachment_add` for each file and, if asked, `report_submit`, in one transaction that locks
    the report once.

    Pass `task` with its plan loaded and its targets and milestones prefetched: they are read once.
    Every file is checked before anything is written; if anything fails after a file was stored,
    the stored files are removed, since storage does not roll back.
    """
    scope = access_scope(user) if scope is None else scope
    for name, content in uploads:
        attachment_check(name=name, data=content)
    stored: list[Attachment] = []
    try:
        # The files are removed if the commit itself fails, hence the block inside the try.
        with transaction.atomic():
            written = False
            # A first version saved and sent goes in sent, unless files come with it: they go onto a
            # report still being written.
            sent_at_once = submit and not uploads
            if report is None or report.pk is None:
                report, written = _report_open(
                    task=task,
                    period=period,
                    user=user,
                    scope=scope,
                    nested=True,
                    first=data,
                    send=sent_at_once,
                )
            else:
                report = locked_report(report)
                if (report.task_id, report.period_id) != (task.pk, period.pk):
                    raise ReportingError(
                        "Báo cáo không thuộc nhiệm vụ và kỳ này.",
                        message_en="Report of another task or period.",
                    )
            report.task = task
            if written:  # a first version, created with the form's fields: its figures are left
                _contents_write(report, data, _checked_input(report, data))
            else:
                report_save_draft(
                    report=report, user=user, revision=revision, data=data, scope=scope, nested=True
                )
            for name, content in uploads:
                stored.append(
                    attachment_add(
                        report=report, user=user, name=name, data=content, scope=scope, nested=True
                    )
                )
            if submit and not (written and sent_at_once):
                report_submit(report=report, user=user, scope=scope, nested=True)
    except Exception:
        for attachment in stored:
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        raise
    return report


def _period_for_submission(period_id: int) -> tuple[str, bool]:
    """The period's label and whether it is locked, read so that `period_lock` cannot slip past.

    On PostgreSQL a FOR SHARE row lock: it conflicts with `period_lock`'s FOR UPDATE (and its
    UPDATE), so a lock waits for the submissions under way and a submission waits for a lock under
    way and then sees it, yet the units submitting for one period don't queue behind each other
    as they would behind FOR UPDATE. Django's select_for_update has no FOR SHARE, hence the SQL.
    SQLite runs one writing transaction at a time (BEGIN IMMEDIATE): a plain read is enough.
    """
    opts = ReportingPeriod._meta
    qn = connection.ops.quote_name
    sql = "SELECT {}, {} FROM {} WHERE {} = %s".format(
        qn(str(opts.get_field("label").column)),
        qn(str(opts.get_field("locked_at").column)),
        qn(opts.db_table),
        qn(str(opts.pk.column)),
    )
    if connection.vendor == "postgresql":
        sql += " FOR SHARE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [period_id])
        row = cursor.fetchone()
    if row is None:
        raise ReportingPeriod.DoesNotExist
    label, locked_at = row
    return label, locked_at is not None


def report_submit(
    *, report: ProgressReport, user: User, scope: AccessScope | None = None, nested: bool = False
) -> ProgressReport:
    """Send a draft or returned report to Planning-Finance; refused in a locked period.

    `nested`: the caller's transaction already holds the report's row lock (`report_write`).
    """
    scope = access_scope(user) if scope is None else scope
    with transaction.atomic(savepoint=not nested):
        if not nested:
            report = locked_report(report)
        _submission_check(report, scope)
        before, after = move(report, Action.SUBMIT)
        report.submitted_at = timezone.now()
        report.revision += 1
        report.save(update_fields=["status", "submitted_at", "revision", "updated_at"])
        event(report, user, before, after)
    return report


def _submission_check(report: ProgressReport, scope: AccessScope) -> None:
    """What sending a report asks: the user may write for its unit, its period is not locked, and
    a task without numeric targets has its percentage of work done (or its completion date)."""
    if not access.may_write_for(scope, report.organisation_id):
        raise NotAllowedError("Bạn không được gửi báo cáo này.", message_en="You may not submit this report.")
    label, locked = _period_for_submission(report.period_id)
    if locked:
        raise PeriodLockedError(
            f"Kỳ «{label}» đã khóa. Đề nghị Phòng Kế hoạch – Tài chính mở khóa để gửi báo cáo muộn.",
            message_en="The period is locked; ask Planning-Finance to unlock it for a late submission.",
        )
    if not report.task.targets.all() and report.percent_done is None and report.completed_on is None:
        raise ReportingError(
            "Nhiệm vụ không có chỉ tiêu định lượng: hãy nhập tỷ lệ khối lượng công việc đã hoàn thành.",
            message_en="Enter the percentage of work done for a task without numeric targets.",
        )
