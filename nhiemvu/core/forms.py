"""Form pieces shared by the apps: numbers and dates typed the way Vietnamese officers type them.

Each field shows back exactly what it reads: a saved value is written in the active locale's
format (`8.650`, `64,2`, `30/06/2025`), a value typed but not yet saved (after a validation
error) is shown as it was typed, never formatted a second time. Saving, reloading and saving
again therefore stores the same value.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.templatetags.nv import format_number
from nhiemvu.lib.vnnumbers import parse_decimal

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y-%m-%d"]


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

    def format_value(self, value: Any) -> str | None:
        # Plan JSON carries ISO dates ("2024-01-22"): shown day first like every other date.
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return value  # what the person typed, shown back as typed
        return super().format_value(value)


class DayFirstDateField(forms.DateField):
    """A date read as 30/6/2025, 30/06/2025, 30-06-2025 or 2025-06-30, shown as 30/06/2025."""

    widget = DayFirstDateInput
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {
        "invalid": _("«%(value)s» không phải là ngày hợp lệ (ngày/tháng/năm, ví dụ 30/06/2025)."),
    }

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except ValidationError as exc:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from exc


class LocalizedNumberInput(forms.TextInput):
    """A text box for a figure: a stored number is written the locale's way, typed text as typed."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_number(value)
        return super().format_value(value)


class LocalizedDecimalField(forms.DecimalField):
    """A figure typed as `8.650`, `1.234.567,891`, `64,2` (or `8,650` / `64.2` in English).

    Django's own localized DecimalField strips every group mark, so `64.2` typed on an English
    keyboard would become 642: this one reads with `lib.vnnumbers.parse_decimal`, which refuses
    what it cannot read unambiguously, and keeps max_digits / decimal_places / min / max checks.
    """

    widget = LocalizedNumberInput
    default_error_messages = {
        "invalid": _("«%(value)s» không phải là số (ví dụ: 1.000,5)."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_digits", 20)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)

    # django-stubs gives DecimalField no to_python of its own, so it inherits IntegerField's int.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # Django's returns a Decimal
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).strip()
        if not text:
            return None
        try:
            number = parse_decimal(
                text,
                decimal_mark=formats.get_format("DECIMAL_SEPARATOR"),
                group_mark=formats.get_format("THOUSAND_SEPARATOR"),
            )
        except ValueError as exc:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": text}
            ) from exc
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": text})
        return number

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # DecimalField adds min/max/step for <input type="number">; a text box takes none of them.
        return forms.Field.widget_attrs(self, widget)
