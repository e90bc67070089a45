"""The step form: shape only (a date typed 30/6/2025, a person of the lead unit); the services
decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.forms import DayFirstDateField
from nhiemvu.organisations.models import Official
from nhiemvu.plans.models import Task

from .models import RoadmapStep
from .selectors import responsible_choices
from .services import StepInput


class ResponsibleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        official: Official = obj
        return f"{official.full_name} — {official.position}" if official.position else official.full_name


class StepForm(forms.Form):
    """One step of the roadmap. The completion date is asked only when editing a step."""

    title = forms.CharField(
        label=_("Nội dung công việc"),
        max_length=2000,
        widget=forms.TextInput(attrs={"data-testid": "step-title"}),
        error_messages={"required": _("Hãy ghi nội dung công việc của bước.")},
    )
    due = DayFirstDateField(
        label=_("Thời hạn"),
        error_messages={"required": _("Hãy ghi thời hạn (ngày/tháng/năm, ví dụ 30/06/2025).")},
    )
    responsible = ResponsibleChoiceField(
        label=_("Cán bộ phụ trách"),
        queryset=Official.objects.none(),
        required=False,
        empty_label=_("— chưa giao —"),
        error_messages={"invalid_choice": _("Hãy chọn một cán bộ của đơn vị chủ trì.")},
    )
    done_on = DayFirstDateField(label=_("Ngày hoàn thành"), required=False)
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"data-testid": "step-note"}),
    )

    def __init__(self, *args: Any, task: Task, step: RoadmapStep | None = None, **kwargs: Any) -> None:
        if step is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": step.title,
                    "due": step.due,
                    "responsible": step.responsible_id,
                    "done_on": step.done_on,
                    "note": step.note,
                },
            )
        kwargs["prefix"] = f"step-{step.pk}" if step is not None else "new-step"
        super().__init__(*args, **kwargs)
        responsible = self.fields["responsible"]
        assert isinstance(responsible, forms.ModelChoiceField)
        responsible.queryset = responsible_choices(task)
        self.fields["due"].widget.attrs.update({"data-testid": "step-due"})
        self.fields["done_on"].widget.attrs.update({"data-testid": "step-done-on"})
        self.fields["responsible"].widget.attrs.update({"data-testid": "step-responsible"})
        if step is None:
            del self.fields["done_on"]

    def to_input(self) -> StepInput:
        data = self.cleaned_data
        return StepInput(
            title=data["title"],
            due=data["due"],
            responsible=data["responsible"],
            note=data.get("note", ""),
            done_on=data.get("done_on"),
        )
