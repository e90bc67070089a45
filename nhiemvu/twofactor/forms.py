"""The shapes of what people type; the services decide what it means."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AGENCY_ROLES


class ConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("Mã 6 chữ số trong ứng dụng"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực hoặc mã khôi phục"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class DisableForm(forms.Form):
    password = forms.CharField(
        label=_("Mật khẩu"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("hoặc mã 6 chữ số trong ứng dụng"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("password") and not data.get("code"):
            raise forms.ValidationError(_("Hãy nhập mật khẩu hoặc mã trong ứng dụng xác thực."))
        return data


class PolicyForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Vai trò phải dùng xác thực hai lớp"),
        choices=[(role.value, role.label) for role in AGENCY_ROLES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
