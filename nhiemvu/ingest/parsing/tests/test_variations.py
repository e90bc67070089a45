"""Robustness: the corpus plans rewritten the ways other offices write the same things must give the
same extraction. The variations are generated here (never committed as files) from the development
documents; the expected result is the extraction of the original, which scores 1.000 on its gold.
GENERAL_* tables list wordings the development documents do not use.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from nhiemvu.ingest.parsing import extract_bytes
from nhiemvu.lib.vndates import parse_deadline

SHARED = Path(__file__).resolve().parents[4] / "../shared/corpus"
SEED = SHARED / "seed" / "lang-son-snn-2023.txt"
NGHE_AN = SHARED / "dev" / "nghe-an-sgddt-2023.txt"
DONG_THAP = SHARED / "dev" / "dong-thap-tam-nong-2024.md"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared (corpus) is not checked out")


def _essence(plan: dict, *, leader_titles: bool = True) -> dict:
    """What the scorer looks at, in a comparable shape."""
    tasks = [
        (
            t["code"],
            t["parent"],
            (t["leader"] or {}).get("name"),
            (t["leader"] or {}).get("title") if leader_titles else None,
            t["lead_unit"],
            tuple(t["support_units"]),
            t["deadline"],
            t["recurrence"],
            tuple((x["value"], x["max"], x["unit"], x["comparator"], x["change"]) for x in t["targets"]),
            tuple((m["due"], m["value"], m["unit"]) for m in t["milestones"]),
        )
        for t in plan["tasks"]
    ]
    d = plan["document"]
    return {
        "document": (
            d["number"],
            d["symbol"],
            d["year"],
            d["issued_on"],
            d["place"],
            (d["signer"] or {}).get("name"),
        ),
        "references": [(r["number"], r["date"]) for r in plan["references"]],
        "tasks": tasks,
        "reporting": plan["reporting"],
        "findings": sorted((f["code"], f["task"]) for f in plan["findings"]),
    }


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n")


def _nfc(path: Path) -> str:
    return unicodedata.normalize("NFC", _text(path))


# (name, function of the NFC text) — each is a way real files differ from the samples
GENERAL_TEXT_VARIATIONS = [
    ("crlf", lambda t: t.replace("\n", "\r\n")),
    ("nfd", lambda t: unicodedata.normalize("NFD", t)),
    ("no blank lines", lambda t: re.sub(r"\n\s*\n", "\n", t)),
    ("double blank lines", lambda t: t.replace("\n", "\n\n\n")),
    ("tabs after bullets", lambda t: re.sub(r"(?m)^- ", "-\t", t)),
    ("en dash bullets", lambda t: re.sub(r"(?m)^- ", "– ", t)),
    ("plus bullets on fields", lambda t: re.sub(r"(?m)^- (\*?(?:Lãnh|Đơn|Thời))", r"+ \1", t)),
    ("NHIỆM VỤ in capitals", lambda t: re.sub(r"Nhiệm vụ (\d+):", r"NHIỆM VỤ \1:", t)),
    ("Nhiệm vụ N. with a dot", lambda t: re.sub(r"Nhiệm vụ (\d+):", r"Nhiệm vụ \1.", t)),
    ("Đ/c for Đồng chí", lambda t: t.replace("Đồng chí ", "Đ/c ")),
    ("đồng chí in lower case", lambda t: t.replace("Đồng chí ", "đồng chí ")),
    ("Đ/c without a space", lambda t: t.replace("Đ/c ", "Đ/c.")),
    ("bold labels", lambda t: re.sub(r"\*([^*\n]+:)\*", r"**\1**", t)),
    ("colon outside italics", lambda t: re.sub(r"\*([^*\n]+):\*", r"*\1*:", t)),
    ("no emphasis", lambda t: re.sub(r"\*([^*\n]+:)\*", r"\1", t)),
    ("Thời hạn", lambda t: t.replace("Thời gian hoàn thành:", "Thời hạn:")),
    ("Thời hạn hoàn thành", lambda t: t.replace("Thời gian hoàn thành:", "Thời hạn hoàn thành:")),
    ("Tiến độ", lambda t: t.replace("Thời gian hoàn thành:", "Tiến độ thực hiện:")),
    ("Thời gian thực hiện", lambda t: t.replace("Thời gian hoàn thành:", "Thời gian thực hiện:")),
    ("space before colon", lambda t: re.sub(r"(hoàn thành|chủ trì|phụ trách|chỉ đạo)\s*:", r"\1 :", t)),
    ("tháng N năm Y", lambda t: re.sub(r"Tháng (\d+)/(\d{4})", r"Tháng \1 năm \2", t)),
    ("trong tháng", lambda t: re.sub(r"Tháng (\d+)/(\d{4})", r"Trong tháng \1/\2", t)),
    ("quý N năm Y", lambda t: re.sub(r"Quý ([IV]+)/(\d{4})", r"Quý \1 năm \2", t)),
    (
        "Arabic quarters",
        lambda t: re.sub(
            r"Quý (IV|III|II|I)/(\d{4})",
            lambda m: f"Quý {['I', 'II', 'III', 'IV'].index(m[1]) + 1}/{m[2]}",
            t,
        ),
    ),
    ("no-break spaces", lambda t: t.replace("Thời gian", "Thời\u00a0gian")),
    ("trailing spaces", lambda t: re.sub(r"(?m)$", "  ", t)),
    ("BOM", lambda t: "\ufeff" + t),
]
LEADER_TITLE_CHANGES = {"Đồng chí", "Đ/c"}


@pytest.mark.parametrize("path", [SEED, NGHE_AN, DONG_THAP], ids=["seed", "nghe-an", "dong-thap"])
@pytest.mark.parametrize(
    ("name", "change"), GENERAL_TEXT_VARIATIONS, ids=[v[0] for v in GENERAL_TEXT_VARIATIONS]
)
def test_text_variations_extract_the_same(path, name, change):
    original = _essence(extract_bytes(path.read_bytes(), path.name))
    varied = change(_nfc(path))
    if varied == _nfc(path) and name not in ("crlf",):
        pytest.skip(f"{name} does not apply to {path.name}")
    got = _essence(extract_bytes(varied.encode("utf-8"), path.name))
    assert got == original


def test_pgd_and_pho_giam_doc_are_both_titles():
    text = _nfc(NGHE_AN)
    plan_a = extract_bytes(text.encode(), "a.txt")
    plan_b = extract_bytes(text.replace("PGĐ Sở", "Phó Giám đốc Sở").encode(), "b.txt")
    titles_a = [(t["leader"] or {}).get("title") for t in plan_a["tasks"]]
    titles_b = [(t["leader"] or {}).get("title") for t in plan_b["tasks"]]
    assert "PGĐ Sở" in titles_a and titles_b == [
        x.replace("PGĐ", "Phó Giám đốc") if x else x for x in titles_a
    ]
    assert _essence(plan_a, leader_titles=False) == _essence(plan_b, leader_titles=False)


# ----------------------------------------------------------------------------------- as Word files

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_TYPED = re.compile(r"^(?:(?P<roman>[IVX]+)\.\s+(?=[A-ZĐÀ-Ỹ]{2})|(?P<code>\d+(?:\.\d+)?)\.\s+)(?P<rest>.*)$")


def _as_docx(text: str, *, auto_numbers: bool) -> bytes:
    """The text plan as a Word file, one paragraph a line. With ``auto_numbers`` the typed numbers of
    sections (I.), tasks (1.) and sub-tasks (1.1.) become Word list numbering, as offices type them."""
    d = docx.Document()
    if auto_numbers:
        levels = [(0, "upperRoman", "%1."), (1, "decimal", "%2."), (2, "decimal", "%2.%3.")]
        abstract = (
            f'<w:abstractNum {NS} w:abstractNumId="77">'
            + "".join(
                f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{f}"/><w:lvlText w:val="{t}"/></w:lvl>'
                for i, f, t in levels
            )
            + "</w:abstractNum>"
        )
        el = d.part.numbering_part.element
        first_num = el.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
        if first_num is not None:
            first_num.addprevious(parse_xml(abstract))
        else:
            el.append(parse_xml(abstract))
        el.append(parse_xml(f'<w:num {NS} w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))
    in_closing = False
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        in_closing = in_closing or line.startswith("Nơi nhận")
        m = _TYPED.match(line) if auto_numbers and not in_closing else None
        if m:
            p = d.add_paragraph(m["rest"])
            ilvl = 0 if m["roman"] else m["code"].count(".") + 1
            p._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr {NS}><w:ilvl w:val="{ilvl}"/><w:numId w:val="77"/></w:numPr>')
            )
        else:
            d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("path", [SEED, NGHE_AN], ids=["seed", "nghe-an"])
@pytest.mark.parametrize("auto_numbers", [False, True], ids=["typed", "word-numbering"])
def test_the_text_plans_as_word_files_extract_the_same(path, auto_numbers):
    text = re.sub(r"\*+", "", _nfc(path))  # a Word file carries emphasis as formatting, not stars
    original = _essence(extract_bytes(text.encode(), path.name))
    got = _essence(extract_bytes(_as_docx(text, auto_numbers=auto_numbers), "plan.docx"))
    assert got == original


# --------------------------------------------------------------------------------- deadline cells

# (deadline as written, plan year, (due, recurrence))
GENERAL_DEADLINES = [
    ("Quý 2/2023", 2023, (date(2023, 6, 30), None)),
    ("Quý 4 năm 2023", 2023, (date(2023, 12, 31), None)),
    ("quý II năm 2023", 2023, (date(2023, 6, 30), None)),
    ("Quý III", 2023, (date(2023, 9, 30), None)),
    ("Quý II - Quý III/2023", 2023, (date(2023, 9, 30), None)),
    ("tháng 6/2023", 2023, (date(2023, 6, 30), None)),
    ("Tháng 06/2023", 2023, (date(2023, 6, 30), None)),
    ("trong tháng 6 năm 2023", 2023, (date(2023, 6, 30), None)),
    ("Tháng 12", 2024, (date(2024, 12, 31), None)),
    ("năm 2023", 2023, (date(2023, 12, 31), None)),
    # plan-json.md, "Real-world shapes": the following years make it a yearly task, not a deadline.
    ("Năm 2023 và các năm tiếp theo", 2023, (None, "yearly")),
    ("Cả năm", 2023, (date(2023, 12, 31), None)),
    ("Trong năm 2024", 2024, (date(2024, 12, 31), None)),
    ("6 tháng đầu năm", 2023, (date(2023, 6, 30), None)),
    ("Sáu tháng cuối năm 2023", 2023, (date(2023, 12, 31), None)),
    ("trước ngày 30 tháng 6 năm 2023", 2023, (date(2023, 6, 30), None)),
    ("Trước ngày 30/6/2023", 2023, (date(2023, 6, 30), None)),
    ("Trước 30/6", 2023, (date(2023, 6, 30), None)),
    ("30/9", 2023, (date(2023, 9, 30), None)),
    ("Hoàn thành trước 15-10-2023", 2023, (date(2023, 10, 15), None)),
    ("Từ tháng 3 đến tháng 9/2023", 2023, (date(2023, 9, 30), None)),
    ("Thường xuyên", 2023, (None, "ongoing")),
    ("Thường xuyên trong năm", 2023, (None, "ongoing")),
    ("Hằng tháng", 2023, (None, "monthly")),
    ("Hàng quý", 2023, (None, "quarterly")),
    ("Định kỳ hằng năm", 2023, (None, "yearly")),
    ("", 2023, (None, None)),
    ("Theo chỉ đạo của UBND tỉnh", 2023, (None, None)),
]


@pytest.mark.parametrize(("text", "year", "expected"), GENERAL_DEADLINES)
def test_deadline_wordings(text, year, expected):
    assert parse_deadline(text, year) == expected
