"""The consolidated report as PDF: the .docx converted by LibreOffice headless.

One renderer for two formats: the PDF is exactly the Word document, so what the director
signs on paper and what Planning-Finance edits never drift apart. LibreOffice lays Times New
Roman out with metric-compatible Liberation Serif (Debian's fonts-liberation2).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from nhiemvu.core.errors import DomainError

TIMEOUT_SECONDS = 180


class PdfUnavailableError(DomainError):
    """LibreOffice is not installed on this server."""


def soffice_path() -> str | None:
    """The LibreOffice binary on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes) -> bytes:
    """Convert .docx bytes to PDF bytes with LibreOffice headless."""
    binary = soffice_path()
    if binary is None:
        raise PdfUnavailableError(
            "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; hãy tải bản .docx "
            "(quản trị viên: apt-get install libreoffice-writer-nogui).",
            message_en="LibreOffice is not installed, so no PDF: download the .docx "
            "(administrators: apt-get install libreoffice-writer-nogui).",
            code="pdf_unavailable",
        )
    with tempfile.TemporaryDirectory(prefix="nhiemvu-pdf-") as tmp:
        work = Path(tmp)
        source = work / "bao-cao.docx"
        source.write_bytes(docx)
        # A profile of its own: two conversions at once would otherwise fight over ~/.config's lock.
        profile = (work / "profile").as_uri()
        result = subprocess.run(
            [
                binary,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(work),
                str(source),
            ],
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        target = work / "bao-cao.pdf"
        if result.returncode != 0 or not target.exists():
            raise DomainError(
                "LibreOffice không chuyển được báo cáo sang PDF: "
                + (result.stderr.decode(errors="replace").strip() or f"mã lỗi {result.returncode}"),
                message_en="LibreOffice could not convert the report to PDF.",
            )
        return target.read_bytes()
