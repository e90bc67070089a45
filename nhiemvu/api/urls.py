"""/api/v1/: the REST API, its OpenAPI schema (/api/v1/openapi.json) and documentation (/api/v1/docs)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import re_path

from .api import api
from .errors import NOT_FOUND, error_body


def unknown_path(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/v1/: the API's 404, not the web's HTML page."""
    return JsonResponse(error_body(*NOT_FOUND), status=404)


app_name = "api"
urlpatterns = [*api.urls[0], re_path(r"^(?P<rest>.*)$", unknown_path, name="unknown")]
