"""A real directory for the sign-in tests: Debian's OpenLDAP slapd, started as the current user on a
free loopback port with a throwaway configuration and database (slapd.conf, the mdb backend).

The directory holds ou=people with four staff and ou=groups with two groupOfNames:
kiemlam (Nguyễn Thị Lan, Trương Văn Tâm) and khtc (Phạm Minh Khoa); Đặng Văn Ngoài is in none.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SLAPD = "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
BASE = "dc=tinh,dc=example,dc=vn"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PASSWORD = "slapd-root-secret"
LDAP_PASSWORDS = {
    "lan": "Rung-xanh-2023",
    "khoa": "Ke-hoach-2023",
    "tam": "Tam-kiem-lam-23",
    "ngoai": "Ngoai-so-2023",
}
KIEMLAM_DN = f"cn=kiemlam,ou=groups,{BASE}"
KHTC_DN = f"cn=khtc,ou=groups,{BASE}"

# The province's map for the cast (nhiemvu.testing): the forest unit's group and Planning-Finance's.
GROUP_MAP = f"""
# directory group = organisation : role
{KIEMLAM_DN} = Chi cục Kiểm lâm : unit_staff
CN=KHTC, OU=Groups, DC=tinh, DC=example, DC=vn = Phòng KH-TC : planning_finance
SNN-KiemLam = Chi cục Kiểm lâm : unit_staff
SNN-GiamDoc = Sở NN&PTNT : director
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _person(uid: str, cn: str, sn: str, given: str, mail: str, title: str) -> str:
    return (
        f"dn: uid={uid},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {cn}\n"
        f"displayName: {cn}\nsn: {sn}\ngivenName: {given}\nmail: {mail}\ntitle: {title}\n"
        f"userPassword: {LDAP_PASSWORDS[uid]}\n\n"
    )


def directory_ldif() -> str:
    return (
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: tinh\no: UBND tinh Thu Nghiem\n\n"
        f"dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people\n\n"
        f"dn: ou=groups,{BASE}\nobjectClass: organizationalUnit\nou: groups\n\n"
        + _person("lan", "Nguyễn Thị Lan", "Nguyễn Thị", "Lan", "lan@snn.example.vn", "Kiểm lâm viên")
        + _person("khoa", "Phạm Minh Khoa", "Phạm Minh", "Khoa", "khoa@snn.example.vn", "Chuyên viên")
        + _person("tam", "Trương Văn Tâm", "Trương Văn", "Tâm", "tam@snn.example.vn", "Kiểm lâm viên")
        + _person("ngoai", "Đặng Văn Ngoài", "Đặng Văn", "Ngoài", "ngoai@so.example.vn", "Chuyên viên")
        + f"dn: {KIEMLAM_DN}\nobjectClass: groupOfNames\ncn: kiemlam\n"
        f"member: uid=lan,ou=people,{BASE}\nmember: uid=tam,ou=people,{BASE}\n\n"
        f"dn: {KHTC_DN}\nobjectClass: groupOfNames\ncn: khtc\nmember: uid=khoa,ou=people,{BASE}\n"
    )


def _ldif_encode(text: str) -> str:
    """LDIF wants non-ASCII values base64-encoded (`attr:: ...`)."""
    import base64

    lines = []
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if sep and not value.isascii():
            line = f"{key}:: {base64.b64encode(value.encode()).decode()}"
        lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass
class Directory:
    uri: str
    home: Path

    def env(self, **extra: str) -> dict[str, str]:
        """The environment a province would set for this directory (read by nhiemvu.signin.config)."""
        return {
            "LDAP_SERVER_URI": self.uri,
            "LDAP_BIND_DN": ROOT_DN,
            "LDAP_BIND_PASSWORD": ROOT_PASSWORD,
            "LDAP_USER_SEARCH_BASE": f"ou=people,{BASE}",
            "LDAP_USER_FILTER": "(uid=%(user)s)",
            "LDAP_GROUP_SEARCH_BASE": f"ou=groups,{BASE}",
            "LDAP_GROUP_TYPE": "groupOfNames",
            "DIRECTORY_GROUP_MAP": GROUP_MAP,
            **extra,
        }

    def modify(self, dn: str, changes: list[tuple[int, str, list[bytes] | None]]) -> None:
        import ldap

        connection = ldap.initialize(self.uri)
        connection.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        try:
            connection.modify_s(dn, changes)
        finally:
            connection.unbind_s()


@pytest.fixture(scope="session")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Directory]:
    if not Path(SLAPD).exists() or not Path(SLAPADD).exists():
        if os.environ.get("CI"):
            pytest.fail("slapd is missing: .ci/run installs Debian's slapd and ldap-utils")
        pytest.skip("the LDAP sign-in tests need Debian's slapd (apt-get install slapd ldap-utils)")
    try:
        import ldap
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("python-ldap is missing: `make test` installs the ldap extra (.[dev,ldap])")
        pytest.skip("the LDAP sign-in tests need the ldap extra: pip install -e '.[dev,ldap]'")
    home = tmp_path_factory.mktemp("slapd")
    (home / "db").mkdir()
    conf = home / "slapd.conf"
    conf.write_text(
        "include /etc/ldap/schema/core.schema\n"
        "include /etc/ldap/schema/cosine.schema\n"
        "include /etc/ldap/schema/inetorgperson.schema\n"
        f"pidfile {home / 'slapd.pid'}\nargsfile {home / 'slapd.args'}\n"
        "modulepath /usr/lib/ldap\nmoduleload back_mdb\n"
        f'database mdb\nmaxsize 16777216\nsuffix "{BASE}"\nrootdn "{ROOT_DN}"\nrootpw {ROOT_PASSWORD}\n'
        f"directory {home / 'db'}\n"
        "access to attrs=userPassword by anonymous auth by self write by * none\n"
        "access to * by * read\n"
    )
    (home / "directory.ldif").write_text(_ldif_encode(directory_ldif()), encoding="utf-8")
    subprocess.run(
        [SLAPADD, "-f", str(conf), "-l", str(home / "directory.ldif")], check=True, capture_output=True
    )
    port = free_port()
    uri = f"ldap://127.0.0.1:{port}"
    # -d 0: stay in the foreground (so this process owns it and can stop it) without debug output.
    daemon = subprocess.Popen(
        [SLAPD, "-f", str(conf), "-h", f"{uri}/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                probe: Any = ldap.initialize(uri)
                probe.set_option(ldap.OPT_NETWORK_TIMEOUT, 1)
                probe.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
                probe.search_s(KIEMLAM_DN, ldap.SCOPE_BASE)
                probe.unbind_s()
                break
            except ldap.LDAPError:
                if daemon.poll() is not None:
                    pytest.fail(f"slapd stopped: {daemon.stderr.read().decode() if daemon.stderr else ''}")
                if time.monotonic() > deadline:
                    pytest.fail("slapd did not answer within 30 s")
                time.sleep(0.1)
        yield Directory(uri=uri, home=home)
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)


@pytest.fixture
def directory(slapd: Directory, settings: Any) -> Directory:
    """nhiemvu configured for the real directory, through the same code that reads the environment."""
    from nhiemvu.signin.config import directory_settings

    found = directory_settings(slapd.env())
    for name, value in found.settings.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, *found.backends]
    return slapd


@dataclass
class Provider:
    """The tests' OpenID provider (tests/oidc_provider), running in its own process."""

    url: str
    discovery: dict[str, Any]

    def env(self, **extra: str) -> dict[str, str]:
        """The environment a province would set for its provider, copied from the discovery document."""
        from .oidc_provider import CLIENT_ID, CLIENT_SECRET

        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.discovery["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": self.discovery["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": self.discovery["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": self.discovery["jwks_uri"],
            "DIRECTORY_GROUP_MAP": GROUP_MAP,
            **extra,
        }


@pytest.fixture(scope="session")
def oidc_provider(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    """django-oauth-toolkit serving OpenID Connect on a free loopback port, its client (nhiemvu)
    registered with the live server's callback as redirect URI."""
    import json
    import sys
    import urllib.request

    home = tmp_path_factory.mktemp("oidc-provider")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    log = (home / "provider.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nhiemvu.signin.tests.oidc_provider.run",
            "--port",
            str(port),
            "--db",
            str(home / "provider.sqlite3"),
            "--redirect-uri",
            f"{live_server.url}/signin/oidc/callback/",
        ],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/o/.well-known/openid-configuration", timeout=2) as answer:
                    discovery = json.load(answer)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"the OpenID provider did not start: {(home / 'provider.log').read_text()[-3000:]}"
                    )
                time.sleep(0.2)
        yield Provider(url=url, discovery=discovery)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def province_provider(oidc_provider: Provider, settings: Any) -> Provider:
    """nhiemvu configured for the provider, through the code that reads the environment."""
    from nhiemvu.signin.config import directory_settings

    found = directory_settings(oidc_provider.env())
    for name, value in found.settings.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, *found.backends]
    return oidc_provider
