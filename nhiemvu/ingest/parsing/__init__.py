"""The plan extractor: a Vietnamese key-task plan (.docx, .pdf, .txt, .md; .doc, .odt, .rtf, .xlsx,
.xls, .ods through LibreOffice or openpyxl; scanned PDFs and page pictures through Tesseract)
-> the plan JSON dict.

Pure Python (no Django), so it runs and is tested as a plain library. Stages: read -> normalise ->
segment -> recognise -> check (see build.py). Only ``ExtractionError`` escapes.
"""

from __future__ import annotations

import os
from pathlib import Path

from .bounded import extract_bounded
from .errors import ExtractionError
from .ocr import Scans
from .outline import render_outline

__all__ = ["ExtractionError", "Scans", "extract_bounded", "extract_bytes", "extract_file", "render_outline"]

MAX_BYTES = 20 * 1024 * 1024


def extract_bytes(
    data: bytes, filename: str, *, max_bytes: int = MAX_BYTES, scans: Scans | None = None
) -> dict:
    """Extract a plan from a file's bytes; ``filename`` helps decide its type. Pages without a
    text layer are recognised, and .doc/.odt/.xls converted, as ``scans`` says; without it they
    are refused with the code "background"."""
    from .build import extract  # keeps `import nhiemvu.ingest.parsing` light

    try:
        return extract(data, filename, max_bytes, scans)
    except ExtractionError:
        raise
    except MemoryError as e:
        raise ExtractionError(
            "too_complex",
            "Tệp quá phức tạp để đọc (vượt giới hạn bộ nhớ)",
            "The file is too complex to read (over the memory limit)",
        ) from e
    except RecursionError as e:
        raise ExtractionError(
            "corrupt", "Tệp có cấu trúc bất thường", "The file has an abnormal structure"
        ) from e
    except Exception as e:  # a bug must not leak a traceback to the user; keep it chained for logs
        raise ExtractionError(
            "corrupt",
            "Không trích xuất được nội dung tệp (lỗi xử lý)",
            f"The file could not be extracted ({type(e).__name__})",
        ) from e


def extract_file(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES, scans: Scans | None = None) -> dict:
    """Extract a plan from a file on disk."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise ExtractionError(
                "too_large",
                f"Tệp quá lớn ({size // (1024 * 1024)} MB); giới hạn là {max_bytes // (1024 * 1024)} MB",
                f"The file is too large ({size // (1024 * 1024)} MB); the limit is {max_bytes // (1024 * 1024)} MB",
            )
        data = p.read_bytes()
    except OSError as e:
        raise ExtractionError(
            "not_found", f"Không đọc được tệp {p.name}", f"Cannot read the file {p.name}"
        ) from e
    return extract_bytes(data, p.name, max_bytes=max_bytes, scans=scans)
