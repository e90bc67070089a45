"""Form pieces shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms


class DayFirstDateInput(forms.DateInput):
    """A date typed and shown as dd/mm/yyyy whatever the browser's locale.

    `<input type="date">` follows the browser's language (mm/dd/yyyy on an English Chromium),
    which misleads people used to 05/01/2024 meaning the 5th of January.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={
                "placeholder": "dd/mm/yyyy",
                "inputmode": "numeric",
                "autocomplete": "off",
                **(attrs or {}),
            },
            format="%d/%m/%Y",
        )
