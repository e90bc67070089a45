"""Scanned copies of the corpus plans, made the way an office makes them: the plan printed
(LibreOffice), each page rendered to a picture (pdftoppm, 300 dpi, greyscale), then spoilt as a
scanner or a phone spoils it (a tilt of 1–3°, speckle noise, JPEG compression, one page photographed
at an angle), and the pictures put back together into a PDF with no text layer.

Used by the OCR tests and by ``bench/ocr.py``. Needs LibreOffice and poppler-utils (Debian).
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from nhiemvu.ingest.parsing.read import decode_text, strip_markdown
from nhiemvu.lib import soffice

__all__ = [
    "degrade",
    "page_pictures",
    "printed_pdf",
    "scanned_pdf",
    "tools_missing",
    "typed_docx",
    "workbook_of",
]


def tools_missing() -> str | None:
    """What is missing to make scans here, or None."""
    for tool, package in (("pdftoppm", "poppler-utils"), ("tesseract", "tesseract-ocr tesseract-ocr-vie")):
        if shutil.which(tool) is None:
            return f"{tool} is missing (apt-get install {package})"
    if soffice.soffice_path() is None:
        return "LibreOffice is missing (apt-get install libreoffice-writer-nogui)"
    return None


def printed_pdf(document: Path) -> bytes:
    """The plan as it comes out of the printer: a .docx laid out by LibreOffice, a text or Markdown
    file first typed into Word as an office would (Times New Roman 13, A4, Markdown tables as
    tables without borders), a PDF as it is."""
    data = document.read_bytes()
    suffix = document.suffix.lower()
    if suffix == ".pdf":
        return data
    if suffix in {".txt", ".md", ".markdown"}:
        data, suffix = typed_docx(decode_text(data)), ".docx"
    return soffice.convert(data, suffix, "pdf:writer_pdf_Export")


_MD_RULE = re.compile(r"^\|?\s*:?-{3,}")


def typed_docx(text: str) -> bytes:
    """A .docx of a plain-text or Markdown plan: a paragraph per line, Markdown headings bold and
    Markdown tables (the letterhead, the signature) as borderless tables."""
    import docx
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = strip_markdown(cell.replace("<br>", "\n")).strip()
            rows.clear()

    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith("|"):
            if not _MD_RULE.match(stripped):
                rows.append([c.strip() for c in stripped.strip("|").split("|")])
            continue
        flush()
        if not stripped:
            continue
        paragraph = document.add_paragraph()
        run = paragraph.add_run(strip_markdown(stripped).strip())
        run.bold = stripped.startswith("#")
    flush()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def page_pictures(pdf: bytes, dpi: int = 300):
    """Each page of ``pdf`` as a greyscale picture (pdftoppm)."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="nhiemvu-scan-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        # Plain PGM (no -png): the pictures are read back at once, PNG compression would only cost time.
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(source), f"{tmp}/p"], check=True)
        pages = []
        for path in sorted(Path(tmp).glob("p-*.pgm")):
            with Image.open(path) as page:
                pages.append(page.copy())
        return pages


def degrade(page, rng: random.Random, *, photo: bool = False):
    """``page`` tilted by 1–3° (either way), speckled, JPEG-compressed; with ``photo``, also seen at
    an angle (a keystone), unevenly lit and on a darker desk."""
    import numpy as np
    from PIL import Image, ImageFilter

    angle = rng.uniform(1.0, 3.0) * rng.choice((-1, 1))
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if photo:
        width, height = page.size
        pad = int(width * 0.04)
        desk = Image.new("L", (width + 2 * pad, height + 2 * pad), 120)
        desk.paste(page, (pad, pad))
        width, height = desk.size
        shift = width * 0.035
        # Corners of the output taken from these points of the input: the top of the page is
        # farther from the camera (narrower), as when a page on a desk is photographed standing.
        source = [(-shift, 0), (width + shift, 0), (width, height), (0, height)]
        target = [(0, 0), (width, 0), (width, height), (0, height)]
        coefficients = _perspective(target, source)
        page = desk.transform(
            desk.size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC, fillcolor=120
        )
        light = np.linspace(0.82, 1.0, page.size[0], dtype=np.float32)[None, :]
        page = Image.fromarray(np.clip(np.asarray(page, np.float32) * light, 0, 255).astype(np.uint8))
        page = page.filter(ImageFilter.GaussianBlur(0.8))
    pixels = np.asarray(page, np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 14, pixels.shape)
    specks = np.random.default_rng(rng.randrange(2**32)).random(pixels.shape) < 0.0008
    pixels = np.clip(pixels + noise, 0, 255)
    pixels[specks] = 0
    buffer = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(buffer, "JPEG", quality=rng.randint(45, 70))
    buffer.seek(0)
    return Image.open(buffer).copy()


def _perspective(target, source) -> list[float]:
    """The eight coefficients PIL's PERSPECTIVE transform needs to map ``target`` corners onto
    ``source`` corners."""
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    matrix = np.array(rows, dtype=np.float64)
    values = np.array([c for point in source for c in point], dtype=np.float64)
    return np.linalg.solve(matrix, values).tolist()


def scanned_pdf(document: Path, *, seed: int = 2024, photo_page: int | None = None) -> bytes:
    """A scanned copy of ``document``: a PDF of degraded page pictures and no text layer. The page
    numbered ``photo_page`` (1-based), if any, is a phone photo rather than a flatbed scan."""
    rng = random.Random(f"{document.name}:{seed}")
    pages = [
        degrade(page, rng, photo=number == photo_page)
        for number, page in enumerate(page_pictures(printed_pdf(document)), start=1)
    ]
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=300, save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def workbook_of(document: Path) -> bytes:
    """A .docx plan kept as an Excel workbook, as some offices do: each paragraph in a row of
    column A, each table as cells (merged cells merged), in one sheet."""
    import docx
    import openpyxl
    from docx.oxml.ns import qn

    source = docx.Document(str(document))
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    row = 1
    for element in source.element.body.iterchildren():
        if element.tag == qn("w:p"):
            text = "".join(t.text or "" for t in element.iter(qn("w:t"))).strip()
            if text:
                sheet.cell(row=row, column=1, value=text)
                row += 1
        elif element.tag == qn("w:tbl"):
            table = docx.table.Table(element, source)
            for table_row in table.rows:
                seen: list[object] = []
                column = 1
                for cell in table_row.cells:
                    if any(cell._tc is s for s in seen):  # a horizontally merged cell, once
                        continue
                    seen.append(cell._tc)
                    sheet.cell(row=row, column=column, value=cell.text.strip())
                    column += 1
                row += 1
            row += 1  # a table ends at an empty row
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
