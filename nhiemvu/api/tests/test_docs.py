"""The OpenAPI schema and the documentation page, which must work on an intranet with no CDN."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from nhiemvu.testing import Cast

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_is_openapi_3_and_names_every_area() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for path in (
        "/api/v1/organisations",
        "/api/v1/plans",
        "/api/v1/plans/{plan_id}/export",
        "/api/v1/plans/import",
        "/api/v1/plans/import/file",
        "/api/v1/tasks",
        "/api/v1/targets",
        "/api/v1/periods",
        "/api/v1/reports",
        "/api/v1/reports/{report_id}/return",
        "/api/v1/obstacles",
        "/api/v1/notifications",
    ):
        assert path in paths, path
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_needs_a_login(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_docs_page_loads_only_local_files_and_no_inline_script(client: Client, cast: Cast) -> None:
    client.force_login(cast.unit_staff)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cdn" not in page.lower() and "https://" not in page
    sources = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert sources == ["/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/api/docs.js"]
    assert re.findall(r"<script(?![^>]*src=)[^>]*>", page) == []
    assert 'data-openapi-url="/api/v1/openapi.json"' in page
    for path in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css", "api/docs.js"):
        assert finders.find(path), path
