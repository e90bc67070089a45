"""What the reporting services share: saving with the model's checks, the review trail, the row
lock on a report and the workflow's moves."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from nhiemvu.core.services import validated_save

from ..errors import AcceptedReportError, ReportingError, TransitionError
from ..models import ProgressReport, ReportStatus, ReviewEvent
from ..workflow import Action, next_status

ACTION_WORDS = {Action.SUBMIT: "gửi", Action.ACCEPT: "chấp nhận", Action.RETURN: "trả lại"}


def full_save(obj: Any, **clean: Any) -> None:
    validated_save(obj, error=ReportingError, **clean)


def event(
    report: ProgressReport, user: User | None, before: str, after: str, comment: str = ""
) -> ReviewEvent:
    return ReviewEvent.objects.create(
        report=report, actor=user, at=timezone.now(), from_status=before, to_status=after, comment=comment
    )


def locked_report(report: ProgressReport) -> ProgressReport:
    # Lock the report row only: locking the joined task and plan rows too would queue every
    # submission of a plan behind each other.
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("period", "task__plan", "organisation")
        .get(pk=report.pk)
    )


def move(report: ProgressReport, action: Action) -> tuple[str, str]:
    """Apply the workflow's move to `report.status`; the statuses before and after."""
    after = next_status(report.status, action)
    if after is None:
        raise TransitionError(
            f"Không thể {ACTION_WORDS[action]} báo cáo đang ở trạng thái «{report.get_status_display()}».",
            message_en=f"Cannot {action} a report that is {report.status}.",
        )
    before = report.status
    report.status = after
    return before, after


def refuse_accepted(report: ProgressReport) -> None:
    """An accepted report is frozen: say so, and that a correction is the way to change it."""
    if report.status == ReportStatus.ACCEPTED:
        raise AcceptedReportError(
            "Báo cáo đã được chấp nhận, không thể sửa. Hãy lập báo cáo đính chính.",
            message_en="An accepted report cannot be changed; create a correction.",
        )
