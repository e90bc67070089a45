"""Writes of the API app: making, revoking and touching API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import User as Account
from django.db import transaction
from django.utils import timezone

from nhiemvu.core.errors import DomainError
from nhiemvu.core.services import validated_save

from .models import ApiToken, TokenScope

TOKEN_PREFIX = "nv"
# A busy integration calls many times a minute; one write a minute is enough to tell an unused token.
TOUCH_EVERY = dt.timedelta(minutes=1)


class ApiTokenError(DomainError):
    code = "api_token_invalid"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: Account, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token for the user; the full token is returned here and never again."""
    if scope not in TokenScope.values:
        raise ApiTokenError("Quyền của khóa không hợp lệ.", message_en=f"Unknown scope {scope!r}.")
    name = " ".join(name.split())
    if not name:
        raise ApiTokenError(
            "Hãy đặt tên cho khóa (ví dụ: tên hệ thống sẽ dùng khóa).", message_en="Name the token."
        )
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():  # 1 in 4 billion, but a clash must not 500
        prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken(user=user, name=name, prefix=prefix, token_hash=token_hash(token), scope=scope)
    validated_save(row, error=ApiTokenError)
    return row, token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, user: Account) -> ApiToken:
    """Revoke one of the user's own tokens; revoking twice keeps the first time."""
    if token.user_id != user.pk:
        raise ApiTokenError("Khóa này không phải của bạn.", message_en="Not your token.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_tokens_revoke_all(*, user_id: int) -> int:
    """Revoke every live token of a user: what a password change does, since a token is as good as
    the password to whoever holds it (issue 22). The number revoked."""
    return ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_touch(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Record the last use, at most once a minute: no write on every request of a busy integration."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
