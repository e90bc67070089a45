"""Recognise the pieces of a plan in segmented text: document number and date, issuer, references,
leaders, units, targets, milestones, reporting duty, recipients and signer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from nhiemvu.lib.vndates import Period, find_periods
from nhiemvu.lib.vnnumbers import NUMBER_PATTERN, comparator_after, comparator_before, parse_number
from nhiemvu.lib.vntext import unaccent

from .vocab import (
    ADMIN_AREAS,
    BODY_HEADS,
    CHANGE_WORDS,
    COMPILER_VERBS,
    HONORIFICS,
    ISSUER_VERBS,
    MEASURE_NAMES,
    MOTTO_PREFIXES,
    MOTTOS,
    MULTIWORD_UNITS,
    NON_TARGET_UNITS,
    RECIPIENT_NOTES_RE,
    SCOPE_WORDS,
    SIGN_PREFIXES,
    TARGET_LABELS,
)

# ------------------------------------------------------------------------------------------ front matter

_NUMBER_LINE_RE = re.compile(
    r"""Số\s*[:.]?\s*
        (?P<num>[0-9][0-9A-Za-z.]*)?\s*      # the number, often left blank until the document is signed
        /\s*(?P<sym>[A-ZĐ][A-ZĐa-zđ0-9&-]*)  # KH-SNN, QĐ-UBND
    """,
    re.VERBOSE,
)
# "Số 3260-KH/ĐĐQH15", "Số: 125-KH/TU": the Party's form, no colon needed, the kind after a dash.
_PARTY_NUMBER_RE = re.compile(
    r"Số\s*[:.]?\s*(?P<num>\d[\d.]*)-(?P<kind>[A-ZĐ]{1,6})/(?P<org>[A-ZĐ][A-ZĐa-zđ0-9&-]*)"
)
_PLACE_DATE_RE = re.compile(
    r"""^(?P<place>[^\d,;:]{2,40}?)\s*,\s*
        ngày\s*(?P<d>\d{1,2})?\s*
        tháng\s*(?P<m>\d{1,2})?\s*
        năm\s*(?P<y>\d{4})""",
    re.VERBOSE | re.IGNORECASE,
)


_MOTTO_RE = re.compile(
    r"(c[ộo]ng\s+h[òo]a\s+x[ãa]\s+h[ộo]i\s+ch[ủu]\s+ngh[ĩi]a\s+vi[ệe]t\s+nam"
    r"|đ[ộo]c\s+l[ậa]p\s*[-–—]\s*t[ựu]\s+do\s*[-–—]\s*h[ạa]nh\s+ph[úu]c"
    r"|đ[ảa]ng\s+c[ộo]ng\s+s[ảa]n\s+vi[ệe]t\s+nam)",
    re.IGNORECASE,
)
_MARKERS_RE = re.compile(r"^[\s#>*_|]+|[\s*_|]+$")


def letterhead(front: list[str]) -> list[str]:
    """The letterhead's lines as a person reads them, whatever the copy did to it: the national motto
    and the Party's on lines of their own, cells of a web copy ("A | B") apart, markdown markers
    gone, and a place-date line that follows the number on the same line split from it.

    >>> letterhead(["CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 45/NQ-CP Hà Nội, ngày 10 tháng 3 năm 2025"])
    ['CHÍNH PHỦ', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Số: 45/NQ-CP', 'Hà Nội, ngày 10 tháng 3 năm 2025']
    >>> letterhead(["| **SỞ Y TẾ** | **Độc lập - Tự do - Hạnh phúc** |"])
    ['SỞ Y TẾ', 'Độc lập - Tự do - Hạnh phúc']
    """
    out: list[str] = []
    for raw in front:
        for cell in raw.split("|"):
            pieces = _MOTTO_RE.split(cell)  # the motto is a group: kept as a piece
            for piece in pieces:
                piece = _MARKERS_RE.sub("", piece).strip(" -–")
                if not piece:
                    continue
                m = _NUMBER_LINE_RE.search(piece) or _PARTY_NUMBER_RE.search(piece)
                tail = piece[m.end() :].strip(" ,;") if m else ""
                if m and _PLACE_DATE_RE.search(tail):
                    out += [piece[: m.end()].strip(), tail]
                else:
                    out.append(piece)
    return out


def doc_number(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """(number, symbol, excerpt) from the "Số: .../KH-..." line; number is None when left blank.

    >>> doc_number(["Số: 58/KH-UBND"]), doc_number(["Số:        /KH-SGDĐT"])
    (('58/KH-UBND', 'KH-UBND', 'Số: 58/KH-UBND'), (None, 'KH-SGDĐT', 'Số: /KH-SGDĐT'))
    >>> doc_number(["ĐẢNG ĐOÀN QUỐC HỘI | Số 3260-KH/ĐĐQH15"])
    ('3260-KH/ĐĐQH15', 'KH/ĐĐQH15', 'Số 3260-KH/ĐĐQH15')
    """
    for line in lines:
        m = _NUMBER_LINE_RE.search(line)
        if m:
            sym = m.group("sym")
            num = m.group("num")
            excerpt = f"Số: {num}/{sym}" if num else f"Số: /{sym}"
            return (f"{num}/{sym}" if num else None), sym, excerpt
        m = _PARTY_NUMBER_RE.search(line)
        if m:
            # The Party's numbering: the kind before the slash ("3260-KH/ĐĐQH15").
            symbol = f"{m['kind']}/{m['org']}"
            return f"{m['num']}-{symbol}", symbol, m.group(0).strip()
    return None, None, None


def place_and_date(lines: list[str]) -> tuple[str | None, date | None, bool, str | None]:
    """(place, issue date, date is blank, excerpt) from "Lạng Sơn, ngày  tháng 02 năm 2023".

    >>> place_and_date(["Lạng Sơn, ngày tháng 02 năm 2023"])
    ('Lạng Sơn', None, True, 'ngày tháng 02 năm 2023')
    >>> place_and_date(["Nghệ An, ngày 16 tháng 02 năm 2023"])[:3]
    ('Nghệ An', datetime.date(2023, 2, 16), False)
    """
    for line in lines:
        m = _PLACE_DATE_RE.search(line.strip())
        if m:
            d, mo, y = m.group("d"), m.group("m"), int(m.group("y"))
            excerpt = f"ngày {d or ''} tháng {mo or ''} năm {y}".replace("  ", " ")
            if not d or not mo:
                return m.group("place").strip(), None, True, excerpt
            try:
                return m.group("place").strip(), date(y, int(mo), int(d)), False, excerpt
            except ValueError:
                return m.group("place").strip(), None, True, excerpt
    return None, None, False, None


def _letterhead_issuer(front: list[str]) -> str | None:
    lines: list[str] = []
    for line in front:
        low = line.casefold()
        bare = " ".join(re.sub(r"[-–—]", " ", low).split())
        if (
            any(low.startswith(p) for p in MOTTO_PREFIXES)
            # a motto wrapped in a narrow column ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA" / "VIỆT NAM")
            or (len(bare.split()) >= 2 and any(bare in motto for motto in MOTTOS))
            or low.startswith("số")
            or _PLACE_DATE_RE.search(line)
        ):
            continue
        letters = [c for c in line if c.isalpha()]
        if letters and sum(c.isupper() for c in letters) >= 0.8 * len(letters) and not line.startswith("-"):
            line = line.strip()
            if lines and (re.match(r"^(?:VÀ|&|-|–)\s", line) or re.search(r"(?:\sVÀ|[-–&,])$", lines[-1])):
                # A name wrapped over two lines ("BỘ LAO ĐỘNG - THƯƠNG BINH" / "VÀ XÃ HỘI").
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
    if not lines:
        return None
    issuer = lines[-1]
    low = issuer.casefold()
    if len(lines) > 1 and any(low.startswith(a + " ") and not low.startswith(a + " ủy") for a in ADMIN_AREAS):
        issuer = lines[-2] + " " + issuer
    return issuer


def issuer(front: list[str], preamble_text: str) -> str | None:
    """The issuing body: the letterhead's last line (with an area line joined to the body above it),
    written as the body text writes it when the preamble names it before "xây dựng/ban hành Kế hoạch".

    >>> issuer(["UBND TỈNH NGHỆ AN", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"], "..., Sở Giáo dục và Đào tạo xây dựng Kế hoạch")
    'Sở Giáo dục và Đào tạo'
    >>> issuer([], "tỉnh Lạng Sơn. Sở Nông nghiệp và PTNT xây dựng Kế hoạch thực hiện")
    'Sở Nông nghiệp và PTNT'
    >>> issuer(["ỦY BAN NHÂN DÂN", "HUYỆN TAM NÔNG"], "")
    'Ủy ban nhân dân huyện Tam Nông'
    """
    head = _letterhead_issuer(front)
    if head:
        for m in re.finditer(re.escape(head), preamble_text, re.IGNORECASE):
            if not m.group(0).isupper():  # as the body text writes it, not another capitals line
                return m.group(0)
    verbs = "|".join(ISSUER_VERBS)
    for m in re.finditer(
        rf"([^,.;:]+?)\s+(?:{verbs})\s+(?:và\s+\w+\s+)?kế\s+hoạch", preamble_text, re.IGNORECASE
    ):
        fragment = m.group(1).strip()
        low = fragment.casefold()
        starts = [low.find(h + " ") for h in BODY_HEADS if (low.startswith(h + " ") or f" {h} " in low)]
        starts = [s if low.startswith(low[s:]) and (s == 0 or low[s - 1] == " ") else -1 for s in starts]
        starts = [s for s in starts if s >= 0]
        if starts:
            found = fragment[min(starts) :].strip()
            if not head or found.casefold() == head.casefold():
                return found
    if head:
        return _title_case(head)
    return None


_VOWELS = set("aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def _is_acronym(word: str) -> bool:
    """UBND, PTNT, GD&ĐT: no vowel, an "&", or an ending no Vietnamese syllable has.

    >>> [_is_acronym(w) for w in ("UBND", "PTNT", "GD&ĐT", "HTX", "SỞ", "NGHỆ", "HÒA")]
    [True, True, True, True, False, False, False]
    """
    low = word.lower()
    if "&" in low or not (set(low) & _VOWELS):
        return True
    return low[-1] in "bdđklqrsvx" or (
        re.search(r"[^aăâeêioôơuưy\W\d_]{3,}", unaccent(low)) is not None and "ngh" not in low
    )


def _title_case(caps: str) -> str:
    """Sentence case for an upper-case body name: place names after an area word keep capitals, and
    so do acronyms (every Vietnamese syllable has a vowel, so a word without one is an acronym).

    The name after a body word starts with a capital, and so does each part joined by "và" or a
    dash: "Sở Tài nguyên và Môi trường", "Bộ Lao động - Thương binh và Xã hội".

    >>> _title_case("PHÒNG NÔNG NGHIỆP VÀ PTNT"), _title_case("ỦY BAN NHÂN DÂN HUYỆN ĐỨC HÒA")
    ('Phòng Nông nghiệp và PTNT', 'Ủy ban nhân dân huyện Đức Hòa')
    >>> _title_case("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"), _title_case("CHÍNH PHỦ")
    ('Bộ Lao động - Thương binh và Xã hội', 'Chính phủ')
    """
    words = caps.split()
    low_text = " ".join(words).lower()
    head = max((h for h in _NAMED_HEADS if low_text.startswith(h + " ")), key=len, default=None)
    out: list[str] = []
    place = False
    named = head is not None  # a body with a name of its own: its parts start with a capital
    capital = False
    i = 0
    if head:
        n = len(head.split())
        out += [w.lower() for w in words[:n]]
        i, capital = n, True
    while i < len(words):
        w, low = words[i], words[i].lower()
        nxt = words[i + 1].lower() if i + 1 < len(words) else ""
        if low in ("thành", "thị") and nxt in ("phố", "xã", "trấn"):
            out += [low, nxt]
            place = True
            i += 2
            continue
        if low in ADMIN_AREAS and nxt == "ủy":  # "HUYỆN ỦY GIA BÌNH": the Party committee of a place
            out += [low, nxt]
            place = True
            i += 2
            continue
        if low in ADMIN_AREAS and not (low == "xã" and nxt == "hội"):
            out.append(low)
            place = True
        elif named and low in ("và", "-", "–"):
            out.append(low)
            capital = True
            i += 1
            continue
        elif _is_acronym(w):
            out.append(w)
        else:
            out.append(w.capitalize() if place or capital else low)
        capital = False
        i += 1
    text = " ".join(out)
    return text[:1].upper() + text[1:]


# Body words followed by a name of the body's own ("Sở" + "Tài nguyên và Môi trường"); the People's
# Committee is followed by its area instead.
_NAMED_HEADS = tuple(h for h in BODY_HEADS if h not in ("ubnd", "ủy ban nhân dân"))


# -------------------------------------------------------------------------------------------- references

REFERENCE_RE = re.compile(
    r"""(?<![\w/.-])
        (?P<number>
            \d{1,5}(?:/\d{4})?                                   # 58 ; 25/2021
            (?: /[A-ZĐ][A-Za-zĐđ0-9&]*(?:-[A-ZĐ][A-Za-zĐđ0-9&]*)*    # /QĐ-UBND ; /QH15 ; /QĐ-TTg
              | -[A-ZĐ]{1,6}/[A-ZĐ][A-Za-zĐđ0-9&]*                   # 95-NQ/TU (Party documents)
            )
        )
        (?![\w/])
        (?P<tail>\s*,?\s*(?:ngày\s+\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}
                          |ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?
    """,
    re.VERBOSE,
)


def references(texts: list[str], own_number: str | None) -> list[dict]:
    """Documents cited by number, in order of first mention, without duplicates or the plan itself.

    >>> references(["Thực hiện Quyết định số 58/QĐ-UBND ngày 17/01/2023 và Nghị quyết số 95-NQ/TU"], None)
    [{'number': '58/QĐ-UBND', 'date': '2023-01-17'}, {'number': '95-NQ/TU', 'date': None}]
    """
    out: dict[str, dict] = {}
    own = (own_number or "").casefold()
    for text in texts:
        for m in REFERENCE_RE.finditer(text):
            number = m.group("number")
            if number.casefold() == own or re.match(
                r"\s*Kèm\s+theo", text[max(0, m.start() - 40) : m.start()]
            ):
                continue
            if re.search(
                r"kèm\s+theo\s+(?:kế\s+hoạch|quyết\s+định)\s+số\s*$", text[: m.start()], re.IGNORECASE
            ):
                continue  # "(Kèm theo Kế hoạch số ...)" under PHỤ LỤC names the plan itself
            when = None
            if m.group("tail"):
                p = find_periods(m.group("tail"))
                if p:
                    d = p[0].due(None)
                    when = d.isoformat() if d else None
            if number not in out:
                out[number] = {"number": number, "date": when}
            elif out[number]["date"] is None and when:
                out[number]["date"] = when
    return list(out.values())


def reference_spans(text: str) -> list[tuple[int, int]]:
    """Spans of document numbers and their dates: their digits are neither targets nor periods."""
    return [(m.start(), m.end()) for m in REFERENCE_RE.finditer(text)]


# ----------------------------------------------------------------------------------------------- people

_HONORIFIC_RE = re.compile(
    r"^(?:{})\s*[.:]?\s*".format("|".join(re.escape(h) for h in HONORIFICS)), re.IGNORECASE
)


def leader(value: str | None) -> dict | None:
    """{"name", "title"} from "Đồng chí Nguyễn Phúc Đạt, Phó Giám đốc Sở." / "Đ/c X, PGĐ Sở".

    >>> leader("Đồng chí Nguyễn Phúc Đạt, Phó Giám đốc Sở.")
    {'name': 'Nguyễn Phúc Đạt', 'title': 'Phó Giám đốc Sở'}
    >>> leader("Đ/c Trần Quốc Hưng, PGĐ Sở")
    {'name': 'Trần Quốc Hưng', 'title': 'PGĐ Sở'}
    >>> leader("Giám đốc Sở") is None, leader("") is None
    (True, True)
    """
    if not value:
        return None
    value = value.strip().rstrip(".;")
    rest = _HONORIFIC_RE.sub("", value)
    parts = [p.strip() for p in re.split(r"\s*[,–-]\s+|\s*\(\s*|\)", rest, maxsplit=1) if p and p.strip()]
    if not parts:
        return None
    name = parts[0]
    title = parts[1].rstrip(")").strip() if len(parts) > 1 else None
    words = name.split()
    if not (2 <= len(words) <= 6 and all(w[:1].isupper() for w in words)):
        # "Phó Giám đốc Sở phụ trách" without a name: keep the title only when it is one
        return None
    return {"name": name, "title": title or None}


# The words an agency's name starts with: a comma between two of them separates two agencies.
_AGENCY_HEAD_RE = re.compile(
    r"^(?:Sở|Phòng|Ban|UBND|Ủy\s+ban|Công\s+an|Chi\s+cục|Cục|Trung\s+tâm|Văn\s+phòng|Hội|Đoàn|Bộ|"
    r"Liên\s+minh|Liên\s+đoàn|Bảo\s+hiểm|Ngân\s+hàng|Kho\s+bạc|Viện|Trường|Hạt|Đài|Báo|Tỉnh\s+đoàn|"
    r"Mặt\s+trận|Thanh\s+tra|Chi\s+nhánh|Công\s+ty|Hợp\s+tác\s+xã|Tòa\s+án|Huyện\s+ủy|Tỉnh\s+ủy|"
    r"Thành\s+ủy|Đảng\s+ủy|Công\s+chức|Bệnh\s+viện|Quỹ|Tổng\s+cục|Vụ)\b"
)


def units(value: str | None) -> list[str]:
    """Support units: a list split on ";" and lines, and on commas only between agencies' names
    (commas inside one stay: "UBND các xã, thị trấn" is one unit; "Sở Tài chính, Sở Nội vụ" two).

    >>> units("Sở Tài chính; Sở Kế hoạch và Đầu tư.")
    ['Sở Tài chính', 'Sở Kế hoạch và Đầu tư']
    >>> units("UBND các huyện, thành phố")
    ['UBND các huyện, thành phố']
    >>> units("Sở Tài chính, Sở Nội vụ, UBND các huyện, thị xã, thành phố")
    ['Sở Tài chính', 'Sở Nội vụ', 'UBND các huyện, thị xã, thành phố']
    """
    if not value:
        return []
    out: list[str] = []
    for part in re.split(r"\s*;\s*|\n+", value):
        merged: list[str] = []
        for piece in (p.strip() for p in part.split(",")):
            # A piece that does not start an agency's name continues the one before it.
            if merged and not _AGENCY_HEAD_RE.match(piece):
                merged[-1] = f"{merged[-1]}, {piece}"
            else:
                merged.append(piece)
        out += [m.strip().strip(".;,").strip() for m in merged]
    return [u for u in out if u]


def unit(value: str | None) -> str | None:
    """One unit (the lead unit), without the trailing period.

    >>> unit("Chi cục Kiểm lâm."), unit("") is None
    ('Chi cục Kiểm lâm', True)
    """
    if not value:
        return None
    v = value.strip().rstrip(".;,").strip()
    return v or None


# ---------------------------------------------------------------------------------------------- targets


@dataclass(slots=True)
class Found:
    """A quantity found in a text, with what the rules need to decide whether it is a target."""

    start: int
    end: int
    value: float
    max: float | None
    unit: str
    comparator: str
    change: str | None
    name: str
    in_parens: bool
    scope: bool
    qualifier: bool
    equivalent: bool


_QTY_RE = re.compile(
    rf"""
    (?<![\w/.,])                                  # not inside a word, code or another number
    (?:(?P<from>từ)\s+)?
    (?P<n1>{NUMBER_PATTERN})
    (?P<pct1>\s*%)?
    (?:\s*(?:-|–|đến|tới)\s*(?P<n2>{NUMBER_PATTERN})(?![\d/]))?   # 5-7 ; từ 80 đến 90 ; 8,5-9%
    (?:/(?P<total>\d+)(?![\d/]))?                 # 07/11 xã: 7 of 11
    (?P<pct>\s*%)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_MULTI_UNITS = sorted(MULTIWORD_UNITS, key=len, reverse=True)
_UNIT_WORD_RE = re.compile(r"\s*([^\W\d_]+)")
_SLASH_RE = re.compile(r"/(?:\d[\d.,]*\s+)?[^\W\d_]+")
_MASK_RE = re.compile(
    r"""giai\s+đoạn\s+\d{4}\s*[-–]\s*\d{4}      # giai đoạn 2022 - 2030
      | \d{4}\s*[-–]\s*\d{4}                    # năm học 2024-2025
      | (?:năm|quý|tháng)\s+(?:học\s+)?\d{1,4}(?:\s*[/-]\s*\d{4})?
      | \b(?:lần|khóa|kỳ|đợt)\s+thứ\s+\d+
    """,
    re.VERBOSE | re.IGNORECASE,
)
_STOP_NAME_RE = re.compile(r"[;:(]|,\s|\s(?:và|trở\s+lên|trở\s+xuống|so\s+với|để|nhằm|theo)(?!\w)")


def _mask(text: str) -> str:
    """Blank out dates, periods and document numbers so that their digits are not read as quantities."""
    spans = [(m.start(), m.end()) for m in _MASK_RE.finditer(text)]
    spans += [(p.start, p.end) for p in find_periods(text) if p.kind != "season"]
    spans += reference_spans(text)
    chars = list(text)
    for s, e in spans:
        for i in range(s, e):
            chars[i] = " " if not chars[i].isalpha() else "§"
    return "".join(chars)


def _read_unit(after: str) -> tuple[str, int]:
    """The measure word after a number (as written) and its length in ``after``."""
    low = after.casefold()
    stripped = len(low) - len(low.lstrip())
    first = after[stripped : stripped + 1]
    for u in _MULTI_UNITS:
        if low[stripped:].startswith(u) and not low[stripped + len(u) : stripped + len(u) + 1].isalpha():
            if first.isupper() and not after[stripped : stripped + len(u)].split()[0].isupper():
                return "", 0  # "Hợp phần 3 Cơ sở hạ tầng": a capitalised word names, it does not measure
            end = stripped + len(u)
            break
    else:
        m = _UNIT_WORD_RE.match(after)
        if not m:
            return "", 0
        word = m.group(1)
        if word[:1].isupper() and not (word.isupper() and 2 <= len(word) <= 5):
            return "", 0  # "Hợp phần 3 Cơ sở ...": a capitalised word names, it does not measure
        end = m.end()
    while True:
        m = _SLASH_RE.match(after, end)
        if not m:
            break
        end = m.end()
    return after[stripped:end].strip(), end


def _name_after(text: str, pos: int) -> str:
    """The words after a quantity that say what it counts, up to a stop ("và", ";", "(", "theo"...).
    A comma list goes on while its items hold no other figure and no verb of their own.

    >>> _name_after("05 chuỗi liên kết sản xuất, tiêu thụ nông, lâm nghiệp; có 15 sản phẩm", 9)
    'liên kết sản xuất, tiêu thụ nông, lâm nghiệp'
    >>> _name_after(" đường tỉnh, tỷ lệ đạt 95%", 0), _name_after(", hợp tác xã", 0)
    ('đường tỉnh', '')
    """
    out = ""
    while True:
        m = _STOP_NAME_RE.search(text, pos)
        out += text[pos : m.start() if m else len(text)]
        if not (m and m.group(0).startswith(",") and out.strip()):
            break
        nxt = _STOP_NAME_RE.search(text, m.end())
        item = text[m.end() : nxt.start() if nxt else len(text)]
        if not item.strip() or _OWN_CLAUSE_RE.search(item):
            break
        out += ", "
        pos = m.end()
    return _shorten(out.strip(" ,.;"))


# An item of a comma list that is a clause of its own: it has a figure or a verb of reaching.
_OWN_CLAUSE_RE = re.compile(r"\d|(?<!\w)(?:đạt|là|lên|tăng|giảm|bảo\s+đảm|đảm\s+bảo)(?!\w)", re.IGNORECASE)
# Words right before a number that link it to its name: "tỷ lệ ... đạt tối thiểu 95%".
_LINK_WORDS_RE = re.compile(
    r"""(?:\s+(?:đạt|lên|là|có|đến|từ|tới|khoảng|mức|bằng|ước|tối\s+thiểu|ít\s+nhất|trên|dưới
               |không\s+quá|tối\s+đa|không\s+dưới|tăng|giảm|kéo\s+giảm|thêm|được|xuống|còn))+\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
# Words that open a clause without naming anything: "trong đó hỗ trợ ...", "phấn đấu ...".
_LEAD_WORDS_RE = re.compile(
    r"^(?:(?:trong\s+đó|phấn\s+đấu|bảo\s+đảm|đảm\s+bảo|có\s+thêm|có|duy\s+trì|đạt|và|hoặc)\s+)+",
    re.IGNORECASE,
)
# Nouns that head a measure ("Sản lượng lúa đạt ..."): a clause starting with one names the measure
# itself, one starting otherwise is a verb phrase ("Trồng 9.000 ha") that names what is done.
_NOUN_HEADS = tuple(
    sorted(
        {
            *MEASURE_NAMES.values(),
            "tỷ lệ",
            "số",
            "tổng",
            "kim ngạch",
            "thu nhập",
            "chỉ số",
            "mức",
            "doanh thu",
            "kế hoạch",
            "chỉ tiêu",
            "quy mô",
            "giá trị",
        }
    )
)


def _shorten(name: str, limit: int = 120) -> str:
    if len(name) <= limit:
        return name
    return name[:limit].rsplit(" ", 1)[0].rstrip(" ,;") + " …"


def _name_before(text: str, start: int) -> str:
    """The words before a quantity, in its own clause, without the linking words and a leading period.

    >>> t = "tỷ lệ chất thải rắn sinh hoạt được thu gom, xử lý đạt 90%"
    >>> _name_before(t, t.index("90"))
    'tỷ lệ chất thải rắn sinh hoạt được thu gom, xử lý'
    >>> t = "Mã số vùng trồng, hết năm 2023 đạt tổng diện tích trên 1.000ha"
    >>> _name_before(t, t.index("1.000"))
    'tổng diện tích'
    >>> t = "nâng tổng số xã đạt chuẩn toàn huyện lên 07/11 xã"
    >>> _name_before(t, t.index("07"))
    'nâng tổng số xã đạt chuẩn toàn huyện'
    """
    clause = re.split(r"[;:]\s*|\.\s", text[:start])[-1]
    pieces = re.split(r",\s*", _LINK_WORDS_RE.sub("", " " + clause))
    seg = pieces.pop()
    while pieces and len(seg.split()) <= 2 and not re.search(r"\d", pieces[-1]):
        seg = pieces.pop() + ", " + seg  # "..., xử lý" alone says nothing
    seg = seg.strip()
    periods = find_periods(seg)
    if periods and periods[0].start == 0:  # "hết năm 2023 đạt ...": when, not what
        seg = re.sub(r"^[\s,]*(?:đạt\s+)?", "", seg[periods[0].end :])
    seg = _LEAD_WORDS_RE.sub("", seg.strip())
    seg = re.sub(r"^(?:hết|cuối|đến)\s+", "", seg, flags=re.IGNORECASE)
    return _shorten(" ".join(seg.split()).strip(" ,.;"))


def _lower_first(words: str) -> str:
    """Lower-case a verb phrase's first letter, but not an acronym's ("OCOP", "UBND")."""
    return words[:1].lower() + words[1:] if words[1:2].islower() else words


def _is_noun_phrase(words: str) -> bool:
    """True when ``words`` name a measure ("tỷ lệ ...", "nâng tổng số ..."), not an action.

    >>> _is_noun_phrase("nâng tổng số xã đạt chuẩn"), _is_noun_phrase("Xây dựng mới")
    (True, False)
    """
    low = re.sub(r"^(?:nâng|đưa|giữ)\s+", "", words.casefold())
    return any(low == h or low.startswith(h + " ") for h in _NOUN_HEADS)


def target_name(text: str, start: int, end: int, unit: str) -> str:
    """What a quantity counts or measures, readable on its own in a tracker.

    After the number: "05 chuỗi liên kết sản xuất" -> "chuỗi liên kết sản xuất". Before it, when the
    clause names the measure: "Tổng mức bán lẻ ... đạt 106.000 tỷ đồng". When the clause is only a
    verb, the measure word says what is measured ("Trồng 9.000 ha" -> "diện tích trồng"), and a
    counted thing is what the verb is done to ("Xây dựng mới 450 phòng học" -> "phòng học được xây
    dựng mới").

    >>> [target_name(t, t.index(n), t.index(n) + len(n), u) for t, n, u in (
    ...     ("Trồng 9.000 ha, tỷ lệ che phủ rừng đạt 64,2%", "9.000 ha", "ha"),
    ...     ("Xây dựng mới 450 phòng học, nâng tỷ lệ", "450 phòng học", "phòng học"),
    ...     ("Giải ngân tối thiểu 200 tỷ đồng vốn đầu tư công", "200 tỷ đồng", "tỷ đồng"),
    ...     ("sản lượng trên 330.000 tấn", "330.000 tấn", "tấn"),
    ...     ("Hỗ trợ 05 chuỗi liên kết", "05 chuỗi", "chuỗi"))]
    ['diện tích trồng', 'phòng học được xây dựng mới', 'giải ngân vốn đầu tư công', 'sản lượng', 'chuỗi liên kết']
    """
    after = _name_after(text, end)
    before = _name_before(text, start)
    measure = MEASURE_NAMES.get(unit.casefold()) or MEASURE_NAMES.get(unit.casefold().split()[-1])
    # "X đạt 3,5 tỷ đồng": X is the measure's subject, whatever word it starts with
    linked = re.search(r"(?<!\w)(?:đạt|là|bằng)(?:\s+\S+){0,2}\s*$", text[:start], re.IGNORECASE)
    verb = bool(before) and not linked and not _is_noun_phrase(before)
    if measure:
        if after:
            return f"{_lower_first(before)} {after}" if verb else after
        if verb:
            return f"{measure} {_lower_first(before)}"
        return before or measure
    if after:
        return f"{unit} {after}"
    if verb:
        return f"{unit} được {_lower_first(before)}"
    return before or unit


def quantities(text: str) -> list[Found]:
    """Every quantity in ``text`` with unit, comparator, change and flags (scope, qualifier...).

    >>> [(q.value, q.unit, q.comparator) for q in quantities("Trồng 9.000 ha, tỷ lệ che phủ rừng đạt 64,2% trở lên.")]
    [(9000, 'ha', '='), (64.2, '%', '>=')]
    >>> [(q.value, q.max, q.unit, q.comparator) for q in quantities("tối thiểu 5-7 doanh nghiệp")]
    [(5, 7, 'doanh nghiệp', 'range')]
    """
    masked = _mask(text)
    out: list[Found] = []
    depth_at = [0] * (len(text) + 1)
    depth = 0
    for i, c in enumerate(text):
        if c == "(":
            depth += 1
        depth_at[i] = depth
        if c == ")":
            depth = max(0, depth - 1)
    prev_end = 0
    for m in _QTY_RE.finditer(masked):
        value = parse_number(m.group("n1"))
        if value is None:
            continue
        hi = parse_number(m.group("n2")) if m.group("n2") else None
        if hi is not None and hi < value:
            continue
        pct = bool(m.group("pct") or m.group("pct1"))
        if pct:
            unit_text, unit_len = "%", 0
        else:
            unit_text, unit_len = _read_unit(text[m.end() :])
            if not unit_text:
                continue
        end = m.end() + unit_len
        before = text[max(prev_end, 0) : m.start()]
        clause_before = re.split(r"[;:]|,\s", before)[-1]
        comparator = "range" if hi is not None else None
        if comparator is None:
            comparator = comparator_after(text[end : end + 12]) or comparator_before(clause_before) or "="
        change = None
        for word, kind in CHANGE_WORDS.items():
            if re.search(rf"(?<!\w){word}(?!\w)", clause_before, re.IGNORECASE):
                change = kind
        low_before = " " + " ".join(text[max(0, m.start() - 25) : m.start()].casefold().split())
        scope = any(low_before.endswith(" " + w) for w in SCOPE_WORDS)
        unit_low = unit_text.casefold()
        qualifier = any(unit_low == u or unit_low.startswith(u + " ") for u in NON_TARGET_UNITS)
        equivalent = bool(re.search(r"tương\s+đương\s*$", low_before))
        if pct:
            after_name = _name_after(text, end)
            name = after_name if after_name and not after_name.startswith(("so với", "trở")) else ""
            name = name or _name_before(text, m.start())
            if change:  # "Giảm tỷ lệ hộ nghèo xuống dưới 3%": the change is said by ``change``
                name = re.sub(r"^(?:kéo\s+)?(?:tăng|giảm)\s+(?=\S)", "", name, flags=re.IGNORECASE)
            prev = out[-1] if out else None
            if not name and prev is not None and not re.search(r"[;:.]", text[prev.end : m.start()]):
                # "Kim ngạch ... đạt 1.650 triệu USD, tăng 7% so với năm 2024": the same measure
                compared = re.match(r"\s*(so\s+với\s+[^;,.(]+)", text[end:])
                how = " ".join(
                    w
                    for w in (_LINK_WORDS_RE.search(" " + clause_before) or [""])[0].split()
                    if w.casefold() in CHANGE_WORDS
                )
                extra = " ".join(x for x in (how, compared.group(1).strip() if compared else "") if x)
                name = f"{prev.name} ({extra})" if extra else prev.name
        else:
            name = target_name(text, m.start(), end, unit_text)
        out.append(
            Found(
                start=m.start(),
                end=end,
                value=value,
                max=hi,
                unit=unit_text,
                comparator=comparator,
                change=change,
                name=name.strip() or unit_text,
                in_parens=depth_at[m.start()] > 0,
                scope=scope,
                qualifier=qualifier,
                equivalent=equivalent,
            )
        )
        prev_end = end
    return out


_MEASURE_LIST_RE = re.compile(
    r"""^\s*(?:trên\s+)?(?:cả\s+)?(?:\d+\s+\w+(?:\s+\w+)?\s*:\s*)?   # "trên cả 3 tiêu chí:"
        (?P<list>(?:số|tỷ\s+lệ)\s[^,;:]+(?:,\s*(?:số|tỷ\s+lệ)\s[^,;:]+)+)""",
    re.VERBOSE | re.IGNORECASE,
)


def targets(title: str) -> list[dict]:
    """The quantified results a task's heading asks for. One range over several measures
    ("giảm 5-10% số vụ, số người chết, số người bị thương") is one target per measure.

    >>> [(t["value"], t["max"], t["unit"]) for t in targets("giảm từ 5-10% trên cả 3 tiêu chí: số vụ, số người chết")]
    [(5, 10, '%'), (5, 10, '%')]
    >>> [t["value"] for t in targets("kiểm tra 100% cửa hàng xăng dầu (412 cửa hàng)")]
    [100]
    """
    out = []
    for q in quantities(title):
        if q.in_parens or q.scope or q.qualifier:
            continue
        names = [q.name]
        if q.unit == "%":
            m = _MEASURE_LIST_RE.match(title[q.end :].split(";")[0])
            if m:
                items = [i.strip() for i in m.group("list").split(",")]
                tail = re.search(r"\s(so\s+với\s.*)$", items[-1])
                if tail:
                    items[-1] = items[-1][: tail.start()].strip()
                names = [f"{i} {tail.group(1)}" if tail else i for i in items]
        for name in names:
            out.append(
                {
                    "name": name,
                    "unit": q.unit,
                    "comparator": q.comparator,
                    "value": q.value,
                    "max": q.max,
                    "change": q.change,
                }
            )
    return out


_TARGET_LINE_RE = re.compile(
    rf"""^(?P<bullet>[-–+•*]?)\s*
        (?:{"|".join(TARGET_LABELS)})         # "Chỉ tiêu", "Mục tiêu", "Kết quả cần đạt"
        (?:\s+[^:：\d]{{1,40}}?)?             # "cụ thể", "phấn đấu", "đến năm" (no figures)
        (?:\s+(?:năm\s+)?\d{{4}})?             # "Chỉ tiêu năm 2024"
        \s*[:：]\s*(?P<value>.*)$""",
    re.VERBOSE | re.IGNORECASE,
)
_ITEM_RE = re.compile(r"^(?P<bullet>[-–+•*])\s*(?P<text>\S.*)$")


def target_lines(body: list[str]) -> list[str]:
    """The texts of a task's explicit target lines: "- Chỉ tiêu: ..." and, when such a label ends
    its line, the bulleted items right under it (with a bullet other than the label's own).

    >>> target_lines(["- Tổ chức tập huấn", "- Chỉ tiêu: 100% xã được kiểm tra", "- Thời gian: Quý II"])
    ['100% xã được kiểm tra']
    >>> target_lines(["Mục tiêu cụ thể:", "+ Trồng 120 ha", "+ Đạt 95% kế hoạch", "Triển khai thực hiện"])
    ['Trồng 120 ha', 'Đạt 95% kế hoạch']
    >>> target_lines(["Rà soát các chỉ tiêu: báo cáo 2 lần"])
    []
    """
    out: list[str] = []
    items_of: str | None = None  # the label's bullet while its items are being read
    for line in body:
        m = _TARGET_LINE_RE.match(line)
        if m:
            value = m.group("value").strip()
            items_of = None if value else m.group("bullet")
            if value:
                out.append(value)
            continue
        item = _ITEM_RE.match(line)
        if items_of is not None and item and item.group("bullet") != items_of:
            out.append(item.group("text"))
            continue
        items_of = None
    return out


def task_targets(title: str, body: list[str], cell: str | None = None) -> list[dict]:
    """A task's targets: its heading's (or content cell's), then those of explicit target lines
    under it and of a table's "Chỉ tiêu" column, without repeating one already found.

    >>> [(t["value"], t["unit"]) for t in task_targets("Trồng 120 ha rừng", ["- Chỉ tiêu: trồng 120 ha rừng; "
    ...     "tỷ lệ che phủ đạt 60%"])]
    [(120, 'ha'), (60, '%')]
    """
    out = targets(title)
    seen = {(t["value"], t["max"], t["unit"].casefold()) for t in out}
    for text in [*target_lines(body), *([cell] if cell else [])]:
        for t in targets(text):
            key = (t["value"], t["max"], t["unit"].casefold())
            if key not in seen:
                seen.add(key)
                out.append(t)
    return out


_VALUE_CELL_RE = re.compile(
    rf"(?P<before>.*?)(?P<n1>{NUMBER_PATTERN})(?:\s*(?:[-–—]|đến)\s*(?P<n2>{NUMBER_PATTERN}))?(?P<after>.*)",
    re.VERBOSE | re.DOTALL,
)
_SIGNS = {"≥": ">=", ">=": ">=", ">": ">", "≤": "<=", "<=": "<=", "<": "<"}


def _target_row(cells: dict[str, str]) -> dict | None:
    """A row of a table of targets: name, unit and a value cell ("≥ 95", "trên 90", "5 - 7")."""
    m = _VALUE_CELL_RE.match(cells.get("target_value", ""))
    value = parse_number(m["n1"]) if m else None
    if m is None or value is None:
        return None
    hi = parse_number(m["n2"]) if m["n2"] else None
    before = m["before"].strip()
    if hi is not None and hi > value:
        comparator = "range"
    else:
        hi = None
        sign = _SIGNS.get(before[-2:].strip()) or _SIGNS.get(before[-1:]) if before else None
        comparator = sign or comparator_before(before) or comparator_after(m["after"]) or "="
    change = next(
        (
            kind
            for word, kind in CHANGE_WORDS.items()
            if re.search(rf"(?<!\w){word}(?!\w)", before, re.IGNORECASE)
        ),
        None,
    )
    measure = cells.get("target_unit", "").strip() or ("%" if "%" in m["after"] else "")
    return {
        "name": cells["target_name"].strip().rstrip(";.,"),
        "unit": measure,
        "comparator": comparator,
        "value": value,
        "max": hi,
        "change": change,
        "lead_unit": unit(cells.get("lead_unit")),
    }


def plan_targets(lines: list[str], rows: list[dict[str, str]]) -> list[dict]:
    """The plan's own targets, which belong to no task: those the items of its "Chỉ tiêu" list
    ask for (their text, without the bullet), then the rows of a table of targets, each once.

    >>> [(t["name"], t["value"], t["unit"], t["comparator"]) for t in plan_targets(
    ...     ["Tỷ lệ che phủ rừng đạt 64,2% trở lên;"],
    ...     [{"target_name": "Trồng rừng mới", "target_unit": "ha", "target_value": "≥ 9.000"}])]
    [('Tỷ lệ che phủ rừng', 64.2, '%', '>='), ('Trồng rừng mới', 9000, 'ha', '>=')]
    """
    out: list[dict] = []
    seen: set[tuple] = set()
    found = [t | {"lead_unit": None} for line in lines for t in targets(line)]
    found += [t for t in map(_target_row, rows) if t is not None]
    for t in found:
        key = (t["name"].casefold(), t["value"], t["max"], t["unit"].casefold())
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out


# ------------------------------------------------------------------------------------------- milestones

_CLAUSE_RE = re.compile(r";\s*|\.\s+(?=[A-ZĐÀ-Ỹ])|\.$|\n")
_MILESTONE_KINDS = {"date", "quarter", "half", "month", "season"}


@dataclass(slots=True)
class MilestoneHit:
    due: date | None
    text: str
    value: float | None
    unit: str | None
    written_year: int | None
    period_text: str


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_RE.split(text) if c and c.strip()]


def milestones(text: str, plan_year: int | None) -> list[MilestoneHit]:
    """Dated steps in a task's text: one per clause that names a period (quarter, month, half-year,
    "trước ngày ..."), plus a season's step when it names a quantity to reach.

    >>> [(h.due, h.text) for h in milestones("Rà soát; tháng 5/2023 hoàn thành xây dựng phương án", 2023)]
    [(datetime.date(2023, 5, 31), 'hoàn thành xây dựng phương án')]
    >>> [(h.due, h.written_year) for h in milestones("Quý I, II, III/2017, tăng cường chỉ đạo", 2023)]
    [(datetime.date(2023, 9, 30), 2017)]
    """
    out: list[MilestoneHit] = []
    for clause in _clauses(text):
        refs = reference_spans(clause)
        periods = [
            p
            for p in find_periods(clause)
            if p.kind in _MILESTONE_KINDS and not any(s <= p.start < e for s, e in refs)
        ]
        # "27/7/1947 - 27/7/2022" is an anniversary, not a step
        periods = [p for p in periods if not re.match(r"\s*[-–]\s*\d", clause[p.end : p.end + 4])]
        if not periods:
            continue
        dated = [p for p in periods if p.kind != "season"]
        found = [q for q in quantities(clause) if not q.qualifier and not q.scope]
        reach = [q for q in found if q.equivalent] or [
            q for q in found if q.comparator in (">=", ">", "range") and not q.in_parens and q.unit != "%"
        ]
        if not dated and not reach:
            continue
        p: Period = dated[0] if dated else periods[0]
        year = p.year
        if year is not None and plan_year is not None and abs(year - plan_year) > 1:
            due = p.with_year(plan_year).due(plan_year)  # a typo: the plan's own year is meant
        else:
            due = p.due(plan_year)
        body = (clause[: p.start] + " " + clause[p.end :]).strip()
        body = re.sub(
            r"^(?:[,:\s]|trong\b|đến\b|trước\b|ngày\b|hết\b|cuối\b)+|(?:[,\s]|\btrong|\btrước|\bđến|\bngày)+$",
            "",
            body,
            flags=re.IGNORECASE,
        )
        body = " ".join(body.split())
        body = body[:1].lower() + body[1:] if body[:2] != body[:2].upper() else body
        q = reach[0] if reach else None
        out.append(MilestoneHit(due, body, q.value if q else None, q.unit if q else None, year, p.text))
    return out


# -------------------------------------------------------------------------------------------- reporting


_REPORTED_TO_RE = re.compile(
    r"\bvề\s+(?P<org>(?:Bộ|Sở|Phòng|Văn\s+phòng|UBND|Ủy\s+ban|Ban|Cục|Vụ|Trung\s+tâm)\b[^()]*?)"
    r"\s*(?:\([^)]*\))?\s*(?:để|nhằm)\s+(?:theo\s+dõi,\s*)?tổng\s+hợp"
)
_LEADING_ADVERB_RE = re.compile(r"^(?:định\s+kỳ|hằng\s+(?:tháng|quý|năm))[^,]{0,30},\s*", re.IGNORECASE)


def reporting(lines: list[str]) -> dict:
    """Who compiles progress and how often, from "Tổ chức thực hiện".

    >>> reporting(["3. Phòng Kế hoạch – Tài chính chịu trách nhiệm theo dõi, đôn đốc, tổng hợp kết quả "
    ...            "thực hiện các nhiệm vụ theo tháng, quý của năm, báo cáo lãnh đạo Sở."])
    {'compiler': 'Phòng Kế hoạch – Tài chính', 'frequencies': ['monthly', 'quarterly']}
    >>> reporting(["2. Văn phòng Sở chủ trì theo dõi, tổng hợp, báo cáo định kỳ hằng tháng (trước ngày 20) và 6 tháng."])
    {'compiler': 'Văn phòng Sở', 'frequencies': ['monthly', 'half-yearly']}
    >>> reporting(["Định kỳ 6 tháng, các đơn vị báo cáo kết quả về Bộ Công Thương (qua Vụ Kế hoạch) để tổng hợp."])
    {'compiler': 'Bộ Công Thương', 'frequencies': ['half-yearly']}
    >>> reporting(["Định kỳ, Văn phòng Sở tổng hợp, báo cáo kết quả thực hiện hằng quý."])
    {'compiler': 'Văn phòng Sở', 'frequencies': ['quarterly']}
    """
    best = None
    for line in lines:
        low = line.casefold()
        if "tổng hợp" in low and ("báo cáo" in low or "kết quả" in low):
            best = line
            break
    if best is None:
        return {"compiler": None, "frequencies": []}
    text = re.sub(r"^\s*(?:\d+[.)]|[-–+•])\s*", "", best)
    # "… báo cáo kết quả về Bộ X (qua Vụ Y) để tổng hợp": the body reported to compiles.
    sent_to = _REPORTED_TO_RE.search(text)
    # "Định kỳ, Văn phòng Sở tổng hợp …": the leading adverb is not part of the compiler's name.
    subject = _LEADING_ADVERB_RE.sub("", text)
    verbs = "|".join(re.escape(v) for v in COMPILER_VERBS)
    m = re.search(rf"\s(?:{verbs})(?=[\s,])", subject)  # lower-case verbs only: names are capitalised
    compiler = sent_to["org"].strip(" ,") if sent_to else (subject[: m.start()].strip(" ,") if m else None)
    if compiler and not any(
        compiler.casefold().startswith(h + " ")
        for h in (
            "phòng",
            "văn phòng",
            "ban",
            "trung tâm",
            "chi cục",
            "tổ",
            "bộ phận",
            "sở",
            "ubnd",
            "ủy ban",
        )
    ):
        compiler = compiler if len(compiler.split()) <= 10 else None
    freq_text = re.sub(r"\([^)]*\)", " ", text.casefold())
    freq: list[str] = []

    def has(pattern: str) -> bool:
        return re.search(pattern, freq_text) is not None

    lead = r"(?:hằng|hàng|theo|định\s+kỳ|mỗi|từng|,|và|báo\s+cáo)\s+"
    if has(rf"{lead}tháng(?!\s*\d)") or has(r"hằng\s+tháng|hàng\s+tháng"):
        freq.append("monthly")
    if has(rf"{lead}quý(?!\s+[ivx]+\b)"):
        freq.append("quarterly")
    if has(r"(?:6|sáu)\s+tháng"):
        freq.append("half-yearly")
    if has(rf"{lead}năm(?!\s*\d)") or has(r"(?:6|sáu)\s+tháng\s*(?:,|và)\s*năm"):
        freq.append("yearly")
    return {"compiler": compiler, "frequencies": freq}


# ------------------------------------------------------------------------------------- recipients/signer

_NOTE_RE = re.compile(rf"\s*{RECIPIENT_NOTES_RE}\s*", re.IGNORECASE)


def recipients(closing: list[str]) -> list[str]:
    """The "Nơi nhận" list, without "(b/c)" notes and trailing punctuation.

    >>> recipients(["- UBND tỉnh (b/c);", "GIÁM ĐỐC", "- Lưu: VT, KHTC."])
    ['UBND tỉnh', 'Lưu: VT, KHTC']
    """
    out = []
    for line in closing:
        m = re.match(r"^\s*[-–+•*]\s*(.+)$", line)
        if not m:
            continue
        item = _NOTE_RE.sub(" ", m.group(1)).strip().rstrip(";.,").strip()
        if item:
            out.append(item)
    return out


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 6 and all(w[:1].isupper() and w.replace("-", "").isalpha() for w in words)


def signer(closing: list[str]) -> dict | None:
    """{"name", "title"}: the last name-like line, under the title line that follows any
    KT./TM./TL. line (Decree 30/2020: the signer's own title comes last).

    >>> signer(["- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Thành Đông"])
    {'name': 'Nguyễn Thành Đông', 'title': 'PHÓ CHỦ TỊCH'}
    """
    lines = [ln.strip() for ln in closing if ln.strip() and not re.match(r"^\s*[-–+•*]", ln)]
    lines = [ln for ln in lines if not re.fullmatch(r"\(.*\)", ln)]  # "(Đã ký)", "(ký, đóng dấu)"
    for i in range(len(lines) - 1, -1, -1):
        if _looks_like_name(lines[i]) and not lines[i].isupper():
            title = None
            for j in range(i - 1, -1, -1):
                t = lines[j]
                if t.isupper() and not any(t.casefold().startswith(p) for p in SIGN_PREFIXES):
                    title = t
                    break
            return {"name": lines[i], "title": title}
    return None
