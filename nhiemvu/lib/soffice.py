"""LibreOffice headless as a converter: one document in, one document out, in a private profile.

Used for the report's PDF (.docx → .pdf) and for plans that arrive in formats python-docx and
openpyxl cannot read (.doc, .odt, .rtf → .docx; .xls, .ods → .xlsx). Pure Python, no Django.

LibreOffice runs no document macros here: a headless conversion loads the file with the default
macro security (only signed macros from trusted locations may run, and there are none), and the
private profile is thrown away with the temporary directory.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["ConversionFailed", "SofficeMissing", "convert", "soffice_path"]


class SofficeMissing(Exception):
    """LibreOffice is not installed on this machine."""


class ConversionFailed(Exception):
    """LibreOffice could not open or convert the document (or ran out of time)."""


def soffice_path() -> str | None:
    """The LibreOffice binary on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(
    data: bytes, suffix: str, target: str, *, timeout: float = 180, infilter: str | None = None
) -> bytes:
    """``data`` (a document whose type ``suffix`` names, e.g. ".doc") converted to ``target``, a
    LibreOffice filter such as "docx:MS Word 2007 XML" or "pdf:writer_pdf_Export". ``infilter``
    names the only import filter to try (else LibreOffice guesses, and reads what it cannot
    recognise as plain text)."""
    binary = soffice_path()
    if binary is None:
        raise SofficeMissing("soffice not found")
    with tempfile.TemporaryDirectory(prefix="nhiemvu-soffice-") as tmp:
        work = Path(tmp)
        source = work / f"tai-lieu{suffix}"
        source.write_bytes(data)
        # A profile of its own: two conversions at once would otherwise fight over ~/.config's lock.
        profile = (work / "profile").as_uri()
        command = [
            binary, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to", target, "--outdir", str(work / "out"), str(source),
        ]  # fmt: skip
        try:
            result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:  # run() has killed soffice
            raise ConversionFailed(f"timed out after {timeout:.0f} s") from exc
        produced = list((work / "out").glob("tai-lieu.*"))
        if result.returncode != 0 or not produced or produced[0].stat().st_size == 0:
            detail = result.stderr.decode(errors="replace").strip() or f"exit status {result.returncode}"
            raise ConversionFailed(detail)
        return produced[0].read_bytes()
