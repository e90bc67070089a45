"""The documentation page: Swagger UI from static/vendor/swagger-ui, booted by a static script.

django-ninja's own page loads Swagger UI from a CDN and boots it with an inline script; intranet
machines reach no CDN, and inline scripts would block a strict Content-Security-Policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI


class OfflineSwagger(DocsBase):
    """Swagger UI for people logged in to the web; the schema itself is public (it holds no data)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return render(
            request,
            "api/docs.html",
            {"openapi_url": self.get_openapi_url(api, kwargs), "title": api.title},
        )
