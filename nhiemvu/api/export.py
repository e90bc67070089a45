"""A stored plan as the plan JSON of `shared/spec/plan-json.md`, the shape the importer reads back.

Blank stored strings go out as null (the spec never uses empty strings). References are the
cited documents found again in the plan's title and its tasks' text, in order of first mention:
the importer keeps a cited document only as a SourceDocument linked to the tasks that cite it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from nhiemvu.ingest.parsing.recognise import REFERENCE_RE
from nhiemvu.lib.plan_json import SCHEMA
from nhiemvu.organisations.models import Organisation
from nhiemvu.plans.models import Finding, Milestone, Plan, PlanTarget, SourceDocument, Target, Task

from .numbers import number


def _or_none(value: str | None) -> str | None:
    return value or None


def _cited_numbers(text: str) -> list[str]:
    return [m.group("number") for m in REFERENCE_RE.finditer(text)]


def plan_export(plan: Plan) -> dict[str, Any]:
    """The plan JSON of one plan, in a fixed number of queries whatever its size."""
    doc = plan.source_document
    tasks = list(
        Task.objects.filter(plan=plan)
        .select_related("parent", "leader", "lead_unit")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("order", "pk")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("order", "pk")),
            "implements",
        )
        .order_by("order", "pk")
    )
    # Support units in the order the import wrote them: the through rows' ids follow it.
    through = Task.support_units.through
    support: dict[int, list[str]] = {}
    for task_id, name in (
        through.objects.filter(task__plan=plan).order_by("id").values_list("task_id", "organisation__name")
    ):
        support.setdefault(task_id, []).append(name)

    cited: dict[str, SourceDocument] = {}
    for task in tasks:
        for document in task.implements.all():
            cited.setdefault(document.number, document)
    title_numbers = [n for n in _cited_numbers(plan.title) if n not in cited]
    if title_numbers:
        others = SourceDocument.objects.filter(number__in=title_numbers)
        if doc is not None:
            others = others.exclude(pk=doc.pk)
        for document in others.order_by("-created_at", "-pk"):
            cited.setdefault(document.number, document)
    references: list[dict[str, Any]] = []
    seen: set[str] = set()
    own = doc.number if doc is not None else ""
    for text in [plan.title, *(t.title for t in tasks)]:
        for found in _cited_numbers(text):
            if found in seen or found == own or found not in cited:
                continue
            seen.add(found)
            references.append(
                {
                    "number": found,
                    "date": issued.isoformat() if (issued := cited[found].issued_on) else None,
                }
            )

    compiler: Organisation | None = plan.compiler
    return {
        "schema": SCHEMA,
        "document": {
            "kind": _or_none(doc.kind) if doc else "KH",
            "number": _or_none(doc.number) if doc else None,
            "symbol": _or_none(doc.symbol) if doc else None,
            "issuer": (_or_none(doc.issuer_name) if doc else None) or plan.issuer.name,
            "place": _or_none(doc.place) if doc else None,
            "issued_on": doc.issued_on.isoformat() if doc and doc.issued_on else None,
            "year": plan.year,
            "title": plan.title,
            "signer": {"name": plan.signer_name, "title": _or_none(plan.signer_title)}
            if plan.signer_name
            else None,
        },
        "references": references,
        "tasks": [_task(task, support.get(task.pk, [])) for task in tasks],
        "targets": [
            {**_target(t), "lead_unit": t.lead_unit.name if t.lead_unit else None}
            for t in PlanTarget.objects.filter(plan=plan).select_related("lead_unit").order_by("order", "pk")
        ],
        "reporting": {
            "compiler": compiler.name if compiler else None,
            "frequencies": list(plan.reporting_frequencies or []),
        },
        "recipients": list(plan.recipients or []),
        "findings": [
            {
                "code": f.code,
                "task": f.task.code if f.task else None,
                "excerpt": _or_none(f.excerpt),
                "message": f.message,
            }
            for f in Finding.objects.filter(plan=plan).select_related("task").order_by("id")
        ],
    }


def _target(t: Target | PlanTarget) -> dict[str, Any]:
    return {
        "name": t.name,
        "unit": _or_none(t.unit),
        "comparator": t.comparator,
        "value": number(t.value),
        "max": number(t.max_value),
        "change": _or_none(t.change),
    }


def _task(task: Task, support_units: list[str]) -> dict[str, Any]:
    return {
        "code": task.code,
        "parent": task.parent.code if task.parent else None,
        "title": task.title,
        "leader": {"name": task.leader.full_name, "title": _or_none(task.leader.position)}
        if task.leader
        else None,
        "lead_unit": task.lead_unit.name if task.lead_unit else None,
        "support_units": support_units,
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "recurrence": _or_none(task.recurrence),
        "targets": [_target(t) for t in task.targets.all()],
        "milestones": [
            {
                "due": m.due.isoformat() if m.due else None,
                "text": m.text,
                "value": number(m.value),
                "unit": _or_none(m.unit),
            }
            for m in task.milestones.all()
        ],
    }
