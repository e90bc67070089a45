"""The file a plan was imported from is downloaded through its plan page, by whoever may see the plan
(uploaded files have no /media/ URL: issue 22)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from nhiemvu.plans.models import SourceDocument
from nhiemvu.testing import Cast, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_departments_people_download_the_original_and_the_plan_page_links_it(cast: Cast) -> None:
    plan = make_plan(cast, tasks=1)
    document = SourceDocument(number="05/KH-SNN", issued_on=dt.date(2023, 1, 5))
    document.file.save("Kế hoạch 05.docx", ContentFile(b"PK\x03\x04 the original"), save=False)
    document.save()
    plan.source_document = document
    plan.save(update_fields=["source_document"])
    url = reverse("plans:plan-document", args=[plan.pk])
    for user in (cast.planning_finance, cast.director, cast.unit_staff):
        client = Client()
        client.force_login(user)
        assert f'href="{url}"' in client.get(reverse("plans:plan-detail", args=[plan.pk])).content.decode()
        response = client.get(url)
        assert response.status_code == 200
        assert response.getvalue() == b"PK\x03\x04 the original"
        assert "attachment" in response["Content-Disposition"]
        assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_a_plan_typed_in_without_a_file_has_no_link_and_no_download(cast: Cast) -> None:
    plan = make_plan(cast, tasks=1)
    client = Client()
    client.force_login(cast.planning_finance)
    assert (
        'data-testid="plan-document"'
        not in client.get(reverse("plans:plan-detail", args=[plan.pk])).content.decode()
    )
    assert client.get(reverse("plans:plan-document", args=[plan.pk])).status_code == 404
