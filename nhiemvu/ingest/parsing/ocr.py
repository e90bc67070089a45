"""Reading a scanned page: Tesseract's Vietnamese model, after the page is turned upright and
straightened, with the ruled tables found from the picture's own lines.

What comes out has the shape the PDF reader gives for a text page (lines with their x positions
and tops in points, and tables as rows of cell texts), so a scan goes through the same paragraph
and table rules as a born-digital PDF. Each page also says how sure the recogniser was: the mean
confidence of its words and the words it was least sure of, which the review screen marks.

Tesseract (Debian's ``tesseract-ocr`` and ``tesseract-ocr-vie``) runs as a child process through
pytesseract; NumPy measures the skew and finds the rules. Pure Python otherwise, no Django.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nhiemvu.lib.vntext import normalise

from .errors import ExtractionError

if TYPE_CHECKING:  # pragma: no cover
    from PIL.Image import Image

__all__ = [
    "LOW_PAGE_CONFIDENCE",
    "LOW_WORD_CONFIDENCE",
    "OcrPage",
    "Scans",
    "image_pages",
    "ocr_page",
    "pdf_page_image",
    "tesseract_ready",
    "text_layer_usable",
]

DPI = 300
# Horizontal gap (points) between two words of a line that means two columns: the letterhead
# and the "Nơi nhận | signature" block are laid out side by side (the PDF reader's rule too).
COLUMN_GAP = 24.0
POINTS = 72 / DPI  # one pixel at DPI, in points
# Words below this confidence (0–100, Tesseract's own scale) are marked for a person to check;
# a page whose mean is below LOW_PAGE_CONFIDENCE is named on the review screen.
LOW_WORD_CONFIDENCE = 60
LOW_PAGE_CONFIDENCE = 80
# A page picture larger than this is refused before it is decoded (a "pixel bomb": a few KB of
# PNG that decodes to gigabytes); an A4 page at 600 dpi is 35 million pixels.
MAX_PIXELS = 80_000_000
# Pictures are brought to about 300 dpi for A4 before recognition: a 12-megapixel phone photo
# gains nothing from its full size and costs four times the time.
MAX_SIDE = 3600
TESSERACT_LANG = "vie"
# Seconds Tesseract may spend on one page before it is stopped (pytesseract kills it).
PAGE_SECONDS = 120
# Characters a Vietnamese text layer is made of; a page whose text is mostly something else was
# written with a legacy font (TCVN3/VNI: "KÕ ho¹ch") or without a character map, and is read again
# from its picture.
_VIETNAMESE = set(
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵfjwz"
)


@dataclass(slots=True)
class Scans:
    """Whether and how pages without a usable text layer are read: ``None`` in their place means
    "not here" (the web's quick path hands such a file to a background job)."""

    max_pages: int = 100
    # Pages recognised at once (each a Tesseract process): the machine's cores, at most two.
    threads: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))
    # Called after each page with (pages done, pages in all): the job's progress bar.
    progress: Callable[[int, int], None] | None = None
    # Filled while reading: one report per recognised page (OcrPage.report()).
    pages: list[dict] = field(default_factory=list)


@dataclass(slots=True)
class OcrPage:
    """One recognised page: lines (x0, x1, top, text, is_column_piece) and tables in points,
    as ``read`` builds them for a PDF page, and how sure the recogniser was."""

    number: int
    height: float
    lines: list[tuple[float, float, float, str, bool]] = field(default_factory=list)
    tables: list[tuple[float, list[list[str]], list[float]]] = field(default_factory=list)
    confidence: float = 0.0
    words: int = 0
    low_words: list[tuple[str, int]] = field(default_factory=list)
    rotated: int = 0
    skew: float = 0.0

    def report(self) -> dict:
        """The page as the plan JSON's ``ocr.pages`` item."""
        return {
            "page": self.number,
            "confidence": round(self.confidence, 1),
            "words": self.words,
            "low_words": [{"text": t, "confidence": c} for t, c in self.low_words],
            "rotated": self.rotated,
            "skew": round(self.skew, 2),
        }


def _fail(code: str, vi: str, en: str) -> ExtractionError:
    return ExtractionError(code, vi, en)


def tesseract_ready() -> bool:
    """Whether Tesseract and its Vietnamese model are installed."""
    import shutil

    import pytesseract

    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return False
    try:
        return TESSERACT_LANG in pytesseract.get_languages(config="")
    except pytesseract.TesseractError:
        return False


def _require_tesseract() -> None:
    if not tesseract_ready():
        raise _fail(
            "ocr_unavailable",
            "Máy chủ chưa cài bộ nhận dạng chữ (Tesseract tiếng Việt) nên chưa đọc được bản scan; "
            "quản trị viên: apt-get install tesseract-ocr tesseract-ocr-vie",
            "Text recognition (Tesseract with Vietnamese) is not installed, so scans cannot be read; "
            "administrators: apt-get install tesseract-ocr tesseract-ocr-vie",
        )


# ------------------------------------------------------------------------------------- text layer


def text_layer_usable(text: str, *, picture_share: float = 0.0) -> bool:
    """Whether a PDF page's text layer is real Vietnamese text: not empty, not the garbage a legacy
    font or a missing character map leaves, and not a few words (a signature stamp, a scanner's
    page header) over a page that is a picture. Otherwise the page is read from its picture.

    >>> text_layer_usable("Kế hoạch thực hiện các nhiệm vụ trọng tâm năm 2023 của Sở Nông nghiệp")
    True
    >>> text_layer_usable("KÕ ho¹ch thùc hiÖn c¸c nhiÖm vô träng t©m n¨m 2023 cña Së N«ng nghiÖp")
    False
    >>> text_layer_usable("   "), text_layer_usable("Ký bởi: Sở Nông nghiệp", picture_share=0.9)
    (False, False)
    """
    chars = [c for c in text if not c.isspace()]
    letters = sum(c.isalpha() for c in chars)
    if letters < 2:
        return False
    if picture_share >= _PICTURE_PAGE and letters < _STAMP_LETTERS:
        return False
    return sum(_odd(c) for c in chars) <= _ODD_SHARE * len(chars)


# A page whose pictures cover this share of it, with fewer letters than _STAMP_LETTERS in its
# text layer, is a scan (perhaps digitally signed: the signature stamp is text).
_PICTURE_PAGE = 0.5
_STAMP_LETTERS = 200
# A text layer with more than this share of characters no Vietnamese text is made of is garbage.
_ODD_SHARE = 0.04
_ALLOWED_MARKS = set("“”‘’–—…•°²³×·«»§")


def _odd(c: str) -> bool:
    """A character Vietnamese text is not made of (a legacy font's "¹", "Ö", "©")."""
    if c.isalpha():
        return c.lower() not in _VIETNAMESE
    return not ((c.isascii() and c.isprintable()) or c in _ALLOWED_MARKS)


# ----------------------------------------------------------------------------------------- pictures


def _bounded_open(data: bytes) -> Image:
    from PIL import Image as PILImage

    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            image = PILImage.open(io.BytesIO(data))
            width, height = image.size
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as e:
            raise _too_many_pixels() from e
        except Exception as e:  # UnidentifiedImageError, a truncated header...
            raise _fail("corrupt", "Tệp ảnh bị hỏng hoặc không đọc được", "The image file is corrupt") from e
    if width * height > MAX_PIXELS:
        raise _too_many_pixels()
    return image


def _too_many_pixels() -> ExtractionError:
    return _fail(
        "too_complex",
        f"Ảnh quá lớn (hơn {MAX_PIXELS // 1_000_000} triệu điểm ảnh); hãy chụp hoặc quét lại ở 300 dpi",
        f"The picture is too large (over {MAX_PIXELS // 1_000_000} million pixels); scan it at 300 dpi",
    )


def image_pages(data: bytes, *, max_pages: int) -> Iterator[Image]:
    """The pages of a picture file (a multi-page TIFF has several), upright as the camera saw them
    (EXIF orientation), in greyscale."""
    from PIL import ImageOps

    image = _bounded_open(data)
    count = getattr(image, "n_frames", 1)
    if count > max_pages:
        raise too_many_pages(count, max_pages)
    for number in range(count):
        try:
            image.seek(number)
            if image.size[0] * image.size[1] > MAX_PIXELS:
                raise _too_many_pixels()
            page = ImageOps.exif_transpose(image.convert("RGB")) or image
            yield _fit(page.convert("L"))
        except ExtractionError:
            raise
        except Exception as e:
            raise _fail("corrupt", "Tệp ảnh bị hỏng hoặc không đọc được", "The image file is corrupt") from e


def too_many_pages(count: int, limit: int) -> ExtractionError:
    return _fail(
        "too_many_pages",
        f"Bản scan có {count} trang, quá giới hạn {limit} trang; hãy tách phần kế hoạch ra tệp riêng",
        f"The scan has {count} pages, over the limit of {limit}; upload the plan's pages on their own",
    )


def _fit(image: Image) -> Image:
    from PIL import Image as PILImage

    longest = max(image.size)
    if longest <= MAX_SIDE:
        return image
    ratio = MAX_SIDE / longest
    return image.resize(
        (round(image.size[0] * ratio), round(image.size[1] * ratio)), PILImage.Resampling.LANCZOS
    )


def pdf_page_image(pdf, index: int) -> Image:
    """Page ``index`` of a pypdfium2 document as a greyscale picture at 300 dpi (less for a page so
    large that 300 dpi would pass MAX_PIXELS)."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        scale = DPI / 72
        if width * height * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / (width * height)) ** 0.5
        return page.render(scale=scale, grayscale=True).to_pil().convert("L")
    finally:
        page.close()


# ------------------------------------------------------------------------------- upright, straight


def _orientation(image: Image) -> int:
    """Degrees (0, 90, 180, 270) Tesseract's orientation detector would turn the page by; 0 when
    it cannot tell (too little text) or is not confident."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(
            image, config="--psm 0", output_type=pytesseract.Output.DICT, timeout=60
        )
    except (pytesseract.TesseractError, RuntimeError):
        return 0
    angle = int(osd.get("rotate", 0)) % 360
    return angle if float(osd.get("orientation_conf", 0)) >= 2.0 else 0


def _skew(image: Image) -> float:
    """The angle (degrees, counter-clockwise) that makes the text lines horizontal: the one whose
    row profile of dark pixels is the sharpest, on a small copy, in two passes (0.5° then 0.1°)."""
    import numpy as np
    from PIL import Image as PILImage

    small = image.copy()
    small.thumbnail((1000, 1000))
    dark = small.point(lambda v: 255 if v < 140 else 0)

    def sharpness(angle: float) -> float:
        turned = np.asarray(
            dark.rotate(angle, resample=PILImage.Resampling.NEAREST, fillcolor=0), dtype=np.float32
        )
        profile = turned.sum(axis=1)
        return float(np.square(np.diff(profile)).sum())

    best = max((a / 2 for a in range(-10, 11)), key=sharpness)
    return max((best + a / 10 for a in range(-4, 5)), key=sharpness)


def _deskewed(image: Image) -> tuple[Image, float]:
    from PIL import Image as PILImage

    skew = _skew(image)
    if abs(skew) >= 0.1:
        image = image.rotate(skew, resample=PILImage.Resampling.BICUBIC, expand=False, fillcolor=255)
    return image, skew


# -------------------------------------------------------------------------------------------- rules


def _runs(dark: Any, length: int, axis: int) -> Any:
    """Mask of the dark pixels lying on a straight run of at least ``length`` along ``axis``."""
    import numpy as np

    # int16 holds a count along a page's side (under 32,767 pixels): half the memory of int32.
    count = np.int16 if dark.shape[axis] < 32_000 else np.int32
    moved = np.moveaxis(dark, axis, -1).astype(count)
    csum = np.concatenate(
        [np.zeros((*moved.shape[:-1], 1), count), np.cumsum(moved, axis=-1, dtype=count)], axis=-1
    )
    full = (csum[..., length:] - csum[..., :-length]) == length  # window starting at i is all dark
    starts = np.concatenate([full, np.zeros((*moved.shape[:-1], length - 1), bool)], axis=-1)
    cover: Any = np.cumsum(starts, axis=-1, dtype=count)
    cover[..., length:] -= cover[..., :-length].copy()
    return np.moveaxis(cover > 0, -1, axis)


def _lines_of(mask, axis: int) -> list[tuple[int, int, int]]:
    """(position, start, end) of each rule in ``mask``: neighbouring rows (axis 0) or columns
    (axis 1) with at least _RULE_PIXELS pixels on a rule run, merged into one."""
    import numpy as np

    counts = mask.sum(axis=1 - axis)
    hits = np.flatnonzero(counts >= _RULE_PIXELS)
    rules: list[tuple[int, int, int]] = []
    group: list[int] = []
    for index in [*hits.tolist(), 1 << 30]:
        if group and index - group[-1] > 3:
            band = mask[group[0] : group[-1] + 1, :] if axis == 0 else mask[:, group[0] : group[-1] + 1].T
            covered = np.flatnonzero(band.any(axis=0))
            rules.append(((group[0] + group[-1]) // 2, int(covered[0]), int(covered[-1])))
            group = []
        group.append(index)
    return rules


# A rule is a straight run of at least this many dark pixels (a fifth of an inch at 300 dpi).
RULE_RUN = 60
# A row or column with fewer rule pixels than this holds no rule.
_RULE_PIXELS = 30


@dataclass(slots=True)
class _Grid:
    """A ruled table found in the picture, in pixels."""

    rows: list[int]  # y of its horizontal rules, top to bottom
    columns: list[int]  # x of its vertical rules, left to right
    verticals: list[tuple[int, int, int]]  # every vertical rule (x, top, bottom), for merged cells

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.columns[0], self.rows[0], self.columns[-1], self.rows[-1]

    def crosses(self, x: int, top: int, bottom: int) -> bool:
        """Whether a vertical rule at ``x`` runs through the band between ``top`` and ``bottom``."""
        middle = (top + bottom) // 2
        return any(abs(vx - x) <= 6 and vt <= middle <= vb for vx, vt, vb in self.verticals)


def _thin(dark, axis: int, reach: int = 5):
    """The dark pixels with light pixels ``reach`` away on both sides across ``axis``: strokes and
    rules, not the solid dark of a desk or a scanner's edge."""
    import numpy as np

    before = np.roll(dark, reach, axis=axis)
    after = np.roll(dark, -reach, axis=axis)
    return dark & ~before & ~after


def _rules(image: Image):
    """The page's horizontal rules (y, x0, x1), its vertical rules (x, top, bottom), and the mask
    of their pixels."""
    import numpy as np

    dark = np.asarray(image) < 170
    across = _runs(_thin(dark, 0), RULE_RUN, axis=1)
    down = _runs(_thin(dark, 1), RULE_RUN, axis=0)
    return _lines_of(across, 0), _lines_of(down, 1), across | down


def _wiped(image: Image, mask) -> Image:
    """``image`` with the rules' pixels (and a pixel around them) made white: an underline or a
    cell border touching the letters misleads the recogniser ("SỞ Y TẾ" read as "ý SUYTE")."""
    import numpy as np
    from PIL import Image as PILImage

    grown = mask.copy()  # and two pixels around, each way
    for shift in (1, 2):
        grown[shift:, :] |= mask[:-shift, :]
        grown[:-shift, :] |= mask[shift:, :]
        grown[:, shift:] |= mask[:, :-shift]
        grown[:, :-shift] |= mask[:, shift:]
    pixels = np.asarray(image).copy()
    pixels[grown] = 255
    return PILImage.fromarray(pixels)


def _grids(
    horizontals: list[tuple[int, int, int]], verticals: list[tuple[int, int, int]], width: int
) -> list[_Grid]:
    """The ruled tables of a page: at least two horizontal rules that share an extent and two
    vertical rules between them."""
    horizontals = [h for h in horizontals if h[2] - h[1] >= width // 4]
    grids: list[_Grid] = []
    used: set[int] = set()
    for i, (_y, x0, x1) in enumerate(horizontals):
        if i in used:
            continue
        # The rules of one table overlap along most of their length (a rule may stop short where
        # its first cell is narrow or the scan broke it).
        members = [
            j
            for j, (_y, a, b) in enumerate(horizontals)
            if j not in used and min(b, x1) - max(a, x0) >= 0.6 * min(b - a, x1 - x0)
        ]
        x0 = min(horizontals[j][1] for j in members)
        x1 = max(horizontals[j][2] for j in members)
        rows = [horizontals[j][0] for j in members]
        if len(rows) < 2:
            continue
        top, bottom = min(rows), max(rows)
        inner = [
            v
            for v in verticals
            if x0 - RULE_RUN <= v[0] <= x1 + RULE_RUN and v[1] <= bottom + 6 and v[2] >= top - 6
        ]
        columns = sorted({v[0] for v in inner})
        merged: list[int] = []
        for x in columns:
            if merged and x - merged[-1] <= 12:
                continue
            merged.append(x)
        if len(merged) < 3:  # a frame is not a table: it needs an inner column rule
            continue
        used.update(members)
        grids.append(_Grid(sorted(rows), merged, inner))
    return grids


# ------------------------------------------------------------------------------------- recognition


@dataclass(slots=True)
class _Word:
    text: str
    confidence: int
    left: int
    top: int
    right: int
    bottom: int
    line: tuple[int, int, int]  # Tesseract's (block, paragraph, line)

    @property
    def middle(self) -> tuple[int, int]:
        return (self.left + self.right) // 2, (self.top + self.bottom) // 2


@contextlib.contextmanager
def _picture_file(image: Image) -> Iterator[str]:
    """``image`` in a temporary uncompressed file for Tesseract: pytesseract would otherwise encode
    a PNG of the page first, which took longer than a third of Tesseract's own time."""
    with tempfile.NamedTemporaryFile(suffix=".pgm", prefix="nhiemvu-ocr-") as handle:
        image.save(handle, "PPM")
        handle.flush()
        yield handle.name


def _words(image: Image) -> list[_Word]:
    import pytesseract

    # One thread per Tesseract: as fast on a page here, and two jobs at once do not contend.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        with _picture_file(image) as path:
            data = pytesseract.image_to_data(
                path,
                lang=TESSERACT_LANG,
                config="--psm 3",
                output_type=pytesseract.Output.DICT,
                timeout=PAGE_SECONDS,
            )
    except RuntimeError as e:  # pytesseract's timeout
        raise _fail(
            "too_complex",
            f"Một trang scan cần hơn {PAGE_SECONDS} giây để nhận dạng; hãy quét lại rõ hơn",
            f"A scanned page took over {PAGE_SECONDS} s to recognise; scan it again more clearly",
        ) from e
    except pytesseract.TesseractError as e:
        raise _fail(
            "corrupt", "Không nhận dạng được trang scan", "The scanned page could not be recognised"
        ) from e
    words: list[_Word] = []
    for i, text in enumerate(data["text"]):
        text = _cleaned(text)
        confidence = int(float(data["conf"][i]))
        if not text or confidence < 0 or _speck(text, confidence):
            continue
        left, top = int(data["left"][i]), int(data["top"][i])
        words.append(
            _Word(
                text,
                confidence,
                left,
                top,
                left + int(data["width"][i]),
                top + int(data["height"][i]),
                (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])),
            )
        )
    # A quarter's numeral repaired is a guess ("I1/2024" may be II or III): it is marked for a person.
    texts = [w.text for w in words]
    for index in _repaired_quarters(texts):
        words[index].text = texts[index]
        words[index].confidence = min(words[index].confidence, LOW_WORD_CONFIDENCE - 1)
    return words


# Characters Tesseract's Vietnamese model gives for the ones it sees: the Icelandic eth for Đ, the
# fraction slash for "/".
_LOOKALIKES = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ", "\u2044": "/"})


def _cleaned(text: str) -> str:
    """A recognised word without what a speck added to it: underscores ("_phê"), a colon before
    its first letter (":dịch"); the fraction slash Tesseract reads for "/" made a slash.

    >>> _cleaned("_phê"), _cleaned(":dịch"), _cleaned("30⁄11⁄2024"), _cleaned("Số:"), _cleaned("Ð/c")
    ('phê', 'dịch', '30/11/2024', 'Số:', 'Đ/c')
    """
    text = normalise(text or "").strip().translate(_LOOKALIKES).strip("_")
    if text[:1] in ":;" and text[1:2].isalpha():
        text = text[1:]
    return text


def _speck(text: str, confidence: int) -> bool:
    """Whether a "word" is a speck of dirt read as a mark ("_", ":", "ẹ" at the end of a line):
    no letter or digit in it, or a lone letter the recogniser hardly believes."""
    if not any(c.isalnum() for c in text):
        return confidence < _SURE_MARK
    return len(text) == 1 and text.isalpha() and confidence < _SURE_LETTER


_SURE_MARK = 60
_SURE_LETTER = 30


def _text_lines(words: list[_Word]) -> list[tuple[float, float, float, str, bool]]:
    """Tesseract's lines as (x0, x1, top, text, is_column_piece) in points, split where a gap as
    wide as a column's stands between two words (the letterhead's two columns)."""
    lines: dict[tuple[int, int, int], list[_Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    out: list[tuple[float, float, float, str, bool]] = []
    for line in lines.values():
        line.sort(key=lambda w: w.left)
        pieces: list[list[_Word]] = [[line[0]]]
        for word in line[1:]:
            # "Số:      /KH-SGDĐT": a number left blank is a gap, not a second column.
            blank_number = word.text.startswith("/") and pieces[-1][-1].text.endswith(":")
            if (word.left - pieces[-1][-1].right) * POINTS > COLUMN_GAP and not blank_number:
                pieces.append([word])
            else:
                pieces[-1].append(word)
        top = min(w.top for w in line) * POINTS
        for piece in pieces:
            text = " ".join(w.text for w in piece)
            out.append((piece[0].left * POINTS, piece[-1].right * POINTS, top, text, len(pieces) > 1))
    out.sort(key=lambda ln: (round(ln[2] / 4), ln[0]))
    return out


def _cell_text(words: list[_Word]) -> str:
    """A cell's words, in reading order, a line per text line."""
    lines: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: (w.middle[1], w.left)):
        if lines and abs(lines[-1][-1].middle[1] - word.middle[1]) <= max(8, (word.bottom - word.top) // 2):
            lines[-1].append(word)
        else:
            lines.append([word])
    return "\n".join(" ".join(w.text for w in sorted(ln, key=lambda w: w.left)) for ln in lines)


def _table_rows(grid: _Grid, words: list[_Word], image: Image) -> list[list[str]]:
    """The cells' texts row by row; a cell spanning columns (no rule between them in that row) is
    given once, as python-docx and the PDF reader give a merged cell. A cell the page's reading
    left empty (Tesseract's layout analysis drops a lone "3" in a narrow column) is read again
    on its own."""
    rows: list[list[str]] = []
    for top, bottom in itertools.pairwise(grid.rows):
        if bottom - top < 12:
            continue
        spans: list[tuple[int, int]] = []
        start = grid.columns[0]
        for x in grid.columns[1:]:
            if x == grid.columns[-1] or grid.crosses(x, top, bottom):
                spans.append((start, x))
                start = x
        cells = []
        for left, right in spans:
            inside = [w for w in words if left <= w.middle[0] < right and top <= w.middle[1] < bottom]
            sure = sum(w.confidence for w in inside) / len(inside) if inside else -1.0
            text = _cell_text(inside)
            if sure < _SURE_CELL:
                again, again_sure = _cell_alone(image, (left, top, right, bottom))
                if again_sure > sure:
                    text = again
            cells.append(text)
        if any(cells):
            rows.append(cells)
    if rows:
        rows[0] = _header_fixed(rows[0])
    return rows


# A cell whose words the page's reading was less sure of than this is read again on its own.
_SURE_CELL = 70


def _cell_alone(image: Image, box: tuple[int, int, int, int]) -> tuple[str, float]:
    """The text of one table cell read by itself and how sure that reading is, or "" for a blank
    cell: the ink cut out with a white margin (Tesseract reads a lone "3" badly without one), read as one
    line both in grey and in black and white, the surer reading kept."""
    import numpy as np
    import pytesseract
    from PIL import ImageOps

    left, top, right, bottom = box
    if right - left < 16 or bottom - top < 16:
        return "", 0.0
    cell = image.crop((left + 4, top + 4, right - 4, bottom - 4))
    ys, xs = np.nonzero(np.asarray(cell) < 128)
    if len(xs) < 12:
        return "", 0.0
    cell = cell.crop(
        (max(int(xs.min()) - 2, 0), max(int(ys.min()) - 2, 0), int(xs.max()) + 3, int(ys.max()) + 3)
    )
    best: tuple[float, str] = (-1.0, "")
    for variant in (cell, cell.point(lambda v: 0 if v < 140 else 255)):
        try:
            data = pytesseract.image_to_data(
                ImageOps.expand(variant, 30, fill=255),
                lang=TESSERACT_LANG,
                config="--psm 6",
                output_type=pytesseract.Output.DICT,
                timeout=PAGE_SECONDS,
            )
        except (RuntimeError, pytesseract.TesseractError):
            continue
        lines: dict[tuple[int, int, int], list[str]] = {}
        confidences = []
        for i, text in enumerate(data["text"]):
            text, confidence = _cleaned(text), int(float(data["conf"][i]))
            if text and confidence >= 0 and not _speck(text, confidence):
                lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(
                    text
                )
                confidences.append(confidence)
        for tokens in lines.values():
            _repaired_quarters(tokens)
        if confidences and sum(confidences) / len(confidences) > best[0]:
            best = (sum(confidences) / len(confidences), "\n".join(" ".join(ws) for ws in lines.values()))
    return best[1], best[0]


def _header_fixed(row: list[str]) -> list[str]:
    """A table's header with its number column's heading restored when the scan spoilt it ("STTL",
    "SIT", "5TT" for "STT"), so that the table is still known for a task table.

    >>> _header_fixed(["STTL", "Nội dung nhiệm vụ"]), _header_fixed(["Số", "Nội dung"])
    (['STT', 'Nội dung nhiệm vụ'], ['Số', 'Nội dung'])
    """
    import difflib

    if row and len(row[0]) <= 5:
        letters = "".join(c for c in row[0].casefold() if c.isalnum())
        if difflib.SequenceMatcher(None, letters, "stt").ratio() >= 0.66:
            return ["STT", *row[1:]]
    return row


# Below this mean confidence a page may be on its side or upside down: its orientation is asked
# (a second, short Tesseract run) and it is read again if turning it helps.
_DOUBTFUL_PAGE = 50


def ocr_page(image: Image, number: int) -> OcrPage:
    """Recognise one page picture (greyscale): straightened, its tables found, its words read."""
    _require_tesseract()
    page = _read_page(image, number)
    if page.confidence < _DOUBTFUL_PAGE:
        rotated = _orientation(image)
        if rotated:
            turned = _read_page(image.rotate(-rotated, expand=True, fillcolor=255), number)
            if turned.confidence > page.confidence:
                turned.rotated = rotated
                page = turned
    return page


def _read_page(image: Image, number: int) -> OcrPage:
    from PIL import ImageFilter

    image, skew = _deskewed(image)
    horizontals, verticals, mask = _rules(image)
    grids = _grids(horizontals, verticals, image.size[0])
    # Scanner and camera specks, read as "_", ":" or an accent, go with a 3-pixel median.
    image = _wiped(image, mask).filter(ImageFilter.MedianFilter(3))
    words = _words(image)
    page = OcrPage(number=number, height=image.size[1] * POINTS, skew=skew)
    claimed: set[int] = set()
    for grid in grids:
        x0, y0, x1, y1 = grid.box
        inside = [w for w in words if x0 <= w.middle[0] < x1 and y0 <= w.middle[1] < y1]
        claimed.update(id(w) for w in inside)
        page.tables.append(
            (y0 * POINTS, _table_rows(grid, inside, image), [x * POINTS for x in grid.columns])
        )
    page.lines = [_roman_fixed(line) for line in _text_lines([w for w in words if id(w) not in claimed])]
    page.words = len(words)
    if words:
        page.confidence = sum(w.confidence for w in words) / len(words)
    page.low_words = [
        (w.text, w.confidence) for w in words if w.confidence < LOW_WORD_CONFIDENCE and len(w.text) > 1
    ]
    return page


# A section's roman numeral as Tesseract misreads it at the start of a heading in capitals: "II."
# as "H." or "Il.", "III." as "HI." or "IH.".
_ROMAN_MISREAD_RE = re.compile(r"^[_\s]*([IlHh|]{1,3})[.,]\s*(\S+)")


# The numeral of "Quý III/2023" as Tesseract may read it: "IH/2023", "TTI/2024", "I1V/2024".
_QUARTER_NUMERAL_RE = re.compile(r"^([IlHh|1TVv]{1,4})(?=[/,.;)]|$)")
_QUARTERS = {"I", "II", "III", "IV"}


def _quarter_token(token: str) -> str:
    """The word after "Quý" with its roman numeral repaired, or as it was.

    >>> [_quarter_token(t) for t in ("IH/2023", "TTI/2024,", "I1V/2024", "1/2025", "II", "III/2024", "năm")]
    ['III/2023', 'III/2024,', 'IV/2024', 'I/2025', 'II', 'III/2024', 'năm']
    """
    match = _QUARTER_NUMERAL_RE.match(token)
    if not match:
        return token
    numeral = match.group(1).replace("H", "II").replace("h", "II").replace("v", "V")
    numeral = re.sub(r"I+V", "IV", re.sub(r"[l|1T]", "I", numeral))
    return numeral + token[match.end() :] if numeral in _QUARTERS else token


def _repaired_quarters(tokens: list[str]) -> list[int]:
    """Repair in place the numeral after each "Quý"; the indexes of the tokens changed."""
    changed = []
    for index in range(1, len(tokens)):
        if tokens[index - 1].lower() == "quý" and (fixed := _quarter_token(tokens[index])) != tokens[index]:
            tokens[index] = fixed
            changed.append(index)
    return changed


def _roman_fixed(line: tuple[float, float, float, str, bool]) -> tuple[float, float, float, str, bool]:
    """
    >>> _roman_fixed((0, 0, 0, "__H.NHIỆM VỤ", False))[3], _roman_fixed((0, 0, 0, "HI. TỔ CHỨC", False))[3]
    ('II. NHIỆM VỤ', 'III. TỔ CHỨC')
    >>> _roman_fixed((0, 0, 0, "I. MỤC ĐÍCH", False))[3], _roman_fixed((0, 0, 0, "H. Cụ thể", False))[3]
    ('I. MỤC ĐÍCH', 'H. Cụ thể')
    """
    x0, x1, top, text, piece = line
    match = _ROMAN_MISREAD_RE.match(text)
    if not match or not (match.group(2).isupper() and len(match.group(2)) >= 2):
        return line
    numeral = match.group(1)
    if set(numeral) <= {"I"} and text[match.end(1)] == ".":
        return line
    strokes = sum(2 if c in "Hh" else 1 for c in numeral)
    if strokes > 3:
        return line
    return (x0, x1, top, "I" * strokes + ". " + text[match.start(2) :], piece)
