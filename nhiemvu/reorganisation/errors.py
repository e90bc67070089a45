"""What the reorganisation services refuse, in words the person doing it can act on."""

from __future__ import annotations

from nhiemvu.core.errors import DomainError


class ReorganisationError(DomainError):
    code = "reorganisation_error"


class ReorganisationNotAllowedError(ReorganisationError):
    """The user may not merge or rename these bodies (someone else's agency, a read-only role)."""

    code = "permission_denied"
