"""Rows read only in part (issue 15, item 2) reach the review with a sentence saying so, and are
imported as tasks: six numbered rows in the document, six tasks in the plan."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nhiemvu.ingest.models import ImportSession
from nhiemvu.ingest.parsing.tests.test_assignment_tables import BAD_ROWS
from nhiemvu.plans.models import Plan
from nhiemvu.testing import Cast, review_form_data


@pytest.mark.django_db
def test_rows_read_in_part_are_flagged_on_review_and_imported(client: Client, cast: Cast) -> None:
    client.force_login(cast.planning_finance)
    client.post(
        reverse("ingest:upload"),
        {"file": SimpleUploadedFile("ke-hoach.md", BAD_ROWS.encode()), "issuer": cast.department.pk},
    )
    session = ImportSession.objects.get()
    html = client.get(reverse("ingest:review", args=[session.pk])).content.decode()
    assert html.count("không đọc được đầy đủ") == 4
    assert "Nhiệm vụ 3a: dòng «STT 3a» của bảng" in html
    data = review_form_data(html)
    data["mode"] = "create"
    client.post(reverse("ingest:confirm", args=[session.pk]), data)
    plan = Plan.objects.get()
    assert list(plan.tasks.order_by("order").values_list("code", flat=True)) == [
        "1",
        "2",
        "2-2",
        "3a",
        "4",
        "5",
    ]
    assert plan.findings.filter(code="unreadable_row").count() == 4
