"""Which models the audit trail follows, and which organisation each change belongs to."""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog
from django.apps import apps
from django.db.models import Model, QuerySet

# The plan's content and the reporting cycle's writes, plus who holds which role where: the
# records a dispute or an inspection asks about ("who changed this target, and from what?").
AUDITED_MODELS = [
    "plans.Plan",
    "plans.Task",
    "plans.Target",
    "plans.PlanTarget",
    "plans.Milestone",
    "reporting.ReportingPeriod",  # send-by dates moved, periods locked and unlocked: by whom, when
    "reporting.ProgressReport",
    "reporting.TargetValue",
    "reporting.Obstacle",
    "reporting.Attachment",
    "roadmaps.RoadmapStep",  # a lead unit's roadmap: steps re-dated or marked done, by whom
    "cascade.TaskLink",  # which agency task carries out which provincial task: linked, unlinked, by whom
    "organisations.Membership",
    "organisations.Official",
    "organisations.Organisation",
]

# Bookkeeping columns that change on every save and say nothing a reader needs.
_NOISE = ["created_at", "updated_at", "search_text"]


def register_audited_models() -> None:
    for label in AUDITED_MODELS:
        model = apps.get_model(label)
        if not auditlog.contains(model):
            fields = {f.name for f in model._meta.get_fields()}
            auditlog.register(model, exclude_fields=[f for f in _NOISE if f in fields])


def owning_organisation_id(instance: Model) -> int | None:
    """The body whose records these are: the plan's issuer, or the organisation itself.

    Stored on each entry so that a department's trail is one indexed filter, and stays readable
    after the object (and its parents) are deleted.
    """
    from nhiemvu.cascade.models import TaskLink
    from nhiemvu.organisations.models import Membership, Official, Organisation
    from nhiemvu.plans.models import Milestone, Plan, PlanTarget, Target, Task
    from nhiemvu.reporting.models import Attachment, Obstacle, ProgressReport, ReportingPeriod, TargetValue
    from nhiemvu.roadmaps.models import RoadmapStep

    obj: Any = instance
    path: tuple[str, ...]
    found: QuerySet[Any, int]  # the issuer id, one query away
    if isinstance(obj, Organisation):
        return int(obj.pk)
    if isinstance(obj, Membership | Official):
        return obj.organisation_id
    if isinstance(obj, Plan):
        return obj.issuer_id
    # The services write under a report or task they have loaded with its plan: take the issuer
    # from there rather than ask the database on every audited row.
    if isinstance(obj, Task | ReportingPeriod | PlanTarget):
        path, found = ("plan",), Plan.objects.filter(pk=obj.plan_id).values_list("issuer_id", flat=True)
    elif isinstance(obj, TaskLink):  # the agency's record: its task's plan
        path = ("agency_task", "plan")
        found = Task.objects.filter(pk=obj.agency_task_id).values_list("plan__issuer_id", flat=True)
    elif isinstance(obj, Target | Milestone | ProgressReport | RoadmapStep):
        path = ("task", "plan")
        found = Task.objects.filter(pk=obj.task_id).values_list("plan__issuer_id", flat=True)
    elif isinstance(obj, TargetValue | Obstacle | Attachment):
        path = ("report", "task", "plan")
        found = ProgressReport.objects.filter(pk=obj.report_id).values_list(
            "task__plan__issuer_id", flat=True
        )
    else:
        return None
    plan = _loaded(obj, path)
    if plan is not None:
        return plan.issuer_id
    # A cascade delete can remove the parent before its children's entries are written.
    return found.first()


def _loaded(obj: Any, path: tuple[str, ...]) -> Any:
    """The object at the end of `path` if every foreign key on the way is already loaded, else None.

    Django drops a loaded object when its key is reassigned, so what is loaded matches the ids.
    """
    for name in path:
        field = obj._meta.get_field(name)
        if not field.is_cached(obj):
            return None
        obj = field.get_cached_value(obj)
        if obj is None:
            return None
    return obj
