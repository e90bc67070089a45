"""Mergers, renames and dissolutions of organisations (the 2025 reform), each in one transaction.

The model: a change never rewrites a body's name. A rename creates a new Organisation row that
succeeds the old one (`Succession` kind "renamed"), as a merger creates or names the body that
succeeds several (kind "merged"); the old rows keep their names and get `dissolved_on`. So a
closed plan, a completed task, an accepted report and a plan's document still point at the body
as it was called then, while open work moves to the successor:

- plans not closed that an old body issued or compiled (their source document keeps its issuer);
- tasks of those plans not completed (lead unit and support units) and the plan-wide targets an
  old body leads; a task's roadmap steps follow it;
- reports still being written (drafts, returned ones); a submitted report stays with its review,
  and an accepted one never changes (`selectors.MOVING_REPORT_STATUSES`);
- officials (the rows move, so tasks they lead and steps they answer for keep them);
- roles: the old one ends the day before the change, the same role at the successor starts on it;
- units under an old body move under the successor.

Every row changed is saved through django-auditlog (the models are in `audit.registry`); what
the trail cannot see by itself (support units, a many-to-many field) and the change as a whole
(one entry per succession, on the old body's and the successor's trails) are written here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction

from nhiemvu.audit.models import AuditEntry
from nhiemvu.core.services import validated_save
from nhiemvu.organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Succession,
    SuccessionKind,
)
from nhiemvu.organisations.selectors import scope_changed
from nhiemvu.plans.models import Task

from .errors import ReorganisationError, ReorganisationNotAllowedError
from .selectors import Transfer, authority_of, permission_refusals, refusals, transfer_of


@dataclass(frozen=True)
class NewBody:
    """A successor created by the change: a merged department, a body under its new name."""

    name: str
    kind: str = OrganisationKind.DEPARTMENT
    parent: Organisation | None = None
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    email: str = ""


@dataclass
class Reorganisation:
    successor: Organisation
    successions: list[Succession] = field(default_factory=list)
    transfer: Transfer = field(default_factory=Transfer)


def _save(obj: object, where: str, **kwargs: object) -> None:
    validated_save(obj, error=ReorganisationError, where=where, **kwargs)  # type: ignore[arg-type]  # a model


def _clean_name(text: str) -> str:
    return " ".join(text.split())


@transaction.atomic
def organisation_merge(
    *,
    predecessors: Sequence[Organisation],
    effective_on: dt.date,
    decision: str,
    user: User | None,
    successor: Organisation | None = None,
    new_body: NewBody | None = None,
) -> Reorganisation:
    """Merge the bodies into an existing successor or a new one (`new_body`) from `effective_on`.

    `user` None: a script (the console command), which answers for itself; otherwise the user's
    authority is checked (`selectors.authority_of`).
    """
    if (successor is None) == (new_body is None):
        raise ReorganisationError(
            "Hãy chọn cơ quan kế thừa, hoặc ghi tên cơ quan mới sau sáp nhập.",
            message_en="Choose the successor, or name a new one.",
        )
    return _reorganise(
        predecessors=predecessors,
        successor=successor,
        new_body=new_body,
        effective_on=effective_on,
        decision=decision,
        user=user,
        kind=SuccessionKind.MERGED,
    )


@transaction.atomic
def organisation_rename(
    *,
    organisation: Organisation,
    name: str,
    effective_on: dt.date,
    decision: str,
    user: User | None,
    short_name: str = "",
    aliases: Sequence[str] = (),
) -> Reorganisation:
    """The body under a new name from `effective_on`: a new row succeeding it (kind "renamed")."""
    name = _clean_name(name)
    if not name:
        raise ReorganisationError("Hãy ghi tên mới.", message_en="The new name is missing.")
    if name == organisation.name:
        raise ReorganisationError(
            f"Tên mới trùng với tên hiện tại «{organisation.name}».",
            message_en="The new name is the current one.",
        )
    body = NewBody(
        name=name,
        kind=organisation.kind,
        parent=organisation.parent,
        short_name=_clean_name(short_name),
        aliases=tuple(a for a in (_clean_name(a) for a in aliases) if a),
        email=organisation.email,
    )
    return _reorganise(
        predecessors=[organisation],
        successor=None,
        new_body=body,
        effective_on=effective_on,
        decision=decision,
        user=user,
        kind=SuccessionKind.RENAMED,
    )


@transaction.atomic
def organisation_dissolve(
    *,
    organisation: Organisation,
    taken_over_by: Organisation,
    effective_on: dt.date,
    decision: str,
    user: User | None,
) -> Reorganisation:
    """Abolish a body (a district, 2025) whose work an existing body takes over (the province, a
    commune): a merger into that body, recorded as such; its units move under it."""
    return _reorganise(
        predecessors=[organisation],
        successor=taken_over_by,
        new_body=None,
        effective_on=effective_on,
        decision=decision,
        user=user,
        kind=SuccessionKind.MERGED,
    )


def _reorganise(
    *,
    predecessors: Sequence[Organisation],
    successor: Organisation | None,
    new_body: NewBody | None,
    effective_on: dt.date,
    decision: str,
    user: User | None,
    kind: str,
) -> Reorganisation:
    day = effective_on
    ids = sorted({o.pk for o in predecessors})
    # Lock the bodies: two changes of the same body at once would both see it in service.
    wanted = [*ids, *([successor.pk] if successor is not None else [])]
    locked = {o.pk: o for o in Organisation.objects.select_for_update().filter(pk__in=wanted).order_by("pk")}
    olds = [locked[i] for i in ids]
    target = locked[successor.pk] if successor is not None else None
    parent = new_body.parent if new_body is not None else None
    if user is not None:
        denied = permission_refusals(authority_of(user), olds, target, parent)
        if denied:
            raise ReorganisationNotAllowedError(
                "Bạn không có quyền thay đổi: " + ", ".join(f"«{n}»" for n in denied) + ".",
                message_en="You may not reorganise these bodies.",
            )
    transfer = transfer_of(ids, target.pk if target is not None else None, day)
    problems = refusals(predecessors=olds, successor=target, new_parent=parent, day=day, transfer=transfer)
    if problems:
        raise ReorganisationError(
            " ".join(vi for vi, _ in problems), message_en=" ".join(en for _, en in problems)
        )
    if target is None:
        assert new_body is not None
        target = Organisation(
            parent=new_body.parent,
            kind=new_body.kind,
            name=_clean_name(new_body.name),
            short_name=new_body.short_name,
            aliases=list(new_body.aliases),
            email=new_body.email,
            active_from=day,
        )
        _save(target, "Cơ quan kế thừa")
    _carry_out(transfer, {o.pk for o in olds}, target, day)
    result = Reorganisation(successor=target, transfer=transfer)
    for old in olds:
        succession = Succession(
            predecessor=old, successor=target, kind=kind, effective_on=day, decision=decision.strip()[:255]
        )
        _save(succession, "Quan hệ kế thừa")
        result.successions.append(succession)
        old.dissolved_on = day
        _save(old, old.name, fields=["dissolved_on"])
        _log_succession(succession, transfer, user)
    scope_changed()
    return result


def _carry_out(transfer: Transfer, old_ids: set[int], target: Organisation, day: dt.date) -> None:
    """Move the open work the transfer lists; each row saved on its own so the trail records it."""
    for child in transfer.children:
        child.parent = target
        _save(child, child.name, fields=["parent"])
    for plan in transfer.plans:
        plan.issuer = target
        _save(plan, plan.title[:60], fields=["issuer"])
    for plan in transfer.compiled_plans:
        if plan.issuer_id in old_ids:
            plan.issuer = target  # the same plan is also in `plans`: saved once, with both
        plan.compiler = target
        _save(plan, plan.title[:60], fields=["issuer", "compiler"])
    for plan_target in transfer.plan_targets:
        plan_target.lead_unit = target
        _save(plan_target, plan_target.name[:60], fields=["lead_unit"])
    moved_issuers = {p.pk: target.pk for p in [*transfer.plans, *transfer.compiled_plans]}
    for task in transfer.lead_tasks:
        task.lead_unit = target
        _save(task, f"Nhiệm vụ {task.code}", fields=["lead_unit"])
        _move_support(task, old_ids, target, moved_issuers)
    for task in transfer.support_tasks:
        if _move_support(task, old_ids, target, moved_issuers):
            task.save(update_fields=["updated_at"])  # the dashboards' data stamp sees the change
    for report in transfer.reports:
        report.organisation = target
        _save(report, f"Báo cáo nhiệm vụ {report.task.code}", fields=["organisation"])
    for official in transfer.officials:
        official.organisation = target
        _save(official, official.full_name, fields=["organisation"])
    held = set(Membership.objects.filter(organisation=target).values_list("user_id", "role"))
    for membership in transfer.memberships:
        key = (membership.user_id, membership.role)
        if membership.starts_on is not None and membership.starts_on >= day:
            # A role given at the old body for after the change: it is a role at the successor.
            if key in held:
                membership.delete()
            else:
                membership.organisation = target
                _save(membership, str(membership.user), fields=["organisation"])
                held.add(key)
            continue
        membership.ends_on = day - dt.timedelta(days=1)
        _save(membership, str(membership.user), fields=["ends_on"])
        if key not in held:
            _save(
                Membership(user=membership.user, organisation=target, role=membership.role, starts_on=day),
                str(membership.user),
            )
            held.add(key)


def _move_support(task: Task, old_ids: set[int], target: Organisation, issuers: dict[int, int]) -> bool:
    """Old bodies out of the task's support units, the successor in (unless it leads the task)."""
    before = list(task.support_units.all())  # prefetched by transfer_of
    after = [o for o in before if o.pk not in old_ids and o.pk != task.lead_unit_id]
    if any(o.pk in old_ids for o in before) and task.lead_unit_id != target.pk:
        after.append(target)
    if [o.pk for o in after] == [o.pk for o in before]:
        return False
    task.support_units.set(after)
    AuditEntry.objects.log_create(
        task,
        force_log=True,
        action=AuditEntry.Action.UPDATE,
        changes={
            "Đơn vị phối hợp": [
                ", ".join(o.name for o in before) or "—",
                ", ".join(o.name for o in after) or "—",
            ]
        },
        organisation_id=issuers.get(task.plan_id, task.plan.issuer_id),
    )
    return True


def _log_succession(succession: Succession, transfer: Transfer, user: User | None) -> None:
    """The change as a whole on both bodies' trails: who, the date, the decision, what moved."""
    changes = {
        "predecessor": ["None", str(succession.predecessor_id)],
        "successor": ["None", str(succession.successor_id)],
        "kind": ["None", succession.kind],
        "effective_on": ["None", succession.effective_on.isoformat()],
        "decision": ["None", succession.decision],
        "Chuyển sang cơ quan kế thừa": ["—", transfer.summary()],
    }
    for organisation_id in (succession.predecessor_id, succession.successor_id):
        AuditEntry.objects.log_create(
            succession,
            force_log=True,
            action=AuditEntry.Action.CREATE,
            changes=changes,
            actor=user,
            organisation_id=organisation_id,
            additional_data={
                "tasks": [t.pk for t in [*transfer.lead_tasks, *transfer.support_tasks]],
                "reports": [r.pk for r in transfer.reports],
                "memberships": [m.pk for m in transfer.memberships if m.pk is not None],
                "officials": [o.pk for o in transfer.officials],
                "children": [c.pk for c in transfer.children],
                "plans": [p.pk for p in transfer.plans],
            },
        )
