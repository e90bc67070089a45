"""Forms of the reporting pages: they check shape only and hand over to the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BoundField
from django.forms.renderers import Jinja2
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.forms import DayFirstDateField, LocalizedDecimalField, LocalizedNumberInput
from nhiemvu.plans.models import Target, Task

from .models import HolidayKind, ProgressReport
from .services import ObstacleInput, ReportInput

OBSTACLE_ROWS = 3
NOT_NEGATIVE = {"min_value": _("Số liệu thực hiện không được âm.")}


class ReportForm(forms.Form):
    """One unit's report on one task: a field per target, the work done, text, obstacles, milestones."""

    # Its twenty-odd inputs through Django's own Jinja2 widget templates rather than the template
    # language: the same HTML for less than half the CPU. The values are formatted in
    # Python (LocalizedNumberInput, DayFirstDateInput) either way, so 8.650 and 30/06/2025 stay.
    default_renderer = Jinja2()

    revision = forms.IntegerField(widget=forms.HiddenInput)
    percent_done = LocalizedDecimalField(
        label=_("Khối lượng công việc đã hoàn thành (%)"),
        widget=LocalizedNumberInput(attrs={"data-testid": "percent-done"}),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": _("Tỷ lệ hoàn thành phải từ 0 đến 100%%."),
            "max_value": _("Tỷ lệ hoàn thành phải từ 0 đến 100%%."),
        },
    )
    completed_on = DayFirstDateField(label=_("Ngày hoàn thành nhiệm vụ (nếu đã xong)"), required=False)
    narrative = forms.CharField(
        label=_("Kết quả thực hiện"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    proposals = forms.CharField(
        label=_("Đề xuất, kiến nghị"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, task: Task, report: ProgressReport, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.update(
            revision=report.revision,
            percent_done=report.percent_done,
            completed_on=report.completed_on,
            narrative=report.narrative,
            proposals=report.proposals,
        )
        saved = report.pk is not None  # a blank form is an unsaved report: nothing is written on GET
        values = {v.target_id: v for v in report.values.all()} if saved else {}
        obstacles = list(report.obstacles.all()) if saved else []
        met = [m.pk for m in report.milestones_met.all()] if saved else []
        super().__init__(*args, **kwargs)
        self.task = task
        self.target_rows: list[tuple[Target, BoundField, BoundField]] = []
        for target in task.targets.all():
            value = values.get(target.pk)
            actual = f"actual_{target.pk}"
            estimate = f"estimate_{target.pk}"
            self.fields[actual] = LocalizedDecimalField(
                label=_("Lũy kế thực hiện (%(unit)s)") % {"unit": target.unit or "—"},
                initial=value.actual if value else None,
                min_value=0,
                error_messages=NOT_NEGATIVE,
            )
            self.fields[actual].widget.attrs.update(
                {
                    "aria-label": f"{_('Lũy kế thực hiện')} — {target.name}",
                    "data-testid": f"actual-{len(self.target_rows) + 1}",
                }
            )
            self.fields[estimate] = LocalizedDecimalField(
                label=_("Ước cả năm"),
                initial=value.estimate if value else None,
                min_value=0,
                error_messages=NOT_NEGATIVE,
            )
            self.fields[estimate].widget.attrs["aria-label"] = f"{_('Ước cả năm')} — {target.name}"
            self.target_rows.append((target, self[actual], self[estimate]))
        self.obstacle_rows = []
        for i in range(max(OBSTACLE_ROWS, len(obstacles) + 1)):
            existing = obstacles[i] if i < len(obstacles) else None
            names = (f"obstacle_{i}_description", f"obstacle_{i}_needs", f"obstacle_{i}_addressed_to")
            self.fields[names[0]] = forms.CharField(
                label=_("Khó khăn, vướng mắc"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=existing.description if existing else "",
            )
            self.fields[names[1]] = forms.CharField(
                label=_("Cần hỗ trợ gì"), required=False, initial=existing.needs if existing else ""
            )
            self.fields[names[2]] = forms.CharField(
                label=_("Đề nghị ai giải quyết"),
                required=False,
                max_length=255,
                initial=existing.addressed_to if existing else "",
            )
            self.obstacle_rows.append(tuple(self[n] for n in names))
        milestones = list(task.milestones.all())
        if milestones:
            self.fields["milestones_met"] = forms.MultipleChoiceField(
                label=_("Các mốc đã đạt"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(m.pk, str(m)) for m in milestones],
                initial=met,
            )

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        values = {}
        for target, _actual, _estimate in self.target_rows:
            values[target.pk] = (data.get(f"actual_{target.pk}"), data.get(f"estimate_{target.pk}"))
        obstacles = [
            ObstacleInput(
                description=data.get(f"obstacle_{i}_description", ""),
                needs=data.get(f"obstacle_{i}_needs", ""),
                addressed_to=data.get(f"obstacle_{i}_addressed_to", ""),
            )
            for i in range(len(self.obstacle_rows))
        ]
        return ReportInput(
            percent_done=data.get("percent_done"),
            completed_on=data.get("completed_on"),
            narrative=data.get("narrative", ""),
            proposals=data.get("proposals", ""),
            values=values,
            obstacles=obstacles,
            milestones_met=[int(x) for x in data.get("milestones_met", [])],
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Chấp nhận")), ("return", _("Trả lại"))])
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Trả lại báo cáo cần ghi rõ lý do để đơn vị bổ sung."))
        return data


class ObstacleAnswerForm(forms.Form):
    """The leader's direction on one obstacle: the answer, and whether it is now cleared."""

    answer = forms.CharField(
        label=_("Ý kiến chỉ đạo"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.ChoiceField(
        label=_("Xử lý"),
        choices=[("answered", _("Đã có ý kiến")), ("resolved", _("Đã tháo gỡ"))],
        initial="answered",
        widget=forms.RadioSelect,
    )


class CalendarForm(forms.Form):
    """The plan's send-by rule: N working days after each cut-off (Decree 09/2019 leaves N to the province)."""

    due_working_days = forms.IntegerField(
        label=_("Hạn gửi: số ngày làm việc sau ngày chốt số liệu"),
        min_value=0,
        max_value=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "data-testid": "due-working-days"}),
        error_messages={
            "invalid": _("Nhập số ngày làm việc, ví dụ 2."),
            "min_value": _("Hạn gửi báo cáo không quá 30 ngày làm việc sau ngày chốt số liệu."),
            "max_value": _("Hạn gửi báo cáo không quá 30 ngày làm việc sau ngày chốt số liệu."),
        },
    )


class PeriodDueForm(forms.Form):
    """One period's send-by date, typed as 18/6/2023."""

    due_on = DayFirstDateField(label=_("Hạn gửi báo cáo"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].widget.attrs.update(
            {"data-testid": "period-due", "aria-label": _("Hạn gửi báo cáo")}
        )


class HolidayForm(forms.Form):
    """A day off the Government's announcement adds or moves, typed as 4/5/2024."""

    day = DayFirstDateField(label=_("Ngày nghỉ"))
    name = forms.CharField(label=_("Tên ngày nghỉ"), max_length=120)
    kind = forms.ChoiceField(label=_("Loại"), choices=HolidayKind.choices, initial=HolidayKind.SWAPPED)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].widget.attrs.update({"data-testid": "holiday-day", "placeholder": "dd/mm/yyyy"})
        self.fields["name"].widget.attrs.update({"data-testid": "holiday-name"})
        self.fields["kind"].widget.attrs.update({"data-testid": "holiday-kind"})


class WorkdayForm(forms.Form):
    """A Saturday worked in exchange for a day off (Saturday 4/5/2024 for Monday 29/4)."""

    day = DayFirstDateField(label=_("Ngày làm việc bù (thứ Bảy)"))
    name = forms.CharField(label=_("Ghi chú"), max_length=120)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].widget.attrs.update({"data-testid": "workday-day", "placeholder": "dd/mm/yyyy"})
        self.fields["name"].widget.attrs.update({"data-testid": "workday-name"})


class HolidayConfirmForm(forms.Form):
    source = forms.CharField(
        label=_("Số, ký hiệu văn bản thông báo"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"data-testid": "holiday-source", "placeholder": "Thông báo 6150/TB-LĐTBXH"}
        ),
    )
