"""The headers of a production-mode server (issue 21, item 6; ASVS V14.4, V3.4): gunicorn with
DJANGO_ENV=production behind a proxy that says HTTPS, asked for a page before and after sign-in."""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import SimpleCookie

import pytest
import requests

from nhiemvu.testing import PASSWORD

from .servers import Server, gunicorn_server

HTTPS = {"X-Forwarded-Proto": "https"}  # what the TLS-terminating proxy adds


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with gunicorn_server(tmp_path_factory.mktemp("production"), production=True) as running:
        yield running


def _cookies(response: requests.Response) -> dict[str, str]:
    """name -> the raw Set-Cookie line, every one the response sets."""
    lines = response.raw.headers.getlist("Set-Cookie")
    return {next(iter(SimpleCookie(line))): line for line in lines}


def test_plain_http_is_sent_to_https(production: Server) -> None:
    response = requests.get(f"http://127.0.0.1:{production.port}/login/", allow_redirects=False, timeout=30)
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{production.port}/login/"


def test_a_page_carries_every_protective_header_and_cookies_are_secure(production: Server) -> None:
    base = f"http://127.0.0.1:{production.port}"
    browser = requests.Session()
    page = browser.get(f"{base}/login/", headers=HTTPS, timeout=30)
    assert page.status_code == 200
    headers = page.headers
    hsts = headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    policy = {d.split()[0]: d.split()[1:] for d in headers["Content-Security-Policy"].split(";") if d.strip()}
    assert policy["script-src"] == ["'self'"] and "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Server" not in headers or "Django" not in headers["Server"]
    csrf = _cookies(page)["__Host-csrftoken"]
    assert "Path=/" in csrf and "Domain" not in csrf
    assert "Secure" in csrf and "HttpOnly" in csrf and "SameSite=Lax" in csrf

    # The cookies are Secure, so a client on this plain-HTTP loopback would not send them: the test
    # sends them itself, as the browser does over the proxy's HTTPS.
    token = browser.cookies["__Host-csrftoken"]
    origin = f"https://127.0.0.1:{production.port}"
    signed_in = requests.post(
        f"{base}/login/",
        data={"username": production.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={
            **HTTPS,
            "Referer": f"{origin}/login/",
            "Origin": origin,
            "Cookie": f"__Host-csrftoken={token}",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text[:300]
    session = _cookies(signed_in)["__Host-sessionid"]
    assert "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session
    assert "expires" not in session.lower(), "a browser-session cookie, gone when the browser closes"
    key = SimpleCookie(session)["__Host-sessionid"].value
    plans = requests.get(f"{base}/plans/", headers={**HTTPS, "Cookie": f"__Host-sessionid={key}"}, timeout=30)
    assert plans.status_code == 200 and plans.url.endswith("/plans/")
    assert "no-store" in plans.headers["Cache-Control"] and "private" in plans.headers["Cache-Control"]
