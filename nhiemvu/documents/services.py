"""Turning a consolidated report into a file: one entry point for the web, the command and the bench."""

from __future__ import annotations

from dataclasses import dataclass

from nhiemvu.reporting.models import ProgressReport

from .data import PeriodReport

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


def report_render(*, report: PeriodReport, fmt: str) -> RenderedReport:
    """The report in one format; raises PdfUnavailableError for a PDF when LibreOffice is missing."""
    if fmt == "docx":
        from .docx import render_docx

        content = render_docx(report)
    elif fmt == "xlsx":
        from .xlsx import render_xlsx

        content = render_xlsx(report)
    elif fmt == "pdf":
        from .pdf import render_pdf

        content = render_pdf(report)
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
    content = render_unit_docx(unit)
    if fmt == "pdf":
        from .pdf import docx_to_pdf

        content = docx_to_pdf(content)
    elif fmt != "docx":
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(UNIT_FORMATS)}")
    return RenderedReport(content=content, content_type=CONTENT_TYPES[fmt], filename=f"{unit.filename}.{fmt}")
