"""Why a sign-in through the province's directory was refused, in words the person can act on."""

from __future__ import annotations

from nhiemvu.core.errors import DomainError


class DirectorySignInError(DomainError):
    code = "directory_sign_in"


class NoRoleError(DirectorySignInError):
    """The directory knows the person, but none of their groups is mapped and nhiemvu gave them no
    role by hand: signed in, they would see nothing."""

    code = "directory_no_role"
