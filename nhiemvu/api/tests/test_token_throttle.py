"""Guessing API tokens is throttled per client address (issue 22, item 5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from nhiemvu.testing import Cast

from .conftest import API, token_for

pytestmark = pytest.mark.django_db


def call(token: str, address: str = "10.0.0.7") -> Any:
    return Client(REMOTE_ADDR=address).get(f"{API}/plans", headers={"Authorization": f"Bearer {token}"})


def test_an_address_that_sends_wrong_tokens_is_refused_for_a_while_even_with_a_right_one(
    cast: Cast, settings: Any
) -> None:
    settings.API_FAILED_TOKEN_LIMIT = 3
    settings.API_FAILED_TOKEN_WINDOW = 600
    right = token_for(cast.planning_finance)
    start = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        assert call(right).status_code == 200
        for guess in range(3):
            assert call(f"nv_abcdefgh_{guess:040d}").status_code == 401
        refused = call(right)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "600"
        body = refused.json()
        assert body["code"] == "too_many_failed_tokens"
        assert "thử lại sau 10 phút" in body["message"] and "try again in 10 minutes" in body["message_en"]
        # Another address is not held to this one's mistakes.
        assert call(right, address="10.0.0.8").status_code == 200
    with time_machine.travel(start + dt.timedelta(seconds=601), tick=False):
        assert call(right).status_code == 200


def test_right_tokens_are_never_counted(cast: Cast, settings: Any) -> None:
    settings.API_FAILED_TOKEN_LIMIT = 2
    right = token_for(cast.planning_finance)
    assert all(call(right).status_code == 200 for _ in range(5))
    assert call("nv_abcdefgh_wrong").status_code == 401
    assert call(right).status_code == 200


def test_behind_a_trusted_proxy_the_count_is_per_client_not_per_proxy(cast: Cast, settings: Any) -> None:
    settings.API_FAILED_TOKEN_LIMIT = 2
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]
    right = token_for(cast.planning_finance)

    def via_proxy(token: str, client_ip: str) -> int:
        return (
            Client(REMOTE_ADDR="127.0.0.1")
            .get(f"{API}/plans", headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": client_ip})
            .status_code
        )

    assert [via_proxy("nv_x_wrong", "10.1.1.1") for _ in range(2)] == [401, 401]
    assert via_proxy(right, "10.1.1.1") == 429
    assert via_proxy(right, "10.1.1.2") == 200
