"""The login page's province button, shown only when OpenID Connect is configured."""

from __future__ import annotations

from typing import Any

from django import template

from ..views import oidc_enabled

register = template.Library()


@register.inclusion_tag("signin/_oidc_button.html", takes_context=True)
def province_sign_in(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    return {
        "enabled": oidc_enabled(),
        "next": context.get("next") or (request.GET.get("next", "") if request else ""),
    }
