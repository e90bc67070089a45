"""Reads: whose sign-in needs a second factor, and why; who keeps which agency's policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from nhiemvu.organisations.models import Membership, Organisation, OrganisationKind, Role

from .models import TwoFactorPolicy

# What the session remembers about a person (nhiemvu.twofactor.middleware): they have a device and
# must type its code; their agency requires one and they have none; nothing to ask.
NEEDS_CODE = "code"
NEEDS_ENROLMENT = "enrol"
NEEDS_NOTHING = "none"


@dataclass(frozen=True)
class Requirement:
    """One reason a person must use two-factor sign-in: an agency's policy names a role they hold."""

    agency: Organisation | None  # None: the rule for administrators (TWO_FACTOR_REQUIRED_FOR_SUPERUSERS)
    role: str

    @property
    def role_label(self) -> str:
        return str(dict(Role.choices).get(self.role, self.role))


def agency_of(org_id: int, parents: Mapping[int, int | None], kinds: Mapping[int, str]) -> int | None:
    """The agency (department-level body) at or above an organisation; None above every agency."""
    current: int | None = org_id
    while current is not None:
        if kinds.get(current) == OrganisationKind.DEPARTMENT:
            return current
        current = parents.get(current)
    return None


def _tree() -> tuple[dict[int, int | None], dict[int, str]]:
    rows = list(Organisation.objects.values_list("id", "parent_id", "kind"))
    return {i: p for i, p, _ in rows}, {i: k for i, _, k in rows}


def agency_ids_of(user: User, *, roles: tuple[str, ...] | None = None) -> list[int]:
    """The agencies the user is a member of (in the agency itself or one of its units), in the
    order of their memberships; with `roles`, only through memberships holding one of them."""
    memberships = Membership.objects.filter(user=user).order_by("pk")
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    org_ids = list(memberships.values_list("organisation_id", flat=True))
    if not org_ids:
        return []
    parents, kinds = _tree()
    found: list[int] = []
    for org_id in org_ids:
        agency = agency_of(org_id, parents, kinds)
        if agency is not None and agency not in found:
            found.append(agency)
    return found


def requirements_of(user: User) -> list[Requirement]:
    """Why the user must use two-factor sign-in: empty when nobody requires it (three queries)."""
    found: list[Requirement] = []
    if user.is_superuser and settings.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS:
        found.append(Requirement(agency=None, role="superuser"))
    memberships = list(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
    if not memberships:
        return found
    parents, kinds = _tree()
    held: dict[int, set[str]] = {}
    for org_id, role in memberships:
        agency = agency_of(org_id, parents, kinds)
        if agency is not None:
            held.setdefault(agency, set()).add(role)
    policies = TwoFactorPolicy.objects.filter(agency_id__in=held).select_related("agency").order_by("pk")
    for policy in policies:
        for role in policy.roles:
            if role in held[policy.agency_id]:
                found.append(Requirement(agency=policy.agency, role=role))
    return found


def has_device(user: User) -> bool:
    """Whether the user has confirmed two-factor sign-in (an authenticator, or recovery codes left over)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticDevice.objects.filter(user=user, confirmed=True, token_set__isnull=False).exists()
    )


def needs_of(user: User) -> str:
    """What the user's sign-in still needs: NEEDS_CODE, NEEDS_ENROLMENT or NEEDS_NOTHING."""
    if has_device(user):
        return NEEDS_CODE
    return NEEDS_ENROLMENT if requirements_of(user) else NEEDS_NOTHING


def totp_device_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def static_device_of(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: User) -> int:
    device = static_device_of(user)
    return device.token_set.count() if device is not None else 0


def may_keep_policy(user: User, agency_id: int) -> bool:
    """The agency's Planning-Finance (a member of the agency or one of its units) or a superuser."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return agency_id in agency_ids_of(user, roles=(Role.PLANNING_FINANCE,))


def agencies_kept_by(user: User) -> QuerySet[Organisation]:
    """The agencies whose policy the user keeps: their own as Planning-Finance; every one for a superuser."""
    agencies = Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("name")
    if user.is_superuser:
        return agencies
    return agencies.filter(pk__in=agency_ids_of(user, roles=(Role.PLANNING_FINANCE,)))


def agency_get_for_policy(user: User, agency_id: int) -> Organisation | None:
    """The agency if the user keeps its policy, else None (the view answers 404)."""
    return agencies_kept_by(user).filter(pk=agency_id).first()


def policy_of(agency: Organisation) -> TwoFactorPolicy | None:
    return TwoFactorPolicy.objects.filter(agency=agency).first()


def policies_of(agencies: list[Organisation]) -> QuerySet[TwoFactorPolicy]:
    return TwoFactorPolicy.objects.filter(agency__in=agencies)
