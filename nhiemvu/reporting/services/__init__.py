"""Every write of the reporting cycle, one module per topic and one function per operation:

    periods.py       periods_generate, period_lock, period_unlock, period_set_due
    reports.py       report_start, report_save_draft, report_submit, report_write (the form's save)
    review.py        report_accept, report_return, obstacle_answer
    attachments.py   attachment_uploads_read, attachment_check, attachment_add
    plans.py         plan_activate
    holidays.py      holiday_year_ensure, holiday_add, holiday_remove, workday_add, workday_remove,
                     holiday_year_confirm, periods_redate

Import from here: `from nhiemvu.reporting.services import report_submit`. Reads are in
`nhiemvu.reporting.selectors` (`reporting_frequency` among them).
"""

from __future__ import annotations

from ._common import refuse_accepted
from .attachments import (
    ALLOWED_TYPES,
    MAX_UNZIPPED_RATIO,
    attachment_add,
    attachment_check,
    attachment_uploads_read,
    sniff_content_type,
)
from .holidays import (
    holiday_add,
    holiday_remove,
    holiday_year_confirm,
    holiday_year_ensure,
    periods_redate,
    workday_add,
    workday_remove,
)
from .periods import period_lock, period_set_due, period_unlock, periods_generate
from .plans import plan_activate
from .reports import (
    ObstacleInput,
    ReportInput,
    report_save_draft,
    report_start,
    report_submit,
    report_write,
)
from .review import ANSWERABLE, obstacle_answer, report_accept, report_return

__all__ = [
    "ALLOWED_TYPES",
    "ANSWERABLE",
    "MAX_UNZIPPED_RATIO",
    "ObstacleInput",
    "ReportInput",
    "attachment_add",
    "attachment_check",
    "attachment_uploads_read",
    "holiday_add",
    "holiday_remove",
    "holiday_year_confirm",
    "holiday_year_ensure",
    "obstacle_answer",
    "period_lock",
    "period_set_due",
    "period_unlock",
    "periods_generate",
    "periods_redate",
    "plan_activate",
    "refuse_accepted",
    "report_accept",
    "report_return",
    "report_save_draft",
    "report_start",
    "report_submit",
    "report_write",
    "sniff_content_type",
    "workday_add",
    "workday_remove",
]
