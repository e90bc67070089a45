"""Reports rendered from an agency's own Word template (issue 17, item 5), with docxtpl.

The template holds the wording around the figures — letterhead, title, opening and closing
sentences, recipients, signature, anything the agency adds — as Jinja placeholders; the generated
body (and the appendix table) replaces the paragraph that reads ``{{ body }}`` (``{{ appendix }}``).
A template is checked before it is kept: a broken one is refused naming the paragraph at fault,
and the one in force stays.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import jinja2
from docx import Document
from docx.document import Document as DocxDocument
from docxtpl import DocxTemplate

from nhiemvu.core.errors import DomainError

from . import docx as word
from .data import Letterhead, PeriodReport
from .models import TemplateKind
from .unit_report import UnitReport
from .wording import period_phrase, vn_date

BODY_MARKER = "[[nhiemvu: nội dung báo cáo]]"
APPENDIX_MARKER = "[[nhiemvu: bảng phụ lục]]"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024

# Every placeholder a template may use, with what it holds (shown on the templates page).
COMMON_PLACEHOLDERS: dict[str, str] = {
    "parent_agency": "Cơ quan chủ quản (dòng trên của tiêu đề), chữ in hoa",
    "agency": "Cơ quan, đơn vị ban hành, chữ in hoa",
    "agency_name": "Tên cơ quan, đơn vị như viết trong câu",
    "number": "Số văn bản (để trống cho văn thư ghi)",
    "symbol": "Ký hiệu cơ quan trong số hiệu (SNN, CCKL)",
    "place_date": "Địa danh, ngày tháng năm ban hành",
    "date": "Ngày ban hành, dd/mm/yyyy",
    "period": "Kỳ báo cáo (Quý II/2023)",
    "period_phrase": "Kỳ báo cáo trong câu (quý II năm 2023)",
    "summary": "Trích yếu",
    "intro": "Đoạn mở đầu (căn cứ, phạm vi số liệu)",
    "body": "Nội dung báo cáo do hệ thống lập (bắt buộc, đứng riêng một đoạn)",
    "closing": "Câu kết thúc",
    "recipients": "Danh sách nơi nhận (dùng trong vòng lặp for)",
    "signer_prefix_lines": "Các dòng KT./TM. của chữ ký (vòng lặp for)",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Họ và tên người ký",
}
PERIOD_PLACEHOLDERS: dict[str, str] = {
    **COMMON_PLACEHOLDERS,
    "plan_reference": "Kế hoạch được báo cáo (số, ngày, trích yếu)",
    "next_period": "Kỳ tới",
    "total": "Tổng số nhiệm vụ theo dõi",
    "appendix_title": "Tiêu đề phụ lục",
    "appendix_note": "Dòng «Kèm theo Báo cáo số …» của phụ lục",
    "appendix": "Bảng chi tiết của phụ lục (tùy chọn, đứng riêng một đoạn)",
}
UNIT_PLACEHOLDERS: dict[str, str] = {
    **COMMON_PLACEHOLDERS,
    "task_code": "Số thứ tự nhiệm vụ",
    "task_title": "Tên nhiệm vụ",
    "unit_name": "Tên đơn vị báo cáo",
}
PLACEHOLDERS = {TemplateKind.PERIOD: PERIOD_PLACEHOLDERS, TemplateKind.UNIT: UNIT_PLACEHOLDERS}


class TemplateProblem(DomainError):
    """An uploaded template that cannot render a report; the message names where and why."""


def default_template(kind: str) -> bytes:
    return word.period_skeleton() if kind == TemplateKind.PERIOD else word.unit_skeleton()


def _head_context(head: Letterhead) -> dict[str, Any]:
    return {
        "parent_agency": head.parent_agency,
        "agency": head.agency,
        "agency_name": head.agency_name,
        "number": head.number or "       ",
        "symbol": head.symbol,
        "place_date": head.place_date,
        "date": vn_date(head.date),
    }


def _signer_lines(prefix: str) -> list[str]:
    return [line for line in prefix.split("\n") if line.strip()]


def _context(report: PeriodReport | UnitReport, period_label: str, closing: str) -> dict[str, Any]:
    """What every template may use: the letterhead, the period, the sentences and the signature."""
    return {
        **_head_context(report.letterhead),
        "period": period_label,
        "period_phrase": period_phrase(period_label),
        "summary": report.summary,
        "intro": report.intro,
        "body": BODY_MARKER,
        "closing": closing,
        "recipients": report.recipients,
        "signer_prefix_lines": _signer_lines(report.signer_prefix),
        "signer_title": report.signer_title,
        "signer_name": report.signer_name,
    }


def period_context(report: PeriodReport) -> dict[str, Any]:
    return {
        **_context(report, report.period_label, word.closing_text(report)),
        "plan_reference": "; ".join(dict.fromkeys(b.plan_reference for b in report.plans)),
        "next_period": report.next_label,
        "total": report.total,
        "appendix_title": word.appendix_title(report),
        "appendix_note": word.appendix_note(report),
        "appendix": APPENDIX_MARKER,
    }


def unit_context(report: UnitReport) -> dict[str, Any]:
    return {
        **_context(report, report.period_label, report.closing),
        "task_code": report.task_code,
        "task_title": report.task_title,
        "unit_name": report.letterhead.agency_name,
    }


def _render(
    template: bytes, context: dict[str, Any], fills: dict[str, Callable[[DocxDocument], None]]
) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render(context, jinja_env=jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True))
    staged = io.BytesIO()
    tpl.save(staged)
    staged.seek(0)
    doc = Document(staged)
    word.ensure_styles(doc)
    for marker, fill in fills.items():
        word.fill_marker(doc, marker, fill)
    doc.core_properties.language = "vi-VN"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_period_from_template(template: bytes, report: PeriodReport) -> bytes:
    return _render(
        template,
        period_context(report),
        {
            BODY_MARKER: lambda doc: word.period_body(doc, report),
            APPENDIX_MARKER: lambda doc: word.appendix_table(doc, report),
        },
    )


def render_unit_from_template(template: bytes, report: UnitReport) -> bytes:
    return _render(template, unit_context(report), {BODY_MARKER: lambda doc: word.unit_body(doc, report)})


# Checking an upload -------------------------------------------------------------------------------

_DOCXTPL_TAGS = re.compile(r"\{([{%])[prc]{1,2}\s")  # {%p, {%tr, {%tc, {{p, {{r: docxtpl's forms
_SPANNING = (
    "Unexpected end of template",
    "Encountered unknown tag 'end",
    "Encountered unknown tag 'else",
    "Encountered unknown tag 'elif",
)


def _paragraph_texts(template: bytes) -> list[str]:
    doc = Document(io.BytesIO(template))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    return texts


def _faulty_paragraph(template: bytes) -> tuple[int, str, str] | None:
    """(number, text, error) of the first paragraph whose own tags do not parse."""
    env = jinja2.Environment()
    for number, text in enumerate(_paragraph_texts(template), 1):
        if "{" not in text and "}" not in text:
            continue
        # A tag must open and close within its paragraph (docxtpl reads a paragraph's runs as one).
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            return number, text.strip(), "dấu {{ }} hoặc {% %} không khớp / unbalanced {{ }} or {% %}"
        try:
            env.parse(_DOCXTPL_TAGS.sub(lambda m: "{" + m.group(1) + " ", text))
        except jinja2.TemplateSyntaxError as exc:
            if not str(exc.message).startswith(_SPANNING):
                return number, text.strip(), str(exc.message)
    return None


def _refuse(vi: str, en: str) -> TemplateProblem:
    return TemplateProblem(vi, message_en=en)


def template_check(template: bytes, kind: str) -> None:
    """Refuse a template that would not render: not a .docx, a tag that does not parse, an
    unknown placeholder, no {{ body }}; then render a sample report with it to be sure."""
    if len(template) > MAX_TEMPLATE_BYTES:
        raise _refuse("Tệp mẫu lớn hơn 5 MB.", "The template is larger than 5 MB.")
    if not zipfile.is_zipfile(io.BytesIO(template)):
        raise _refuse(
            "Tệp mẫu không phải tệp Word .docx (hãy lưu bằng Word dưới dạng .docx).",
            "The template is not a Word .docx file.",
        )
    try:
        fault = _faulty_paragraph(template)
    except Exception:
        raise _refuse(
            "Không đọc được tệp mẫu như một văn bản Word .docx.",
            "The template cannot be read as a Word document.",
        ) from None
    if fault is not None:
        number, text, message = fault
        raise _refuse(
            f"Mẫu có lỗi ở đoạn thứ {number} («{text[:120]}»): {message}. Mẫu đang dùng được giữ nguyên.",
            f"The template has an error in paragraph {number} ({text[:120]!r}): {message}. "
            "The template in force is kept.",
        )
    try:
        tpl = DocxTemplate(io.BytesIO(template))
        used = tpl.get_undeclared_template_variables(jinja2.Environment())
    except jinja2.TemplateSyntaxError as exc:
        raise _refuse(
            f"Mẫu có lỗi cú pháp: {exc.message} (thường do thiếu {{% endfor %}} hoặc {{% endif %}}). "
            "Mẫu đang dùng được giữ nguyên.",
            f"The template has a syntax error: {exc.message}. The template in force is kept.",
        ) from None
    except Exception as exc:  # a zip that is no Word document
        raise _refuse(
            "Không đọc được tệp mẫu như một văn bản Word .docx.",
            f"The template cannot be read as a Word document ({type(exc).__name__}).",
        ) from None
    allowed = set(PLACEHOLDERS[TemplateKind(kind)]) | {"r", "line", "loop"}
    unknown = sorted(set(used) - allowed)
    if unknown:
        where = next((t for t in _paragraph_texts(template) if unknown[0] in t), "")
        raise _refuse(
            f"Mẫu dùng chỗ trống không có: {', '.join(unknown)} (ở đoạn «{where.strip()[:120]}»). "
            f"Các chỗ trống dùng được: {', '.join(sorted(PLACEHOLDERS[TemplateKind(kind)]))}.",
            f"The template uses unknown placeholders: {', '.join(unknown)}.",
        )
    if not any(t.strip().replace(" ", "") == "{{body}}" for t in _paragraph_texts(template)):
        raise _refuse(
            "Mẫu phải giữ chỗ {{ body }} đứng riêng một đoạn: đó là nơi hệ thống đặt nội dung báo cáo.",
            "The template must keep {{ body }} as a paragraph of its own: the report's body goes there.",
        )
    try:
        if kind == TemplateKind.PERIOD:
            render_period_from_template(template, sample_period_report())
        else:
            render_unit_from_template(template, sample_unit_report())
    except Exception as exc:
        raise _refuse(
            f"Không lập được báo cáo thử với mẫu này: {exc}. Mẫu đang dùng được giữ nguyên.",
            f"A trial report could not be made with this template: {exc}. The template in force is kept.",
        ) from None


def sample_period_report() -> PeriodReport:
    """A small report with every part filled, to try a template on before keeping it."""
    head = Letterhead("UBND TỈNH MẪU", "SỞ MẪU", "Sở Mẫu", "SM", "", "Mẫu", dt.date(2025, 6, 16))
    return PeriodReport(
        letterhead=head,
        title="BÁO CÁO",
        summary="Kết quả thực hiện các nhiệm vụ trọng tâm quý II năm 2025",
        intro="Sở Mẫu báo cáo kết quả thực hiện quý II năm 2025 như sau:",
        period_key="2025-Q2",
        period_label="Quý II/2025",
        next_label="Quý III/2025",
        provincial=False,
        plans=[],
        counts={},
        attention=[],
        leaders=[],
        priorities=[],
        submissions=[],
        recipients=["UBND tỉnh (b/c);", "Lưu: VT, KHTC."],
        signer_prefix="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn Mẫu",
    )


def sample_unit_report() -> UnitReport:
    head = Letterhead("SỞ MẪU", "CHI CỤC MẪU", "Chi cục Mẫu", "CCM", "", "Mẫu", dt.date(2025, 6, 16))
    return UnitReport(
        letterhead=head,
        title="BÁO CÁO",
        summary="Kết quả thực hiện nhiệm vụ 1 quý II năm 2025",
        intro="Chi cục Mẫu báo cáo kết quả thực hiện quý II năm 2025 như sau:",
        results=["Đã trồng 750 ha rừng."],
        figures=["- Trồng rừng: đạt 750 ha/1.000 ha, bằng 75% kế hoạch."],
        obstacles=[],
        proposals=[],
        closing="Trên đây là báo cáo của Chi cục Mẫu./.",
        recipients=["Sở Mẫu;", "Lưu: VT."],
        signer_title="CHI CỤC TRƯỞNG",
        signer_name="",
        period_label="Quý II/2025",
        task_code="1",
        task_title="Trồng rừng",
    )
