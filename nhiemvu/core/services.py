"""Write helpers shared by every app's services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from .errors import DomainError


def validated_save(
    obj: models.Model, *, error: type[DomainError], where: str = "", where_en: str = "", **clean: Any
) -> None:
    """`full_clean()` then `save()`, turning a validation error into `error` with the model's own messages.

    The models' messages (constraint `violation_error_message`s included) are written for people,
    so they are passed on as they are, prefixed by what was being saved.
    """
    try:
        obj.full_clean(**clean)
    except ValidationError as exc:
        prefix, prefix_en = (f"{where}: ", f"{where_en}: ") if where else ("", "")
        fields = ", ".join(getattr(exc, "message_dict", {}) or ["value"])
        raise error(
            prefix + "; ".join(str(m) for m in exc.messages), message_en=f"{prefix_en}invalid ({fields})"
        ) from exc
    obj.save()
