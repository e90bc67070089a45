"""Pages and downloads a signed-in user sees are theirs alone: no cache on the way or on the disk keeps them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class PrivateResponsesMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user (pages, reports, attachments),
    so a shared office computer's back button or a proxy never shows one officer's figures to the next.
    Responses that already say how to cache (static files, the health check) are left as they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
