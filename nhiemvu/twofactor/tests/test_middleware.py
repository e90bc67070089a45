"""The middleware's cost and reach: nothing to ask of someone without two-factor, every backend covered."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, modify_settings
from django.test.utils import CaptureQueriesContext

from .conftest import enrol, next_code

pytestmark = pytest.mark.django_db

MIDDLEWARE = "nhiemvu.twofactor.middleware.TwoFactorMiddleware"


def _queries(signed_in: Client, url: str) -> int:
    client = Client()  # a client loads the middleware once: a new one for each setting
    client.cookies = signed_in.cookies
    client.get(url)  # warm: caches, the first look at the session
    with CaptureQueriesContext(connection) as seen:
        assert client.get(url).status_code == 200
    return len(seen.captured_queries)


def test_a_page_costs_no_query_more_for_someone_without_two_factor(cast) -> None:
    client = Client()
    client.force_login(cast.unit_staff)
    with_it = _queries(client, "/plans/")
    with modify_settings(MIDDLEWARE={"remove": [MIDDLEWARE]}):
        without = _queries(client, "/plans/")
    assert with_it == without


def test_a_verified_session_costs_one_query_for_its_device(cast) -> None:
    enrolled = enrol(cast.unit_staff)
    client = Client()
    client.force_login(cast.unit_staff)
    client.post("/account/two-factor/verify/", {"code": next_code(enrolled.device)})
    with_it = _queries(client, "/plans/")
    with modify_settings(MIDDLEWARE={"remove": [MIDDLEWARE, "django_otp.middleware.OTPMiddleware"]}):
        without = _queries(client, "/plans/")
    assert with_it == without + 1  # django-otp loads the device that verified the session


def test_a_sign_in_by_any_backend_is_asked_for_the_code(cast) -> None:
    """Every backend (the password, LDAP, OpenID Connect) ends in django.contrib.auth.login, whose
    signal the middleware's state is worked out on; force_login goes the same way."""
    enrol(cast.director)
    client = Client()
    client.force_login(cast.director, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/plans/")["Location"] == "/account/two-factor/verify/?next=%2Fplans%2F"
