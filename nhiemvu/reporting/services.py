"""Every write of the reporting cycle: periods, drafts, submission, review, corrections, attachments."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from nhiemvu.core.services import validated_save
from nhiemvu.lib.vnperiods import add_working_days, windows_for_year
from nhiemvu.organisations.models import Organisation
from nhiemvu.organisations.selectors import AccessScope, access_scope
from nhiemvu.plans.models import Frequency, Plan, PlanStatus, Task

from . import access
from .errors import (
    AcceptedReportError,
    AttachmentError,
    ConflictError,
    NotAllowedError,
    ObstacleNotAnswerableError,
    PeriodLockedError,
    PlanClosedError,
    ReportingError,
    TransitionError,
)
from .models import (
    Attachment,
    Holiday,
    Obstacle,
    ObstacleStatus,
    ProgressReport,
    ReportingCalendar,
    ReportingPeriod,
    ReportStatus,
    ReviewEvent,
    TargetValue,
)
from .workflow import Action, next_status

FREQUENCY_ORDER = [Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.HALF_YEARLY, Frequency.YEARLY]


def _full_save(obj: Any, **clean: Any) -> None:
    validated_save(obj, error=ReportingError, **clean)


# Periods ----------------------------------------------------------------------------------------


@transaction.atomic
def periods_generate(*, plan: Plan, due_working_days: int | None = None) -> list[ReportingPeriod]:
    """Create the plan's periods for each of its frequencies (Decree 09/2019 cut-offs); idempotent.

    Send-by dates are N working days after each cut-off, skipping weekends and the holiday table.
    Existing periods keep their dates unless `due_working_days` is given, which re-dates them.
    """
    calendar, _ = ReportingCalendar.objects.get_or_create(plan=plan)
    if due_working_days is not None and due_working_days != calendar.due_working_days:
        calendar.due_working_days = due_working_days
        _full_save(calendar)
    holidays = set(Holiday.objects.values_list("day", flat=True))
    frequencies = [f for f in FREQUENCY_ORDER if f in (plan.reporting_frequencies or [])] or [
        Frequency.QUARTERLY
    ]
    existing = {p.key: p for p in plan.periods.all()}
    result = []
    for frequency in frequencies:
        for window in windows_for_year(frequency, plan.year):
            due_on = add_working_days(window.ends_on, calendar.due_working_days, holidays)
            period = existing.get(window.key)
            if period is None:
                period = ReportingPeriod(
                    plan=plan,
                    frequency=frequency,
                    key=window.key,
                    label=window.label,
                    starts_on=window.starts_on,
                    ends_on=window.ends_on,
                    due_on=due_on,
                )
                _full_save(period)
            elif due_working_days is not None and period.due_on != due_on:
                period.due_on = due_on
                _full_save(period)
            result.append(period)
    return result


def reporting_frequency(plan: Plan) -> str:
    """Units report on the plan's finest frequency; coarser periods are windows for consolidation.

    A quarter's cut-off is its last month's cut-off, so asking units for both a June report and a
    Q2 report would be asking twice for the same figures.
    """
    for frequency in FREQUENCY_ORDER:
        if frequency in (plan.reporting_frequencies or []):
            return str(frequency)
    return str(Frequency.QUARTERLY)


@transaction.atomic
def period_lock(*, period: ReportingPeriod, user: AbstractBaseUser) -> ReportingPeriod:
    if not access.may_manage_periods(access_scope(user), period.plan.issuer_id):
        raise NotAllowedError(
            "Chỉ Phòng Kế hoạch – Tài chính được khóa kỳ báo cáo.", message_en="Not allowed."
        )
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.locked_at is None:
        period.locked_at = timezone.now()
        period.locked_by = user  # type: ignore[assignment]
        period.save(update_fields=["locked_at", "locked_by", "updated_at"])
    return period


@transaction.atomic
def period_set_due(*, period: ReportingPeriod, due_on: dt.date, user: AbstractBaseUser) -> ReportingPeriod:
    """Planning-Finance moves one period's send-by date (the province may set its own date)."""
    if not access.may_manage_periods(access_scope(user), period.plan.issuer_id):
        raise NotAllowedError(
            "Chỉ Phòng Kế hoạch – Tài chính được đổi hạn gửi báo cáo.", message_en="Not allowed."
        )
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.due_on != due_on:
        period.due_on = due_on
        _full_save(period)
    return period


@transaction.atomic
def period_unlock(*, period: ReportingPeriod, user: AbstractBaseUser) -> ReportingPeriod:
    if not access.may_manage_periods(access_scope(user), period.plan.issuer_id):
        raise NotAllowedError(
            "Chỉ Phòng Kế hoạch – Tài chính được mở khóa kỳ báo cáo.", message_en="Not allowed."
        )
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    period.locked_at = None
    period.locked_by = None
    period.save(update_fields=["locked_at", "locked_by", "updated_at"])
    return period


# Drafts -----------------------------------------------------------------------------------------


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


def _event(
    report: ProgressReport, user: AbstractBaseUser | None, before: str, after: str, comment: str = ""
) -> ReviewEvent:
    return ReviewEvent.objects.create(
        report=report, actor=user, at=timezone.now(), from_status=before, to_status=after, comment=comment
    )


def reporting_unit(scope: AccessScope, task: Task) -> tuple[int, bool, Organisation] | None:
    """`access.reporting_unit_for` with the unit itself: (org id, is_lead, organisation), or None.

    The lead unit wins over a support unit, so the support units are read only when the user's
    unit does not lead the task.
    """
    unit = access.reporting_unit_for(scope, task, set())
    if unit is not None:
        return unit[0], unit[1], task.lead_unit  # type: ignore[return-value]
    supports = {o.pk: o for o in task.support_units.all()}
    unit = access.reporting_unit_for(scope, task, set(supports))
    return None if unit is None else (unit[0], unit[1], supports[unit[0]])


@transaction.atomic
def report_start(
    *, task: Task, period: ReportingPeriod, user: AbstractBaseUser, scope: AccessScope | None = None
) -> ProgressReport:
    """The user's unit's open report for the task and period, created as a draft if there is none.

    After an accepted report, a new draft is a correction: version + 1, pointing at the accepted one.
    """
    scope = access_scope(user) if scope is None else scope
    return _start(task, period, user, scope)[0]


def _start(
    task: Task, period: ReportingPeriod, user: AbstractBaseUser, scope: AccessScope
) -> tuple[ProgressReport, bool]:
    """`report_start`'s work, and whether the report was created here (so no one else holds it)."""
    if period.plan_id != task.plan_id:
        raise ReportingError(
            "Kỳ báo cáo không thuộc kế hoạch của nhiệm vụ.", message_en="Period of another plan."
        )
    unit = reporting_unit(scope, task)
    if unit is None:
        raise NotAllowedError(
            "Đơn vị của bạn không chủ trì hay phối hợp nhiệm vụ này.",
            message_en="Your unit does not carry this task.",
        )
    org_id, is_lead, organisation = unit
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
        ProgressReport.objects.filter(task=task, period=period, organisation_id=org_id)
        .order_by("-version")
        .first()
    )
    if previous is not None and previous.status != ReportStatus.ACCEPTED:
        return previous, False
    report = ProgressReport(
        task=task,
        period=period,
        organisation=organisation,
        is_lead=is_lead,
        version=(previous.version + 1) if previous else 1,
        supersedes=previous,
        created_by=user,  # type: ignore[misc]
    )
    if previous is not None:
        report.percent_done = previous.percent_done
        report.completed_on = previous.completed_on
        report.narrative = previous.narrative
        report.proposals = previous.proposals
    # Nothing can supersede a report not yet created: say so, or the audit entry of its creation
    # would ask the database.
    ProgressReport._meta.get_field("superseded_by").set_cached_value(report, None)
    # Under the task's row lock, the read above has ruled out a second open report and a repeated
    # version; the database's unique constraints stand behind it, so no query re-checks them.
    _full_save(report, unique=False)
    if previous is not None:
        TargetValue.objects.bulk_create(
            [
                TargetValue(report=report, target_id=v.target_id, actual=v.actual, estimate=v.estimate)
                for v in previous.values.all()
            ]
        )
        report.milestones_met.set(previous.milestones_met.all())
        # The correction carries the obstacles on, with the answers they already have.
        for o in previous.obstacles.order_by("id"):
            _full_save(
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
    _event(report, user, "", ReportStatus.DRAFT, "Đính chính báo cáo đã chấp nhận" if previous else "")
    return report, True


def _locked_report(report: ProgressReport) -> ProgressReport:
    # Lock the report row only: locking the joined task and plan rows too would queue every
    # submission of a plan behind each other.
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("period", "task__plan", "organisation")
        .get(pk=report.pk)
    )


@transaction.atomic
def report_save_draft(
    *,
    report: ProgressReport,
    user: AbstractBaseUser,
    revision: int,
    data: ReportInput,
    scope: AccessScope | None = None,
) -> ProgressReport:
    """Write the unit's figures and text into a draft or returned report.

    `revision` is the one the form was rendered with: if someone saved in between, the save is
    refused with a conflict, never silently overwriting their work.
    """
    scope = access_scope(user) if scope is None else scope
    report = _locked_report(report)
    _write_draft(report, scope, revision, data, blank=False)
    return report


def refuse_accepted(report: ProgressReport) -> None:
    """An accepted report is frozen: say so, and that a correction is the way to change it."""
    if report.status == ReportStatus.ACCEPTED:
        raise AcceptedReportError(
            "Báo cáo đã được chấp nhận, không thể sửa. Hãy lập báo cáo đính chính.",
            message_en="An accepted report cannot be changed; create a correction.",
        )


def _write_draft(
    report: ProgressReport, scope: AccessScope, revision: int, data: ReportInput, *, blank: bool
) -> None:
    """`report_save_draft`'s work on a report locked (or created) by this transaction.

    A `blank` report was created empty by this transaction: it has no figures, obstacles or
    milestones to read back. The task's targets and milestones come from `report.task`, so a
    caller that has them prefetched reads them once.
    """
    refuse_accepted(report)
    if not access.may_edit(scope, report):
        raise NotAllowedError("Bạn không được sửa báo cáo này.", message_en="You may not edit this report.")
    if report.revision != revision:
        raise ConflictError(
            "Báo cáo vừa được người khác cập nhật sau khi bạn mở. Hãy tải lại trang, xem thay đổi của họ rồi nhập lại.",
            message_en="Someone else saved this report after you opened it. Reload and apply your changes again.",
        )
    task_targets = {t.pk: t for t in report.task.targets.all()}
    unknown = set(data.values) - set(task_targets)
    if unknown:
        raise ReportingError("Chỉ tiêu không thuộc nhiệm vụ.", message_en="Target of another task.")
    task_milestones = {m.pk for m in report.task.milestones.all()}
    if set(data.milestones_met) - task_milestones:
        raise ReportingError("Mốc không thuộc nhiệm vụ.", message_en="Milestone of another task.")

    report.percent_done = data.percent_done
    report.completed_on = data.completed_on
    report.narrative = data.narrative.strip()
    report.proposals = data.proposals.strip()
    report.revision += 1
    _full_save(report, fields=["percent_done", "completed_on", "narrative", "proposals", "revision"])
    existing = {} if blank else {v.target_id: v for v in report.values.all()}
    for target_id, (actual, estimate) in data.values.items():
        value = existing.get(target_id)
        if value is None:
            value = TargetValue(
                report=report, target=task_targets[target_id], actual=actual, estimate=estimate
            )
            _full_save(value, exclude=["report", "target"])
        elif (value.actual, value.estimate) != (actual, estimate):
            value.target = task_targets[target_id]  # its name labels the audit entry
            value.actual, value.estimate = actual, estimate
            _full_save(value, fields=["actual", "estimate"])
    _write_obstacles(report, data.obstacles, blank=blank)
    if not blank or data.milestones_met:
        report.milestones_met.set(data.milestones_met)


def _write_obstacles(report: ProgressReport, items: list[ObstacleInput], *, blank: bool) -> None:
    """Keep an obstacle the unit sends again with the same description, with its answer.

    A returned report edited and sent again, or a correction, must not lose the leader's answer
    (ý kiến chỉ đạo) nor restart the reminder's escalation: only the obstacles no longer listed
    are deleted and only new descriptions are created.
    """
    existing: dict[str, list[Obstacle]] = {}
    if not blank:
        for obstacle in report.obstacles.order_by("id"):
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
                _full_save(obstacle, fields=["needs", "addressed_to"])
            continue
        _full_save(
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
    user: AbstractBaseUser,
    revision: int,
    data: ReportInput,
    uploads: Sequence[tuple[str, bytes]] = (),
    submit: bool = False,
    scope: AccessScope | None = None,
) -> ProgressReport:
    """The report form's save: start the draft when `report` is None, write it, attach the files
    and, if asked, submit — the same checks as `report_start`, `report_save_draft`,
    `attachment_add` and `report_submit` one after the other, with the report locked once.

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
            created = False
            if report is None or report.pk is None:
                report, created = _start(task, period, user, scope)
            if not created:
                report = _locked_report(report)
                if (report.task_id, report.period_id) != (task.pk, period.pk):
                    raise ReportingError(
                        "Báo cáo không thuộc nhiệm vụ và kỳ này.",
                        message_en="Report of another task or period.",
                    )
                report.task = task
            _write_draft(report, scope, revision, data, blank=created and report.supersedes_id is None)
            for name, content in uploads:
                stored.append(_attach(report, scope, name, content))
            if submit:
                _submit(report, user, scope)
    except Exception:
        for attachment in stored:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return report


# Transitions ------------------------------------------------------------------------------------


def _move(report: ProgressReport, action: Action) -> tuple[str, str]:
    after = next_status(report.status, action)
    if after is None:
        raise TransitionError(
            f"Không thể {ACTION_WORDS[action]} báo cáo đang ở trạng thái «{report.get_status_display()}».",
            message_en=f"Cannot {action} a report that is {report.status}.",
        )
    before = report.status
    report.status = after
    return before, after


ACTION_WORDS = {Action.SUBMIT: "gửi", Action.ACCEPT: "chấp nhận", Action.RETURN: "trả lại"}


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
        qn(opts.get_field("label").column),
        qn(opts.get_field("locked_at").column),
        qn(opts.db_table),
        qn(opts.pk.column),
    )
    if connection.vendor == "postgresql":
        sql += " FOR SHARE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [period_id])
        row = cursor.fetchone()
    if row is None:
        raise ReportingPeriod.DoesNotExist
    return row[0], row[1] is not None


@transaction.atomic
def report_submit(
    *, report: ProgressReport, user: AbstractBaseUser, scope: AccessScope | None = None
) -> ProgressReport:
    scope = access_scope(user) if scope is None else scope
    report = _locked_report(report)
    _submit(report, user, scope)
    return report


def _submit(report: ProgressReport, user: AbstractBaseUser, scope: AccessScope) -> None:
    """`report_submit`'s work on a report locked (or created) by this transaction."""
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
    before, after = _move(report, Action.SUBMIT)
    report.submitted_at = timezone.now()
    report.revision += 1
    report.save(update_fields=["status", "submitted_at", "revision", "updated_at"])
    _event(report, user, before, after)


def _review(
    report: ProgressReport, user: AbstractBaseUser, scope: AccessScope, action: Action, comment: str
) -> ProgressReport:
    """Planning-finance's decision on a submitted report, under the row lock, with its event."""
    report = _locked_report(report)
    if not access.may_review(scope, report.task):
        raise NotAllowedError(
            "Bạn không được duyệt báo cáo này.", message_en="You may not review this report."
        )
    before, after = _move(report, action)
    report.reviewed_at = timezone.now()
    report.revision += 1
    report.save(update_fields=["status", "reviewed_at", "revision", "updated_at"])
    event_id = _event(report, user, before, after, comment.strip()).pk
    # The unit hears of it at once (not at the next reminder round), and only if it committed.
    transaction.on_commit(lambda: _notify_reviewed(event_id))
    return report


@transaction.atomic
def report_accept(
    *, report: ProgressReport, user: AbstractBaseUser, comment: str = "", scope: AccessScope | None = None
) -> ProgressReport:
    scope = access_scope(user) if scope is None else scope
    return _review(report, user, scope, Action.ACCEPT, comment)


@transaction.atomic
def report_return(
    *, report: ProgressReport, user: AbstractBaseUser, comment: str, scope: AccessScope | None = None
) -> ProgressReport:
    scope = access_scope(user) if scope is None else scope
    if not comment.strip():
        raise ReportingError(
            "Trả lại báo cáo cần ghi rõ lý do để đơn vị bổ sung.",
            message_en="Say why the report is returned.",
        )
    return _review(report, user, scope, Action.RETURN, comment)


# Obstacles --------------------------------------------------------------------------------------

ANSWERABLE = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


@transaction.atomic
def obstacle_answer(
    *,
    obstacle: Obstacle,
    user: AbstractBaseUser,
    answer: str,
    resolved: bool,
    scope: AccessScope | None = None,
) -> Obstacle:
    """The leader's direction (ý kiến chỉ đạo) on an obstacle; answering again replaces it.

    `resolved` marks the obstacle cleared (đã tháo gỡ), otherwise it is answered (đã có ý kiến).
    The reporting unit's staff are told once the answer has committed.
    """
    scope = access_scope(user) if scope is None else scope
    obstacle = (
        Obstacle.objects.select_for_update(of=("self",))
        .select_related("report__task__plan", "report__period", "report__organisation")
        .get(pk=obstacle.pk)
    )
    report = obstacle.report
    if not access.may_answer_obstacle(scope, report.task):
        raise NotAllowedError(
            "Bạn không được cho ý kiến chỉ đạo về vướng mắc này.",
            message_en="You may not answer this obstacle.",
        )
    if report.status not in ANSWERABLE:
        raise ObstacleNotAnswerableError(
            "Chỉ cho ý kiến về vướng mắc trong báo cáo đã gửi hoặc đã chấp nhận; "
            "báo cáo đang soạn hay bị trả lại vẫn do đơn vị sửa.",
            message_en="Only obstacles of a submitted or accepted report can be answered.",
        )
    answer = answer.strip()
    if not answer:
        raise ReportingError("Hãy nhập ý kiến chỉ đạo.", message_en="Enter the answer.")
    obstacle.answer = answer
    obstacle.status = ObstacleStatus.RESOLVED if resolved else ObstacleStatus.ANSWERED
    obstacle.answered_at = timezone.now()
    obstacle.answered_by = user  # type: ignore[assignment]
    _full_save(obstacle, fields=["answer", "status", "answered_at", "answered_by"])
    obstacle_id, at = obstacle.pk, obstacle.answered_at
    transaction.on_commit(lambda: _notify_answered(obstacle_id, at))
    return obstacle


def _notify_answered(obstacle_id: int, at: dt.datetime) -> None:
    # Reminders build on reporting (its rules read reports), so reporting reaches it only here,
    # after the commit, instead of importing it at the top and making a cycle.
    from nhiemvu.reminders.services import obstacle_answered_notify

    obstacle_answered_notify(obstacle_id=obstacle_id, at=at)


def _notify_reviewed(event_id: int) -> None:
    from nhiemvu.reminders.services import report_reviewed_notify  # after the commit, as above

    report_reviewed_notify(event_id=event_id)


# Attachments ------------------------------------------------------------------------------------

ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}
MAX_UNZIPPED_RATIO = 100


def sniff_content_type(data: bytes) -> str | None:
    """The file's type from its first bytes (and, for Office files, the parts inside the zip).

    >>> sniff_content_type(b"%PDF-1.7 ...")
    'application/pdf'
    >>> sniff_content_type(b"MZ\\x90\\x00 an exe renamed to .pdf") is None
    True
    """
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = archive.infolist()
                unzipped = sum(i.file_size for i in infos)
                # An Office file compresses a few times; a hundredfold is a zip bomb.
                if unzipped > MAX_UNZIPPED_RATIO * max(len(data), 1) or unzipped > 200 * 1024 * 1024:
                    return None
                names = {i.filename for i in infos}
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if any(n.startswith("xl/") for n in names):
                return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def attachment_check(*, name: str, data: bytes) -> str:
    """The content type of an acceptable attachment, or AttachmentError; writes nothing.

    Views check every file of a POST first, so a refused third file doesn't leave the first
    two written to storage by a transaction that then rolls back.
    """
    limit = settings.MAX_ATTACHMENT_BYTES
    if len(data) > limit:
        raise AttachmentError(
            f"Tệp «{name}» lớn hơn {limit // (1024 * 1024)} MB.",
            message_en=f"{name} is larger than the limit.",
        )
    content_type = sniff_content_type(data)
    if content_type is None:
        raise AttachmentError(
            f"Tệp «{name}» không phải PDF, Word (.docx), Excel (.xlsx) hay ảnh PNG/JPEG.",
            message_en=f"{name} is not a PDF, .docx, .xlsx, PNG or JPEG file.",
        )
    return content_type


@transaction.atomic
def attachment_add(
    *,
    report: ProgressReport,
    user: AbstractBaseUser,
    name: str,
    data: bytes,
    scope: AccessScope | None = None,
) -> Attachment:
    scope = access_scope(user) if scope is None else scope
    return _attach(_locked_report(report), scope, name, data)


def _attach(report: ProgressReport, scope: AccessScope, name: str, data: bytes) -> Attachment:
    """`attachment_add`'s work on a report locked (or created) by this transaction."""
    if access.may_write_for(scope, report.organisation_id):
        refuse_accepted(report)  # the unit's own accepted report; anyone else's is a 404 below
    if not access.may_edit(scope, report):
        raise NotAllowedError("Bạn không được đính kèm tệp vào báo cáo này.", message_en="Not allowed.")
    content_type = attachment_check(name=name, data=data)
    stem = name.rsplit(".", 1)[0][:80] or "tep"
    attachment = Attachment(
        report=report, original_name=name[:255], content_type=content_type, size=len(data)
    )
    attachment.file.save(f"{stem}{ALLOWED_TYPES[content_type]}", ContentFile(data), save=False)
    try:
        _full_save(attachment)
    except Exception:
        # Storage is not transactional: a refused row must not leave its file behind.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def plan_activate(*, plan: Plan, user: AbstractBaseUser) -> Plan:
    """Start tracking an imported plan: it becomes active and gets its reporting calendar."""
    if not access.may_manage_periods(access_scope(user), plan.issuer_id):
        raise NotAllowedError(
            "Chỉ Phòng Kế hoạch – Tài chính được đưa kế hoạch vào theo dõi.", message_en="Not allowed."
        )
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.CLOSED:
        raise PlanClosedError(
            "Kế hoạch đã kết thúc, không thể đưa lại vào theo dõi.",
            message_en="The plan is closed; it cannot be activated again.",
        )
    if plan.status != PlanStatus.ACTIVE:
        plan.status = PlanStatus.ACTIVE
        _full_save(plan)
    periods_generate(plan=plan)
    return plan
