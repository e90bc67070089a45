"""Word's automatic list numbering, rendered the way Word shows it.

Department plans are very often typed with Word's numbering ("II." sections, "1." tasks, "1.1."
sub-tasks, "a)" items) instead of typed numbers, so the numbers are not in the paragraph's text:
the paragraph only says "numId 3, level 1" (``w:numPr``) and ``numbering.xml`` says how that list's
levels look (``w:abstractNum``: ``numFmt`` decimal/upperRoman/lowerLetter..., ``lvlText`` such as
``%1.%2.``, ``start``). This module keeps Word's counters as it walks the document in order and
returns each paragraph's label ("1.2.", "II.", "a)"), so that later stages read it as if typed.

Word's rules followed here (ECMA-376 §17.9 and what Word does):
- the counters belong to the abstract list, so two ``w:num`` that share an ``abstractNum`` continue
  one numbering, unless a ``w:num`` restarts a level with ``w:lvlOverride/w:startOverride`` (the
  way Word writes "Restart at 1");
- advancing a level resets every deeper level, so the next deeper item starts again from ``start``;
- ``%N`` in ``lvlText`` is level N-1's current number in that level's own format; a level not yet
  used shows its start value; ``w:isLgl`` shows every number in decimal;
- a paragraph gets its numbering from its own ``w:pPr/w:numPr`` or from its style (and the styles
  it is based on); ``numId`` 0 switches numbering off;
- ``numStyleLink`` makes an abstract list borrow the definition of the list a style points to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Numbering", "format_number"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _val(el, tag: str) -> str | None:
    """``w:val`` of the child ``tag`` of ``el``, or None."""
    if el is None:
        return None
    child = el.find(W + tag)
    return None if child is None else child.get(W + "val")


def _int(s: str | None, default: int | None = None) -> int | None:
    try:
        return int(s) if s is not None else default
    except ValueError:
        return default


_ROMAN: tuple[tuple[int, str], ...] = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
)
_ROMAN += ((40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def format_number(n: int, fmt: str | None) -> str:
    """A counter in one of Word's number formats (the common ones; others fall back to decimal).

    Word's letters go a..z then aa..zz (the letter repeated), with no Vietnamese "đ".

    >>> [format_number(n, f) for n, f in ((2, "upperRoman"), (4, "lowerRoman"), (3, "lowerLetter"),
    ...                                   (28, "upperLetter"), (5, "decimalZero"), (12, "decimal"))]
    ['II', 'iv', 'c', 'BB', '05', '12']
    """
    fmt = fmt or "decimal"
    if fmt in ("upperRoman", "lowerRoman") and n > 0:
        r = _roman(n)
        return r if fmt == "upperRoman" else r.lower()
    if fmt in ("upperLetter", "lowerLetter") and n > 0:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


@dataclass(slots=True)
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    legal: bool = False


@dataclass(slots=True)
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # level -> startOverride
    levels: dict[int, _Level] = field(default_factory=dict)  # level -> overriding definition


def _level(el) -> _Level:
    return _Level(
        fmt=_val(el, "numFmt") or "decimal",
        text=_val(el, "lvlText") or "",
        start=_int(_val(el, "start"), 1) or 0,
        legal=el.find(W + "isLgl") is not None,
    )


def _num_pr(ppr) -> tuple[str | None, int | None]:
    """(numId, ilvl) of a ``w:pPr`` element; None where it says nothing."""
    if ppr is None:
        return None, None
    npr = ppr.find(W + "numPr")
    if npr is None:
        return None, None
    return _val(npr, "numId"), _int(_val(npr, "ilvl"))


class Numbering:
    """Counters of a document's lists; ``label(paragraph)`` in document order gives each label."""

    def __init__(self, numbering_el=None, styles_el=None) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.links: dict[str, str] = {}  # abstractNum id -> style name it borrows from (numStyleLink)
        self.nums: dict[str, _Num] = {}
        self.styles: dict[str, tuple[str | None, int | None, str | None]] = {}  # id -> numId, ilvl, basedOn
        self.counters: dict[str, list[int | None]] = {}
        self.used_nums: set[str] = set()
        if styles_el is not None:
            for st in styles_el.iter(W + "style"):
                num_id, ilvl = _num_pr(st.find(W + "pPr"))
                self.styles[st.get(W + "styleId") or ""] = (num_id, ilvl, _val(st, "basedOn"))
        if numbering_el is None:
            return
        for ab in numbering_el.iter(W + "abstractNum"):
            aid = ab.get(W + "abstractNumId") or ""
            self.abstracts[aid] = {_int(lv.get(W + "ilvl"), 0) or 0: _level(lv) for lv in ab.iter(W + "lvl")}
            link = _val(ab, "numStyleLink")
            if link:
                self.links[aid] = link
        for num in numbering_el.iter(W + "num"):
            n = _Num(_val(num, "abstractNumId") or "")
            for ov in num.iter(W + "lvlOverride"):
                ilvl = _int(ov.get(W + "ilvl"), 0) or 0
                start = _int(_val(ov, "startOverride"))
                if start is not None:
                    n.starts[ilvl] = start
                lvl = ov.find(W + "lvl")
                if lvl is not None:
                    n.levels[ilvl] = _level(lvl)
                    if start is None:
                        n.starts[ilvl] = n.levels[ilvl].start
            self.nums[num.get(W + "numId") or ""] = n

    @property
    def empty(self) -> bool:
        return not self.nums

    def _style_num(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        num_id = ilvl = None
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            s_num, s_lvl, based = self.styles[style_id]
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_lvl
            style_id = based
        return num_id, ilvl

    def _abstract(self, num: _Num) -> tuple[str, dict[int, _Level]]:
        aid = num.abstract
        link = self.links.get(aid)
        if link:  # the list is defined by the one its style points to
            style_num, _ = self._style_num(link)
            target = self.nums.get(style_num or "")
            if target is not None and target.abstract in self.abstracts:
                aid = target.abstract
        return aid, self.abstracts.get(aid, {})

    def label(self, p) -> str:
        """The label Word shows before paragraph ``p`` (a ``w:p`` element), advancing the counters;
        "" when the paragraph is not numbered. Bullets come back as "-"."""
        if not self.nums:
            return ""
        ppr = p.find(W + "pPr")
        num_id, ilvl = _num_pr(ppr)
        if num_id is None or ilvl is None:
            s_num, s_lvl = self._style_num(_val(ppr, "pStyle"))
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_lvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        ilvl = min(max(ilvl or 0, 0), 8)
        num = self.nums[num_id]
        aid, abstract = self._abstract(num)
        levels = {**abstract, **num.levels}
        lvl = levels.get(ilvl, _Level())
        if lvl.fmt == "bullet":
            return "-" if lvl.text.strip() else ""
        counters = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.used_nums:
            self.used_nums.add(num_id)
            for level, start in num.starts.items():  # "Restart at N": the next item shows N
                if 0 <= level < 9:
                    counters[level] = start - 1
                    counters[level + 1 :] = [None] * (8 - level)
        current = counters[ilvl]
        counters[ilvl] = (current + 1) if current is not None else lvl.start
        counters[ilvl + 1 :] = [None] * (8 - ilvl)  # a shallower item restarts the deeper ones
        text = lvl.text
        for k in range(8, -1, -1):  # %10 does not exist, but go down so that %1 never eats "%1x"
            token = f"%{k + 1}"
            if token not in text:
                continue
            k_lvl = levels.get(k, _Level())
            value = counters[k] if counters[k] is not None else k_lvl.start
            fmt = "decimal" if (lvl.legal and k_lvl.fmt != "decimalZero") else k_lvl.fmt
            text = text.replace(token, format_number(value or 0, fmt))
        return text.strip()
