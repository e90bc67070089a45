"""The site's own defences: the Content-Security-Policy, production cookies and HSTS, login
throttling, session expiry, password rules and upload checks."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from nhiemvu.reporting.errors import AttachmentError
from nhiemvu.reporting.services import attachment_check
from nhiemvu.testing import PASSWORD, Cast

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "templates"


def _policy(response: HttpResponseBase) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/login/", "/plans/", "/no-such-page/"])
def test_every_response_carries_a_policy_without_inline_scripts(client: Client, url: str) -> None:
    policy = _policy(client.get(url))
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


# Mail clients need inline styles and never see the site's CSP.
_PAGES = [p for p in TEMPLATES.rglob("*.html") if "email" not in p.parts]
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
_STYLE_ATTR = re.compile(r"\sstyle\s*=", re.IGNORECASE)


@pytest.mark.parametrize("template", _PAGES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_what_the_policy_would_block(template: Path) -> None:
    """An inline script, on*= handler or style= attribute would be blocked in the browser:
    behaviour lives in static/js, looks in static/css."""
    text = template.read_text(encoding="utf-8")
    assert not _INLINE_SCRIPT.search(text), "inline <script>: move it to static/js"
    assert not _HANDLER.search(text), "on*= handler: use a data- attribute and static/js/app.js"
    assert not _STYLE_ATTR.search(text), "style= attribute: use a class in static/css/app.css"


def _production(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    # Without what the browser tests put in this process's environment (DJANGO_ALLOW_ASYNC_UNSAFE).
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "check-deploy-" + "x" * 60,
        "ALLOWED_HOSTS": "nhiemvu.example.gov.vn",
        "DATABASE_URL": "sqlite:///:memory:",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_production_settings_make_cookies_secure_and_send_hsts() -> None:
    result = _production(
        "from django.conf import settings as s; import django; django.setup();"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.DEBUG)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "False"]


def test_check_deploy_is_clean_in_production() -> None:
    result = _production(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _try_login(client: Client, username: str, password: str) -> TestResponse:
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_login_is_locked_after_repeated_failures_with_a_vietnamese_message(
    client: Client, cast: Cast
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _try_login(client, "kiemlam", "sai-mat-khau").status_code == 200
    locked = _try_login(client, "kiemlam", "sai-mat-khau")
    assert locked.status_code == 429
    assert "Tài khoản đã bị tạm khóa" in locked.content.decode()
    # Even the right password is refused while the lock lasts...
    assert _try_login(client, "kiemlam", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but a colleague behind the same address still logs in.
    assert _try_login(Client(), "khtc", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client: Client, cast: Cast) -> None:
    with time_machine.travel(dt.datetime(2023, 6, 1, 9, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _try_login(client, "kiemlam", "sai-mat-khau")
        assert _try_login(client, "kiemlam", PASSWORD).status_code == 429
        clock.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1))
        assert _try_login(client, "kiemlam", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_session_ends_after_a_working_day_and_with_the_browser(client: Client, cast: Cast) -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    with time_machine.travel(dt.datetime(2023, 6, 1, 8, tzinfo=dt.UTC), tick=False) as clock:
        response = _try_login(client, "kiemlam", PASSWORD)
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
        assert cookie["httponly"]
        assert client.get(reverse("plans:plan-list")).status_code == 200
        clock.shift(dt.timedelta(hours=8, minutes=1))
        response = client.get(reverse("plans:plan-list"))
        assert response.status_code == 302 and isinstance(response, HttpResponseRedirect)
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("password", ["ngan", "1234567890", "password123", "kiemlam2023"])
def test_weak_passwords_are_refused(password: str) -> None:
    from django.contrib.auth.models import User

    with pytest.raises(ValidationError):
        validate_password(password, User(username="kiemlam2023"))


def test_a_long_unusual_password_is_accepted() -> None:
    validate_password("rừng-phòng-hộ-Lạng-Sơn-2023")


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bao-cao.pdf", b"MZ\x90\x00 an executable renamed"),
        ("bien-ban.docx", b"<html><script>alert(1)</script></html>"),
        (
            "bom.docx",
            _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"0" * (50 * 1024 * 1024)}),
        ),
        ("bom.xlsx", _zip({"[Content_Types].xml": b"<Types/>", "xl/sheet1.xml": b" " * (30 * 1024 * 1024)})),
    ],
    ids=["exe-as-pdf", "html-as-docx", "docx-zip-bomb", "xlsx-zip-bomb"],
)
def test_attachments_are_judged_by_content_not_by_name(name: str, data: bytes) -> None:
    with pytest.raises(AttachmentError):
        attachment_check(name=name, data=data)


def test_an_attachment_over_the_size_limit_is_refused(settings: Settings) -> None:
    settings.MAX_ATTACHMENT_BYTES = 1024
    with pytest.raises(AttachmentError):
        attachment_check(name="lon.pdf", data=b"%PDF-1.7" + b"0" * 2048)


def test_signed_in_pages_are_not_stored_by_browsers_or_proxies(cast: Cast) -> None:
    """Issue 22, item 5: `no-store` on what a signed-in user sees."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(cast.planning_finance)
    for url in (reverse("plans:plan-list"), reverse("dashboards:overview"), reverse("audit:log-list")):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url
