"""Segment a plan's blocks: front matter, title, sections, numbered tasks with their field lines,
task-table rows, the "Tổ chức thực hiện" section, "Nơi nhận" and the signature."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .read import Block
from .vocab import DOC_KINDS, FIELD_LABELS, PREAMBLE_WORDS, SECTION_KINDS

__all__ = ["Segments", "TaskNode", "field_of", "segment"]

_SECTION_RE = re.compile(
    r"""^(?P<roman>X{0,3}(?:IX|IV|V?I{0,3}))   # I. II. ... X.
        \s*[.)/-]\s*(?P<heading>\S.*)$""",
    re.VERBOSE,
)
_NUMBERED_RE = re.compile(
    r"""^(?:
          (?P<code>\d{1,2}(?:\.\d{1,2}){0,3})\s*[.)]\s+     # 1. / 1.1. / 1)
        | (?P<code2>\d{1,2}(?:\.\d{1,2}){1,3})\s+           # 1.1 without the final dot
        | Nhiệm\s+vụ\s+(?P<ncode>\d{1,2})\s*[:.]\s*          # "Nhiệm vụ 1: ..." on its own
        )
        (?:Nhiệm\s+vụ\s+\d+\s*[:.]\s*)?                     # "1. Nhiệm vụ 1: ..." keeps only the heading
        (?P<title>\S.*)$""",
    re.VERBOSE | re.IGNORECASE,
)
_LETTERED_RE = re.compile(r"^(?P<letter>[a-zđ])\s*\)\s*(?P<title>\S.*)$")
_FIELD_RE = re.compile(
    r"^[-–+•*]?\s*(?P<label>{})\s*[:：]\s*(?P<value>.*)$".format(
        "|".join(f"(?P<{name}>{'|'.join(alts)})" for name, alts in FIELD_LABELS.items())
    ),
    re.IGNORECASE,
)
# Where a line that runs several field lines together ("Phó Giám đốc Sở. Chủ trì: Phòng X. Phối hợp:
# Y. Thời gian hoàn thành: Tháng 12/2022", as PDF text often has it) is cut: after a full stop or a
# semicolon, before a capitalised label and its colon.
_RUN_ON_LABEL_RE = re.compile(
    r"(?<=[.;])\s+(?=(?:{})\s*[:：])".format(
        "|".join(
            alt for name in ("leader", "lead_unit", "support_units", "deadline") for alt in FIELD_LABELS[name]
        )
    ),
    re.IGNORECASE,
)
# Headings that announce the plan's own targets, and the shapes of sub-headings and list items.
_GOALS_HEADING_RE = re.compile(r"chỉ\s+tiêu|mục\s+tiêu(?!\s+chung)", re.IGNORECASE)
_SUBHEADING_RE = re.compile(
    r"^(?P<n>\d{1,2}(?:\.\d{1,2})?\s*[.)]|[a-zđ]\s*\))\s*\S[^.;]{0,80}:?$", re.IGNORECASE
)
# A list item: its bullet, number or letter, then its text.
_ITEM_RE = re.compile(r"^(?:[-–+•*]|\d{1,2}(?:\.\d{1,2})?\s*[.)]|[a-zđ]\s*\))\s*(?P<text>\S.*)$")
# The cells a table row carries besides its STT and content.
_ROW_FIELDS = ("leader", "lead_unit", "support_units", "deadline", "product", "targets")
# The number a malformed STT cell starts with ("12a", "15*", "3 (bổ sung)").
_ROW_CODE_START_RE = re.compile(r"^(\d{1,4}(?:\.\d{1,3}){0,3})(?!\d)")
# A table row's STT: any length ("140"), with sub-numbers ("2.1").
_ROW_CODE_RE = re.compile(r"^\d{1,4}(?:\.\d{1,3}){0,3}\.?$")


@dataclass(slots=True)
class TaskNode:
    """A task as segmented: code, heading, body lines and field values (raw text)."""

    code: str
    parent: str | None
    title: str
    body: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    lettered: bool = False
    from_table: bool = False
    children: list[str] = field(default_factory=list)
    # Why a table row was read only in part, for a finding: ("number" | "duplicate" | "no_title",
    # the STT cell as written).
    unreadable: tuple[str, str] | None = None

    @property
    def text(self) -> str:
        return "\n".join([self.title, *self.body])


@dataclass(slots=True)
class Segments:
    front: list[str] = field(default_factory=list)
    kind_word: str | None = None
    title: str | None = None
    preamble: list[str] = field(default_factory=list)
    tasks: list[TaskNode] = field(default_factory=list)
    organisation: list[str] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    appendix: list[str] = field(default_factory=list)
    all_text: list[str] = field(default_factory=list)
    # Plan-level targets: the items of a "Chỉ tiêu"/"Mục tiêu" section or sub-heading, and the rows
    # of a table of targets ("Danh mục các chỉ tiêu").
    goal_lines: list[str] = field(default_factory=list)
    goal_rows: list[dict[str, str]] = field(default_factory=list)


def field_of(line: str) -> tuple[str, str] | None:
    """(field name, value) when ``line`` is a task's field line.

    >>> field_of("- *Lãnh đạo trực tiếp chỉ đạo:* Đồng chí X, Phó Giám đốc Sở.".replace("*", ""))
    ('leader', 'Đồng chí X, Phó Giám đốc Sở.')
    >>> field_of("- Đơn vị chủ trì tham mưu thực hiện: Chi cục Kiểm lâm")
    ('lead_unit', 'Chi cục Kiểm lâm')
    >>> field_of("- Phối hợp với Liên minh Hợp tác xã tỉnh, UBND các huyện") is None
    True
    """
    m = _FIELD_RE.match(line)
    if not m:
        return None
    name = next(n for n in FIELD_LABELS if m.group(n))
    return name, m.group("value").strip()


def _section_kind(heading: str) -> str:
    low = heading.casefold()
    for kind, words in SECTION_KINDS:
        if any(w in low for w in words):
            return kind
    return "tasks"


def section_of(line: str) -> str | None:
    """The kind of section a Roman-numeral heading opens, or None if ``line`` is not one.

    >>> section_of("II. NỘI DUNG THỰC HIỆN"), section_of("III. TỔ CHỨC THỰC HIỆN"), section_of("I. MỤC ĐÍCH, YÊU CẦU")
    ('tasks', 'organisation', 'purpose')
    >>> section_of("1. Nhiệm vụ 1") is None
    True
    """
    m = _SECTION_RE.match(line)
    if not m or not m.group("roman"):
        return None
    heading = m.group("heading")
    letters = [c for c in heading if c.isalpha()]
    # Sections are written in capitals; a Roman "I." before an ordinary sentence is rare but
    # "V. " could start a sentence abbreviation, so ask for mostly upper case or a known heading.
    upper = sum(c.isupper() for c in letters) >= 0.6 * max(1, len(letters))
    kind = _section_kind(heading)
    if upper or any(any(w in heading.casefold()[:40] for w in words) for _, words in SECTION_KINDS):
        return kind
    return None


_KIND_AND_TITLE_RE = re.compile(
    r"^[*#\s]*(?P<kind>{})[*\s:]+(?P<rest>\S.*)$".format("|".join(k.upper() for k in DOC_KINDS))
)


def _is_kind_line(text: str) -> str | None:
    t = text.strip().strip("*#").strip()
    if t.isupper() and t.casefold() in DOC_KINDS:
        return t.casefold()
    return None


_AUTHORITY_WORDS = (
    "chính phủ",
    "thủ tướng",
    "bộ trưởng",
    "chủ tịch",
    "ủy ban nhân dân",
    "hội đồng nhân dân",
    "ban chấp hành",
    "ban thường vụ",
    "giám đốc",
)


def _is_authority_line(line: str, title: list[str]) -> bool:
    """A line in capitals under a title written in ordinary case, or one naming who issues the
    document ("CHÍNH PHỦ", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH"), is not part of the title.

    >>> _is_authority_line("CHÍNH PHỦ", ["Ban hành Chương trình hành động năm 2025"])
    True
    >>> _is_authority_line("NĂM 2025", ["THỰC HIỆN NHIỆM VỤ TRỌNG TÂM"])
    False
    """
    text = line.strip().strip("*#").strip()
    if not text.isupper():
        return False
    if any(not t.strip("*# ").isupper() for t in title):
        return True
    return len(text.split()) <= 10 and text.casefold().startswith(_AUTHORITY_WORDS)


def _clean_title(title: str) -> str:
    return title.strip().strip("*").strip().rstrip(":;.").strip()


class _TaskBuilder:
    """Turns the lines and rows of the tasks part into TaskNodes, checking the outline order so that
    an enumeration inside a task's text ("1. ...", "2. ...") is not taken for new tasks."""

    def __init__(self) -> None:
        self.tasks: list[TaskNode] = []
        self.by_code: dict[str, TaskNode] = {}
        self.current: TaskNode | None = None
        self.last_child: dict[str | None, int] = {}
        self.after_fields = False  # the last line read was a field line of the current task

    def _add(self, node: TaskNode) -> None:
        self.tasks.append(node)
        self.by_code.setdefault(node.code, node)
        if node.parent and node.parent in self.by_code:
            self.by_code[node.parent].children.append(node.code)
        self.current = node

    def _accepts(self, code: str) -> bool:
        parts = code.split(".")
        parent = ".".join(parts[:-1]) or None
        if parent is not None and parent not in self.by_code:
            return False
        last = self.last_child.get(parent, 0)
        n = int(parts[-1])
        return n == last + 1 or (last == 0 and n <= 1) or (parent is None and not self.tasks)

    def _skips_ahead(self, code: str) -> bool:
        """A number one or two past the next ("4." after "2."), with no enumeration under way in the
        current task's text: the document skipped a number, and this is still the next task."""
        parts = code.split(".")
        parent = ".".join(parts[:-1]) or None
        if parent is not None and parent not in self.by_code:
            return False
        last = self.last_child.get(parent, 0)
        if last == 0 or not last + 2 <= int(parts[-1]) <= last + 3:
            return False
        body = self.current.body if self.current is not None else []
        # After the task's own field lines ("- Chủ trì: …") an enumeration of its text is over.
        return self.after_fields or not any(_NUMBERED_RE.match(line) for line in body)

    def line(self, text: str) -> None:
        cuts = [m.end() for m in _RUN_ON_LABEL_RE.finditer(text) if text[m.end()].isupper()]
        if cuts:
            for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True):
                self.line(text[a:b].strip())
            return
        m = _NUMBERED_RE.match(text)
        if m:
            code = (m.group("code") or m.group("code2") or m.group("ncode")).rstrip(".")
            accepted = self._accepts(code)
            skipped = not accepted and self._skips_ahead(code)
            if accepted or skipped:
                parts = code.split(".")
                parent = ".".join(parts[:-1]) or None
                node = TaskNode(code, parent, _clean_title(m.group("title")))
                if skipped:
                    node.unreadable = (
                        "gap",
                        f"{parent + '.' if parent else ''}{self.last_child.get(parent, 0)}",
                    )
                self.last_child[parent] = int(parts[-1])
                self._add(node)
                self.after_fields = False
                return
        m = _LETTERED_RE.match(text)
        if m and self.current is not None:
            base = self.current
            while base.lettered and base.parent:
                base = self.by_code[base.parent]
            node = TaskNode(
                f"{base.code}.{m.group('letter')}", base.code, _clean_title(m.group("title")), lettered=True
            )
            self._add(node)
            return
        f = field_of(text)
        if f and self.current is not None:
            name, value = f
            self.current.fields.setdefault(name, value)
            self.after_fields = True
            return
        if self.current is not None:
            self.current.body.append(text)
            self.after_fields = False

    def row(self, cells: dict[str, str]) -> None:
        raw = cells.get("code", "").strip()
        code = raw.rstrip(".")
        if not code and self._continues(cells):
            return
        unreadable = None
        if not _ROW_CODE_RE.match(code + "."):
            m = _ROW_CODE_START_RE.match(code)
            if m is None:
                return  # group rows (I, II, A, B) and unnumbered headings are not tasks
            # "12a", "15*", "3 (bổ sung)": a numbered row all the same, kept with what can be read.
            code, unreadable = re.sub(r"\W+", "", code) or m.group(1), ("number", raw)
        title = _clean_title(cells.get("title", ""))
        if not title:
            title, unreadable = (
                f"(Dòng {raw} của bảng chưa có nội dung nhiệm vụ)",
                unreadable or ("no_title", raw),
            )
        if code in self.by_code:
            # The same STT twice (a typo, or numbering restarted in a new part): both rows are kept.
            n = 2
            while f"{code}-{n}" in self.by_code:
                n += 1
            unreadable, code = unreadable or ("duplicate", raw), f"{code}-{n}"
        parts = code.split(".")
        parent = ".".join(parts[:-1]) or None
        node = TaskNode(code, parent if parent in self.by_code else None, title)
        node.from_table = True
        node.unreadable = unreadable
        for name in _ROW_FIELDS:
            if cells.get(name, "").strip():
                node.fields[name] = cells[name].strip()
        self._add(node)
        self.current = None  # prose after a table belongs to no row

    def _continues(self, cells: dict[str, str]) -> bool:
        """A row with an empty STT cell under a numbered row is that row cut by a page break: its
        cells are appended to the row above. A row holding only a heading in capitals is a group
        heading instead, and is left out."""
        previous = self.tasks[-1] if self.tasks else None
        if previous is None or not previous.from_table:
            return False
        filled = {name: text.strip() for name, text in cells.items() if name != "code" and text.strip()}
        if not filled:
            return True  # an empty row: nothing to lose
        title = filled.get("title", "")
        if set(filled) == {"title"} and title.isupper():
            return False
        if title:
            previous.title = f"{previous.title} {_clean_title(title)}".strip()
        for name in _ROW_FIELDS:
            if name in filled:
                glue = "\n" if name == "support_units" else " "
                joined = glue.join(p for p in (previous.fields.get(name, ""), filled[name]) if p)
                previous.fields[name] = joined
        return True

    def finish(self) -> list[TaskNode]:
        # A lettered item is a task only when it carries its own assignment; otherwise its text
        # goes back to the enclosing task.
        out: list[TaskNode] = []
        for node in self.tasks:
            if node.lettered and not node.fields:
                parent = self.by_code.get(node.parent or "")
                if parent is not None:
                    parent.body += [f"{node.code[-1]}) {node.title}", *node.body]
                    parent.children.remove(node.code)
                continue
            out.append(node)
        return out


def segment(blocks: list[Block]) -> Segments:
    """Split the blocks into the parts of a plan."""
    seg = Segments()
    seg.all_text = [b.text for b in blocks if b.text]
    kind_at = next((i for i, b in enumerate(blocks) if b.cells is None and _is_kind_line(b.text)), None)
    if kind_at is None:
        # "KẾ HOẠCH thực hiện Nghị quyết …": the kind word and the title on one line.
        for i, b in enumerate(blocks[:20]):
            m = _KIND_AND_TITLE_RE.match(b.text) if b.cells is None else None
            if m and _is_kind_line(m["kind"]):
                blocks = [*blocks[:i], Block(m["kind"]), Block(m["rest"]), *blocks[i + 1 :]]
                kind_at = i
                break
    start = 0
    if kind_at is not None:
        seg.front = [b.text for b in blocks[:kind_at]]
        seg.kind_word = _is_kind_line(blocks[kind_at].text)
        title: list[str] = []
        i = kind_at + 1
        while i < len(blocks) and len(title) < 4:
            t = blocks[i].text
            low = t.casefold()
            if blocks[i].cells is not None or section_of(t) or field_of(t):
                break
            if title and (
                any(low.startswith(w + " ") for w in PREAMBLE_WORDS) or title[-1].endswith((".", ";"))
            ):
                break
            if title and len(t) > 200:
                break
            if not any(c.isalnum() for c in t):
                if title:
                    break  # a rule ("-----", "*") under the title
                i += 1
                continue
            if title and _is_authority_line(t, title):
                # "CHÍNH PHỦ" under a resolution's title: who resolves, not part of the title.
                break
            title.append(_clean_title(t) if title else t.strip().strip("*").strip())
            i += 1
        seg.title = " ".join(title).strip("* ") or None
        start = i
    builder = _TaskBuilder()
    state = "preamble"
    for b in blocks[start:]:
        t = b.text
        if b.cells is not None and "target_name" in b.cells:
            seg.goal_rows.append(b.cells)
            continue
        if b.cells is not None:
            if state == "closing":
                state = "appendix"  # a task table after the signature: an annex without its heading
            if state in ("tasks", "appendix", "preamble", "attached"):
                builder.row(b.cells)
            continue
        if state == "closing":
            # After the signature a kind line or a section means the document goes on (a decision's
            # attached plan, an annex), and its bullets are not recipients.
            if _is_kind_line(t):
                state = "attached"
                seg.appendix.append(t)
                continue
            if section_of(t):
                state = "attached"
        if state != "closing" and re.match(r"^nơi\s+nhận\b", t, re.IGNORECASE):
            state = "closing"
            rest = re.sub(r"^nơi\s+nhận\s*:?\s*", "", t, flags=re.IGNORECASE)
            if rest:
                seg.closing.append(rest)
            continue
        if re.match(r"^PHỤ\s+LỤC\b", t):
            state = "appendix"
            seg.appendix.append(t)
            continue
        if state == "closing":
            seg.closing.append(t)
            continue
        if state == "appendix":
            seg.appendix.append(t)
            continue
        kind = section_of(t)
        if state == "attached" and not kind:
            seg.appendix.append(t)  # the attached document's title and preamble
            continue
        if kind:
            state = kind
            if kind == "purpose" and _GOALS_HEADING_RE.search(t):
                state = "goals"
            builder.current = None
            builder.last_child[None] = 0 if not builder.tasks else builder.last_child.get(None, 0)
            continue
        if state == "purpose" and _GOALS_HEADING_RE.search(t) and _SUBHEADING_RE.match(t):
            state = "goals"  # "2. Chỉ tiêu cụ thể" under "I. MỤC ĐÍCH, YÊU CẦU"
            continue
        if state == "goals":
            heading = _SUBHEADING_RE.match(t)
            if heading and not _GOALS_HEADING_RE.search(t) and not re.search(r"\d", t[heading.end("n") :]):
                state = "purpose"  # a sub-heading of something else ("3. Yêu cầu", "1. Mục tiêu chung")
            elif item := _ITEM_RE.match(t):
                seg.goal_lines.append(item["text"])
            continue
        if state == "preamble":
            seg.preamble.append(t)
        elif state == "tasks":
            builder.line(t)
        elif state == "organisation":
            seg.organisation.append(t)
    if not builder.tasks and seg.preamble:
        # No Roman-numeral tasks section: a short plan may number its tasks right after the preamble.
        builder = _TaskBuilder()
        for t in seg.preamble:
            builder.line(t)
    seg.tasks = builder.finish()
    return seg
