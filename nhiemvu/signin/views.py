"""The OpenID Connect round trip: off (404) unless OIDC_RP_CLIENT_ID is set."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc import views as oidc_views

from .notices import tell, told

logger = logging.getLogger(__name__)


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def oidc_start(request: HttpRequest) -> HttpResponse:
    """The province button: off to the provider's login form, with state, nonce and PKCE in the session."""
    if not oidc_enabled():
        raise Http404
    response: HttpResponse = oidc_views.OIDCAuthenticationRequestView.as_view()(request)
    return response


class CallbackView(oidc_views.OIDCAuthenticationCallbackView):
    """Back from the provider: signed in, or on the login page with the reason, never an error page."""

    def login_failure(self) -> HttpResponse:
        if not told(self.request):
            tell(
                self.request,
                _(
                    "Không đăng nhập được bằng tài khoản của tỉnh (bị từ chối hoặc đã huỷ). "
                    "Xin thử lại, hoặc đăng nhập bằng tài khoản nhiemvu."
                ),
            )
        return HttpResponseRedirect(reverse("login"))

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation as exc:
            # A state this browser never started (an old tab, a replayed link): start again.
            logger.warning("OpenID callback refused: %s", exc)
            tell(
                request,
                _(
                    "Phiên đăng nhập bằng tài khoản của tỉnh đã hết hạn hoặc không hợp lệ. Xin bấm nút đăng nhập lại."
                ),
            )
            return HttpResponseRedirect(reverse("login"))
        return response


def oidc_callback(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        raise Http404
    response: HttpResponse = CallbackView.as_view()(request)
    return response
