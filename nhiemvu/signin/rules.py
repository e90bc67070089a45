"""The group map: which directory group makes its members what, where (no Django models here).

One rule a line, `<group> = <organisation> : <role>`:

    cn=khtc,ou=groups,dc=snn,dc=example,dc=vn = Phòng KH-TC : planning_finance
    SNN-KiemLam = Chi cục Kiểm lâm : unit_staff

The group is an LDAP group's DN (its own `=` signs are kept: the rule splits at the last `=`
before the last `:`) or a name in the OpenID provider's `groups` claim; the organisation is its
full name, short name or one of its aliases; the role is a value of organisations.models.Role.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ROLES = ("director", "deputy_director", "planning_finance", "unit_staff", "provincial_reviewer")


class RuleError(ValueError):
    """A line of the map that cannot be read; says which and why."""


@dataclass(frozen=True)
class Rule:
    line: int
    group: str
    organisation: str
    role: str

    @property
    def key(self) -> str:
        return group_key(self.group)


def group_key(group: str) -> str:
    """How groups are compared: DNs and names are case-insensitive, spaces around `,` and `=`
    in a DN mean nothing, and the Vietnamese is compared in one Unicode form.

    >>> group_key("CN=KHTC, OU=Groups,DC=snn")
    'cn=khtc,ou=groups,dc=snn'
    >>> group_key("  SNN-KiemLam ")
    'snn-kiemlam'
    """
    text = unicodedata.normalize("NFC", group).strip().casefold()
    return re.sub(r"\s*([,=])\s*", r"\1", text)


def parse_rules(text: str) -> list[Rule]:
    """The rules of the map; blank lines and `#` comments skipped; RuleError on a bad line.

    >>> parse_rules("cn=khtc,ou=groups,dc=x = Phòng KH-TC : planning_finance")
    [Rule(line=1, group='cn=khtc,ou=groups,dc=x', organisation='Phòng KH-TC', role='planning_finance')]
    >>> parse_rules("KiemLam = Chi cục Kiểm lâm : boss")
    Traceback (most recent call last):
    ...
    nhiemvu.signin.rules.RuleError: line 1: unknown role 'boss' (director, deputy_director, planning_finance, unit_staff, provincial_reviewer)
    """
    rules = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        head, colon, role = line.rpartition(":")
        group, equals, organisation = head.rpartition("=")
        group, organisation, role = group.strip(), organisation.strip(), role.strip()
        if not colon or not equals or not group or not organisation or not role:
            raise RuleError(f"line {number}: {line!r} is not '<group> = <organisation> : <role>'")
        if role not in ROLES:
            raise RuleError(f"line {number}: unknown role {role!r} ({', '.join(ROLES)})")
        rules.append(Rule(number, group, unicodedata.normalize("NFC", organisation), role))
    return rules


def matching_rules(rules: list[Rule], groups: set[str]) -> list[Rule]:
    """The rules whose group the person is in, in the map's order.

    >>> rules = parse_rules("A = X : unit_staff\\nb = Y : director")
    >>> [r.organisation for r in matching_rules(rules, {"B", "c"})]
    ['Y']
    """
    keys = {group_key(g) for g in groups}
    return [rule for rule in rules if rule.key in keys]
