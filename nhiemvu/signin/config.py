"""The environment's say on sign-in with the province's directory, turned into Django settings.

Called from config/settings.py before Django is set up, so nothing here touches models; the
`ldap` module (python-ldap, the `ldap` extra) is imported only when LDAP_SERVER_URI is set, so an
install that does not use the directory needs neither python-ldap nor libldap.

Each feature is off unless configured: with none of these variables set, the settings are
today's exactly (local accounts, the login form, nothing else).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .rules import RuleError, parse_rules

LDAP_BACKEND = "nhiemvu.signin.ldap.DirectoryLDAPBackend"
OIDC_BACKEND = "nhiemvu.signin.oidc.DirectoryOIDCBackend"

# What each LDAP_GROUP_TYPE names: the shape of the directory's groups, and how to find them.
GROUP_TYPES = {
    # OpenLDAP, 389-DS, FreeIPA: groupOfNames with member: <user DN>.
    "groupofnames": ("GroupOfNamesType", "(objectClass=groupOfNames)"),
    "nested-groupofnames": ("NestedGroupOfNamesType", "(objectClass=groupOfNames)"),
    # Active Directory: group with member:, nested groups followed (a unit's group inside the
    # department's is usual in a province's forest).
    "activedirectory": ("ActiveDirectoryGroupType", "(objectClass=group)"),
    "nested-activedirectory": ("NestedActiveDirectoryGroupType", "(objectClass=group)"),
}


@dataclass
class DirectorySettings:
    """The settings to add, and the authentication backends to put after the login throttle."""

    settings: dict[str, Any] = field(default_factory=dict)
    backends: list[str] = field(default_factory=list)


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false)")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc


def _required(env: Mapping[str, str], name: str, because: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is required when {because} is set")
    return value


def group_map_text(env: Mapping[str, str]) -> str:
    """The group → organisation : role rules, from DIRECTORY_GROUP_MAP (rules on separate lines or
    separated by ';') and/or the file DIRECTORY_GROUP_MAP_FILE (one rule a line, # comments)."""
    parts = []
    inline = env.get("DIRECTORY_GROUP_MAP", "").strip()
    if inline:
        parts.append(inline.replace(";", "\n"))
    path = env.get("DIRECTORY_GROUP_MAP_FILE", "").strip()
    if path:
        try:
            parts.append(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ImproperlyConfigured(f"DIRECTORY_GROUP_MAP_FILE={path!r} cannot be read: {exc}") from exc
    text = "\n".join(parts)
    try:
        parse_rules(text)
    except RuleError as exc:
        raise ImproperlyConfigured(f"DIRECTORY_GROUP_MAP: {exc}") from exc
    return text


def ldap_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """django-auth-ldap's settings from LDAP_* variables; empty when LDAP_SERVER_URI is not set."""
    uri = env.get("LDAP_SERVER_URI", "").strip()
    if not uri:
        return {}
    try:
        import ldap  # the `ldap` extra: python-ldap, built against Debian's libldap2-dev
        from django_auth_ldap import config as ldap_config
    except ImportError as exc:
        raise ImproperlyConfigured(
            "LDAP_SERVER_URI is set but the ldap extra is not installed: pip install -e '.[ldap]' "
            "(python-ldap builds against Debian's libldap2-dev and libsasl2-dev)"
        ) from exc

    user_base = _required(env, "LDAP_USER_SEARCH_BASE", "LDAP_SERVER_URI")
    user_filter = env.get("LDAP_USER_FILTER", "").strip() or "(uid=%(user)s)"
    if "%(user)s" not in user_filter:
        raise ImproperlyConfigured(f"LDAP_USER_FILTER={user_filter!r} must contain %(user)s")
    seconds = _int(env, "LDAP_TIMEOUT_SECONDS", 5)
    values: dict[str, Any] = {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": env.get("LDAP_BIND_DN", "").strip(),
        "AUTH_LDAP_BIND_PASSWORD": env.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": _bool(env, "LDAP_START_TLS", False),
        "AUTH_LDAP_USER_SEARCH": ldap_config.LDAPSearch(user_base, ldap.SCOPE_SUBTREE, user_filter),
        # Names, e-mail and the Official record are written by nhiemvu.signin.services from the
        # entry's attributes, the same way for LDAP and OpenID Connect.
        "AUTH_LDAP_USER_ATTR_MAP": {},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_CONNECTION_OPTIONS": {
            # A directory that does not answer fails the sign-in in seconds, not minutes.
            ldap.OPT_NETWORK_TIMEOUT: seconds,
            ldap.OPT_TIMEOUT: seconds,
            # Active Directory hands out referrals to other domain controllers that an anonymous
            # follow-up cannot read: the search answers without them.
            ldap.OPT_REFERRALS: 0,
        },
    }
    group_base = env.get("LDAP_GROUP_SEARCH_BASE", "").strip()
    if group_base:
        kind = env.get("LDAP_GROUP_TYPE", "").strip().lower() or "groupofnames"
        if kind not in GROUP_TYPES:
            raise ImproperlyConfigured(f"LDAP_GROUP_TYPE={kind!r} must be one of {', '.join(GROUP_TYPES)}")
        class_name, group_filter = GROUP_TYPES[kind]
        values["AUTH_LDAP_GROUP_SEARCH"] = ldap_config.LDAPSearch(
            group_base, ldap.SCOPE_SUBTREE, group_filter
        )
        values["AUTH_LDAP_GROUP_TYPE"] = getattr(ldap_config, class_name)()
    return values


def oidc_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """mozilla-django-oidc's settings from OIDC_* variables; empty when OIDC_RP_CLIENT_ID is not set."""
    client_id = env.get("OIDC_RP_CLIENT_ID", "").strip()
    if not client_id:
        return {}
    because = "OIDC_RP_CLIENT_ID"
    algorithm = env.get("OIDC_RP_SIGN_ALGO", "").strip() or "RS256"
    values: dict[str, Any] = {
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": _required(env, "OIDC_RP_CLIENT_SECRET", because),
        "OIDC_OP_AUTHORIZATION_ENDPOINT": _required(env, "OIDC_OP_AUTHORIZATION_ENDPOINT", because),
        "OIDC_OP_TOKEN_ENDPOINT": _required(env, "OIDC_OP_TOKEN_ENDPOINT", because),
        "OIDC_OP_USER_ENDPOINT": _required(env, "OIDC_OP_USER_ENDPOINT", because),
        "OIDC_RP_SIGN_ALGO": algorithm,
        "OIDC_RP_SCOPES": env.get("OIDC_RP_SCOPES", "").strip() or "openid email profile",
        # The code exchange carries a PKCE verifier: a stolen authorisation code is worth nothing.
        "OIDC_USE_PKCE": _bool(env, "OIDC_USE_PKCE", True),
        "OIDC_AUTHENTICATION_CALLBACK_URL": "signin:oidc-callback",
        "OIDC_GROUPS_CLAIM": env.get("OIDC_GROUPS_CLAIM", "").strip() or "groups",
        "OIDC_USERNAME_CLAIM": env.get("OIDC_USERNAME_CLAIM", "").strip() or "preferred_username",
        "OIDC_TIMEOUT": _int(env, "OIDC_TIMEOUT_SECONDS", 10),
    }
    if algorithm.startswith(("RS", "ES", "PS")):
        values["OIDC_OP_JWKS_ENDPOINT"] = _required(
            env, "OIDC_OP_JWKS_ENDPOINT", f"OIDC_RP_SIGN_ALGO={algorithm}"
        )
    return values


def directory_settings(env: Mapping[str, str]) -> DirectorySettings:
    """Everything config/settings.py adds for the directory, from the environment."""
    found = DirectorySettings()
    found.settings["DIRECTORY_GROUP_MAP"] = group_map_text(env)
    ldap_values = ldap_settings(env)
    if ldap_values:
        found.settings.update(ldap_values)
        found.backends.append(LDAP_BACKEND)
    oidc_values = oidc_settings(env)
    if oidc_values:
        found.settings.update(oidc_values)
        found.backends.append(OIDC_BACKEND)
    return found
