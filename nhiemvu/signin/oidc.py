"""Sign-in with the province's OpenID Connect provider (mozilla-django-oidc), when OIDC_RP_CLIENT_ID is set.

People are matched by the username claim (OIDC_USERNAME_CLAIM, `preferred_username` by default,
which providers in front of Active Directory fill with the directory's login name), not by
e-mail: two accounts may share an office mailbox. Their groups (OIDC_GROUPS_CLAIM, `groups`)
are mapped to roles as for LDAP.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .models import DirectorySource
from .notices import refuse
from .services import DirectoryPerson, directory_sign_in

logger = logging.getLogger(__name__)


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int) else ""


class DirectoryOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, with the `groups` claim mapped to roles at each sign-in."""

    def username_from(self, claims: dict[str, Any]) -> str:
        claim = getattr(settings, "OIDC_USERNAME_CLAIM", "preferred_username")
        return _text(claims.get(claim))[:150]

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(self.username_from(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        return User.objects.filter(username__iexact=self.username_from(claims))

    def create_user(self, claims: dict[str, Any]) -> User | None:
        user = User.objects.create_user(self.username_from(claims))  # no password: unusable
        return self._sync(user, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User | None:
        if user.is_superuser:
            # The provider's account of the same name is not the local administrator.
            logger.warning("OpenID sign-in refused for superuser %s", user.get_username())
            return None
        return self._sync(user, claims)

    def _sync(self, user: User, claims: dict[str, Any]) -> User | None:
        groups_claim = claims.get(getattr(settings, "OIDC_GROUPS_CLAIM", "groups")) or []
        if isinstance(groups_claim, str):
            groups_claim = [groups_claim]
        full_name = _text(claims.get("name")) or " ".join(
            filter(None, [_text(claims.get("family_name")), _text(claims.get("given_name"))])
        )
        person = DirectoryPerson(
            source=DirectorySource.OIDC,
            groups=frozenset(_text(g) for g in groups_claim if _text(g)),
            full_name=full_name,
            email=_text(claims.get("email")) if claims.get("email_verified", True) is not False else "",
        )
        result = directory_sign_in(user=user, person=person)
        if not result.has_role:
            refuse(self.request)
            return None
        return user
