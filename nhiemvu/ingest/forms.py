"""Forms of the plan import: the upload, and the review screen that edits a staged plan JSON.

They check shape only (dates, numbers, a range has its maximum); the rules of the domain stay in
`services.plan_import_commit`, which the confirm view calls with the JSON these forms rebuild.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.forms import DayFirstDateField, LocalizedDecimalField
from nhiemvu.lib.plan_json import SCHEMA, ValidationError, plan_json_check
from nhiemvu.organisations.models import Official, Organisation
from nhiemvu.plans.models import Change, Comparator, DocumentKind, Frequency, PlanKind, Recurrence

from .matching import OfficialMatcher, OrganisationMatcher, guess_kind, looks_outside
from .services import EXTERNAL, NEW, schema_refusal


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp kế hoạch"),
        help_text=_(
            "Tệp .docx, .doc, .odt, .pdf (cả bản scan), ảnh chụp trang (.jpg, .png, .tif), bảng .xlsx/.xls, "
            ".txt hoặc .md. Bản scan và tệp .doc được đọc ở chế độ nền, có thanh tiến độ."
        ),
        allow_empty_file=True,  # an empty file gets the extractor's bilingual message like every bad file
        widget=forms.ClearableFileInput(
            attrs={
                "data-testid": "upload-file",
                "accept": ".docx,.doc,.odt,.rtf,.pdf,.jpg,.jpeg,.png,.tif,.tiff,.xlsx,.xls,.ods,.txt,.md",
            }
        ),
    )
    issuer = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Cơ quan ban hành"))
    plan_kind = forms.ChoiceField(
        label=_("Loại văn bản"),
        choices=PlanKind.choices,
        initial=PlanKind.PLAN,
        required=False,  # left out (a script, an older page): a plan, as before the choice existed
        widget=forms.RadioSelect(attrs={"data-testid": "upload-plan-kind"}),
        help_text=_(
            "Văn bản chỉ đạo, kết luận: nhiệm vụ được liệt kê riêng ở trang «Nhiệm vụ từ văn bản chỉ đạo»."
        ),
    )

    def __init__(self, *args: Any, issuers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers  # type: ignore[attr-defined]  # a ModelChoiceField, declared above

    def clean_plan_kind(self) -> str:
        return str(self.cleaned_data.get("plan_kind") or PlanKind.PLAN)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.MAX_UPLOAD_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _(
                    "Tệp quá lớn (%(size)s byte); giới hạn là %(limit)s byte. / The file is too large; the limit is %(limit)s bytes."
                )
                % {"size": upload.size, "limit": limit},
                code="too_large",
            )
        return upload


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _number(value: Decimal | None) -> int | float | None:
    """A form's Decimal as the JSON number the plan format uses (5, not 5.0; 64.2)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


class IssuerForm(forms.Form):
    """The review screen's "imported for" choice, among the bodies the user may import for."""

    issuer = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Cơ quan ban hành"))

    def __init__(self, *args: Any, issuers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers  # type: ignore[attr-defined]  # a ModelChoiceField, declared above


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=DocumentKind.choices, required=False)
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=80, required=False)
    symbol = forms.CharField(label=_("Ký hiệu"), max_length=60, required=False)
    issuer = forms.CharField(
        label=_("Cơ quan ban hành (như ghi trên văn bản)"), max_length=255, required=False
    )
    place = forms.CharField(label=_("Địa danh"), max_length=80, required=False)
    issued_on = DayFirstDateField(label=_("Ngày ban hành"), required=False)
    year = forms.IntegerField(label=_("Năm kế hoạch"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Trích yếu"), widget=forms.Textarea(attrs={"rows": 2}))
    signer_name = forms.CharField(label=_("Người ký"), max_length=120, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=120, required=False)
    compiler = forms.CharField(label=_("Đơn vị tổng hợp báo cáo"), max_length=255, required=False)
    frequencies = forms.MultipleChoiceField(
        label=_("Tần suất báo cáo"),
        choices=Frequency.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recipients = forms.CharField(
        label=_("Nơi nhận"),
        help_text=_("Mỗi dòng một nơi nhận"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    @staticmethod
    def initial_from(plan: dict[str, Any]) -> dict[str, Any]:
        doc = plan.get("document") or {}
        signer = doc.get("signer") or {}
        reporting = plan.get("reporting") or {}
        return {
            # A kind the project does not know would fail the choice field on an untouched form.
            "kind": doc.get("kind") if doc.get("kind") in DocumentKind.values else "",
            "number": doc.get("number") or "",
            "symbol": doc.get("symbol") or "",
            "issuer": doc.get("issuer") or "",
            "place": doc.get("place") or "",
            "issued_on": doc.get("issued_on"),
            "year": doc.get("year"),
            "title": doc.get("title") or "",
            "signer_name": signer.get("name") or "",
            "signer_title": signer.get("title") or "",
            "compiler": reporting.get("compiler") or "",
            "frequencies": list(reporting.get("frequencies") or []),
            "recipients": "\n".join(plan.get("recipients") or []),
        }


class ReferenceForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=80, required=False)
    date = DayFirstDateField(label=_("Ngày"), required=False)


class TaskForm(forms.Form):
    # Code and parent are the keys of the outline (and of an update in place): shown, not edited.
    code = forms.CharField(widget=forms.HiddenInput)
    parent = forms.CharField(widget=forms.HiddenInput, required=False)
    # The spare row at the end, where a person adds a task the document did not number (or, for a
    # document with none, every task): left blank, it is ignored.
    spare = forms.BooleanField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(
        label=_("Nội dung nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    leader_name = forms.CharField(label=_("Lãnh đạo chỉ đạo"), max_length=120, required=False)
    leader_title = forms.CharField(label=_("Chức vụ"), max_length=160, required=False)
    lead_unit = forms.CharField(label=_("Đơn vị chủ trì"), max_length=255, required=False)
    support_units = forms.CharField(
        label=_("Đơn vị phối hợp"),
        help_text=_("Mỗi dòng một đơn vị"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = DayFirstDateField(label=_("Thời hạn hoàn thành"), required=False)
    recurrence = forms.ChoiceField(label=_("Lặp lại"), choices=Recurrence.choices, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = self["code"].value() or ""
        self.fields["title"].widget.attrs["data-testid"] = f"task-title-{code}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("title") and not data.get("spare") and not data.get("DELETE"):
            self.add_error("title", _("Nhiệm vụ cần có nội dung."))
        return data

    def is_unused_spare(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("spare")) and not data.get("title")


class TargetForm(forms.Form):
    """A target row; a row left blank (the spare one under each task) is ignored."""

    task_code = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Tên chỉ tiêu"), max_length=500, required=False)
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=80, required=False)
    comparator = forms.ChoiceField(label=_("So sánh"), choices=Comparator.choices, initial=Comparator.EQ)
    value = LocalizedDecimalField(label=_("Giá trị"), min_value=0)
    max = LocalizedDecimalField(label=_("Tối đa"), min_value=0)
    change = forms.ChoiceField(label=_("Loại"), choices=Change.choices, required=False)
    # Only for the plan's own targets (task_code PLAN_LEVEL): the unit in charge of one.
    lead_unit = forms.CharField(label=_("Đơn vị chủ trì"), max_length=255, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank():
            return data
        if not data.get("name"):
            self.add_error("name", _("Chỉ tiêu cần có tên."))
        if data.get("value") is None and "value" not in self.errors:
            self.add_error("value", _("Chỉ tiêu cần có giá trị."))
        value, maximum = data.get("value"), data.get("max")
        if data.get("comparator") == Comparator.RANGE:
            if maximum is None and "max" not in self.errors:
                self.add_error("max", _("Chỉ tiêu dạng khoảng cần giá trị tối đa."))
            elif maximum is not None and value is not None and maximum <= value:
                self.add_error("max", _("Giá trị tối đa phải lớn hơn giá trị tối thiểu."))
        elif maximum is not None:
            self.add_error("max", _("Chỉ chỉ tiêu dạng khoảng mới có giá trị tối đa."))
        return data

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("name") and data.get("value") is None and data.get("max") is None


# The task code a target row of the plan as a whole carries on the review screen: no task has it.
PLAN_LEVEL = "*"


class MilestoneForm(forms.Form):
    task_code = forms.CharField(widget=forms.HiddenInput)
    due = DayFirstDateField(label=_("Hạn"), required=False)
    text = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 1}))
    value = LocalizedDecimalField(label=_("Khối lượng"), min_value=0)
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=80, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text") and (data.get("due") or data.get("value") is not None):
            self.add_error("text", _("Mốc tiến độ cần có nội dung."))
        return data


class MatchForm(forms.Form):
    """Which stored row a name of the document means: an id, or "new" to create one."""

    name = forms.CharField(widget=forms.HiddenInput)
    choice = forms.ChoiceField(label=_("Khớp với"), choices=[])

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField, declared above


ReferenceFormSet = formset_factory(ReferenceForm, extra=1, can_delete=True)
TaskFormSet = formset_factory(TaskForm, extra=0, can_delete=True)
TargetFormSet = formset_factory(TargetForm, extra=0, can_delete=True)
MilestoneFormSet = formset_factory(MilestoneForm, extra=0, can_delete=True)
MatchFormSet = formset_factory(MatchForm, extra=0)


def plan_names(plan: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The organisation and person names a plan mentions, each once, in order of appearance."""
    orgs: list[str] = []
    people: list[str] = []

    def add(bucket: list[str], name: Any) -> None:
        if isinstance(name, str) and name.strip() and name not in bucket:
            bucket.append(name)

    add(orgs, (plan.get("reporting") or {}).get("compiler"))
    for target in plan.get("targets") or []:
        add(orgs, target.get("lead_unit") if isinstance(target, dict) else None)
    for task in plan.get("tasks") or []:
        add(orgs, task.get("lead_unit"))
        for unit in task.get("support_units") or []:
            add(orgs, unit)
        leader = task.get("leader") or {}
        add(people, leader.get("name") if isinstance(leader, dict) else None)
    return orgs, people


def _org_label(org: Organisation, matcher: OrganisationMatcher) -> str:
    parent = matcher.organisations.get(org.parent_id) if org.parent_id else None
    return f"{org.name} — {parent.display_name}" if parent else org.name


@dataclass
class ReviewForms:
    """Every form of the review screen, built from a staged plan JSON or from a POST of it."""

    document: DocumentForm
    references: Any
    tasks: Any
    targets: Any
    milestones: Any
    org_matches: Any
    official_matches: Any
    org_matched: dict[str, Organisation | None]
    official_matched: dict[str, Official | None]
    organisations_tree: dict[int, Organisation] = field(
        default_factory=dict
    )  # the issuer's tree, loaded once

    @classmethod
    def build(
        cls,
        plan: dict[str, Any],
        *,
        organisations: OrganisationMatcher,
        officials: OfficialMatcher,
        data: Any = None,
    ) -> ReviewForms:
        org_names, people = plan_names(plan)
        org_matched = {n: organisations.match(n) for n in org_names}
        official_matched = {n: officials.match(n) for n in people}
        org_choices = [
            (NEW, str(_("— Tạo đơn vị mới trực thuộc %(agency)s —") % {"agency": organisations.issuer})),
            (EXTERNAL, str(_("— Ghi là cơ quan, tổ chức ngoài (phối hợp) —"))),
        ] + [
            (str(o.pk), _org_label(o, organisations))
            for o in sorted(organisations.organisations.values(), key=lambda o: o.name)
        ]
        official_choices = [(NEW, str(_("— Tạo cán bộ mới —")))] + [
            (str(o.pk), f"{o.full_name}, {o.position or o.organisation.display_name}")
            for o in sorted(officials.officials.values(), key=lambda o: o.full_name)
        ]
        tasks = plan.get("tasks") or []
        bound = data is not None
        return cls(
            document=DocumentForm(data, prefix="doc", initial=DocumentForm.initial_from(plan)),
            references=ReferenceFormSet(
                data if bound else None,
                prefix="ref",
                initial=[
                    {"number": r.get("number"), "date": r.get("date")} for r in plan.get("references") or []
                ],
            ),
            tasks=TaskFormSet(
                data if bound else None,
                prefix="task",
                initial=[*(_task_initial(t) for t in tasks), _spare_task(tasks)],
            ),
            targets=TargetFormSet(
                data if bound else None,
                prefix="target",
                initial=[
                    *(_target_initial(PLAN_LEVEL, x) for x in plan.get("targets") or []),
                    _blank(PLAN_LEVEL),
                    *(
                        row
                        for t in tasks
                        for row in [
                            *(_target_initial(t["code"], x) for x in t.get("targets") or []),
                            _blank(t["code"]),
                        ]
                    ),
                ],
            ),
            milestones=MilestoneFormSet(
                data if bound else None,
                prefix="ms",
                initial=[
                    row
                    for t in tasks
                    for row in [
                        *(_milestone_initial(t["code"], m) for m in t.get("milestones") or []),
                        _blank(t["code"]),
                    ]
                ],
            ),
            org_matches=MatchFormSet(
                data if bound else None,
                prefix="org",
                initial=[{"name": n, "choice": _org_default(n, m)} for n, m in org_matched.items()],
                form_kwargs={"choices": org_choices},
            ),
            official_matches=MatchFormSet(
                data if bound else None,
                prefix="off",
                initial=[{"name": n, "choice": str(m.pk) if m else NEW} for n, m in official_matched.items()],
                form_kwargs={"choices": official_choices},
            ),
            org_matched=org_matched,
            organisations_tree=organisations.organisations,
            official_matched=official_matched,
        )

    def _all(self) -> Iterable[Any]:
        return (
            self.document,
            self.references,
            self.tasks,
            self.targets,
            self.milestones,
            self.org_matches,
            self.official_matches,
        )

    def is_valid(self) -> bool:
        return all([f.is_valid() for f in self._all()])  # a list, so every form gets its errors

    def task_rows(self) -> list[dict[str, Any]]:
        """Each task form with its target and milestone forms, for the template."""
        targets: dict[str, list[Any]] = {}
        for form in self.targets:
            targets.setdefault(form["task_code"].value(), []).append(form)
        milestones: dict[str, list[Any]] = {}
        for form in self.milestones:
            milestones.setdefault(form["task_code"].value(), []).append(form)
        rows = []
        for form in self.tasks:
            code = form["code"].value()
            rows.append(
                {
                    "form": form,
                    "spare": form["spare"].value() in (True, "True", "true", "on", "1"),
                    "code": code,
                    "depth": str(code).count("."),
                    "targets": targets.get(code, []),
                    "milestones": milestones.get(code, []),
                }
            )
        return rows

    def plan_target_rows(self) -> list[Any]:
        """The target forms of the plan as a whole (the last one blank, to add one)."""
        return [form for form in self.targets if form["task_code"].value() == PLAN_LEVEL]

    def to_json(self, base: dict[str, Any]) -> dict[str, Any]:
        """The staged plan JSON with every edit applied (call after is_valid), checked against the
        plan JSON schema (nhiemvu.lib.plan_json); a PlanImportError if it does not conform."""
        doc = self.document.cleaned_data
        plan = dict(base)
        plan["schema"] = SCHEMA
        plan["document"] = {
            **(base.get("document") or {}),
            "kind": doc["kind"] or None,
            "number": doc["number"] or None,
            "symbol": doc["symbol"] or None,
            "issuer": doc["issuer"] or None,
            "place": doc["place"] or None,
            "issued_on": _iso(doc["issued_on"]),
            "year": doc["year"],
            "title": doc["title"],
            "signer": {"name": doc["signer_name"], "title": doc["signer_title"] or None}
            if doc["signer_name"]
            else None,
        }
        plan["reporting"] = {"compiler": doc["compiler"] or None, "frequencies": list(doc["frequencies"])}
        plan["recipients"] = _lines(doc["recipients"])
        plan["references"] = [
            {"number": f.cleaned_data["number"], "date": _iso(f.cleaned_data.get("date"))}
            for f in self.references
            if f.cleaned_data.get("number") and not f.cleaned_data.get("DELETE")
        ]

        base_tasks = {t.get("code"): t for t in base.get("tasks") or []}
        targets: dict[str, list[dict[str, Any]]] = {}
        for f in self.targets:
            c = f.cleaned_data
            if c.get("DELETE") or f.is_blank():
                continue
            targets.setdefault(c["task_code"], []).append(
                {
                    "name": c["name"],
                    "unit": c["unit"] or None,
                    "comparator": c["comparator"],
                    "value": _number(c["value"]),
                    "max": _number(c["max"]),
                    "change": c["change"] or None,
                    **({"lead_unit": c["lead_unit"] or None} if c["task_code"] == PLAN_LEVEL else {}),
                }
            )
        milestones: dict[str, list[dict[str, Any]]] = {}
        for f in self.milestones:
            c = f.cleaned_data
            if c.get("DELETE") or not c.get("text"):
                continue
            milestones.setdefault(c["task_code"], []).append(
                {
                    "due": _iso(c["due"]),
                    "text": c["text"],
                    "value": _number(c["value"]),
                    "unit": c["unit"] or None,
                }
            )

        deleted = {
            f.cleaned_data["code"]: f.cleaned_data.get("parent") or None
            for f in self.tasks
            if f.cleaned_data.get("DELETE")
        }

        def surviving_parent(code: str | None) -> str | None:
            # The children of a task removed on review move up to its parent rather than vanish.
            while code in deleted:
                code = deleted[code]
            return code

        tasks = []
        for f in self.tasks:
            c = f.cleaned_data
            if c.get("DELETE") or f.is_unused_spare():
                continue
            code = c["code"]
            leader = (
                {"name": c["leader_name"], "title": c["leader_title"] or None} if c["leader_name"] else None
            )
            tasks.append(
                {
                    **base_tasks.get(code, {}),
                    "code": code,
                    "parent": surviving_parent(c.get("parent") or None),
                    "title": c["title"],
                    "leader": leader,
                    "lead_unit": c["lead_unit"] or None,
                    "support_units": _lines(c["support_units"]),
                    "deadline": _iso(c["deadline"]),
                    "recurrence": c["recurrence"] or None,
                    "targets": targets.get(code, []),
                    "milestones": milestones.get(code, []),
                }
            )
        plan["tasks"] = tasks
        plan["targets"] = targets.get(PLAN_LEVEL, [])
        plan["findings"] = [
            {**f, "task": None if f.get("task") in deleted else f.get("task")}
            for f in base.get("findings") or []
        ]
        try:
            return plan_json_check(plan)
        except ValidationError as e:
            raise schema_refusal(plan, e) from None

    def decisions(self) -> dict[str, dict[str, Any]]:
        """The matches a person chose, for `plan_import_commit(decisions=...)`."""

        def read(formset: Any) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for f in formset:
                choice = f.cleaned_data.get("choice")
                out[f.cleaned_data["name"]] = choice if choice in (NEW, EXTERNAL) else int(choice)
            return out

        return {"organisations": read(self.org_matches), "officials": read(self.official_matches)}


def _org_default(name: str, matched: Organisation | None) -> str:
    """What the review proposes for a name: the body it matched, else an outside body for names
    that announce one (Công an tỉnh, VNPT, "các bệnh viện"), else a new unit of the agency."""
    if matched is not None:
        return str(matched.pk)
    return EXTERNAL if looks_outside(name, guess_kind(name)) else NEW


def _spare_task(tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """The blank row for a task added by hand: the next top-level number."""
    tops = [int(t["code"]) for t in tasks if str(t.get("code", "")).isdigit()]
    return {"code": str(max(tops, default=0) + 1), "parent": "", "spare": True}


def _task_initial(task: dict[str, Any]) -> dict[str, Any]:
    leader = task.get("leader") or {}
    return {
        "code": task.get("code"),
        "parent": task.get("parent") or "",
        "title": task.get("title") or "",
        "leader_name": leader.get("name") or "" if isinstance(leader, dict) else "",
        "leader_title": leader.get("title") or "" if isinstance(leader, dict) else "",
        "lead_unit": task.get("lead_unit") or "",
        "support_units": "\n".join(task.get("support_units") or []),
        "deadline": task.get("deadline"),
        "recurrence": task.get("recurrence") or "",
    }


def _target_initial(code: str, target: dict[str, Any]) -> dict[str, Any]:
    return {
        "task_code": code,
        "name": target.get("name") or "",
        "unit": target.get("unit") or "",
        "comparator": target.get("comparator") or Comparator.EQ,
        "value": target.get("value"),
        "max": target.get("max"),
        "change": target.get("change") or "",
        "lead_unit": target.get("lead_unit") or "",
    }


def _milestone_initial(code: str, milestone: dict[str, Any]) -> dict[str, Any]:
    return {
        "task_code": code,
        "due": milestone.get("due"),
        "text": milestone.get("text") or "",
        "value": milestone.get("value"),
        "unit": milestone.get("unit") or "",
    }


def _blank(code: str) -> dict[str, Any]:
    return {"task_code": code}
