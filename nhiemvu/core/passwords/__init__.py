"""Password rules beyond Django's: refuse what Vietnamese users commonly build passwords from.

Django's CommonPasswordValidator already refuses the 20,000 passwords most often found in breaches
(its list ships with Django); this adds the words local leaks are made of, shipped with the
project (no network at run time). Length matters more than composition (ASVS V2.1): at least 12
characters, no rule about digits or symbols, and these refusals.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WORDS = Path(__file__).with_name("vi-common.txt")


@cache
def _common_words() -> frozenset[str]:
    lines = WORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_core(password: str) -> str:
    """What a password is made of once case, diacritics, spaces, digits and symbols are set aside.

    >>> password_core("Mật khẩu@2026!"), password_core("mot cau dai de nho 2026"), password_core("12345678!@")
    ('matkhau', 'motcaudaidenho', '')
    """
    plain = unicodedata.normalize("NFKD", password.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z]", "", plain)


class VietnameseCommonPasswordValidator:
    """Refuses a password whose letters are a common Vietnamese choice, or that has no letters."""

    def validate(self, password: str, user: Any = None) -> None:
        core = password_core(password)
        if not core or core in _common_words():
            raise ValidationError(
                _(
                    "Mật khẩu này quá phổ biến (ghép từ những từ hay dùng như «matkhau», «anhyeuem», «admin» với số)."
                ),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("Mật khẩu không được chỉ là một từ phổ biến ghép với số và ký hiệu.")
