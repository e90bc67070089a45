"""Reads about organisations and about who holds which role where."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from .models import Membership, Organisation, Role

User = AbstractBaseUser | AnonymousUser


def organisation_parent_map() -> dict[int, int | None]:
    """id → parent id for every organisation: one query, small (a province has a few hundred bodies)."""
    return dict(Organisation.objects.values_list("id", "parent_id"))


def organisation_family_ids(org_ids: Iterable[int], parents: dict[int, int | None] | None = None) -> set[int]:
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


def organisation_descendant_ids(org_id: int, parents: dict[int, int | None] | None = None) -> set[int]:
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


def user_memberships(user: User) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("organisation"))


def user_has_role(user: User, *roles: Role) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=roles).exists()


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
