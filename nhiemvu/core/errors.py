"""Errors a person can read: services raise these, views show their message."""

from __future__ import annotations

from django.utils.translation import get_language


class DomainError(Exception):
    """A rule of the domain refused an action; `message` is Vietnamese, `message_en` English."""

    code = "domain_error"

    def __init__(self, message: str, *, message_en: str = "", code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.message} / {self.message_en}" if self.message_en else self.message

    @property
    def localized_message(self) -> str:
        """The message in the active interface language: English when it is English and there is one."""
        language = get_language() or ""
        if self.message_en and language.split("-")[0] == "en":
            return self.message_en
        return self.message


class PermissionDenied(DomainError):
    code = "permission_denied"
