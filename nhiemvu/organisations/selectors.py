"""Reads about organisations and about who holds which role where."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as Account
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from .models import Membership, Official, Organisation, OrganisationKind, Role, Succession

# Whoever made the request: a signed-in account or the anonymous visitor.
User = Account | AnonymousUser


def organisation_parent_map() -> dict[int, int | None]:
    """id → parent id for every organisation: one query, small (a province has a few hundred bodies)."""
    return dict(Organisation.objects.values_list("id", "parent_id"))


def organisation_family_ids(
    org_ids: Iterable[int], parents: Mapping[int, int | None] | None = None
) -> set[int]:
    """The given organisations with all their ancestors and descendants."""
    parents = organisation_parent_map() if parents is None else parents
    start = set(org_ids)
    family = set(start)
    for org_id in start:
        up = parents.get(org_id)
        while up is not None and up not in family:
            family.add(up)
            up = parents.get(up)
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    stack = list(start)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in family:
                family.add(child)
                stack.append(child)
            elif child not in start:
                stack.append(child)
    return family


def organisation_descendant_ids(org_id: int, parents: Mapping[int, int | None] | None = None) -> set[int]:
    """The organisation and everything under it."""
    parents = organisation_parent_map() if parents is None else parents
    found = {org_id}
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in found and child not in found:
                found.add(child)
                grew = True
    return found


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """Bodies around the user's own: their parents' whole subtrees and every ancestor.

    A sub-department's staff see their sibling units (they coordinate with them); which of
    those bodies' tasks they see is decided by plan visibility, not here.
    """
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    parents = organisation_parent_map()
    member_of = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    around = member_of | {p for o in member_of if (p := parents.get(o)) is not None}
    return Organisation.objects.filter(id__in=organisation_family_ids(around, parents))


@dataclass(frozen=True)
class AccessScope:
    """What one user may see and do, worked out once per request from their memberships.

    - `department_orgs`: bodies whose plans the user sees whole (director, planning-finance:
      their department's subtree; a provincial reviewer: the province's subtree).
    - `review_orgs`: bodies whose plans' reports the user reviews (planning-finance).
    - `leader_official_ids`: officials the user is (a deputy sees the tasks they lead).
    - `unit_orgs`: units the user reports for (unit staff).
    """

    superuser: bool = False
    department_orgs: frozenset[int] = frozenset()
    review_orgs: frozenset[int] = frozenset()
    read_only: bool = True
    leader_official_ids: frozenset[int] = frozenset()
    unit_orgs: frozenset[int] = frozenset()
    roles: frozenset[str] = frozenset()

    def sees_whole_plan_of(self, issuer_id: int) -> bool:
        """Whether plans issued by this body are visible whole (every task, every unit's report)."""
        return self.superuser or issuer_id in self.department_orgs

    @property
    def is_empty(self) -> bool:
        return not (self.superuser or self.department_orgs or self.leader_official_ids or self.unit_orgs)


def department_of(org_id: int, parents: Mapping[int, int | None], kinds: Mapping[int, str]) -> int:
    """The nearest department (Sở) at or above a body; the body itself if there is none."""
    current: int | None = org_id
    while current is not None:
        if kinds.get(current) in (OrganisationKind.DEPARTMENT, OrganisationKind.PROVINCE_COMMITTEE):
            return current
        current = parents.get(current)
    return org_id


def access_scope(user: User) -> AccessScope:
    """The user's scope in three queries (memberships, the organisation tree, their officials).

    Kept on the user object, which lives for one request: the view and the navigation bar
    ask for it again without querying again. With a shared cache (ACCESS_SCOPE_CACHE_SECONDS > 0,
    the default when CACHE_URL is set) it is also kept there between requests, until any
    membership, organisation or official changes (`scope_changed`).
    """
    if not user.is_authenticated:
        return AccessScope()
    cached = getattr(user, "_nhiemvu_scope", None)
    if cached is not None:
        return cached
    seconds = settings.ACCESS_SCOPE_CACHE_SECONDS
    if seconds > 0:
        key = f"organisations:scope:{user.pk}:{int(user.is_superuser)}"
        found = cache.get_many([SCOPE_VERSION_KEY, key])
        version = found.get(SCOPE_VERSION_KEY) or _scope_version()
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            scope = entry[1]
        else:
            scope = _compute_access_scope(user)
            cache.set(key, (version, scope), seconds)
    else:
        scope = _compute_access_scope(user)
    user._nhiemvu_scope = scope  # type: ignore[attr-defined]  # a memo for this request, on the user object
    return scope


SCOPE_VERSION_KEY = "organisations:scope-version"


def _scope_version() -> str:
    cache.add(SCOPE_VERSION_KEY, secrets.token_hex(8), None)
    return str(cache.get(SCOPE_VERSION_KEY))


def scope_changed() -> None:
    """Every cached scope is out of date: called when memberships, organisations or officials change.

    After the commit, so that nobody recomputes a scope from the old rows under the new version.
    """
    transaction.on_commit(lambda: cache.set(SCOPE_VERSION_KEY, secrets.token_hex(8), None))


def _with_predecessors(
    groups: list[set[int]], parents: Mapping[int, int | None]
) -> tuple[set[int], set[int], set[int]]:
    """Each set of bodies with the bodies merged or renamed into any of them (following chains of
    successions back) and those bodies' units; one query, none when nothing was ever merged."""
    pairs = list(Succession.objects.values_list("successor_id", "predecessor_id"))
    if not pairs:
        return groups[0], groups[1], groups[2]
    before: dict[int, list[int]] = {}
    for successor, predecessor in pairs:
        before.setdefault(successor, []).append(predecessor)
    grown = []
    for ids in groups:
        found = set(ids)
        stack = [i for i in ids if i in before]
        while stack:
            for predecessor in before.get(stack.pop(), []):
                added = organisation_descendant_ids(predecessor, parents) - found
                found |= added
                stack.extend(i for i in added if i in before)
        grown.append(found)
    return grown[0], grown[1], grown[2]


def _compute_access_scope(user: Account) -> AccessScope:
    if user.is_superuser:
        return AccessScope(superuser=True, read_only=False)
    memberships = list(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
    if not memberships:
        return AccessScope()
    rows = list(Organisation.objects.values_list("id", "parent_id", "kind", "dissolved_on"))
    parents = {i: p for i, p, _, _ in rows}
    kinds = {i: k for i, _, k, _ in rows}
    any_dissolved = any(gone is not None for *_, gone in rows)
    department: set[int] = set()
    review: set[int] = set()
    units: set[int] = set()
    roles = {role for _, role in memberships}
    for org_id, role in memberships:
        if role in (Role.DIRECTOR, Role.PLANNING_FINANCE):
            subtree = organisation_descendant_ids(department_of(org_id, parents, kinds), parents)
            department |= subtree
            if role == Role.PLANNING_FINANCE:
                review |= subtree
        elif role == Role.PROVINCIAL_REVIEWER:
            department |= organisation_descendant_ids(org_id, parents)
        elif role == Role.UNIT_STAFF:
            units |= organisation_descendant_ids(org_id, parents)
    if any_dissolved and (department or units):
        # A body merged or renamed into one of these hands its history over with its work: the
        # successor's people read the old plans (under their old names) and review what stayed there.
        department, review, units = _with_predecessors([department, review, units], parents)
    officials: frozenset[int] = frozenset()
    if Role.DEPUTY_DIRECTOR in roles or Role.DIRECTOR in roles:
        officials = frozenset(Official.objects.filter(user=user).values_list("id", flat=True))
    return AccessScope(
        department_orgs=frozenset(department),
        review_orgs=frozenset(review),
        read_only=roles <= {Role.PROVINCIAL_REVIEWER},
        leader_official_ids=officials,
        unit_orgs=frozenset(units),
        roles=frozenset(roles),
    )
