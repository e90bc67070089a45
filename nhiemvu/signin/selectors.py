"""Reads for the directory sign-in: the group map resolved against the stored organisations."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings

from nhiemvu.organisations.models import Organisation

from .rules import Rule, parse_rules


def _name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def organisations_by_name() -> dict[str, list[Organisation]]:
    """Every name an organisation goes by (full, short, aliases), compared without case → the bodies
    that go by it. Dissolved bodies only answer to a name no standing body has."""
    found: dict[str, list[Organisation]] = {}
    for organisation in Organisation.objects.order_by("dissolved_on", "name", "pk"):
        for name in organisation.all_names:
            bodies = found.setdefault(_name_key(name), [])
            if organisation not in bodies:
                bodies.append(organisation)
    return {key: [o for o in bodies if o.dissolved_on is None] or bodies for key, bodies in found.items()}


@dataclass(frozen=True)
class ResolvedRule:
    rule: Rule
    organisation: Organisation | None
    problem: str = ""


def group_map_rules() -> list[Rule]:
    """The rules of DIRECTORY_GROUP_MAP (checked when the settings were read)."""
    return parse_rules(getattr(settings, "DIRECTORY_GROUP_MAP", "") or "")


def resolved_rules(rules: list[Rule] | None = None) -> list[ResolvedRule]:
    """Each rule with its organisation, or why there is none (unknown, or a name several bodies share)."""
    rules = group_map_rules() if rules is None else rules
    if not rules:
        return []
    names = organisations_by_name()
    resolved = []
    for rule in rules:
        bodies = names.get(_name_key(rule.organisation), [])
        if len(bodies) == 1:
            resolved.append(ResolvedRule(rule, bodies[0]))
        elif not bodies:
            resolved.append(ResolvedRule(rule, None, "unknown"))
        else:
            resolved.append(ResolvedRule(rule, None, "ambiguous"))
    return resolved
