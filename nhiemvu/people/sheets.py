"""Reading an agency's directory from a spreadsheet (.xlsx or .csv): its units or its people.

A department keeps these lists in Excel, with headings in Vietnamese (or English) in whatever order
it likes: `Tên đơn vị | Tên viết tắt | Trực thuộc | Loại` for the units, `Họ và tên | Thư điện tử |
Đơn vị | Vai trò` for the people. A workbook may hold both, one per sheet; each import takes the
sheet whose headings it recognises. Values are returned as text, one dict per row, with the row's
number in the sheet so that errors can say where.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from nhiemvu.lib.vntext import unaccent

# The headings each field goes by, folded (lower case, no diacritics, single spaces).
ORGANISATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("ten don vi", "ten co quan", "ten day du", "ten", "don vi", "co quan", "name", "full name"),
    "short_name": ("ten viet tat", "viet tat", "short name", "short", "abbreviation"),
    "aliases": ("ten goi khac", "ten khac", "cac ten goi khac", "aliases", "alias", "other names"),
    "parent": ("truc thuoc", "cap tren", "don vi cap tren", "co quan cap tren", "co quan chu quan", "parent"),
    "kind": ("loai", "loai hinh", "loai don vi", "kind", "type"),
    "email": ("thu dien tu", "email", "e-mail", "hop thu"),
}
PEOPLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "full_name": ("ho va ten", "ho ten", "full name", "name", "ten can bo"),
    "email": ("thu dien tu", "email", "e-mail", "hop thu"),
    "unit": ("don vi", "co quan", "don vi cong tac", "phong ban", "unit", "organisation", "organization"),
    "role": ("vai tro", "quyen", "vai tro trong he thong", "role"),
    "position": ("chuc vu", "chuc danh", "position", "title"),
    "phone": ("dien thoai", "so dien thoai", "phone", "telephone"),
}
ORGANISATION_REQUIRED = ("name",)
ORGANISATION_NOT_IF = ("ho va ten", "ho ten", "vai tro", "full name", "role")
PEOPLE_REQUIRED = ("full_name", "email")

MAX_ROWS = 2000


class SheetError(Exception):
    """The file cannot be read as a directory; `message` (Vietnamese) and `message_en` say why."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en


@dataclass
class SheetRows:
    """The rows of the sheet that matched: `line` is the row's number as the spreadsheet shows it."""

    sheet: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def fold_heading(text: str) -> str:
    """A heading as compared: no diacritics, lower case, no trailing colon or asterisk.

    >>> fold_heading("  Tên viết tắt (*): ")
    'ten viet tat'
    >>> fold_heading("Thư điện tử")
    'thu dien tu'
    """
    text = re.sub(r"\(.*?\)|[*:]", " ", text)
    return " ".join(unaccent(text).casefold().replace("đ", "d").split())


def _match_columns(headings: list[str], columns: dict[str, tuple[str, ...]]) -> dict[int, str]:
    """Column index → field, for the headings that name a field (the first column naming it wins)."""
    found: dict[int, str] = {}
    for index, heading in enumerate(headings):
        folded = fold_heading(heading)
        for name, words in columns.items():
            if folded in words and name not in found.values():
                found[index] = name
                break
    return found


def _table_rows(data: bytes, filename: str) -> list[tuple[str, list[list[str]]]]:
    """Every sheet of the file as (sheet name, rows of text cells)."""
    lower = filename.lower()
    if lower.endswith(".csv"):
        for encoding in ("utf-8-sig", "cp1258"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise SheetError("Tệp CSV không đọc được (không phải UTF-8).", "The CSV file is not UTF-8.")
        dialect: type[csv.Dialect] | csv.Dialect = csv.excel
        with contextlib.suppress(csv.Error):
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        return [("CSV", [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)])]
    if lower.endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise SheetError(
                "Tệp .xlsx bị hỏng hoặc không phải bảng tính Excel.",
                "The .xlsx file is damaged or not Excel.",
            ) from exc
        sheets = []
        for sheet in book.worksheets:
            rows = []
            for values in sheet.iter_rows(values_only=True):
                rows.append(["" if v is None else _cell_text(v) for v in values])
                if len(rows) > MAX_ROWS + 10:
                    break
            sheets.append((sheet.title, rows))
        book.close()
        return sheets
    raise SheetError(
        "Chỉ nhận tệp .xlsx hoặc .csv (lưu từ Excel: Tệp → Lưu thành → CSV UTF-8).",
        "Only .xlsx or .csv files are accepted.",
    )


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def read_sheet(
    data: bytes,
    filename: str,
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    *,
    not_if: tuple[str, ...] = (),
) -> SheetRows:
    """The first sheet (and, in it, the first of its top ten rows) whose headings name every required
    field and none of `not_if` (a list of people is not a list of units); the rows under it that are
    not empty."""
    for title, rows in _table_rows(data, filename):
        for start, headings in enumerate(rows[:10]):
            matched = _match_columns(headings, columns)
            if not all(name in matched.values() for name in required):
                continue
            if any(fold_heading(h) in not_if for h in headings):
                continue
            found = SheetRows(sheet=title, columns=[matched[i] for i in sorted(matched)])
            for offset, cells in enumerate(rows[start + 1 :], start=start + 2):
                values = {name: cells[i].strip() if i < len(cells) else "" for i, name in matched.items()}
                if any(values.values()):
                    found.rows.append((offset, values))
            if len(found.rows) > MAX_ROWS:
                raise SheetError(
                    f"Bảng có hơn {MAX_ROWS} dòng; hãy chia thành nhiều tệp.",
                    f"The sheet has more than {MAX_ROWS} rows; split it.",
                )
            return found
    wanted = " | ".join(columns[name][0] for name in required)
    raise SheetError(
        f"Không tìm thấy bảng có các cột cần thiết ({_vn_headings(columns, required)}) trong tệp.",
        f"No sheet in the file has the required columns ({wanted}).",
    )


_VN_HEADINGS = {
    "name": "Tên đơn vị",
    "short_name": "Tên viết tắt",
    "aliases": "Tên gọi khác",
    "parent": "Trực thuộc",
    "kind": "Loại",
    "full_name": "Họ và tên",
    "email": "Thư điện tử",
    "unit": "Đơn vị",
    "role": "Vai trò",
    "position": "Chức vụ",
    "phone": "Điện thoại",
}


def _vn_headings(columns: dict[str, tuple[str, ...]], names: tuple[str, ...]) -> str:
    return " | ".join(_VN_HEADINGS.get(name, name) for name in names)


def split_names(text: str) -> list[str]:
    """Aliases as a sheet writes them: separated by semicolons or new lines (commas belong to names).

    >>> split_names("Sở NN&PTNT; Sở Nông nghiệp và PTNT ;")
    ['Sở NN&PTNT', 'Sở Nông nghiệp và PTNT']
    """
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]
