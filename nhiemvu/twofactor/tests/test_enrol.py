"""Setting two-factor sign-in up: the QR code and the typed secret, a code to confirm, recovery codes."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from nhiemvu.audit.models import AuditEntry
from nhiemvu.twofactor.views import PENDING_KEY

from .conftest import code_for, sign_in

pytestmark = pytest.mark.django_db


def _secret(page: str) -> str:
    found = re.search(r'data-testid="twofactor-secret">([A-Z2-7 ]+)<', page)
    assert found is not None
    return found.group(1)


def test_the_enrol_page_shows_a_qr_code_in_svg_and_the_secret_in_groups_of_four(cast) -> None:
    client = Client()
    sign_in(client, cast.unit_staff)
    page = client.get("/account/two-factor/enrol/").content.decode()
    assert "<svg" in page and "<img" not in page.split('data-testid="twofactor-qr"')[1][:200]
    groups = _secret(page).split(" ")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    # The same secret on a reload (the phone may already hold it), kept in the session, not stored yet.
    assert _secret(client.get("/account/two-factor/enrol/").content.decode()) == " ".join(groups)
    assert not TOTPDevice.objects.filter(user=cast.unit_staff).exists()


def test_a_wrong_code_enrols_nothing_and_says_to_check_the_phones_clock(cast) -> None:
    client = Client()
    sign_in(client, cast.unit_staff)
    client.get("/account/two-factor/enrol/")
    key = client.session[PENDING_KEY]
    wrong = f"{(int(code_for(key)) + 500_000) % 1_000_000:06d}"
    response = client.post("/account/two-factor/enrol/", {"token": wrong})
    assert response.status_code == 200
    assert "đồng hồ của điện thoại" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.unit_staff).exists()


def test_the_right_code_enrols_verifies_the_session_and_shows_ten_recovery_codes_once(cast) -> None:
    client = Client()
    sign_in(client, cast.unit_staff)
    client.get("/account/two-factor/enrol/")
    key = client.session[PENDING_KEY]
    response = client.post("/account/two-factor/enrol/", {"token": code_for(key)}, follow=True)
    page = response.content.decode()
    codes = re.findall(r'data-testid="recovery-code">([a-z2-9-]+)<', page)
    assert len(codes) == 10 and len(set(codes)) == 10
    device = TOTPDevice.objects.get(user=cast.unit_staff)
    assert device.confirmed and device.key == key
    # Stored as keyed hashes, never as the codes themselves.
    stored = set(StaticToken.objects.filter(device__user=cast.unit_staff).values_list("token", flat=True))
    assert len(stored) == 10 and not stored & {c for code in codes for c in (code, code.replace("-", ""))}
    # Shown once: the page does not show them again.
    again = client.get("/account/two-factor/recovery-codes/").content.decode()
    assert codes[0] not in again and "Còn 10 mã" in again
    # This session is verified by the new device: other pages open.
    assert client.get("/plans/").status_code == 200
    entry = AuditEntry.objects.get(content_type__model="totpdevice", object_id=device.pk)
    assert entry.actor == cast.unit_staff and entry.organisation_id == cast.department.pk


def test_new_recovery_codes_replace_the_old_ones(cast) -> None:
    client = Client()
    sign_in(client, cast.unit_staff)
    client.get("/account/two-factor/enrol/")
    first = client.post(
        "/account/two-factor/enrol/", {"token": code_for(client.session[PENDING_KEY])}, follow=True
    ).content.decode()
    old = re.findall(r'data-testid="recovery-code">([a-z2-9-]+)<', first)
    page = client.post("/account/two-factor/recovery-codes/", follow=True).content.decode()
    new = re.findall(r'data-testid="recovery-code">([a-z2-9-]+)<', page)
    assert len(new) == 10 and not set(new) & set(old)


def test_the_account_page_links_to_two_factor_sign_in(cast) -> None:
    client = Client()
    sign_in(client, cast.unit_staff)
    assert 'href="/account/two-factor/"' in client.get("/account/").content.decode()


def test_enrolling_signs_out_the_persons_other_sessions(cast) -> None:
    elsewhere = Client()
    sign_in(elsewhere, cast.unit_staff)
    client = Client()
    sign_in(client, cast.unit_staff)
    client.get("/account/two-factor/enrol/")
    page = client.post(
        "/account/two-factor/enrol/", {"token": code_for(client.session[PENDING_KEY])}, follow=True
    ).content.decode()
    assert "Đã đăng xuất 1 phiên đăng nhập khác" in page
    assert elsewhere.get("/plans/")["Location"].startswith("/login/")
    assert client.get("/plans/").status_code == 200


def test_the_agencys_audit_trail_lists_an_enrolment(cast) -> None:
    from .conftest import enrol

    enrol(cast.unit_staff)
    client = Client()
    sign_in(client, cast.director)
    page = client.get("/audit/").content.decode()
    # django-otp names its model in English ("TOTP device"); the entry says what was enrolled.
    assert "Totp device" in page and "Ứng dụng xác thực (kiemlam)" in page
