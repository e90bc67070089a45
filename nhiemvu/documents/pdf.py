"""The consolidated report as PDF: the .docx converted by LibreOffice headless.

One renderer for two formats: the PDF is exactly the Word document, so what the director
signs on paper and what Planning-Finance edits never drift apart. LibreOffice lays Times New
Roman out with metric-compatible Liberation Serif (Debian's fonts-liberation2).
"""

from __future__ import annotations

from nhiemvu.core.errors import DomainError
from nhiemvu.lib import soffice
from nhiemvu.lib.soffice import soffice_path

__all__ = ["PdfUnavailableError", "docx_to_pdf", "soffice_path"]

TIMEOUT_SECONDS = 180


class PdfUnavailableError(DomainError):
    """LibreOffice is not installed on this server."""


def docx_to_pdf(docx: bytes) -> bytes:
    """Convert .docx bytes to PDF bytes with LibreOffice headless."""
    try:
        return soffice.convert(docx, ".docx", "pdf:writer_pdf_Export", timeout=TIMEOUT_SECONDS)
    except soffice.SofficeMissing as exc:
        raise PdfUnavailableError(
            "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; hãy tải bản .docx "
            "(quản trị viên: apt-get install libreoffice-writer-nogui).",
            message_en="LibreOffice is not installed, so no PDF: download the .docx "
            "(administrators: apt-get install libreoffice-writer-nogui).",
            code="pdf_unavailable",
        ) from exc
    except soffice.ConversionFailed as exc:
        raise DomainError(
            f"LibreOffice không chuyển được báo cáo sang PDF: {exc}",
            message_en="LibreOffice could not convert the report to PDF.",
        ) from exc
