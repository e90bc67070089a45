from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.forms import DayFirstDateField

from .models import AuditEntry
from .selectors import AuditFilters


class AuditFilterForm(forms.Form):
    """The list's filters; shape only. A value not on offer (someone else's user id) is an error."""

    model = forms.TypedChoiceField(label=_("Loại dữ liệu"), required=False, coerce=int, empty_value=None)
    object = forms.IntegerField(label=_("Mã đối tượng"), required=False, min_value=1)
    actor = forms.TypedChoiceField(label=_("Người thực hiện"), required=False, coerce=int, empty_value=None)
    action = forms.TypedChoiceField(
        label=_("Thao tác"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", "—"),
            (AuditEntry.Action.CREATE, _("Tạo mới")),
            (AuditEntry.Action.UPDATE, _("Sửa")),
            (AuditEntry.Action.DELETE, _("Xóa")),
        ],
    )
    date_from = DayFirstDateField(label=_("Từ ngày"), required=False)
    date_to = DayFirstDateField(label=_("Đến ngày"), required=False)

    def __init__(
        self, *args: Any, models: list[tuple[int, str]], actors: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "—"), *models]  # type: ignore[attr-defined]  # a ChoiceField, declared above
        self.fields["actor"].choices = [("", "—"), *actors]  # type: ignore[attr-defined]  # a ChoiceField, declared above

    # The trail starts with the system; a date outside these years is a typing slip, and a day
    # next to date.min or date.max cannot be turned into a moment with a time zone (it was a 500).
    EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)

    def _within(self, name: str) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get(name)
        if day is not None and not self.EARLIEST <= day <= self.LATEST:
            raise forms.ValidationError(
                _("Hãy chọn một ngày từ %(first)s đến %(last)s.")
                % {"first": f"{self.EARLIEST:%d/%m/%Y}", "last": f"{self.LATEST:%d/%m/%Y}"}
            )
        return day

    def clean_date_from(self) -> dt.date | None:
        return self._within("date_from")

    def clean_date_to(self) -> dt.date | None:
        return self._within("date_to")

    def filters(self) -> AuditFilters | None:
        """The filters to apply; None when what was asked for can't be answered."""
        if not self.is_bound:
            return AuditFilters()
        if not self.is_valid():
            return None
        d = self.cleaned_data
        return AuditFilters(
            content_type_id=d.get("model"),
            object_id=d.get("object"),
            actor_id=d.get("actor"),
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            action=d.get("action"),
        )
