"""The second step after signing in: a code from the phone or a recovery code; throttled."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from nhiemvu.audit.models import AuditEntry

from .conftest import Enrolled, code_for, next_code, sign_in

pytestmark = pytest.mark.django_db


def test_signing_in_with_a_device_leads_to_the_code_page_and_back(enrolled_pf: Enrolled) -> None:
    client = Client()
    sign_in(client, enrolled_pf.user)
    response = client.get("/plans/?year=2023")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/verify/?next=%2Fplans%2F%3Fyear%3D2023"
    assert client.get("/account/tokens/").status_code == 302  # no API token without the code
    assert client.get(response["Location"]).status_code == 200
    done = client.post(
        "/account/two-factor/verify/", {"code": next_code(enrolled_pf.device), "next": "/plans/?year=2023"}
    )
    assert done["Location"] == "/plans/?year=2023"
    assert client.get("/plans/").status_code == 200


def test_a_wrong_code_is_refused(enrolled_pf: Enrolled) -> None:
    client = Client()
    sign_in(client, enrolled_pf.user)
    right = next_code(enrolled_pf.device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post("/account/two-factor/verify/", {"code": wrong})
    assert response.status_code == 200 and "Mã không đúng" in response.content.decode()
    assert client.get("/plans/").status_code == 302


def test_an_htmx_request_gets_hx_redirect_not_a_redirect_into_its_fragment(enrolled_pf: Enrolled) -> None:
    client = Client()
    sign_in(client, enrolled_pf.user)
    response = client.get(
        "/plans/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/plans/?q=rừng"}
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/account/two-factor/verify/?next=%2Fplans%2F")
    posted = client.post(
        "/reporting/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/plans/"}
    )
    assert (
        posted.status_code == 204 and posted["HX-Redirect"] == "/account/two-factor/verify/?next=%2Fplans%2F"
    )


def test_logout_language_and_session_pages_stay_open_before_the_code(enrolled_pf: Enrolled) -> None:
    client = Client()
    sign_in(client, enrolled_pf.user)
    assert client.get("/account/session/").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post("/logout/")["Location"] == "/login/"
    assert client.get("/plans/")["Location"].startswith("/login/")


def test_a_recovery_code_works_once_only(enrolled_pf: Enrolled) -> None:
    code = enrolled_pf.codes[3]
    first = Client()
    sign_in(first, enrolled_pf.user)
    response = first.post(
        "/account/two-factor/verify/", {"code": code.upper().replace("-", " ")}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/plans/"
    assert "Còn 9 mã" in response.content.decode()
    second = Client()
    sign_in(second, enrolled_pf.user)
    again = second.post("/account/two-factor/verify/", {"code": code})
    assert again.status_code == 200 and "Mã không đúng" in again.content.decode()
    assert second.get("/plans/").status_code == 302
    entry = AuditEntry.objects.filter(content_type__model="staticdevice").latest("pk")
    assert entry.changes_dict == {"Mã khôi phục còn lại": ["10", "9"]}
    assert entry.actor == enrolled_pf.user and entry.organisation_id is not None


def _wrong(device_key: str) -> str:
    return f"{(int(code_for(device_key)) + 7) % 1_000_000:06d}"


def test_after_several_wrong_codes_even_the_right_one_waits_for_the_delay(enrolled_pf: Enrolled) -> None:
    device = enrolled_pf.device
    client = Client()
    sign_in(client, enrolled_pf.user)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for failures in range(1, 6):
            response = client.post("/account/two-factor/verify/", {"code": _wrong(device.key)})
            assert "Mã không đúng" in response.content.decode()
            traveller.shift(dt.timedelta(seconds=2 ** (failures - 1)))  # each wait out (1, 2, 4, 8, 16 s)
        device.refresh_from_db()
        assert device.throttling_failure_count == 5
        # Five failures: the device waits 2^4 = 16 s from the last one; 16 have passed, step back to 10.
        traveller.shift(dt.timedelta(seconds=-6))
        refused = client.post("/account/two-factor/verify/", {"code": next_code(device)})
        page = refused.content.decode()
        assert refused.status_code == 200 and "hãy chờ 6 giây rồi nhập lại" in page
        assert client.get("/plans/").status_code == 302
        traveller.shift(dt.timedelta(seconds=6))
        accepted = client.post("/account/two-factor/verify/", {"code": next_code(device)})
        assert accepted.status_code == 302
        assert client.get("/plans/").status_code == 200
    # The lockout (the fifth wrong code in a row) is in the agency's audit trail.
    lockout = AuditEntry.objects.filter(content_type__model="totpdevice", action=AuditEntry.Action.UPDATE)
    assert [e.changes_dict for e in lockout] == [{"throttling_failure_count": ["4", "5"]}]
    assert lockout[0].organisation_id == enrolled_pf.user.memberships.get().organisation.parent_id
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_code_typed_again_at_once_is_told_to_wait_not_that_it_is_wrong(enrolled_pf: Enrolled) -> None:
    device = enrolled_pf.device
    client = Client()
    sign_in(client, enrolled_pf.user)
    with time_machine.travel(timezone.now(), tick=False):
        client.post("/account/two-factor/verify/", {"code": _wrong(device.key)})
        response = client.post("/account/two-factor/verify/", {"code": next_code(device)})
    assert "hãy chờ 1 giây rồi nhập lại" in response.content.decode()


def test_a_code_is_accepted_once_not_again_in_another_session(enrolled_pf: Enrolled) -> None:
    code = next_code(enrolled_pf.device)
    first = Client()
    sign_in(first, enrolled_pf.user)
    assert first.post("/account/two-factor/verify/", {"code": code}).status_code == 302
    second = Client()
    sign_in(second, enrolled_pf.user)
    replay = second.post("/account/two-factor/verify/", {"code": code})
    assert replay.status_code == 200 and "Mã không đúng" in replay.content.decode()
