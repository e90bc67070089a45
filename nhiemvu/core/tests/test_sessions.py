"""Sessions on shared office computers (issue 21, item 2; ASVS V3): idle and absolute limits, every
session listed and ended on demand, and sessions ended by a new password, a deactivation or a role
change; the key rotates at sign-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from nhiemvu.api.models import ApiToken
from nhiemvu.api.services import api_token_create
from nhiemvu.core.models import UserSession
from nhiemvu.organisations.models import Membership, Role
from nhiemvu.testing import PASSWORD, Cast

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
PLANS = "/plans/"


def sign_in(username: str = "khtc", agent: str = "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR="10.0.0.7")
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def signed_out(client: Client) -> bool:
    response = client.get(PLANS)
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_signing_in_rotates_the_session_key_and_registers_the_session(cast: Cast) -> None:
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Chrome/120.0", REMOTE_ADDR="10.0.0.7")
    client.get(reverse("login"))
    session = client.session
    session["before"] = "x"
    session.save()
    before = session.session_key
    client.post(reverse("login"), {"username": "khtc", "password": PASSWORD})
    after = client.cookies["sessionid"].value
    assert after != before and not Session.objects.filter(session_key=before).exists()
    row = UserSession.objects.get(session_key=after)
    assert (row.user, row.ip, row.browser) == (cast.planning_finance, "10.0.0.7", "Chrome · Windows")


@pytest.mark.parametrize(("quiet", "ends"), [(29, False), (31, True)])
def test_a_session_ends_after_thirty_quiet_minutes_and_says_why(cast: Cast, quiet: int, ends: bool) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in()
        clock.shift(dt.timedelta(minutes=20))
        assert client.get(PLANS).status_code == 200  # activity: the quiet time starts again
        clock.shift(dt.timedelta(minutes=quiet))
        response = client.get(f"{PLANS}?year=2023")
        if not ends:
            assert response.status_code == 200
            return
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next=%2Fplans%2F%3Fyear%3D2023&expired=idle"
        page = client.get(response["Location"]).content.decode()
        assert "Phiên làm việc đã kết thúc sau 30 phút không thao tác" in page
        assert not UserSession.objects.exists()  # the session is gone, not merely refused
        assert signed_out(client)


def test_a_session_ends_a_working_day_after_sign_in_however_busy(cast: Cast) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in()
        for _ in range(8 * 3):  # every twenty minutes for eight hours
            clock.shift(dt.timedelta(minutes=20))
            response = client.get(PLANS)
        assert response.status_code == 200
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        response = client.get(PLANS)
        assert response.status_code == 302 and response["Location"].endswith("expired=absolute")


def test_an_htmx_request_of_an_ended_session_is_sent_to_sign_in(cast: Cast) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in()
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(PLANS, headers={"HX-Request": "true"})
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith(f"{reverse('login')}?next=")


def test_activity_is_written_once_a_minute_not_on_every_request(cast: Cast) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in()
        row = UserSession.objects.get()
        clock.shift(dt.timedelta(seconds=30))
        client.get(PLANS)
        assert UserSession.objects.get().last_seen == row.last_seen
        clock.shift(dt.timedelta(seconds=31))
        client.get(PLANS)
        assert UserSession.objects.get().last_seen > row.last_seen


def test_the_account_page_lists_the_sessions_and_ends_one_or_all_others(cast: Cast) -> None:
    office = sign_in(agent="Mozilla/5.0 (Windows NT 10.0) Firefox/121.0")
    phone = sign_in(agent="Mozilla/5.0 (Linux; Android 14) Chrome/120.0 Mobile")
    laptop = sign_in(agent="Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0")
    page = office.get(reverse("account:account")).content.decode()
    assert page.count('data-testid="session-row"') == 3 and page.count('data-testid="this-session"') == 1
    assert "Firefox · Windows" in page and "Chrome · Android" in page

    phone_key = phone.cookies["sessionid"].value
    row = UserSession.objects.get(session_key=phone_key)
    assert office.post(reverse("account:session-end", args=[row.pk])).status_code == 302
    assert signed_out(phone) and not signed_out(laptop) and not signed_out(office)

    office.post(reverse("account:sessions-end"))
    assert signed_out(laptop) and not signed_out(office)
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [
        office.cookies["sessionid"].value
    ]

    office.post(reverse("account:sessions-end"), {"everywhere": "1"})
    assert signed_out(office) and not UserSession.objects.exists()


def test_nobody_ends_anothers_session_from_their_account_page(cast: Cast) -> None:
    victim = sign_in("kiemlam")
    row = UserSession.objects.get(user=cast.unit_staff)
    other = sign_in("khtc")
    assert other.post(reverse("account:session-end", args=[row.pk])).status_code == 404
    assert not signed_out(victim)


def test_an_administrator_signs_a_compromised_account_out_everywhere(cast: Cast) -> None:
    victim_office, victim_home = sign_in("kiemlam"), sign_in("kiemlam")
    bystander = sign_in("khtc")
    admin = User.objects.create_superuser("quantri", "qt@example.vn", PASSWORD)
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "sign_out_everywhere", "_selected_action": [cast.unit_staff.pk]},
        follow=True,
    )
    assert "Đã kết thúc 2 phiên đăng nhập." in response.content.decode()
    assert signed_out(victim_office) and signed_out(victim_home) and not signed_out(bystander)


def test_a_new_password_signs_out_the_other_computers_and_keeps_this_one(cast: Cast) -> None:
    here, elsewhere = sign_in(), sign_in()
    api_token_create(user=cast.planning_finance, name="Hệ thống", scope="read")
    new = "mot cau dai de nho 2026"
    response = here.post(
        reverse("account:password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Đã đổi mật khẩu." in response.content.decode()
    [notice] = mail.outbox  # the person is told, in case it was not them (ASVS 2.2.3)
    assert (
        notice.to == ["khtc@example.vn"] and "khtc" in str(notice.body) and "vừa được đổi" in str(notice.body)
    )
    assert signed_out(elsewhere) and not signed_out(here)
    assert UserSession.objects.filter(session_key=here.cookies["sessionid"].value).exists()
    assert UserSession.objects.count() == 1
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()


@pytest.mark.parametrize("change", ["deactivated", "role changed", "membership removed"])
def test_a_deactivation_or_a_change_of_role_ends_the_persons_sessions(
    cast: Cast, change: str, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    victim, bystander = sign_in("kiemlam"), sign_in("khtc")
    with django_capture_on_commit_callbacks(execute=True):
        if change == "deactivated":
            user = User.objects.get(pk=cast.unit_staff.pk)
            user.is_active = False
            user.save()
        else:
            membership = Membership.objects.get(user=cast.unit_staff)
            if change == "role changed":
                membership.role = Role.PLANNING_FINANCE
                membership.save()
            else:
                membership.delete()
    assert signed_out(victim) and not signed_out(bystander)


def test_the_pages_own_requests_learn_of_the_end_in_json_and_asking_is_not_activity(cast: Cast) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in()
        clock.shift(dt.timedelta(minutes=10))
        assert client.get(reverse("account:session-status")).json() == {"idle_left": 20 * 60}
        clock.shift(dt.timedelta(minutes=10))
        assert client.get(reverse("account:session-status")).json() == {"idle_left": 10 * 60}
        assert client.get(reverse("account:keepalive")).status_code == 204  # "Tiếp tục làm việc"
        assert client.get(reverse("account:session-status")).json() == {"idle_left": 30 * 60}
        clock.shift(dt.timedelta(minutes=31))
        assert client.get(reverse("account:keepalive")).json() == {"expired": "idle"}
        assert client.get(reverse("account:session-status")).json() == {"expired": "signed_out"}


def test_the_page_tells_its_idle_timer_plain_seconds(client: Client, cast: Cast) -> None:
    """Not `1.800` (the thousands separator of the Vietnamese format): session.js reads it with
    parseInt, which would stop at the dot and give one second instead of thirty minutes."""
    client.force_login(cast.unit_staff)
    html = client.get(reverse("plans:plan-list")).content.decode()
    assert 'data-session-idle="1800"' in html
    assert 'data-session-warning="120"' in html
