"""`nhiemvu check` reports a group map that names organisations nhiemvu does not have.

Warnings, not errors: an error would stop `migrate` and the first-run setup, which are what
create the organisations the map names.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning
from django.db import DatabaseError

from .selectors import resolved_rules


def group_map_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        resolved = resolved_rules()
    except DatabaseError:
        return []  # before `migrate`: nothing to check the names against yet
    found: list[CheckMessage] = []
    for item in resolved:
        rule = item.rule
        if item.problem == "unknown":
            found.append(
                Warning(
                    f"DIRECTORY_GROUP_MAP line {rule.line}: no organisation is called {rule.organisation!r} "
                    f"(group {rule.group!r}); its members would get no role.",
                    hint="Use the organisation's full name, short name or one of its aliases, as stored in nhiemvu.",
                    id="signin.W001",
                )
            )
        elif item.problem == "ambiguous":
            found.append(
                Warning(
                    f"DIRECTORY_GROUP_MAP line {rule.line}: several organisations are called {rule.organisation!r}.",
                    hint="Use the organisation's full name, which is unique under its parent.",
                    id="signin.W002",
                )
            )
    if resolved and not any(item.organisation for item in resolved):
        found.append(Warning("DIRECTORY_GROUP_MAP: no rule names a stored organisation.", id="signin.W003"))
    return found
