"""Reads of the API app: a user's tokens and the token a request presents."""

from __future__ import annotations

import hmac
import re

from django.contrib.auth.models import User as Account
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ApiToken
from .services import token_hash

TOKEN_RE = re.compile(r"^nv_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{20,100})$")


def api_tokens_for(user: Account) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first; nobody sees anyone else's."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def api_token_get(user: Account, pk: int) -> ApiToken:
    return get_object_or_404(api_tokens_for(user), pk=pk)


def api_token_by_secret(token: str) -> ApiToken | None:
    """The active token of an active user that this string is, else None.

    The prefix finds the row; the hash is compared in constant time so response timing does not
    tell how much of a guessed secret was right.
    """
    match = TOKEN_RE.match(token.strip())
    if match is None:
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(prefix=match["prefix"], revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None or not hmac.compare_digest(row.token_hash, token_hash(token.strip())):
        return None
    return row
