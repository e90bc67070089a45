"""Sign-in with the province's LDAP or Active Directory (django-auth-ldap), when LDAP_SERVER_URI is set.

Loaded only then (it is in AUTHENTICATION_BACKENDS only then), so an install without the
directory needs neither python-ldap nor libldap.
"""

from __future__ import annotations

import logging
from typing import Any

import ldap
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_auth_ldap.backend import LDAPBackend, ldap_error

from .models import DirectorySource
from .notices import refuse, tell
from .services import DirectoryPerson, directory_sign_in

logger = logging.getLogger(__name__)

UNREACHABLE = (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR)


def _first(attrs: Any, name: str) -> str:
    values = (attrs or {}).get(name) or []
    return str(values[0]).strip() if values else ""


def directory_unreachable(
    sender: Any, context: str, user: Any, request: HttpRequest | None, exception: Exception, **kwargs: Any
) -> bool:
    """django-auth-ldap's report of a failed directory call: a person at the login page is told the
    directory is out of reach (not that their password is wrong), and the log says which server."""
    logger.warning("LDAP %s failed: %s", context, exception)
    if isinstance(exception, UNREACHABLE):
        tell(
            request,
            _(
                "Không kết nối được với danh bạ (LDAP) của tỉnh, nên chưa kiểm tra được mật khẩu. "
                "Xin thử lại sau ít phút; nếu vẫn không được, hãy báo bộ phận quản trị hệ thống."
            ),
        )
    return True


ldap_error.connect(directory_unreachable, dispatch_uid="nhiemvu-signin-ldap-error")


class DirectoryLDAPBackend(LDAPBackend):
    """django-auth-ldap, with the person's groups mapped to nhiemvu's roles at each sign-in.

    A Django superuser is never signed in through the directory: an entry that happens to share
    the administrator's username must not become the administrator.
    """

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[Any, bool]:
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and user.is_superuser:
            raise ldap_user.AuthenticationFailed("a superuser signs in with the local password only")
        return user, built

    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> Any:
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        attrs = ldap_user.attrs
        full_name = _first(attrs, "displayName") or _first(attrs, "cn")
        if not full_name:
            full_name = " ".join(filter(None, [_first(attrs, "sn"), _first(attrs, "givenName")]))
        try:
            groups = set(ldap_user.group_dns) if self.settings.GROUP_SEARCH is not None else set()
        except ldap.LDAPError as exc:
            # The password was right but the groups can't be read: no roles are taken away on a
            # directory hiccup; the person waits for the next sign-in.
            directory_unreachable(type(self), "group search", user, ldap_user._request, exc)
            return None
        person = DirectoryPerson(
            source=DirectorySource.LDAP,
            groups=frozenset(groups),
            full_name=full_name,
            email=_first(attrs, "mail"),
            position=_first(attrs, "title"),
        )
        result = directory_sign_in(user=user, person=person)
        if not result.has_role:
            refuse(ldap_user._request)
            return None
        return user
