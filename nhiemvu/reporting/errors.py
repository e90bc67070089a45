"""What the reporting services refuse, in words a civil servant can act on."""

from __future__ import annotations

from nhiemvu.core.errors import DomainError


class ReportingError(DomainError):
    code = "reporting_error"


class NotAllowedError(ReportingError):
    """The user may not do this to this report; views turn it into a 404 or a message."""

    code = "not_allowed"


class TransitionError(ReportingError):
    code = "invalid_transition"


class ConflictError(ReportingError):
    """Someone else saved the report after this form was opened."""

    code = "edit_conflict"


class PeriodLockedError(ReportingError):
    code = "period_locked"


class AcceptedReportError(ReportingError):
    code = "accepted_report_frozen"


class AttachmentError(ReportingError):
    code = "attachment_refused"


class AttachmentMissingError(ReportingError):
    """The attachment's row is there but storage no longer has its file (lost, restored without media)."""

    code = "attachment_file_missing"


class PlanClosedError(ReportingError):
    code = "plan_closed"


class ObstacleNotAnswerableError(TransitionError):
    """The obstacle's report is still the unit's draft (or returned to it): nobody answers it yet."""

    code = "obstacle_not_answerable"
