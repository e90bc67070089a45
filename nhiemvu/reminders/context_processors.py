"""The bell's unread count, queried only if a page actually renders it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def bell(request: HttpRequest) -> dict[str, Any]:
    return {"bell": SimpleLazyObject(lambda: {"unread": unread_count(request.user)})}
