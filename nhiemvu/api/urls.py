"""/api/v1/: the REST API, its OpenAPI schema (/api/v1/openapi.json) and documentation (/api/v1/docs)."""

from __future__ import annotations

from .api import api

app_name = "api"
urlpatterns = api.urls[0]
