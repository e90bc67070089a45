"""Read a plan's bytes into blocks: paragraphs in document order, and the rows of task tables.

The type is decided from the content (magic bytes) first and the file name second, so a .docx
that is really an encrypted OLE container, or a PDF named .txt, is handled for what it is.
No exception of python-docx, pdfplumber, zipfile or the codecs escapes: they become
``ExtractionError`` with a code the web import can show.
"""

from __future__ import annotations

import io
import re
import zipfile
from bisect import bisect_left
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import PurePath

from nhiemvu.lib.vntext import normalise

from . import ocr
from .errors import ExtractionError
from .numbering import Numbering, W
from .vocab import TABLE_COLUMNS

__all__ = ["Block", "detect_type", "read_blocks"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Magic numbers of common non-documents people upload by mistake.
BINARY_MAGICS: tuple[bytes, ...] = (
    b"MZ",  # Windows executable
    b"\x7fELF",
    b"GIF8",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",  # gzip
)
# Page pictures: a scan or a phone photo of a page, read by recognition (``ocr``).
IMAGE_MAGICS: tuple[bytes, ...] = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
READABLE_SUFFIXES = {
    ".docx",
    ".pdf",
    ".xlsx",
    ".doc",
    ".xls",
    ".odt",
    ".ods",
    ".rtf",
    ".jpg",
    ".jpeg",
    ".png",
    ".tif",
    ".tiff",
}
# A real plan's XML is a few MB at most (a 140-row assignment table about 3 MB); anything that
# inflates past these, or inflates a hundredfold, is treated as a zip bomb before python-docx is
# allowed to open it (it builds a tree of some ten times the XML's size, at a few MB a second).
MAX_UNZIPPED = 64 * 1024 * 1024
MAX_XML = 20 * 1024 * 1024
MAX_RATIO = 100


@dataclass(slots=True)
class Block:
    """A paragraph of text, or a row of a task table (``cells``: column role -> text)."""

    text: str
    cells: dict[str, str] | None = field(default=None)


def _fail(code: str, vi: str, en: str) -> ExtractionError:
    return ExtractionError(code, vi, en)


def detect_type(data: bytes, filename: str) -> str:
    """What the file is, from its magic bytes first and its name second: 'docx', 'xlsx', 'pdf',
    'image', 'text', or a format LibreOffice converts first ('doc', 'xls', 'odt', 'ods', 'rtf');
    raises for anything else.

    >>> detect_type(b"%PDF-1.4 ...", "x.bin"), detect_type("Kế hoạch".encode(), "plan.txt")
    ('pdf', 'text')
    >>> detect_type(b"\\x89PNG\\r\\n\\x1a\\n...", "trang-1.png"), detect_type(b"{\\\\rtf1 ...", "kh.rtf")
    ('image', 'rtf')
    >>> detect_type(b"MZ\\x90\\x00", "a.exe")
    Traceback (most recent call last):
    ...
    nhiemvu.ingest.parsing.errors.ExtractionError: Định dạng tệp không được hỗ trợ ...
    """
    suffix = PurePath(filename or "").suffix.lower()
    head = data[:8]
    if head.startswith(b"%PDF") or data[:1024].lstrip().startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_type(data, suffix)
    if head.startswith(OLE_MAGIC):
        # Word keeps a password-protected .docx in an OLE container holding "EncryptedPackage";
        # an OLE file without it is a legacy .doc or .xls.
        if (
            b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data
            or suffix
            in {
                ".docx",
                ".xlsx",
            }
        ):
            raise _fail(
                "encrypted",
                "Tệp được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi tải lên lại",
                "The file is password-protected; remove the password and upload it again",
            )
        if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data or suffix == ".xls":
            return "xls"
        return "doc"
    if data.lstrip()[:6] == b"{\\rtf1" or (suffix == ".rtf" and data.startswith(b"{\\rtf")):
        return "rtf"
    if head.startswith(IMAGE_MAGICS):
        return "image"
    if any(data.startswith(m) for m in BINARY_MAGICS) or suffix not in TEXT_SUFFIXES | READABLE_SUFFIXES:
        raise _fail(
            "unsupported_type",
            f"Định dạng tệp không được hỗ trợ ({suffix or 'không rõ'}); hãy dùng .docx, .doc, .odt, .pdf, "
            ".xlsx, .xls, ảnh scan (.jpg, .png, .tif), .txt hoặc .md",
            f"Unsupported file type ({suffix or 'unknown'}); use .docx, .doc, .odt, .pdf, .xlsx, .xls, "
            "a scanned picture (.jpg, .png, .tif), .txt or .md",
        )
    if suffix not in TEXT_SUFFIXES:
        raise _fail(
            "corrupt",
            f"Tệp {suffix} bị hỏng hoặc không đúng định dạng",
            f"The {suffix} file is corrupt or not what its name says",
        )
    return "text"


# The OpenDocument type a zip's "mimetype" entry names -> what it is read as.
_OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def _zip_type(data: bytes, suffix: str) -> str:
    """'docx', 'xlsx', 'odt' or 'ods' for an Office Open XML or OpenDocument zip; a macro-enabled
    one (.docm, .xlsm: it carries a VBA project) is refused, whatever its name."""
    names = set(_open_zip(data, suffix or "zip").namelist())
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _fail(
            "macro",
            "Tệp có chứa macro (.docm/.xlsm) nên không được nhận; hãy lưu lại dưới dạng .docx hoặc .xlsx "
            "(không có macro) rồi tải lên",
            "The file carries macros (.docm/.xlsm) and is not accepted; save it as a plain .docx or .xlsx "
            "and upload that",
        )
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names:
        kind = _OPENDOCUMENT.get(_open_zip(data, suffix or "zip").read("mimetype").strip())
        if kind:
            return kind
    if suffix in {".docx", ".xlsx", ".odt", ".ods"}:
        raise _fail(
            "corrupt",
            f"Tệp {suffix} bị hỏng hoặc không đúng định dạng",
            f"The {suffix} file is corrupt or not what its name says",
        )
    raise _fail(
        "unsupported_type",
        "Tệp nén không phải tài liệu Word, Excel hay OpenDocument",
        "The zip file is not a Word, Excel or OpenDocument file",
    )


# ---------------------------------------------------------------------------------------------- text


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM; binary garbage raises ``not_text``.

    >>> decode_text("\\ufeffKế hoạch".encode("utf-8")), decode_text("Số".encode("utf-16"))
    ('Kế hoạch', 'Số')
    """
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            text = data[3:].decode("utf-8")
        elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _fail(
            "not_text",
            "Không đọc được nội dung tệp (không phải văn bản UTF-8)",
            "The file is not readable text (not UTF-8)",
        ) from e
    controls = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > max(8, len(text[:20000]) // 100):
        raise _fail(
            "not_text",
            "Tệp chứa dữ liệu nhị phân, không phải văn bản",
            "The file holds binary data, not text",
        )
    return text


_MD_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_CLEAN = (
    (re.compile(r"<br\s*/?>", re.IGNORECASE), "\n"),  # line breaks inside table cells
    (re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE), ""),  # ATX headings
    (re.compile(r"^\s{0,3}>\s?", re.MULTILINE), ""),  # block quotes
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # strong emphasis
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),  # *emphasis*
    (re.compile(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)"), r"\1"),  # _emphasis_
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])"), r"\1"),  # backslash escapes
)


def strip_markdown(text: str) -> str:
    r"""Remove markdown markup that is not part of the plan's wording.

    >>> strip_markdown("### 1. **Nhiệm vụ** *a*<br>b")
    '1. Nhiệm vụ a\nb'
    """
    for pattern, repl in _MD_CLEAN:
        text = pattern.sub(repl, text)
    return text.replace("**", "")


def strip_emphasis(text: str) -> str:
    """Remove *emphasis* and **strong** marks only.

    >>> strip_emphasis("- *Lãnh đạo trực tiếp chỉ đạo:* Đồng chí X")
    '- Lãnh đạo trực tiếp chỉ đạo: Đồng chí X'
    """
    for pattern, repl in _MD_CLEAN[3:5]:
        text = pattern.sub(repl, text)
    return text


def _text_blocks(text: str, markdown: bool) -> list[Block]:
    blocks: list[Block] = []
    table: list[list[str]] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if markdown and line.startswith("|"):
            if not _MD_TABLE_SEP_RE.match(line):
                cells = [c.strip() for c in line.strip("|").split("|")]
                table.append([normalise(strip_markdown(c)) for c in cells])
            continue
        if table:
            blocks += table_blocks(table)
            table = []
        # Emphasis marks survive in .txt exports of Word files too ("- *Đơn vị chủ trì:* ..."),
        # so they go whatever the type; headings and tables only in markdown.
        line = strip_markdown(line).strip() if markdown else strip_emphasis(line).strip()
        if markdown and re.fullmatch(r"[-*_=]{3,}", line):  # a horizontal rule
            continue
        if line:
            blocks.append(Block(line))
    if table:
        blocks += table_blocks(table)
    return blocks


# --------------------------------------------------------------------------------------------- tables


def _column_roles(header: list[str]) -> dict[int, str] | None:
    """Column index -> role when ``header`` is the header row of a task table, else None.

    >>> _column_roles(["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"])
    {0: 'code', 1: 'title', 2: 'lead_unit', 3: 'support_units', 4: 'deadline'}
    """
    roles: dict[int, str] = {}
    for i, cell in enumerate(header):
        low = " ".join(cell.casefold().split()).strip(" .:")
        for role, words in TABLE_COLUMNS:
            if role in roles.values():
                continue
            if (role == "code" and low in words) or (role != "code" and any(w in low for w in words)):
                roles[i] = role
                break
    if "code" in roles.values() and "title" in roles.values() and len(roles) >= 3:
        return roles
    return None


def _target_roles(header: list[str]) -> dict[int, str] | None:
    """Column index -> role when ``header`` heads a table of plan targets ("Danh mục các chỉ tiêu":
    STT | Chỉ tiêu | Đơn vị tính | Kế hoạch năm 2025 | Cơ quan chủ trì), else None.

    >>> _target_roles(["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch năm 2025", "Cơ quan chủ trì"])
    {1: 'target_name', 2: 'target_unit', 3: 'target_value', 4: 'lead_unit'}
    >>> _target_roles(["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời gian hoàn thành"]) is None
    True
    """
    roles: dict[int, str] = {}
    for i, cell in enumerate(header):
        low = " ".join(cell.casefold().split()).strip(" .:()")
        if low in ("đvt", "đơn vị tính", "đơn vị") or low.startswith("đơn vị tính"):
            roles[i] = "target_unit"
        elif "chủ trì" in low:
            roles[i] = "lead_unit"
        elif (
            "target_name" not in roles.values() and "chỉ tiêu" in low and "target_unit" not in roles.values()
        ):
            roles[i] = "target_name"
        elif (
            "target_value" not in roles.values()
            and "target_unit" in roles.values()
            and re.search(r"kế\s+hoạch|mục\s+tiêu|chỉ\s+tiêu|năm\s+\d{4}|giá\s+trị|phấn\s+đấu|\d{4}", low)
        ):
            roles[i] = "target_value"
    if {"target_name", "target_unit", "target_value"} <= set(roles.values()):
        return roles
    return None


def _cell_lines(rows: list[list[str]]) -> list[str]:
    """The non-blank lines of a table's cells, left to right, row by row."""
    return [line for row in rows for cell in row for line in cell.split("\n") if line.strip()]


def table_blocks(rows: list[list[str]]) -> list[Block]:
    """A task table becomes one Block per row (with cells by role), and so does a table of plan
    targets; any other table (letterhead, signature) becomes its cells' lines, left to right."""
    for h, header in enumerate(rows[:3]):
        roles = _target_roles(header)
        if roles:
            out = [Block(line) for line in _cell_lines(rows[:h])]
            for row in rows[h + 1 :]:
                cells = {role: " ".join(row[i].split()) for i, role in roles.items() if i < len(row)}
                if cells.get("target_name") and cells.get("target_value"):
                    out.append(Block(cells["target_name"], cells))
                elif any(cells.values()):
                    out.append(Block(" ".join(v for v in cells.values() if v)))  # a group row
            return out
        roles = _column_roles(header)
        if roles:
            out = [Block(line) for line in _cell_lines(rows[:h])]
            for row in rows[h + 1 :]:
                cells = {role: " ".join(row[i].split()) for i, role in roles.items() if i < len(row)}
                if re.fullmatch(r"\(?\d+\)?", cells.get("code", "")) and all(
                    re.fullmatch(r"\(?\d+\)?", v or "") for v in cells.values()
                ):
                    continue  # the "(1) (2) (3)" numbering row under some headers
                out.append(Block(cells.get("title", ""), cells))
            return out
    return [Block(line.strip()) for line in _cell_lines(rows)]


# ----------------------------------------------------------------------------------------------- docx


def _open_zip(data: bytes, label: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as e:
        raise _fail(
            "corrupt",
            f"Tệp {label} bị hỏng (không mở được)",
            f"The {label} file is corrupt (cannot be opened)",
        ) from e


def _check_zip(data: bytes, main: str = "word/document.xml", label: str = ".docx") -> zipfile.ZipFile:
    zf = _open_zip(data, label)
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNZIPPED or xml > MAX_XML or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise _fail(
            "zip_bomb",
            f"Tệp {label} giải nén ra dung lượng bất thường (nghi tệp độc hại)",
            f"The {label} file inflates to an abnormal size (suspected zip bomb)",
        )
    if main not in zf.namelist():
        raise _fail(
            "corrupt",
            f"Tệp không phải tài liệu {label} hợp lệ",
            f"The file is not a valid {label} document",
        )
    return zf


def _part_element(document, reltype: str):
    """The root element of the part related to the main document by ``reltype``, or None."""
    try:
        return document.part.part_related_by(reltype).element
    except (KeyError, AttributeError):
        return None


def _body_items(parent):
    """The paragraphs and tables of the body in document order, looking inside content controls
    (``w:sdt``), which Word uses for cover pages, tables of contents and form fields."""
    for element in parent.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("p", "tbl"):
            yield tag, element
        elif tag == "sdt":
            content = element.find(W + "sdtContent")
            if content is not None:
                yield from _body_items(content)


def _docx_blocks(data: bytes) -> list[Block]:
    _check_zip(data)
    try:
        import docx  # imported lazily: text and PDF reads do not need it
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        numbering = Numbering(_part_element(document, RT.NUMBERING), _part_element(document, RT.STYLES))
        labels: dict = {}  # w:p -> its label: a vertically merged cell comes back in every row it spans

        def text_of(p, alone: bool = False) -> str:
            """A paragraph's text with the number Word shows before it, as if typed. ``alone``: keep
            a label without text (an auto-numbered "STT" cell of a task table)."""
            if p not in labels:
                labels[p] = numbering.label(p)
            text = Paragraph(p, document).text
            if not labels[p] or not (text.strip() or alone):
                return text
            return f"{labels[p]} {text}".strip()

        blocks: list[Block] = []
        for tag, element in _body_items(document.element.body):
            if tag == "p":
                text = normalise(text_of(element))
                blocks += [Block(line) for line in text.split("\n") if line]
            else:
                rows: list[list[str]] = []
                for row in Table(element, document).rows:
                    seen: set[int] = set()
                    cells = []
                    for cell in row.cells:  # merged cells repeat: keep each once
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        cells.append(normalise("\n".join(text_of(p._p, True) for p in cell.paragraphs)))
                    rows.append(cells)
                blocks += table_blocks(rows)
        return blocks
    except (ExtractionError, MemoryError):
        raise
    except Exception as e:  # python-docx raises many types (KeyError, XMLSyntaxError, ValueError...)
        raise _fail(
            "corrupt", "Tệp .docx bị hỏng hoặc không đọc được", "The .docx file is corrupt or unreadable"
        ) from e


# ----------------------------------------------------------------------------------------------- xlsx


def _cell_value(value) -> str:
    """A sheet cell as an officer would read it: 1.000,5 for numbers, dd/mm/yyyy for dates."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)):
        whole, _, fraction = f"{value:,}".partition(".")
        return whole.replace(",", ".") + ("," + fraction if fraction else "")
    return normalise(str(value)).strip()


def _sheet_rows(sheet) -> list[list[str]]:
    """The sheet's rows as texts; a merged range's value once where it spans columns and in every
    row where it spans rows, as python-docx gives a Word table's merged cells."""
    rows = [[_cell_value(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    covered: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        value = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(rows) else ""
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(rows) and c - 1 < len(rows[r - 1]):
                    if c > merged.min_col:
                        covered.add((r - 1, c - 1))
                    else:
                        rows[r - 1][c - 1] = value
    return [[v for c, v in enumerate(row) if (r, c) not in covered] for r, row in enumerate(rows)]


def _sheet_blocks(rows: list[list[str]]) -> list[Block]:
    """A sheet's task or target tables (a header row, then rows until an empty one) as table
    rows; every other non-empty cell (title lines, letterhead, notes) as a paragraph."""
    blocks: list[Block] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        if _column_roles(row) or _target_roles(row):
            end = index + 1
            while end < len(rows) and any(rows[end]):
                end += 1
            blocks += table_blocks(rows[index:end])
            index = end
            continue
        blocks += [Block(line.strip()) for cell in row for line in cell.split("\n") if line.strip()]
        index += 1
    return blocks


def sheet_blocks(data: bytes) -> list[Block]:
    """An .xlsx workbook (a plan's assignment annex, or a whole plan kept in a sheet), its visible
    sheets in order. openpyxl reads the values only: formulas are not evaluated and macros never run."""
    _check_zip(data, "xl/workbook.xml", ".xlsx")
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:  # openpyxl raises KeyError, ValueError, InvalidFileException...
        raise _fail(
            "corrupt", "Tệp .xlsx bị hỏng hoặc không đọc được", "The .xlsx file is corrupt or unreadable"
        ) from e
    blocks: list[Block] = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state == "visible":
            blocks += _sheet_blocks(_sheet_rows(sheet))
    workbook.close()
    return blocks


# ------------------------------------------------------------------------------------------------ pdf

COLUMN_GAP = ocr.COLUMN_GAP
# A rule is a path no thicker than this. Only pages that draw rules at two heights or more and
# two x positions or more go through pdfplumber's table finder; text pages (the underline under
# the national motto is one rule) keep the fast path.
RULE_WIDTH = 2.0
# The table finder's time grows with the square of the rules' crossings (a 100 x 100 grid takes
# seconds): a page that draws more is a chart or a drawing, not a task table, and is read as text.
MAX_RULES = 3000
MAX_CROSSINGS = 4000
# Column rules of a table continued on the next page are at the same x positions, within this.
EDGE_TOLERANCE = 3.0
_STRUCTURAL_START_RE = re.compile(
    r"""^(?:[-–+•*]\s            # a dash item
        | \d+(?:\.\d+)*[.)]\s    # 1. / 1.1. / 1)
        | [IVX]+\.\s             # a roman section
        | [a-zđ]\)\s             # a) lettered item
        | Nhiệm\svụ\s\d          # "Nhiệm vụ 2:"
        | PHỤ\sLỤC | KẾ\sHOẠCH$ | Nơi\snhận )""",
    re.VERBOSE,
)
_PAGE_NUMBER_RE = re.compile(r"^(?:-\s*)?(?:trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?$", re.IGNORECASE)


def _page_objects(layout) -> tuple[list, list, bool]:
    """The LTChar and the LTCurve (line, rectangle) objects of a page, including those inside
    figures, and whether its rules may make a table worth looking for."""
    from pdfminer.layout import LTChar, LTContainer, LTCurve

    chars, curves, stack = [], [], [layout]
    heights: set[int] = set()  # of the horizontal rules (a rectangle's top and bottom sides)
    lefts: set[int] = set()  # of the vertical ones
    while stack:
        for obj in stack.pop():
            if isinstance(obj, LTChar):
                chars.append(obj)
            elif isinstance(obj, LTContainer):
                stack.append(obj)
            elif isinstance(obj, LTCurve):  # LTLine and LTRect too
                curves.append(obj)
                # In steps of 3 pt, the table finder's snapping distance: the two sides of a
                # hairline rectangle (Word draws borders so) are one rule.
                if obj.width > RULE_WIDTH:
                    heights.update((round(obj.y0 / 3), round(obj.y1 / 3)))
                if obj.height > RULE_WIDTH:
                    lefts.update((round(obj.x0 / 3), round(obj.x1 / 3)))
    ruled = (
        len(heights) >= 2
        and len(lefts) >= 2
        and 2 <= len(curves) <= MAX_RULES  # a single frame is not a table
        and len(heights) * len(lefts) <= MAX_CROSSINGS
    )
    return chars, curves, ruled


PdfLine = tuple[float, float, float, str, bool]


@dataclass(slots=True)
class PdfTable:
    """A ruled table of a PDF page: its cells' texts row by row (a cell's lines joined by "\\n",
    horizontally merged cells once, vertically merged ones repeated in every row they span, as
    python-docx gives a .docx table) and the x positions of its column rules."""

    top: float
    rows: list[list[str]]
    edges: list[float]


def _pdf_lines(chars: list, height: float) -> list[PdfLine]:
    """(x0, x1, top, text, is_column_piece) for each line of a page, columns split apart.

    Lines are rebuilt from the characters: same baseline (within 3 pt), words split at space glyphs or
    at a gap wider than a quarter of the font size, and two columns at a gap wider than COLUMN_GAP.
    """
    rows: list[list] = []
    for c in sorted(chars, key=lambda c: (-round(c.y0), c.x0)):
        if rows and abs(rows[-1][0].y0 - c.y0) < 3:
            rows[-1].append(c)
        else:
            rows.append([c])
    out: list[PdfLine] = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        words: list[list] = []  # [x0, x1, text]
        prev = None
        for c in row:
            text = c.get_text()
            if not text.strip():
                prev = None
                continue
            if prev is not None and words and c.x0 - prev.x1 < 0.25 * max(c.size, 1):
                words[-1][1], words[-1][2] = c.x1, words[-1][2] + text
            else:
                words.append([c.x0, c.x1, text])
            prev = c
        if not words:
            continue
        pieces: list[list] = [[words[0]]]
        for w in words[1:]:
            if w[0] - pieces[-1][-1][1] > COLUMN_GAP:
                pieces.append([w])
            else:
                pieces[-1].append(w)
        top = height - row[0].y1
        for piece in pieces:
            text = normalise(" ".join(w[2] for w in piece))
            out.append((piece[0][0], piece[-1][1], top, text, len(pieces) > 1))
    return out


def _cell_text(chars: list, height: float) -> str:
    """A cell's lines, one per baseline, joined by "\\n"."""
    lines: list[str] = []
    last_top = None
    for _x0, _x1, top, text, _piece in _pdf_lines(chars, height):
        if lines and top == last_top:
            lines[-1] += " " + text  # a wide gap inside a cell is still the same line
        else:
            lines.append(text)
        last_top = top
    return "\n".join(lines)


def _read_table(table, placed: list, height: float, offset: float) -> tuple[PdfTable, list]:
    """One table found by pdfplumber: its texts from the ``placed`` characters inside it
    ((middle from the top, middle x, LTChar)), and those characters."""
    x0, top, x1, bottom = table.bbox
    inside = sorted((p for p in placed if x0 <= p[1] < x1 and top <= p[0] < bottom), key=lambda p: p[0])
    mids = [p[0] for p in inside]

    def text_in(box: tuple[float, float, float, float]) -> str:
        lo, hi = bisect_left(mids, box[1]), bisect_left(mids, box[3])
        return _cell_text([c for _mid, x, c in inside[lo:hi] if box[0] <= x < box[2]], height)

    rows: list[list[str]] = []
    above: dict[int, tuple[float, str]] = {}  # column -> (bottom, text) of its last real cell
    for row in table.rows:
        middle = (row.bbox[1] + row.bbox[3]) / 2
        cells: list[str] = []
        for col, box in enumerate(row.cells):
            if box is not None:
                above[col] = (box[3], text_in(box))
                cells.append(above[col][1])
            elif col in above and above[col][0] > middle:
                cells.append(above[col][1])  # under a vertically merged cell
            # else: covered by a horizontally merged cell to its left
        rows.append(cells)
    edges = sorted({round(c[0], 1) for c in table.cells} | {round(x1, 1)})
    return PdfTable(top - offset, rows, edges), [p[2] for p in inside]


def _page_tables(page, chars: list, curves: list, height: float) -> tuple[list[PdfTable], list]:
    """The ruled tables pdfplumber finds on ``page`` and the characters outside them.

    The cells' texts are rebuilt from the same characters and by the same rules as the lines
    outside, so that a word reads the same inside a table and out of it.
    """
    # The table finder is given the page's rules only: its default asks for every object of the
    # page, and converting each character into pdfplumber's dict costs as much as reading the page.
    rules = [page.process_object(obj) for obj in curves]
    table_settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": rules,
        "explicit_horizontal_lines": rules,
    }
    found = page.find_tables(table_settings)
    if not found:
        return [], chars
    # pdfplumber measures from the top of the media box; the characters from its bottom.
    offset = page.mediabox[1]
    placed = [(height - (c.y0 + c.y1) / 2 + offset, (c.x0 + c.x1) / 2, c) for c in chars]
    tables: list[PdfTable] = []
    taken: set[int] = set()
    for found_table in found:
        table, inside = _read_table(found_table, placed, height, offset)
        tables.append(table)
        taken.update(map(id, inside))
    return tables, [c for c in chars if id(c) not in taken]


def _continues(prev: PdfTable, table: PdfTable) -> bool:
    """``table`` (the first thing on a page) goes on with ``prev`` (the last thing on the page
    before): the same width, and no column rule that ``prev`` does not have at the same distance
    from the left edge (a scanned page lies a few points off the one before).

    >>> a = PdfTable(0, [], [85.1, 120.0, 300.0, 538.6])
    >>> _continues(a, PdfTable(0, [], [85.0, 300.2, 538.6])), _continues(a, PdfTable(0, [], [60.0, 538.6]))
    (True, False)
    >>> _continues(a, PdfTable(0, [], [90.1, 125.3, 305.0, 543.6]))
    True
    """
    left = table.edges[0]

    def near(x: float) -> bool:
        return any(abs(x - left - (y - prev.edges[0])) <= EDGE_TOLERANCE for y in prev.edges)

    return abs((prev.edges[-1] - prev.edges[0]) - (table.edges[-1] - left)) <= EDGE_TOLERANCE and all(
        near(x) for x in table.edges
    )


def _row_key(row: list[str]) -> tuple[str, ...]:
    return tuple(" ".join(c.split()).casefold() for c in row)


def _append_continuation(prev: PdfTable, table: PdfTable) -> None:
    """Add the rows of a table's part on the next page to ``prev``: without the header Word or
    LibreOffice repeats there, and with the rest of a row the page break cut in two (it starts
    with an empty number cell) joined to that row.

    >>> t = PdfTable(0, [["STT", "Nội dung", "Chủ trì"], ["1", "Cấp giấy", "Phòng"]], [0, 1, 2, 3])
    >>> _append_continuation(t, PdfTable(0, [["STT", "Nội dung", "Chủ trì"], ["", "chứng nhận", "Đất đai"],
    ...     ["2", "Thu gom", "Chi cục"]], [0, 1, 2, 3]))
    >>> t.rows[1:]
    [['1', 'Cấp giấy\\nchứng nhận', 'Phòng\\nĐất đai'], ['2', 'Thu gom', 'Chi cục']]
    """
    rows = table.rows
    header = {_row_key(r) for r in prev.rows[:3]}
    while rows and _row_key(rows[0]) in header:
        rows = rows[1:]
    code = 0
    for row in prev.rows[:3]:
        roles = _column_roles(row)
        if roles:
            code = next(i for i, role in roles.items() if role == "code")
            break
    if (
        rows
        and len(prev.rows) > 1
        and len(rows[0]) == len(prev.rows[-1]) > code
        and not rows[0][code].strip()
        and any(c.strip() for c in rows[0])
    ):
        prev.rows[-1] = [f"{a}\n{b}".strip("\n") for a, b in zip(prev.rows[-1], rows[0], strict=True)]
        rows = rows[1:]
    prev.rows += rows


def _picture_share(layout) -> float:
    """The share of the page its largest picture covers (a scanned page is one picture)."""
    from pdfminer.layout import LTContainer, LTImage

    largest, stack = 0.0, [layout]
    while stack:
        for obj in stack.pop():
            if isinstance(obj, LTImage):
                largest = max(largest, obj.width * obj.height)
            elif isinstance(obj, LTContainer):
                stack.append(obj)
    return largest / max(layout.width * layout.height, 1.0)


def _text_page_items(page) -> list[PdfLine | PdfTable] | None:
    """A PDF page's lines and tables from its text layer; None when the layer is empty or garbage
    (a scan, a legacy font) and the page must be read from its picture."""
    layout = page.layout
    chars, curves, ruled = _page_objects(layout)
    if not ocr.text_layer_usable("".join(c.get_text() for c in chars), picture_share=_picture_share(layout)):
        return None
    tables: list[PdfTable] = []
    if ruled:
        tables, chars = _page_tables(page, chars, curves, layout.height)
    return [*_pdf_lines(chars, layout.height), *tables]


class _Pages:
    """A document's pages in order as they are read, the scanned ones recognised ``scans.threads``
    at a time: Tesseract is a process of its own and NumPy and Pillow let go of the interpreter,
    so two pages on two cores take about the time of one. Progress is reported in page order."""

    def __init__(self, scans: ocr.Scans | None, total: int) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.scans, self.total, self.done = scans, total, 0
        self.items: list[PdfLine | PdfTable] = []
        self.pending: deque = deque()  # a page's items, an OcrPage, or a Future of one
        threads = scans.threads if scans is not None else 1
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="ocr") if threads > 1 else None
        self.in_flight = max(threads, 1)

    def __enter__(self) -> _Pages:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def text(self, page_items: list[PdfLine | PdfTable]) -> None:
        self.pending.append(page_items)
        self._settle(self.in_flight)

    def picture(self, image, number: int) -> None:
        if self.scans is not None and self.scans.progress is not None and self.done == 0 and not self.pending:
            self.scans.progress(0, self.total)  # the bar shows how many pages there are at once
        self.pending.append(
            self.pool.submit(ocr.ocr_page, image, number) if self.pool else ocr.ocr_page(image, number)
        )
        self._settle(self.in_flight)

    def finish(self) -> list[PdfLine | PdfTable]:
        self._settle(0)
        return self.items

    def _settle(self, keep: int) -> None:
        while len(self.pending) > keep:
            page = self.pending.popleft()
            if isinstance(page, Future):
                page = page.result()  # a page's ExtractionError is raised here, in order
            if isinstance(page, ocr.OcrPage):
                assert self.scans is not None
                self.scans.pages.append(page.report())
                page = [*page.lines, *(PdfTable(top, rows, edges) for top, rows, edges in page.tables)]
            _add_page(self.items, page)
            self.done += 1
            if self.scans is not None and self.scans.progress is not None:
                self.scans.progress(self.done, self.total)


def _needs_scans(scans: ocr.Scans | None, pages: int) -> ocr.Scans:
    if scans is None:
        raise _fail(
            "background",
            "Tệp là bản scan (không có lớp chữ): cần nhận dạng chữ (OCR), việc này chạy nền",
            "The file is a scan (no text layer): it needs text recognition (OCR), which runs in the background",
        )
    if pages > scans.max_pages:
        raise ocr.too_many_pages(pages, scans.max_pages)
    return scans


def _add_page(items: list[PdfLine | PdfTable], page_items: list[PdfLine | PdfTable]) -> None:
    """Append one page's items (in any order) to the document's: the page number at its foot
    dropped, and a table that goes on from the page before joined to it."""
    page_items.sort(key=lambda i: i.top if isinstance(i, PdfTable) else i[2])
    # A page number alone at the foot of the page is a footer, not text.
    while (
        page_items and not isinstance(page_items[-1], PdfTable) and _PAGE_NUMBER_RE.match(page_items[-1][3])
    ):
        page_items.pop()
    if any(isinstance(i, PdfTable) for i in page_items) and items and isinstance(items[-1], PdfTable):
        # A table broken by the page: a page number at the top may stand between.
        while page_items and not isinstance(page_items[0], PdfTable):
            if not _PAGE_NUMBER_RE.match(page_items[0][3]):
                break
            page_items.pop(0)
        first = page_items[0] if page_items else None
        if isinstance(first, PdfTable) and _continues(items[-1], first):
            _append_continuation(items[-1], first)
            page_items.pop(0)
    items += page_items


def _pdf_blocks(data: bytes, scans: ocr.Scans | None) -> list[Block]:
    # pdfminer (the engine under pdfplumber) lays out each page without layout analysis and the
    # lines are rebuilt from its characters, four times faster than pdfplumber's object model;
    # pdfplumber's table finder runs on the same layout, only on pages that draw rules. A page
    # without a usable text layer is rendered by pdfium and recognised (``ocr``).
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
        from pdfplumber.utils.exceptions import PdfminerException
    except ImportError as e:  # pragma: no cover - a broken install
        raise _fail(
            "unsupported_type", "Máy chủ thiếu thư viện đọc PDF", "The PDF reader is not installed"
        ) from e
    pictures = None  # the pypdfium2 document, opened at the first page that needs recognition
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf, _Pages(scans, len(pdf.pages)) as pages:
            for index, page in enumerate(pdf.pages):
                page_items = _text_page_items(page)
                page.close()  # drops the page's cached layout and objects: pages are read one by one
                if page_items is not None:
                    pages.text(page_items)
                    continue
                scans = pages.scans = _needs_scans(scans, len(pdf.pages))
                if pictures is None:
                    import pypdfium2

                    pictures = pypdfium2.PdfDocument(data)
                pages.picture(ocr.pdf_page_image(pictures, index), index + 1)  # pdfium in this thread only
            items = pages.finish()
    except (ExtractionError, MemoryError):
        raise
    except Exception as e:  # pdfminer raises PDFSyntaxError, PSEOF, KeyError, TypeError...
        # pdfplumber wraps what pdfminer raises while opening the file in a PdfminerException.
        cause = e.args[0] if isinstance(e, PdfminerException) and e.args else e
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise _fail(
                "encrypted", "Tệp PDF được bảo vệ bằng mật khẩu", "The PDF is password-protected"
            ) from e
        raise _fail(
            "corrupt", "Tệp PDF bị hỏng hoặc không đọc được", "The PDF file is corrupt or unreadable"
        ) from e
    finally:
        if pictures is not None:
            pictures.close()
    return _page_blocks(items)


def _image_blocks(data: bytes, scans: ocr.Scans | None) -> list[Block]:
    """A photographed or scanned page (.jpg, .png, a multi-page .tif), recognised page by page."""
    scans = _needs_scans(scans, 0)
    pictures = list(ocr.image_pages(data, max_pages=scans.max_pages))
    with _Pages(scans, len(pictures)) as pages:
        for number, image in enumerate(pictures, start=1):
            pages.picture(image, number)
        return _page_blocks(pages.finish())


def _page_blocks(items: list[PdfLine | PdfTable]) -> list[Block]:
    """Paragraphs from the lines of all pages (a line that stops short, an indent or a numbered
    start begins a new one), and the tables' rows."""
    if not any(any(any(c for c in r) for r in i.rows) if isinstance(i, PdfTable) else i[3] for i in items):
        raise _fail(
            "no_text",
            "Không đọc được chữ nào trong tệp (trang trắng hoặc ảnh không có chữ)",
            "No text could be read in the file (blank pages, or pictures without text)",
        )
    body = [i for i in items if not isinstance(i, PdfTable) and not i[4]]
    left = min((ln[0] for ln in body), default=0.0)
    right = max((ln[1] for ln in body), default=0.0)
    blocks: list[Block] = []
    prev: PdfLine | None = None
    for item in items:
        if isinstance(item, PdfTable):
            blocks += table_blocks(item.rows)
            prev = None
            continue
        x0, _x1, _top, text, piece = item
        starts_new = (
            prev is None
            or piece
            or prev[4]
            or prev[1] < right - 40  # the previous line stopped short: its paragraph ended
            or x0 > left + 12  # first-line indent or a centred line
            or bool(_STRUCTURAL_START_RE.match(text))
        )
        if starts_new or not blocks or blocks[-1].cells is not None:
            blocks.append(Block(text))
        else:
            blocks[-1].text += " " + text
        prev = item
    return blocks


# ------------------------------------------------------------------------------------------------ all

_TERMINAL = ".;:!?)]\"'”…"


def _join_broken(blocks: list[Block]) -> list[Block]:
    """Join a paragraph cut by a page break or a hard wrap: the first part ends without
    punctuation and the rest starts in lower case ("các sản phẩm đảm" + "bảo theo quy định")."""
    out: list[Block] = []
    for b in blocks:
        if (
            out
            and b.cells is None
            and out[-1].cells is None
            and b.text[:1].islower()
            and not _STRUCTURAL_START_RE.match(b.text)
            and out[-1].text
            and out[-1].text[-1] not in _TERMINAL
            and not out[-1].text.isupper()  # a heading in capitals ("KẾ HOẠCH") ends its line
        ):
            out[-1].text += " " + b.text
        else:
            out.append(b)
    return out


# Formats LibreOffice converts before they are read -> what they become.
CONVERTED = {"doc": "docx", "odt": "docx", "rtf": "docx", "xls": "xlsx", "ods": "xlsx"}
_FILTERS = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
# The one import filter each is read with: a file that is not what it claims fails, instead of
# LibreOffice's fallback reading its bytes as text.
_IMPORT_FILTERS = {
    "doc": "MS Word 97",
    "odt": "writer8",
    "rtf": "Rich Text Format",
    "xls": "MS Excel 97",
    "ods": "calc8",
}
CONVERT_SECONDS = 120


def convert_legacy(data: bytes, kind: str) -> tuple[bytes, str]:
    """A .doc, .odt, .rtf, .xls or .ods converted by LibreOffice headless into the .docx or .xlsx
    that is then read (tables included); no macro runs (``nhiemvu.lib.soffice``)."""
    from nhiemvu.lib import soffice

    target = CONVERTED[kind]
    try:
        converted = soffice.convert(
            data, f".{kind}", _FILTERS[target], timeout=CONVERT_SECONDS, infilter=_IMPORT_FILTERS[kind]
        )
    except soffice.SofficeMissing as e:
        raise _fail(
            "convert_unavailable",
            f"Máy chủ chưa cài LibreOffice nên chưa đọc được tệp .{kind}; hãy lưu lại dưới dạng .{target} "
            "(quản trị viên: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)",
            f"LibreOffice is not installed, so .{kind} files cannot be read; save the file as .{target} "
            "(administrators: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)",
        ) from e
    except soffice.ConversionFailed as e:
        raise _fail(
            "corrupt",
            f"LibreOffice không mở được tệp .{kind} này (tệp hỏng, có mật khẩu hoặc không đúng định dạng); "
            f"hãy mở bằng Word/LibreOffice và lưu lại dưới dạng .{target}",
            f"LibreOffice cannot open this .{kind} file (corrupt, password-protected or not what its name "
            f"says); open it in Word or LibreOffice and save it as .{target}",
        ) from e
    if detect_type(converted, f"x.{target}") != target:
        raise _fail("corrupt", f"Không chuyển được tệp .{kind}", f"The .{kind} file could not be converted")
    return converted, target


def read_blocks(data: bytes, filename: str, scans: ocr.Scans | None = None) -> list[Block]:
    """The document's blocks, whatever its type. Pages without text are recognised, and legacy
    formats converted, when ``scans`` says how; without it they raise ExtractionError "background"
    (the slow path, which the web runs as a job)."""
    kind = detect_type(data, filename)
    if kind in CONVERTED:
        if scans is None:
            raise _fail(
                "background",
                f"Tệp .{kind} cần được chuyển đổi bằng LibreOffice trước khi đọc, việc này chạy nền",
                f"The .{kind} file must be converted by LibreOffice before it is read, which runs in the background",
            )
        data, kind = convert_legacy(data, kind)
    if kind == "docx":
        blocks = _docx_blocks(data)
    elif kind == "xlsx":
        blocks = sheet_blocks(data)
    elif kind == "pdf":
        blocks = _pdf_blocks(data, scans)
    elif kind == "image":
        blocks = _image_blocks(data, scans)
    else:
        text = normalise(decode_text(data))
        markdown = PurePath(filename or "").suffix.lower() in {".md", ".markdown"} or bool(
            re.search(r"^\s{0,3}#{1,6}\s|^\|.*\|\s*$", text, re.MULTILINE)
        )
        blocks = _text_blocks(text, markdown)
    return _join_broken([b for b in blocks if b.text.strip() or b.cells])
