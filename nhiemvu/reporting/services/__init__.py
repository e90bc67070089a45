"""Every write of the reporting cycle, one module per topic (the zulip `actions/` way); import from here.

periods: generate, set send-by dates, lock, unlock · reports: start (or correct), save a draft,
submit, the form's whole save (`report_write`) · review: accept, return, answer an obstacle ·
attachments: check and add a file · plans: put a plan into effect. `common` holds what they share.
"""

from .attachments import (
    ALLOWED_TYPES,
    MAX_UNZIPPED_RATIO,
    attachment_add,
    attachment_check,
    sniff_content_type,
)
from .common import refuse_accepted
from .periods import period_lock, period_set_due, period_unlock, periods_generate
from .plans import plan_activate
from .reports import ObstacleInput, ReportInput, report_save_draft, report_start, report_submit, report_write
from .review import ANSWERABLE, obstacle_answer, report_accept, report_return

__all__ = [
    "ALLOWED_TYPES",
    "ANSWERABLE",
    "MAX_UNZIPPED_RATIO",
    "ObstacleInput",
    "ReportInput",
    "attachment_add",
    "attachment_check",
    "obstacle_answer",
    "period_lock",
    "period_set_due",
    "period_unlock",
    "periods_generate",
    "plan_activate",
    "refuse_accepted",
    "report_accept",
    "report_return",
    "report_save_draft",
    "report_start",
    "report_submit",
    "report_write",
    "sniff_content_type",
]
