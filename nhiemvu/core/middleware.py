"""Every response's frame: the interface language a person chose, and pages and downloads a signed-in
user sees kept theirs alone (no cache on the way or on the disk keeps them)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers


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


class InterfaceLanguageMiddleware:
    """The interface speaks Vietnamese, or English once a person picks it in the header.

    Django's LocaleMiddleware would follow the browser's Accept-Language. Many officers' browsers
    are installed in English: they would get the English interface, whose number format reads the
    `8.650` they type as 8.65, and store a thousandth of their figure. So the browser's language is
    not asked: the choice is the person's (the header's select posts to set_language, which keeps it
    in the language cookie), and until they make one the interface is Vietnamese (LANGUAGE_CODE).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # as LocaleMiddleware sets it
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))  # the language rides in a cookie
        return response
