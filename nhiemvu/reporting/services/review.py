"""Planning-Finance's decision on a submitted report, and the leader's answer to an obstacle."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from nhiemvu.organisations.selectors import AccessScope, access_scope

from .. import access, signals
from ..errors import NotAllowedError, ObstacleNotAnswerableError, ReportingError
from ..models import Obstacle, ObstacleStatus, ProgressReport, ReportStatus
from ..workflow import Action
from ._common import event, full_save, locked_report, move

ANSWERABLE = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


@transaction.atomic
def report_accept(
    *, report: ProgressReport, user: User, comment: str = "", scope: AccessScope | None = None
) -> ProgressReport:
    return _review(report, user, scope, Action.ACCEPT, comment)


@transaction.atomic
def report_return(
    *, report: ProgressReport, user: User, comment: str, scope: AccessScope | None = None
) -> ProgressReport:
    if not comment.strip():
        raise ReportingError(
            "Trả lại báo cáo cần ghi rõ lý do để đơn vị bổ sung.",
            message_en="Say why the report is returned.",
        )
    return _review(report, user, scope, Action.RETURN, comment)


def _review(
    report: ProgressReport, user: User, scope: AccessScope | None, action: Action, comment: str
) -> ProgressReport:
    """What accepting and returning share: the move under the row lock, its event, the notice."""
    scope = access_scope(user) if scope is None else scope
    report = locked_report(report)
    if not access.may_review(scope, report.task):
        raise NotAllowedError(
            "Bạn không được duyệt báo cáo này.", message_en="You may not review this report."
        )
    before, after = move(report, action)
    report.reviewed_at = timezone.now()
    report.revision += 1
    report.save(update_fields=["status", "reviewed_at", "revision", "updated_at"])
    event_id = event(report, user, before, after, comment.strip()).pk
    # The unit hears of it at once (not at the next reminder round), and only if it committed.
    transaction.on_commit(lambda: signals.report_reviewed.send(sender=ProgressReport, event_id=event_id))
    return report


@transaction.atomic
def obstacle_answer(
    *,
    obstacle: Obstacle,
    user: User,
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
    obstacle.answered_by = user
    full_save(obstacle, fields=["answer", "status", "answered_at", "answered_by"])
    obstacle_id, at = obstacle.pk, obstacle.answered_at
    transaction.on_commit(
        lambda: signals.obstacle_answered.send(sender=Obstacle, obstacle_id=obstacle_id, at=at)
    )
    return obstacle
