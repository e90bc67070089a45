"""`{% may_reorganise as allowed %}`: whether to offer the link to mergers and renames (the
organisation list belongs to another app, whose view does not know about this one)."""

from __future__ import annotations

from typing import Any

from django import template

from nhiemvu.reorganisation.selectors import may_reorganise as _may_reorganise

register = template.Library()


@register.simple_tag(takes_context=True)
def may_reorganise(context: dict[str, Any]) -> bool:
    request = context.get("request")
    return request is not None and _may_reorganise(request.user)
