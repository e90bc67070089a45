"""Who may read the audit trail, and which part of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from nhiemvu.organisations.models import Membership, Organisation, OrganisationKind, Role
from nhiemvu.organisations.selectors import User, organisation_descendant_ids

from .models import AuditEntry
from .registry import AUDITED_MODELS

# Planning-finance keeps the plan and checks the reports; the director answers for both.
AUDIT_ROLES = (Role.PLANNING_FINANCE, Role.DIRECTOR)


def audit_organisation_ids(user: User) -> set[int] | None:
    """The bodies whose trail the user reads: None for all (superuser), empty for none.

    A planning-finance member or director reads their department's whole subtree: the
    department itself, its divisions and units.
    """
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    member_of = list(
        Membership.objects.filter(user=user, role__in=AUDIT_ROLES).values_list("organisation_id", flat=True)
    )
    if not member_of:
        return set()
    rows = list(Organisation.objects.values_list("id", "parent_id", "kind"))
    parents = {i: p for i, p, _ in rows}
    kinds = {i: k for i, _, k in rows}
    found: set[int] = set()
    for org_id in member_of:
        department: int | None = org_id
        while department is not None and kinds.get(department) != OrganisationKind.DEPARTMENT:
            department = parents.get(department)
        found |= organisation_descendant_ids(department if department is not None else org_id, parents)
    return found


def may_read_audit(user: User) -> bool:
    return audit_organisation_ids(user) != set()


def audited_content_types() -> list[ContentType]:
    labels = [label.lower().split(".") for label in AUDITED_MODELS]
    query = Q()
    for app_label, model in labels:
        query |= Q(app_label=app_label, model=model)
    return list(ContentType.objects.filter(query).order_by("app_label", "model"))


@dataclass(frozen=True)
class AuditFilters:
    content_type_id: int | None = None
    object_id: int | None = None
    actor_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    action: int | None = None


def entries_visible_to(user: User, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    """The user's part of the trail, newest first, with the filters applied (date range inclusive)."""
    return entries_of(audit_organisation_ids(user), filters)


def entries_of(orgs: set[int] | None, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    """The trail of these bodies (None: all of it), as `entries_visible_to`."""
    entries = AuditEntry.objects.select_related("content_type", "actor").order_by("-timestamp", "-pk")
    if orgs is not None:
        entries = entries.filter(organisation_id__in=orgs)
    f = filters or AuditFilters()
    if f.content_type_id is not None:
        entries = entries.filter(content_type_id=f.content_type_id)
    if f.object_id is not None:
        entries = entries.filter(object_id=f.object_id)
    if f.actor_id is not None:
        entries = entries.filter(actor_id=f.actor_id)
    if f.action is not None:
        entries = entries.filter(action=f.action)
    tz = timezone.get_current_timezone()
    if f.date_from is not None:
        entries = entries.filter(timestamp__gte=dt.datetime.combine(f.date_from, dt.time.min, tzinfo=tz))
    if f.date_to is not None:
        entries = entries.filter(
            timestamp__lt=dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    return entries


def actors_in_trail(orgs: set[int] | None) -> list[tuple[int, str]]:
    """The people who appear in these bodies' trail, for the filter's drop-down."""
    from django.contrib.auth import get_user_model

    actor_ids = entries_of(orgs).exclude(actor=None).values("actor_id").distinct()
    people = get_user_model().objects.filter(pk__in=actor_ids).order_by("last_name", "username")
    return [(p.pk, p.get_full_name() or p.get_username()) for p in people]
