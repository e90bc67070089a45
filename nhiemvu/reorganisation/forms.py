"""The merge and rename forms: shape only (bodies picked from the tree, a date typed 1/3/2025);
the selectors and services decide what the change means and whether it may be made."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.forms import DayFirstDateField
from nhiemvu.organisations.models import Organisation, OrganisationKind

from .selectors import Authority, organisations_movable, organisations_receiving, tree_labels

EXISTING, NEW = "existing", "new"
NOT_OFFERED = _("Hãy chọn trong danh sách: «%(value)s» không phải cơ quan, đơn vị bạn được thay đổi.")
KINDS = [(k, label) for k, label in OrganisationKind.choices if k != OrganisationKind.EXTERNAL]


class _ChangeForm(forms.Form):
    effective_on = DayFirstDateField(
        label=_("Có hiệu lực từ ngày"),
        error_messages={"required": _("Hãy ghi ngày có hiệu lực (ngày/tháng/năm, ví dụ 1/3/2025).")},
    )
    decision = forms.CharField(
        label=_("Theo văn bản"),
        max_length=255,
        help_text=_("Ví dụ: Quyết định 123/QĐ-UBND ngày 25/02/2025 của UBND tỉnh"),
        error_messages={"required": _("Hãy ghi văn bản quyết định việc thay đổi.")},
    )

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.fields["effective_on"].widget.attrs.update({"data-testid": "effective-on"})
        self.fields["decision"].widget.attrs.update({"data-testid": "decision"})

    @staticmethod
    def _bodies(ids: list[int]) -> list[Organisation]:
        found = {o.pk: o for o in Organisation.objects.select_related("parent").filter(pk__in=ids)}
        return [found[i] for i in ids if i in found]


class MergeForm(_ChangeForm):
    """Several bodies into one: an existing body (the province taking over a district's work)
    or a new one (Sở NN&PTNT + Sở TN&MT → Sở Nông nghiệp và Môi trường)."""

    predecessors = forms.TypedMultipleChoiceField(
        label=_("Các cơ quan, đơn vị sáp nhập"),
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 10, "data-testid": "predecessors"}),
        error_messages={
            "required": _("Hãy chọn các cơ quan, đơn vị sáp nhập."),
            "invalid_choice": NOT_OFFERED,
        },
    )
    mode = forms.ChoiceField(
        label=_("Cơ quan kế thừa"),
        choices=[(NEW, _("Thành lập cơ quan mới")), (EXISTING, _("Sáp nhập vào một cơ quan đang có"))],
        initial=NEW,
        widget=forms.RadioSelect,
    )
    successor = forms.TypedChoiceField(
        label=_("Cơ quan đang có"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": NOT_OFFERED},
    )
    new_name = forms.CharField(label=_("Tên cơ quan mới"), max_length=255, required=False)
    new_short_name = forms.CharField(label=_("Tên viết tắt"), max_length=80, required=False)
    new_kind = forms.ChoiceField(label=_("Loại"), choices=KINDS, initial=OrganisationKind.DEPARTMENT)
    new_parent = forms.TypedChoiceField(
        label=_("Trực thuộc"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": NOT_OFFERED},
    )

    field_order = [
        "predecessors",
        "mode",
        "successor",
        "new_name",
        "new_short_name",
        "new_kind",
        "new_parent",
    ]

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, authority=authority, **kwargs)
        receiving = tree_labels(organisations_receiving(authority))
        self.fields["predecessors"].choices = tree_labels(organisations_movable(authority))  # type: ignore[attr-defined]  # a ChoiceField, declared above
        self.fields["successor"].choices = [("", "—"), *receiving]  # type: ignore[attr-defined]  # as above
        self.fields["new_parent"].choices = [("", "—"), *receiving]  # type: ignore[attr-defined]  # as above
        for name in ("successor", "new_name", "new_short_name", "new_kind", "new_parent"):
            self.fields[name].widget.attrs.update({"data-testid": name.replace("_", "-")})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == EXISTING:
            if not data.get("successor"):
                self.add_error("successor", _("Hãy chọn cơ quan kế thừa."))
        else:
            if not (data.get("new_name") or "").strip():
                self.add_error("new_name", _("Hãy ghi tên cơ quan mới."))
            if not data.get("new_parent"):
                self.add_error("new_parent", _("Hãy chọn cơ quan cấp trên của cơ quan mới."))
        return data

    def predecessor_bodies(self) -> list[Organisation]:
        return self._bodies(self.cleaned_data["predecessors"])

    def successor_body(self) -> Organisation | None:
        if self.cleaned_data["mode"] != EXISTING:
            return None
        return next(iter(self._bodies([self.cleaned_data["successor"]])), None)

    def parent_body(self) -> Organisation | None:
        if self.cleaned_data["mode"] == EXISTING:
            return None
        return next(iter(self._bodies([self.cleaned_data["new_parent"]])), None)


class RenameForm(_ChangeForm):
    """A body under a new name from a date; the old name stays on what was done under it."""

    organisation = forms.TypedChoiceField(
        label=_("Cơ quan, đơn vị đổi tên"),
        coerce=int,
        error_messages={"required": _("Hãy chọn cơ quan, đơn vị đổi tên."), "invalid_choice": NOT_OFFERED},
    )
    name = forms.CharField(
        label=_("Tên mới"), max_length=255, error_messages={"required": _("Hãy ghi tên mới.")}
    )
    short_name = forms.CharField(label=_("Tên viết tắt mới"), max_length=80, required=False)
    aliases = forms.CharField(
        label=_("Các tên gọi khác"),
        required=False,
        max_length=1000,
        help_text=_("Cách nhau bằng dấu chấm phẩy, ví dụ: Sở NN&MT; Sở Nông nghiệp và MT"),
    )

    field_order = ["organisation", "name", "short_name", "aliases"]

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, authority=authority, **kwargs)
        self.fields["organisation"].choices = [("", "—"), *tree_labels(organisations_movable(authority))]  # type: ignore[attr-defined]  # a ChoiceField, declared above
        for name in ("organisation", "name", "short_name", "aliases"):
            self.fields[name].widget.attrs.update({"data-testid": f"rename-{name.replace('_', '-')}"})

    def organisation_body(self) -> Organisation | None:
        return next(iter(self._bodies([self.cleaned_data["organisation"]])), None)

    def alias_list(self) -> list[str]:
        return [a.strip() for a in re.split(r"[;\n]", self.cleaned_data.get("aliases") or "") if a.strip()]
