"""What the two-factor services refuse, in words the person can act on."""

from __future__ import annotations

from nhiemvu.core.errors import DomainError


class TwoFactorError(DomainError):
    code = "twofactor_error"


class TwoFactorRequiredError(TwoFactorError):
    """The agency's policy requires two-factor sign-in of this person: it cannot be turned off."""

    code = "twofactor_required"


class PolicyNotAllowedError(TwoFactorError):
    """The person does not keep this agency's policy."""

    code = "twofactor_policy_not_allowed"
