"""Who manages whose accounts, and the agency's people as the people page lists them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet

from nhiemvu.organisations.models import Membership, Organisation, OrganisationKind, Role
from nhiemvu.organisations.selectors import (
    access_scope,
    department_of,
    organisation_descendant_ids,
    organisation_parent_map,
)

from .models import Invitation

AGENCY_KINDS = (OrganisationKind.DEPARTMENT, OrganisationKind.PROVINCE_COMMITTEE)


def agencies_managed_by(user: User) -> QuerySet[Organisation]:
    """The agencies whose people `user` manages: their Planning-Finance's department; every
    department and People's Committee for an administrator."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.filter(kind__in=AGENCY_KINDS)
    rows = list(Organisation.objects.values_list("id", "parent_id", "kind"))
    parents: dict[int, int | None] = {i: p for i, p, _ in rows}
    kinds = {i: k for i, _, k in rows}
    ids = {
        department_of(org_id, parents, kinds)
        for org_id in Membership.objects.filter(user=user, role=Role.PLANNING_FINANCE).values_list(
            "organisation_id", flat=True
        )
    }
    return Organisation.objects.filter(pk__in=ids)


def may_manage(user: User, agency: Organisation) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return (
        access_scope(user).roles >= {Role.PLANNING_FINANCE}
        and agencies_managed_by(user).filter(pk=agency.pk).exists()
    )


def people_of(agency: Organisation) -> QuerySet[User]:
    """Everyone with a role in the agency or its units, or an official record there (those who
    left keep theirs, so they are listed as having left)."""
    inside = organisation_descendant_ids(agency.pk, organisation_parent_map())
    return User.objects.filter(
        pk__in=Membership.objects.filter(organisation_id__in=inside).values("user_id")
    ) | User.objects.filter(official__organisation_id__in=inside)


@dataclass
class PersonLine:
    user: User
    roles: list[Membership]
    unit: Organisation | None
    invitation: Invitation | None

    @property
    def state(self) -> str:
        if not self.user.is_active:
            return "left"
        if self.user.has_usable_password() or self.user.last_login:
            return "active"
        return "invited"


def people_lines(agency: Organisation) -> list[PersonLine]:
    users = (
        people_of(agency)
        .distinct()
        .select_related("official__organisation")
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
            Prefetch(
                "invitations",
                queryset=Invitation.objects.filter(used_at__isnull=True, revoked_at__isnull=True),
                to_attr="open_invitations",
            ),
        )
        .order_by("-is_active", "last_name", "first_name")
    )
    lines = []
    for user in users:
        official = getattr(user, "official", None)
        roles = list(user.memberships.all())
        unit = roles[0].organisation if roles else (official.organisation if official else None)
        invitations = user.open_invitations
        lines.append(
            PersonLine(user=user, roles=roles, unit=unit, invitation=invitations[0] if invitations else None)
        )
    return lines


def person_get(agency: Organisation, pk: int) -> User:
    """A person of the agency, or 404 (someone else's people do not exist for this page)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(people_of(agency).distinct(), pk=pk)


def colleagues_of(agency: Organisation, *, excluding: User) -> QuerySet[User]:
    return people_of(agency).filter(is_active=True).exclude(pk=excluding.pk).distinct().order_by("last_name")
