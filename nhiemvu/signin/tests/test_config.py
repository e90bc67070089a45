"""The environment → settings step (nhiemvu.signin.config), and the check of the group map."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from nhiemvu.organisations.models import Role
from nhiemvu.signin.checks import group_map_check
from nhiemvu.signin.config import LDAP_BACKEND, OIDC_BACKEND, directory_settings
from nhiemvu.signin.rules import ROLES, parse_rules
from nhiemvu.testing import Cast

OIDC = {
    "OIDC_RP_CLIENT_ID": "nhiemvu",
    "OIDC_RP_CLIENT_SECRET": "s",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://sso/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://sso/token",
    "OIDC_OP_USER_ENDPOINT": "https://sso/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://sso/jwks",
}


def test_with_nothing_set_nothing_changes() -> None:
    found = directory_settings({})
    assert found.backends == []
    assert found.settings == {"DIRECTORY_GROUP_MAP": ""}


def test_the_roles_of_the_map_are_the_roles_of_nhiemvu() -> None:
    assert set(ROLES) == set(Role.values)


def test_openid_connect_is_on_with_its_client_and_endpoints() -> None:
    found = directory_settings(OIDC)
    assert found.backends == [OIDC_BACKEND]
    assert found.settings["OIDC_USE_PKCE"] is True
    assert found.settings["OIDC_RP_SCOPES"] == "openid email profile"
    assert found.settings["OIDC_AUTHENTICATION_CALLBACK_URL"] == "signin:oidc-callback"


@pytest.mark.parametrize(
    "missing", ["OIDC_RP_CLIENT_SECRET", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"]
)
def test_openid_connect_half_configured_fails_loudly(missing: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=missing):
        directory_settings({k: v for k, v in OIDC.items() if k != missing})


def test_ldap_is_on_with_its_server_and_search_base() -> None:
    pytest.importorskip("ldap")
    found = directory_settings(
        {
            "LDAP_SERVER_URI": "ldap://dc1.tinh.example.vn",
            "LDAP_USER_SEARCH_BASE": "OU=Staff,DC=tinh,DC=example,DC=vn",
            "LDAP_USER_FILTER": "(sAMAccountName=%(user)s)",
            "LDAP_GROUP_SEARCH_BASE": "OU=Groups,DC=tinh,DC=example,DC=vn",
            "LDAP_GROUP_TYPE": "nested-activedirectory",
            "LDAP_START_TLS": "true",
            **OIDC,
        }
    )
    assert found.backends == [LDAP_BACKEND, OIDC_BACKEND]
    assert found.settings["AUTH_LDAP_START_TLS"] is True
    assert type(found.settings["AUTH_LDAP_GROUP_TYPE"]).__name__ == "NestedActiveDirectoryGroupType"
    assert found.settings["AUTH_LDAP_USER_SEARCH"].filterstr == "(sAMAccountName=%(user)s)"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LDAP_SERVER_URI": "ldap://x"}, "LDAP_USER_SEARCH_BASE"),
        (
            {"LDAP_SERVER_URI": "ldap://x", "LDAP_USER_SEARCH_BASE": "dc=x", "LDAP_USER_FILTER": "(uid=x)"},
            "%\\(user\\)s",
        ),
        (
            {"LDAP_SERVER_URI": "ldap://x", "LDAP_USER_SEARCH_BASE": "dc=x", "LDAP_START_TLS": "maybe"},
            "boolean",
        ),
        (
            {
                "LDAP_SERVER_URI": "ldap://x",
                "LDAP_USER_SEARCH_BASE": "dc=x",
                "LDAP_GROUP_SEARCH_BASE": "dc=x",
                "LDAP_GROUP_TYPE": "posix",
            },
            "LDAP_GROUP_TYPE",
        ),
    ],
)
def test_ldap_misconfigured_fails_loudly(env: dict[str, str], message: str) -> None:
    pytest.importorskip("ldap")
    with pytest.raises(ImproperlyConfigured, match=message):
        directory_settings(env)


def test_the_group_map_may_come_inline_separated_by_semicolons_and_from_a_file(tmp_path: Any) -> None:
    path = tmp_path / "groups.txt"
    path.write_text("# the department's groups\nSNN-GiamDoc = Sở NN&PTNT : director\n", encoding="utf-8")

    found = directory_settings(
        {
            "DIRECTORY_GROUP_MAP": "SNN-KiemLam = Chi cục Kiểm lâm : unit_staff; SNN-KHTC = Phòng KH-TC : planning_finance",
            "DIRECTORY_GROUP_MAP_FILE": str(path),
        }
    )

    rules = parse_rules(found.settings["DIRECTORY_GROUP_MAP"])
    assert [(r.group, r.organisation, r.role) for r in rules] == [
        ("SNN-KiemLam", "Chi cục Kiểm lâm", "unit_staff"),
        ("SNN-KHTC", "Phòng KH-TC", "planning_finance"),
        ("SNN-GiamDoc", "Sở NN&PTNT", "director"),
    ]


@pytest.mark.parametrize(
    "line", ["SNN-KiemLam = Chi cục Kiểm lâm", "SNN-KiemLam : unit_staff", "X = Y : truong_phong"]
)
def test_a_bad_rule_fails_loudly_with_its_line(line: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="line 1"):
        directory_settings({"DIRECTORY_GROUP_MAP": line})


@pytest.mark.django_db
def test_the_check_reports_organisations_nhiemvu_does_not_have(cast: Cast, settings: Any) -> None:
    settings.DIRECTORY_GROUP_MAP = (
        "cn=kiemlam,ou=groups,dc=x = Chi cục kiểm lâm : unit_staff\n"  # another case: found
        "SNN-KHTC = Sở NN&PTNT : planning_finance\n"  # the short name: found
        "SNN-Thuy = Chi cục Thủy lợi : unit_staff\n"
    )

    messages = group_map_check()

    assert [(m.id, "line 3" in m.msg, "Chi cục Thủy lợi" in m.msg) for m in messages] == [
        ("signin.W001", True, True)
    ]


@pytest.mark.django_db
def test_the_check_is_quiet_without_a_map(cast: Cast) -> None:
    assert group_map_check() == []
