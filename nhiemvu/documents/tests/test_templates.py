"""An agency's own Word templates (issue 17, item 5): the default downloads, an edited one is kept
and used, a broken one is refused naming the paragraph at fault while the one in force stays, and
the agency can go back to the default."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.document import Document as DocxDocument

from nhiemvu.documents.models import ReportTemplate
from nhiemvu.documents.tests.conftest import Quarter
from nhiemvu.documents.tests.test_docx import appendix_table, signature_table
from nhiemvu.reporting.models import ProgressReport

pytestmark = pytest.mark.django_db


def _default(client: Client, quarter: Quarter, kind: str = "period") -> bytes:
    response = client.get(reverse("documents:template-download", args=[quarter.plan.issuer_id, kind]))
    assert response.status_code == 200
    return response.content


def _edited(template: bytes, *, after: str, text: str) -> bytes:
    """The template with a paragraph of ``text`` added after the one reading ``after``, as a clerk
    would add a line in Word."""
    document = Document(io.BytesIO(template))
    anchor = next(p for p in document.paragraphs if p.text == after)
    new = anchor.insert_paragraph_before(text)
    anchor._p.addnext(new._p)  # after it, not before
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _replace(template: bytes, old: str, new: str) -> bytes:
    document = Document(io.BytesIO(template))
    paragraph = next(p for p in document.paragraphs if p.text == old)
    for run in paragraph.runs[1:]:
        run.text = ""
    paragraph.runs[0].text = new
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(client: Client, quarter: Quarter, content: bytes, kind: str = "period") -> str:
    response = client.post(
        reverse("documents:templates"),
        {
            "agency": quarter.plan.issuer_id,
            "kind": kind,
            "action": "upload",
            "file": SimpleUploadedFile("mau-cua-so.docx", content),
        },
        follow=True,
    )
    return response.content.decode()


def _report(client: Client, quarter: Quarter) -> DocxDocument:
    response = client.get(reverse("documents:period-report", args=[quarter.period.pk, "docx"]))
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def test_an_edited_template_is_kept_and_the_report_follows_it(client: Client, quarter: Quarter) -> None:
    client.force_login(quarter.cast.planning_finance)
    assert "Mẫu mặc định" in client.get(reverse("documents:templates")).content.decode()
    template = _edited(
        _default(client, quarter),
        after="{{ intro }}",
        text="Kính gửi: Ủy ban nhân dân tỉnh {{ period_phrase }}.",
    )
    page = _upload(client, quarter, template)
    assert "Đã lưu mẫu mới" in page and "Mẫu riêng «mau-cua-so.docx»" in page
    texts = [p.text for p in _report(client, quarter).paragraphs]
    intro = next(i for i, t in enumerate(texts) if t.startswith("Thực hiện Kế hoạch số"))
    assert texts[intro + 1] == "Kính gửi: Ủy ban nhân dân tỉnh quý II năm 2023."
    # The generated body stands where {{ body }} was, and the appendix table where {{ appendix }} was.
    assert texts[intro + 2] == "I. KẾT QUẢ CHUNG"
    assert "V. NHIỆM VỤ TRỌNG TÂM QUÝ III NĂM 2023" in texts and "Đã trồng 750 ha rừng." in texts
    assert not any("{{" in t or "[[nhiemvu" in t for t in texts)
    document = _report(client, quarter)
    assert [c.text for c in appendix_table(document).rows[0].cells][:2] == ["STT", "Nhiệm vụ"]
    signer = [p.text for p in signature_table(document).rows[0].cells[1].paragraphs if p.text]
    assert signer == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    recipients = [p.text for p in signature_table(document).rows[0].cells[0].paragraphs if p.text]
    assert recipients[:2] == ["Nơi nhận:", "- UBND tỉnh (b/c);"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("{{ closing }}", "{{ closing }"), "Mẫu có lỗi ở đoạn thứ"),
        (("{{ closing }}", "{{ so_bao_cao }}"), "Mẫu dùng chỗ trống không có: so_bao_cao"),
        (("{{ body }}", "Nội dung báo cáo"), "Mẫu phải giữ chỗ {{ body }}"),
    ],
)
def test_a_broken_template_is_refused_and_the_one_in_force_stays(
    client: Client, quarter: Quarter, change: tuple[str, str], message: str
) -> None:
    client.force_login(quarter.cast.planning_finance)
    default = _default(client, quarter)
    good = _edited(default, after="{{ intro }}", text="Dòng riêng của Sở.")
    _upload(client, quarter, good)
    page = _upload(client, quarter, _replace(default, *change))
    assert message in page, page[page.find("nv-messages") : page.find("nv-messages") + 600]
    kept = ReportTemplate.objects.get(organisation_id=quarter.plan.issuer_id, kind="period")
    assert bytes(kept.content) == good
    assert "Dòng riêng của Sở." in [p.text for p in _report(client, quarter).paragraphs]


def test_a_file_that_is_no_docx_is_refused(client: Client, quarter: Quarter) -> None:
    client.force_login(quarter.cast.planning_finance)
    assert "không phải tệp Word .docx" in _upload(client, quarter, b"%PDF-1.4 not a template")
    assert not ReportTemplate.objects.exists()


def test_the_agency_goes_back_to_the_default(client: Client, quarter: Quarter) -> None:
    client.force_login(quarter.cast.planning_finance)
    _upload(
        client, quarter, _edited(_default(client, quarter), after="{{ intro }}", text="Dòng riêng của Sở.")
    )
    client.post(
        reverse("documents:templates"),
        {"agency": quarter.plan.issuer_id, "kind": "period", "action": "reset"},
    )
    assert not ReportTemplate.objects.exists()
    assert "Dòng riêng của Sở." not in [p.text for p in _report(client, quarter).paragraphs]


def test_a_units_report_follows_the_unit_template(client: Client, quarter: Quarter) -> None:
    client.force_login(quarter.cast.planning_finance)
    template = _edited(
        _default(client, quarter, "unit"), after="{{ intro }}", text="Đơn vị: {{ unit_name }}."
    )
    assert "Đã lưu mẫu mới" in _upload(client, quarter, template, "unit")
    report = ProgressReport.objects.get(task__plan=quarter.plan, task__code="1", period__key="2023-06")
    client.force_login(quarter.cast.unit_staff)
    response = client.get(reverse("documents:unit-report", args=[report.pk, "docx"]))
    texts = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert "Đơn vị: Chi cục Kiểm lâm." in texts and "Đã trồng 750 ha rừng." in texts
    assert "I. KẾT QUẢ THỰC HIỆN" in texts


@pytest.mark.parametrize("who", ["director", "unit_staff", "outsider", "reviewer"])
def test_only_planning_finance_manages_the_templates(client: Client, quarter: Quarter, who: str) -> None:
    client.force_login(getattr(quarter.cast, who))
    assert client.get(reverse("documents:templates")).status_code == 404
    url = reverse("documents:template-download", args=[quarter.plan.issuer_id, "period"])
    assert client.get(url).status_code == 404


def test_planning_finance_of_another_province_cannot_replace_our_template(
    client: Client, quarter: Quarter
) -> None:
    from nhiemvu.testing import build_far_planner

    client.force_login(quarter.cast.planning_finance)
    default = _default(client, quarter)
    client.force_login(build_far_planner()[0])
    response = client.post(
        reverse("documents:templates"),
        {
            "agency": quarter.plan.issuer_id,
            "kind": "period",
            "action": "upload",
            "file": SimpleUploadedFile("x.docx", default),
        },
    )
    assert response.status_code == 404
    assert not ReportTemplate.objects.exists()
