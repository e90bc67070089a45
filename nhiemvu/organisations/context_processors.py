"""What the navigation bar needs to know about the user, computed once and only if a page asks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from nhiemvu.organisations.models import Role
from nhiemvu.organisations.selectors import AccessScope, access_scope


def _nav(request: HttpRequest) -> dict[str, bool]:
    scope: AccessScope = access_scope(request.user)
    return {
        "reports": scope.superuser or bool(scope.unit_orgs),
        "imports": scope.superuser or Role.PLANNING_FINANCE in scope.roles,
        "province": scope.superuser or Role.PROVINCIAL_REVIEWER in scope.roles,
        # the agency's people (accounts, invitations): its Planning-Finance; the first run: administrators
        "people": scope.superuser or Role.PLANNING_FINANCE in scope.roles,
        "audit": scope.superuser or bool(scope.roles & {Role.PLANNING_FINANCE, Role.DIRECTOR}),
        "admin": _may_use_admin(request.user),
    }


def _may_use_admin(user: Any) -> bool:
    """Staff with something to do there: Django's admin shows a staff member without any model
    permission a page that says "you don't have permission", which is no link to offer."""
    if not (user.is_active and user.is_staff):
        return False
    return bool(user.is_superuser or user.get_all_permissions())


def nav(request: HttpRequest) -> dict[str, Any]:
    return {"nav": SimpleLazyObject(lambda: _nav(request))}
