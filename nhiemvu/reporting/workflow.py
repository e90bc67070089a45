"""The review workflow as a table: which action takes a report from which status to which.

draft → submitted (the unit) → accepted | returned (Planning-Finance); returned → submitted.
Services lock the row, look the move up here, and write one ReviewEvent per move.
"""

from __future__ import annotations

from enum import StrEnum

from .models import ReportStatus


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    RETURN = "return"


TRANSITIONS: dict[tuple[str, Action], str] = {
    (ReportStatus.DRAFT, Action.SUBMIT): ReportStatus.SUBMITTED,
    (ReportStatus.RETURNED, Action.SUBMIT): ReportStatus.SUBMITTED,
    (ReportStatus.SUBMITTED, Action.ACCEPT): ReportStatus.ACCEPTED,
    (ReportStatus.SUBMITTED, Action.RETURN): ReportStatus.RETURNED,
}


def next_status(current: str, action: Action) -> str | None:
    """The status `action` leads to from `current`, or None when the move is not allowed.

    >>> next_status("draft", Action.SUBMIT)
    'submitted'
    >>> next_status("accepted", Action.RETURN) is None
    True
    """
    result = TRANSITIONS.get((current, action))
    return str(result) if result is not None else None
