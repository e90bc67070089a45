"""Writes to the organisation tree: creating the bodies a new installation starts with."""

from __future__ import annotations

from django.db import transaction

from nhiemvu.core.errors import DomainError
from nhiemvu.core.services import validated_save

from .models import Organisation, OrganisationKind
from .selectors import scope_changed


class OrganisationError(DomainError):
    code = "organisation_invalid"


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str = OrganisationKind.OTHER,
    parent: Organisation | None = None,
    short_name: str = "",
    aliases: list[str] | None = None,
    email: str = "",
) -> Organisation:
    """One body in the tree, checked against the model's constraints (one name per parent)."""
    org = Organisation(
        name=" ".join(name.split()),
        kind=kind,
        parent=parent,
        short_name=" ".join(short_name.split()),
        aliases=[a for a in dict.fromkeys(" ".join(a.split()) for a in aliases or []) if a],
        email=email.strip(),
    )
    validated_save(org, error=OrganisationError, where=org.name, where_en=org.name)
    scope_changed()
    return org
