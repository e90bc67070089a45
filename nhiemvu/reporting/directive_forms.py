"""Forms of the directive pages: the document, and its tasks as a formset a button grows.

They check shape only (a date is a date, a unit is one of the listed ones); the rules (a deadline
not before the document, a number not already recorded) are `services.directive_create`'s.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.forms import DayFirstDateField
from nhiemvu.organisations.models import Official, Organisation
from nhiemvu.plans.models import DocumentKind

from .services.directives import DIRECTIVE_DOCUMENT_KINDS

TASK_PREFIX = "tasks"
MAX_TASKS = 50  # a conclusion notice with more tasks than this is entered in two goes


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}, {obj.position}" if obj.position else str(obj.full_name)


class DirectiveForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Cơ quan thực hiện"),
        empty_label=None,
        error_messages={"required": _("Hãy chọn cơ quan thực hiện.")},
    )
    kind = forms.ChoiceField(
        label=_("Loại văn bản"),
        choices=[(k.value, k.label) for k in DIRECTIVE_DOCUMENT_KINDS],
        initial=DocumentKind.NOTICE,
    )
    number = forms.CharField(
        label=_("Số, ký hiệu"),
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": "125/TB-UBND"}),
        error_messages={"required": _("Hãy ghi số, ký hiệu của văn bản (ví dụ 125/TB-UBND).")},
    )
    issued_on = DayFirstDateField(
        label=_("Ngày ban hành"),
        error_messages={"required": _("Hãy ghi ngày ban hành (ngày/tháng/năm).")},
    )
    document_issuer = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Cơ quan ban hành"),
        required=False,
        empty_label=_("— cơ quan khác, ghi ở ô bên dưới —"),
    )
    document_issuer_name = forms.CharField(
        label=_("Cơ quan ban hành khác (như ghi trên văn bản)"), max_length=255, required=False
    )
    title = forms.CharField(
        label=_("Trích yếu"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi trích yếu của văn bản.")},
    )

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Organisation],
        document_issuers: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]  # a ModelChoiceField, declared above
        self.fields["document_issuer"].queryset = document_issuers  # type: ignore[attr-defined]  # as above

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("document_issuer") and not (data.get("document_issuer_name") or "").strip():
            self.add_error("document_issuer", _("Hãy chọn cơ quan ban hành, hoặc ghi tên ở ô bên dưới."))
        return data


class DirectiveTaskForm(forms.Form):
    title = forms.CharField(
        label=_("Nội dung nhiệm vụ"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi nội dung nhiệm vụ.")},
    )
    lead_unit = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Đơn vị chủ trì"),
        error_messages={"required": _("Hãy chọn đơn vị chủ trì.")},
    )
    support_units = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Đơn vị phối hợp"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    leader = OfficialChoiceField(
        queryset=Official.objects.none(), label=_("Lãnh đạo chỉ đạo"), required=False
    )
    deadline = DayFirstDateField(
        label=_("Thời hạn hoàn thành"),
        error_messages={"required": _("Hãy ghi thời hạn hoàn thành (ngày/tháng/năm).")},
    )

    def __init__(
        self, *args: Any, units: QuerySet[Organisation], leaders: QuerySet[Official], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]  # a ModelChoiceField, declared above
        self.fields["support_units"].queryset = units  # type: ignore[attr-defined]  # as above
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]  # as above


class BaseDirectiveTaskFormSet(BaseFormSet):
    default_error_messages = {
        "too_few_forms": _("Hãy ghi ít nhất một nhiệm vụ."),
        "too_many_forms": _("Mỗi lần ghi tối đa %(num)d nhiệm vụ."),
    }


DirectiveTaskFormSet = formset_factory(
    DirectiveTaskForm,
    formset=BaseDirectiveTaskFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_TASKS,
    validate_max=True,
    absolute_max=MAX_TASKS,
)
