"""A lead unit's period report as its own official document (issue 17, item 4): what the unit
entered, laid out per Decree 30/2020, numbered as the unit's, signed by its head."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from nhiemvu.documents.tests.conftest import Quarter
from nhiemvu.documents.tests.test_docx import signature_table
from nhiemvu.documents.unit_report import head_title
from nhiemvu.organisations.models import Official
from nhiemvu.reporting.models import ProgressReport

pytestmark = pytest.mark.django_db


def _june_report(quarter: Quarter) -> ProgressReport:
    return ProgressReport.objects.get(task__plan=quarter.plan, task__code="1", period__key="2023-06")


def test_the_unit_downloads_its_report_as_a_decree_30_document(client: Client, quarter: Quarter) -> None:
    Official.objects.create(
        full_name="Hoàng Văn Trưởng", position="Chi cục trưởng", organisation=quarter.cast.forest_unit
    )
    report = _june_report(quarter)
    client.force_login(quarter.cast.unit_staff)
    page = client.get(reverse("reporting:task-detail", args=[report.task_id])).content.decode()
    url = reverse("documents:unit-report", args=[report.pk, "docx"])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert re.search(r'filename="bao-cao-[A-Za-z0-9-]+-nv1-2023-06\.docx"', response["Content-Disposition"])
    document = Document(io.BytesIO(response.content))
    left = document.tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs if p.text] == [
        "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN",
        "CHI CỤC KIỂM LÂM",
    ]
    assert (
        document.tables[0].rows[1].cells[0].text.startswith("Số: ")
        and "/BC-" in document.tables[0].rows[1].cells[0].text
    )
    texts = [p.text for p in document.paragraphs]
    assert "Kết quả thực hiện nhiệm vụ 1 tháng 6 năm 2023" in texts
    assert "Đã trồng 750 ha rừng." in texts  # the unit's own words, not retyped
    first, second = report.task.targets.order_by("order")
    assert f"- {first.name[:1].upper()}{first.name[1:]}: đạt 750 ha/1.000 ha, bằng 75% kế hoạch." in texts
    assert (
        f"- {second.name[:1].upper()}{second.name[1:]}: đạt 2.500,5 ha/2.000 ha, bằng 125% kế hoạch." in texts
    )
    assert "- Thiếu cây giống đạt chuẩn." in texts
    assert "- Đề nghị Sở Tài chính hỗ trợ nguồn giống." in texts
    assert "- Đề nghị UBND tỉnh bổ sung kinh phí trồng rừng." in texts
    signer = [p.text for p in signature_table(document).rows[0].cells[1].paragraphs if p.text]
    assert signer == ["CHI CỤC TRƯỞNG", "Hoàng Văn Trưởng"]
    assert not re.search(r"[≥≤<>]", "\n".join(texts))


def test_someone_who_may_not_read_the_report_gets_a_404(client: Client, quarter: Quarter) -> None:
    report = _june_report(quarter)
    client.force_login(quarter.cast.outsider)
    assert client.get(reverse("documents:unit-report", args=[report.pk, "docx"])).status_code == 404
    client.force_login(quarter.cast.unit_staff)
    assert client.get(reverse("documents:unit-report", args=[report.pk, "xlsx"])).status_code == 404


def test_the_head_of_each_kind_of_unit_signs_under_its_own_title() -> None:
    assert [
        head_title(n) for n in ("Trung tâm Khuyến nông", "Văn phòng Sở", "Thanh tra Sở", "Ban Quản lý dự án")
    ] == [
        "GIÁM ĐỐC",
        "CHÁNH VĂN PHÒNG",
        "CHÁNH THANH TRA",
        "TRƯỞNG BAN",
    ]
