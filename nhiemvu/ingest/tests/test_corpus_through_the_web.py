"""Every plan of the corpus goes through upload → review → confirm untouched (the extractor's output as is)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nhiemvu.ingest.models import ImportSession
from nhiemvu.plans.models import Plan
from nhiemvu.testing import Cast, review_form_data

parsing = pytest.importorskip("nhiemvu.ingest.parsing", reason="the extractor is not written yet")
if not hasattr(parsing, "extract_bytes"):
    pytest.skip("nhiemvu.ingest.parsing.extract_bytes is missing", allow_module_level=True)

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus"
FILES = sorted(
    p for p in CORPUS.glob("*/*") if p.suffix in {".txt", ".md", ".docx", ".pdf"} and p.name != "README.md"
)


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_corpus_plan_is_imported_through_the_review_screen(client: Client, cast: Cast, path: Path) -> None:
    client.force_login(cast.planning_finance)
    response = client.post(
        reverse("ingest:upload"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "issuer": cast.department.pk},
    )
    assert response.status_code == 302, response.context["form"].errors
    session = ImportSession.objects.get()
    html = client.get(reverse("ingest:review", args=[session.pk])).content.decode()

    response = client.post(reverse("ingest:confirm", args=[session.pk]), review_form_data(html))

    assert response.status_code == 302, response.context.get("error")
    plan = Plan.objects.get()
    assert plan.tasks.count() == len(session.plan_json["tasks"])
