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
    if isinstance(obj, Organisation):
        return int(obj.pk)
    if isinstance(obj, Membership | Official):
        return obj.organisation_id
    if isinstance(obj, Plan):
        return obj.issuer_id
    # The way up to the plan. The services write under a report or task they have loaded with its
    # plan: the issuer is taken from there rather than asked of the database on every audited row.
    path: tuple[str, ...]
    if isinstance(obj, Task | ReportingPeriod | PlanTarget):
        path = ("plan",)
    elif isinstance(obj, TaskLink):  # the agency's record: its task's plan
        path = ("agency_task", "plan")
    elif isinstance(obj, Target | Milestone | ProgressReport | RoadmapStep):
        path = ("task", "plan")
    elif isinstance(obj, TargetValue | Obstacle | Attachment):
        path = ("report", "task", "plan")
    else:
        return None
    plan = _loaded(obj, path)
    if plan is not None:
        return plan.issuer_id
    # A cascade delete can remove the parent before its children's entries are written.
    return _issuer_read(obj, path)


def _issuer_read(obj: Any, path: tuple[str, ...]) -> int | None:
    """The issuer at the end of `path`, read from the parent's row by the key `obj` holds (one query).

    Built only when the way up is not loaded: building the query every time cost a fifth of each
    audit entry the report form writes at the deadline (issue 20).
    """
    first = obj._meta.get_field(path[0])
    parents: QuerySet[Any] = first.related_model._default_manager.filter(pk=getattr(obj, first.attname))
    issuer: int | None = parents.values_list("__".join([*path[1:], "issuer_id"]), flat=True).first()
    return issuer


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
