"""Turning a consolidated report into a file: one entry point for the web, the command and the bench."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from nhiemvu.organisations.models import Organisation
from nhiemvu.reporting.models import ProgressReport

from .data import PeriodReport
from .models import JobStatus, ReportJob, ReportTemplate, TemplateKind

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FORMATS = tuple(CONTENT_TYPES)


@dataclass(frozen=True)
class RenderedReport:
    content: bytes
    content_type: str
    filename: str


def _period_docx(report: PeriodReport) -> bytes:
    """The agency's own template when it has uploaded one, else the built-in layout."""
    template = template_in_force(report.issuer_id, TemplateKind.PERIOD) if report.issuer_id else None
    if template is not None:
        from .templating import render_period_from_template

        return render_period_from_template(template, report)
    from .docx import render_docx

    return render_docx(report)


def report_render(*, report: PeriodReport, fmt: str) -> RenderedReport:
    """The report in one format; raises PdfUnavailableError for a PDF when LibreOffice is missing."""
    if fmt == "docx":
        content = _period_docx(report)
    elif fmt == "xlsx":
        from .xlsx import render_xlsx

        content = render_xlsx(report)
    elif fmt == "pdf":
        from .pdf import docx_to_pdf

        content = docx_to_pdf(_period_docx(report))
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return RenderedReport(
        content=content, content_type=CONTENT_TYPES[fmt], filename=f"{report.filename}.{fmt}"
    )


UNIT_FORMATS = ("docx", "pdf")


def unit_report_render(*, report: ProgressReport, fmt: str) -> RenderedReport:
    """One unit's progress report as an official .docx or .pdf; PdfUnavailableError without LibreOffice."""
    from .docx import render_unit_docx
    from .unit_report import build_unit_report

    unit = build_unit_report(report)
    template = template_in_force(report.task.plan.issuer_id, TemplateKind.UNIT)
    if template is not None:
        from .templating import render_unit_from_template

        content = render_unit_from_template(template, unit)
    else:
        content = render_unit_docx(unit)
    if fmt == "pdf":
        from .pdf import docx_to_pdf

        content = docx_to_pdf(content)
    elif fmt != "docx":
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(UNIT_FORMATS)}")
    return RenderedReport(content=content, content_type=CONTENT_TYPES[fmt], filename=f"{unit.filename}.{fmt}")


# An agency's own templates ----------------------------------------------------------------------------


def template_in_force(organisation_id: int, kind: str) -> bytes | None:
    """The template the agency uploaded for this kind of report, or None for the default."""
    content = (
        ReportTemplate.objects.filter(organisation_id=organisation_id, kind=kind)
        .values_list("content", flat=True)
        .first()
    )
    return bytes(content) if content is not None else None


@transaction.atomic
def template_save(
    *, user: Any, organisation: Organisation, kind: str, content: bytes, name: str
) -> ReportTemplate:
    """Keep an uploaded template once it has rendered a trial report; a TemplateProblem (naming
    the paragraph at fault) leaves the template in force untouched."""
    from .templating import template_check

    template_check(content, kind)
    row, _ = ReportTemplate.objects.update_or_create(
        organisation=organisation,
        kind=kind,
        defaults={"content": content, "original_name": name[:255], "uploaded_by": user},
    )
    return row


def template_reset(*, organisation: Organisation, kind: str) -> bool:
    """Back to the default template; True when there was one of the agency's own."""
    deleted, _ = ReportTemplate.objects.filter(organisation=organisation, kind=kind).delete()
    return bool(deleted)


# --- reports built by the background worker ------------------------------------------------------

# What the pages hand to the worker rather than build while the person waits: a PDF (LibreOffice
# takes seconds) and any provincial report (twenty agencies' plans).
PERIOD_BACKGROUND_FORMATS = ("pdf",)
JOB_FAILED_EN = "The report could not be built because of an error; try again or tell the administrator."
JOB_FAILED_VI = "Lỗi xử lý khi tạo báo cáo; hãy thử lại hoặc báo quản trị viên."


def report_job_request(*, user: Any, request: dict[str, Any], fmt: str) -> ReportJob:
    """Queue a report for the worker (the caller enqueues ``tasks.build_report_job``). ``request``:
    {"period": pk} for an agency's period report, {"province": key, "plans": [pk, ...]} for the
    province's. Who may have it is checked when it is built, as the page checks it."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return ReportJob.objects.create(requested_by=user, request=request, fmt=fmt)


def report_job_run(*, job_id: int) -> JobStatus | None:
    """The background job: build the requested report as its requester may see it now, keep the
    file, or record why not. Never leaves the job queued. None if there was nothing to do."""
    import logging

    from django.http import Http404
    from django.utils import translation

    from nhiemvu.core.errors import DomainError

    from .access import period_for_report, provincial_periods
    from .data import DOCUMENT_LANGUAGE, ReportOptions, build_report

    job = ReportJob.objects.select_related("requested_by").filter(pk=job_id, status=JobStatus.QUEUED).first()
    if job is None:
        return None
    user, wanted = job.requested_by, job.request
    try:
        with translation.override(DOCUMENT_LANGUAGE):
            if "period" in wanted:
                report = build_report(
                    [period_for_report(user, int(wanted["period"]))], options=ReportOptions()
                )
            else:
                periods, province = provincial_periods(
                    user, str(wanted["province"]), plan_ids=wanted["plans"]
                )
                if not periods:
                    raise Http404
                report = build_report(periods, province=province)
            rendered = report_render(report=report, fmt=job.fmt)
    except Http404:
        job.failure = {
            "vi": "Bạn không còn quyền xem báo cáo này, hoặc kỳ báo cáo không còn.",
            "en": "You may no longer see this report, or its period is gone.",
        }
    except DomainError as exc:
        job.failure = {"vi": exc.message, "en": exc.message_en or exc.message}
    except Exception:  # a bug must not leave the job queued for ever
        logging.getLogger(__name__).exception("report job %s failed", job_id)
        job.failure = {"vi": JOB_FAILED_VI, "en": JOB_FAILED_EN}
    else:
        job.content, job.filename = rendered.content, rendered.filename[:255]
        job.status = JobStatus.DONE
        job.save(update_fields=["content", "filename", "status", "updated_at"])
        return JobStatus.DONE
    job.status = JobStatus.FAILED
    job.save(update_fields=["failure", "status", "updated_at"])
    return JobStatus.FAILED


def report_jobs_expire(*, now: Any = None) -> int:
    """Drop the reports the worker built more than REPORT_JOB_DAYS ago (they can be built again)."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.REPORT_JOB_DAYS)
    deleted, _ = ReportJob.objects.filter(created_at__lt=cutoff).delete()
    return deleted
