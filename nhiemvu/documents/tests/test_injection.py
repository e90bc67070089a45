"""What a unit writes reaches the director's .xlsx and .docx as text, never as a formula, a field or
a link (issue 21, item 1): an obstacle that begins with "=" must not run when the workbook opens."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from nhiemvu.documents.access import period_queryset
from nhiemvu.documents.data import ReportOptions, build_report
from nhiemvu.documents.docx import render_docx
from nhiemvu.documents.tests.conftest import REPORT_DATE, Quarter
from nhiemvu.documents.xlsx import render_xlsx
from nhiemvu.reporting.models import Obstacle, ProgressReport

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "=1+1",
    '=HYPERLINK("http://example.invalid/x","bấm vào đây")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    '{ DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc" }',
    '{ HYPERLINK "http://example.invalid" }',
]


@pytest.fixture
def planted(quarter: Quarter) -> Quarter:
    """Every payload in every free-text field a unit or an importer writes that reaches the exports."""
    report = ProgressReport.objects.filter(task__plan=quarter.plan, narrative__startswith="Đã trồng").get()
    report.narrative = PAYLOADS[0]
    report.proposals = PAYLOADS[1]
    report.save(update_fields=["narrative", "proposals"])
    for payload in PAYLOADS:
        Obstacle.objects.create(report=report, description=payload, needs=payload, addressed_to=payload)
    task = report.task
    task.title = PAYLOADS[7]
    task.save(update_fields=["title"])
    target = task.targets.order_by("order").first()
    assert target is not None
    target.name = PAYLOADS[2]
    target.save(update_fields=["name"])
    return quarter


def _report(quarter: Quarter) -> object:
    period = period_queryset().get(pk=quarter.period.pk)
    return build_report([period], options=ReportOptions(date=REPORT_DATE))


def test_no_cell_of_the_workbook_is_a_formula_and_numbers_stay_numbers(planted: Quarter) -> None:
    data = render_xlsx(_report(planted))  # type: ignore[arg-type]
    workbook = load_workbook(io.BytesIO(data))
    texts: list[str] = []
    numbers = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                        assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                elif isinstance(cell.value, int | float):
                    assert cell.data_type == "n"
                    numbers += 1
    for payload in PAYLOADS:
        assert any(payload.strip() in text for text in texts), f"{payload!r} is shown as written"
    assert numbers > 10, "figures are still numbers"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheets = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in sheet or "<f " in sheet for sheet in sheets), "no formula element at all"


def test_the_docx_holds_the_payloads_as_plain_text_with_no_field_or_link_of_the_users(
    planted: Quarter,
) -> None:
    data = render_docx(_report(planted))  # type: ignore[arg-type]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {n: package.read(n).decode() for n in package.namelist() if n.endswith(".xml")}
    body = parts["word/document.xml"]
    assert "<w:hyperlink" not in body and "<w:fldSimple" not in body
    instructions = {
        text.strip() for xml in parts.values() for text in re.findall(r"<w:instrText[^>]*>([^<]*)<", xml)
    }
    assert instructions <= {"PAGE"}, f"only the page number is a field: {instructions}"
    assert "DDEAUTO" in body and "HYPERLINK" in body, "the text is there, as text"
    assert not any("r:id=" in xml and "hyperlink" in xml.lower() for n, xml in parts.items() if "rels" in n)


def test_a_decimal_figure_and_a_dash_bullet_are_both_kept() -> None:
    """The guard is about strings: a Vietnamese bullet "- Thiếu vốn" stays text (quote-prefixed,
    shown as written) and Decimal figures stay numbers."""
    from openpyxl import Workbook

    from nhiemvu.documents.xlsx import _inert

    ws = Workbook().active
    assert ws is not None
    ws.append(["- Thiếu vốn", float(Decimal("8650.5")), "Bình thường"])
    for cell in ws[1]:
        _inert(cell)
    bullet, figure, plain = ws[1]
    assert (bullet.data_type, bullet.quotePrefix, bullet.value) == ("s", True, "- Thiếu vốn")
    assert (figure.data_type, figure.value) == ("n", 8650.5)
    assert (plain.data_type, plain.quotePrefix) == ("s", False)
