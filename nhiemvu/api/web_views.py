"""The token page of the web: a user lists, makes and revokes their own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from nhiemvu.core.errors import DomainError
from nhiemvu.core.http import AuthenticatedHttpRequest

from . import selectors, services
from .models import TokenScope


@never_cache
@login_required
def token_list(request: AuthenticatedHttpRequest, new: dict[str, object] | None = None) -> HttpResponse:
    return render(
        request,
        "api/token_list.html",
        {
            "tokens": selectors.api_tokens_for(request.user),
            "scopes": TokenScope.choices,
            "new_token": new,
            "docs_url": reverse("api:openapi-view"),
        },
    )


@login_required
@require_POST
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        token, secret = services.api_token_create(
            user=request.user,
            name=request.POST.get("name", "")[:100],
            scope=request.POST.get("scope", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.localized_message)
        return redirect("api-tokens:token-list")
    # Shown once, in this response, and stored nowhere: not in the session either (issue 22).
    return token_list(request, new={"id": token.pk, "token": secret})


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get(request.user, pk)
    services.api_token_revoke(token=token, user=request.user)
    messages.success(
        request,
        _("Đã thu hồi khóa «%(name)s»; hệ thống dùng khóa này sẽ nhận lỗi 401.") % {"name": token.name},
    )
    return redirect("api-tokens:token-list")
