"""Helpers for the two-factor tests: real codes, computed from the device's key as the phone would."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from nhiemvu.testing import PASSWORD
from nhiemvu.twofactor import services


def code_for(key_hex: str, *, at: float | None = None) -> str:
    """The 6 digits an authenticator app shows for this secret now (or at `at`)."""
    totp = TOTP(bytes.fromhex(key_hex), step=30, digits=6)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def next_code(device: TOTPDevice) -> str:
    """A code the device has not accepted yet: this 30 s step's, or the next one's (within its
    tolerance of one step) when this step's code was just used."""
    device.refresh_from_db()
    step = max(int(time.time()) // 30, device.last_t + 1)
    return code_for(device.key, at=step * 30 + 1)


@dataclass
class Enrolled:
    user: User
    device: TOTPDevice
    codes: list[str]


def enrol(user: User) -> Enrolled:
    key = services.new_totp_key()
    device, codes = services.twofactor_enable(user=user, key=key, token=code_for(key))
    return Enrolled(user=user, device=device, codes=codes)


def sign_in(client: Client, user: User) -> None:
    """Through the real login form, as a person does."""
    response = client.post("/login/", {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


@pytest.fixture
def enrolled_pf(cast) -> Enrolled:
    return enrol(cast.planning_finance)
