"""The one write of a directory sign-in: the person's account, roles and Official record brought in
line with what the directory says about them.

Memberships the directory granted (a DirectoryGrant row each) are added and ended with the
person's groups; memberships given by hand in nhiemvu are never touched. Ending one deletes the
Membership row, since that row is what grants access; the grant keeps when it ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from nhiemvu.core.services import validated_save
from nhiemvu.organisations.models import Membership, Official, Organisation

from .errors import DirectorySignInError
from .models import DirectoryGrant
from .rules import group_key, matching_rules
from .selectors import resolved_rules


@dataclass(frozen=True)
class DirectoryPerson:
    """What the directory says about the person signing in (an LDAP entry, OpenID claims)."""

    source: str
    groups: frozenset[str] = frozenset()
    full_name: str = ""
    email: str = ""
    position: str = ""


@dataclass
class SignInSync:
    """What the sign-in changed, and whether the person holds any role at all afterwards."""

    added: list[Membership] = field(default_factory=list)
    ended: list[DirectoryGrant] = field(default_factory=list)
    has_role: bool = False


def _account_update(user: User, person: DirectoryPerson) -> None:
    changed = []
    if person.full_name:
        # The cast's convention (nhiemvu.testing): family and middle names first, the given name last.
        first, _, last = " ".join(person.full_name.split()).rpartition(" ")
        if (user.first_name, user.last_name) != (first, last):
            user.first_name, user.last_name = first, last
            changed += ["first_name", "last_name"]
    if person.email and user.email != person.email:
        user.email = person.email
        changed.append("email")
    if changed:
        validated_save(
            user, error=DirectorySignInError, where="Tài khoản", where_en="Account", fields=changed
        )


def _official_update(
    user: User, person: DirectoryPerson, target: Organisation | None, mapped: set[int]
) -> None:
    """The person's Official record follows the directory: name, e-mail, position, and the body of
    their first mapped group when they are no longer in the one it names."""
    official = Official.objects.select_for_update().filter(user=user).first()
    name = " ".join(person.full_name.split()) or user.get_full_name() or user.get_username()
    if official is None:
        if target is None:
            return
        # An Official a plan named (a deputy director leading tasks) is this person once they sign in.
        official = Official.objects.filter(organisation=target, full_name=name, user__isnull=True).first()
        if official is None:
            official = Official(organisation=target, full_name=name)
        official.user = user
    organisation = official.organisation if official.pk and official.organisation_id in mapped else target
    organisation = organisation or official.organisation
    clash = (
        Official.objects.filter(organisation=organisation, full_name=name).exclude(pk=official.pk).exists()
    )
    if not clash:
        official.organisation, official.full_name = organisation, name
    if person.email:
        official.email = person.email
    if person.position:
        official.position = person.position[:160]
    official.is_active = True
    validated_save(official, error=DirectorySignInError, where="Cán bộ", where_en="Official")


@transaction.atomic
def directory_sign_in(*, user: User, person: DirectoryPerson) -> SignInSync:
    """Bring the account, its directory-granted roles and its Official record in line with `person`.

    Grants of this source whose group the person left are ended; a mapped group gives its role
    unless the person already holds it (by hand, or through the other source). Committed even when
    the person is left with no role, so that a removed group ends its role; the caller decides
    whether to refuse the sign-in then (`has_role`).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    _account_update(user, person)
    rules = [r for r in resolved_rules() if r.organisation is not None]
    matched = matching_rules([r.rule for r in rules], set(person.groups))
    by_rule = {r.rule: r.organisation for r in rules}
    spelled = {group_key(g): g for g in person.groups}  # the group as the directory writes it
    wanted: dict[tuple[int, str], tuple[Organisation, str]] = {}
    for rule in matched:
        organisation = by_rule[rule]
        assert organisation is not None
        wanted.setdefault((organisation.pk, rule.role), (organisation, spelled.get(rule.key, rule.group)))

    result = SignInSync()
    now = timezone.now()
    open_grants = {
        (g.organisation_id, g.role): g
        for g in DirectoryGrant.objects.select_for_update().filter(user=user, ended_at__isnull=True)
    }
    for key, grant in open_grants.items():
        if grant.source != person.source or key in wanted:
            continue
        for membership in Membership.objects.filter(user=user, organisation_id=key[0], role=key[1]):
            membership.delete()  # one by one: the signals drop cached scopes and end the sessions
        grant.ended_at = now
        validated_save(grant, error=DirectorySignInError, fields=["ended_at"])
        result.ended.append(grant)

    held = set(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
    for key, (organisation, group) in wanted.items():
        if key not in open_grants:
            if key in held:
                continue  # given by hand: the directory leaves it alone
            grant = DirectoryGrant(
                user=user, organisation=organisation, role=key[1], source=person.source, group=group
            )
            validated_save(grant, error=DirectorySignInError, where="Vai trò do danh bạ cấp")
        if key not in held:
            membership = Membership(user=user, organisation=organisation, role=key[1])
            validated_save(membership, error=DirectorySignInError, where="Vai trò")
            result.added.append(membership)

    target = wanted[next(iter(wanted))][0] if wanted else None
    _official_update(user, person, target, {key[0] for key in wanted})
    result.has_role = user.is_superuser or Membership.objects.filter(user=user).exists()
    return result
