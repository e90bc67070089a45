"""A directive or meeting conclusion imported through the plan import: the kind chosen on upload
reaches the plan, which is then listed with the directives (and a plan stays a plan)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nhiemvu.ingest.models import ImportSession
from nhiemvu.plans.models import Plan, PlanKind
from nhiemvu.plans.selectors import directive_tasks
from nhiemvu.testing import Cast, review_form_data

parsing = pytest.importorskip("nhiemvu.ingest.parsing", reason="the extractor is not written yet")

pytestmark = pytest.mark.django_db


def _import(client: Client, cast: Cast, path: Path, **extra: Any) -> Plan:
    client.force_login(cast.planning_finance)
    response = client.post(
        reverse("ingest:upload"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "issuer": cast.department.pk, **extra},
    )
    assert response.status_code == 302
    session = ImportSession.objects.get()
    data = review_form_data(client.get(reverse("ingest:review", args=[session.pk])).content.decode())
    data["mode"] = "create"
    client.post(reverse("ingest:confirm", args=[session.pk]), data)
    return Plan.objects.get()


def test_the_upload_page_offers_the_kind_of_document(client: Client, cast: Cast) -> None:
    client.force_login(cast.planning_finance)
    html = client.get(reverse("ingest:upload")).content.decode()
    assert "Văn bản chỉ đạo, kết luận" in html
    assert 'value="plan"' in html and "checked" in html


def test_a_document_uploaded_as_a_directive_becomes_a_directive(
    client: Client, cast: Cast, seed_plan_path: Path
) -> None:
    plan = _import(client, cast, seed_plan_path, plan_kind="directive")
    assert ImportSession.objects.get().plan_kind == PlanKind.DIRECTIVE
    assert plan.kind == PlanKind.DIRECTIVE
    assert directive_tasks(cast.director, plan.year).count() == plan.tasks.count() > 0
    html = client.get(reverse("plans:directive-list"), {"year": plan.year}).content.decode()
    assert plan.tasks.order_by("order").first().title[:30] in html  # type: ignore[union-attr]  # the plan has tasks


def test_an_upload_that_names_no_kind_is_a_plan_as_before(
    client: Client, cast: Cast, seed_plan_path: Path
) -> None:
    plan = _import(client, cast, seed_plan_path)
    assert plan.kind == PlanKind.PLAN
    assert not directive_tasks(cast.director, plan.year).exists()


def test_an_unknown_kind_is_refused_with_the_form(client: Client, cast: Cast, seed_plan_path: Path) -> None:
    client.force_login(cast.planning_finance)
    response = client.post(
        reverse("ingest:upload"),
        {
            "file": SimpleUploadedFile(seed_plan_path.name, seed_plan_path.read_bytes()),
            "issuer": cast.department.pk,
            "plan_kind": "roadmap",
        },
    )
    assert response.status_code == 200
    assert not ImportSession.objects.exists()
