"""Forms of the first run and of the people page: they check shape; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from nhiemvu.organisations.models import Organisation, OrganisationKind, Role

from .directory import UnitRow


def _size_checked(upload: UploadedFile) -> UploadedFile:
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise forms.ValidationError(
            _("Tệp quá lớn; giới hạn là %(limit)s byte. / The file is too large.") % {"limit": limit},
            code="too_large",
        )
    return upload


class SheetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bảng tính danh bạ"),
        help_text=_("Tệp .xlsx hoặc .csv, dòng đầu là tên cột."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "data-testid": "sheet-file"}),
    )

    def clean_file(self) -> UploadedFile:
        return _size_checked(self.cleaned_data["file"])


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Văn bản kế hoạch"),
        help_text=_(
            "Tệp .docx, .pdf (có lớp chữ), .txt hoặc .md; cơ quan ban hành và các đơn vị được nêu sẽ được đề xuất."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.txt,.md", "data-testid": "plan-file"}),
    )

    def clean_file(self) -> UploadedFile:
        return _size_checked(self.cleaned_data["file"])


KIND_CHOICES = [("", _("— tự nhận biết theo tên —")), *OrganisationKind.choices]


class UnitRowForm(forms.Form):
    """One row of the setup table; `parent` names another row or a stored body."""

    name = forms.CharField(label=_("Tên đơn vị"), required=False, max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt"), required=False, max_length=80)
    aliases = forms.CharField(label=_("Tên gọi khác (cách nhau bởi dấu ;)"), required=False, max_length=1000)
    parent = forms.CharField(label=_("Trực thuộc"), required=False, max_length=255)
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=KIND_CHOICES)
    email = forms.CharField(label=_("Thư điện tử"), required=False, max_length=254)
    skip = forms.BooleanField(label=_("Bỏ"), required=False)


UnitRowFormSet = formset_factory(UnitRowForm, extra=0, max_num=2000, absolute_max=2000)


def unit_row_initial(rows: list[UnitRow]) -> list[dict[str, Any]]:
    return [
        {
            "name": r.name,
            "short_name": r.short_name,
            "aliases": "; ".join(r.aliases),
            "parent": r.parent,
            "kind": r.kind if r.kind in OrganisationKind.values else "",
            "email": r.email,
        }
        for r in rows
    ]


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"))
    organisation = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Vai trò"), choices=())
    position = forms.CharField(label=_("Chức vụ"), required=False, max_length=160)
    phone = forms.CharField(label=_("Điện thoại"), required=False, max_length=32)

    def __init__(
        self, *args: Any, units: QuerySet[Organisation], roles: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = units  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["role"].choices = roles  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["role"].initial = Role.UNIT_STAFF


class DeactivateForm(forms.Form):
    successor = forms.ModelChoiceField(
        label=_("Bàn giao công việc cho"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Báo cáo đang soạn hoặc bị trả lại, các bước lộ trình chưa xong và nhiệm vụ đang chỉ đạo."
        ),
    )
    confirm = forms.BooleanField(label=_("Tôi xác nhận người này đã nghỉ hoặc chuyển công tác"))

    def __init__(self, *args: Any, colleagues: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["successor"]
        field.queryset = colleagues  # type: ignore[attr-defined]  # a ModelChoiceField
        field.label_from_instance = lambda u: u.get_full_name() or u.get_username()  # type: ignore[attr-defined]


class InvitationAcceptForm(forms.Form):
    new_password1 = forms.CharField(
        label=_("Mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            raise forms.ValidationError(_("Hai lần nhập mật khẩu không khớp."), code="password_mismatch")
        return data
