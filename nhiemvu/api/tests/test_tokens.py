"""API tokens: made and revoked by their user, stored hashed, read-only or read-write, last use recorded."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nhiemvu.api.models import ApiToken
from nhiemvu.api.services import api_token_create, api_token_revoke
from nhiemvu.testing import Cast

from .conftest import Api

pytestmark = pytest.mark.django_db


def test_only_the_hash_of_a_token_is_stored(cast: Cast) -> None:
    row, token = api_token_create(user=cast.unit_staff, name="Hệ thống báo cáo", scope="read")
    assert token.startswith(f"nv_{row.prefix}_")
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=row.pk).values()[0]
    assert token not in [str(v) for v in stored.values()]
    assert token.split("_", 2)[2] not in [str(v) for v in stored.values()]


def test_a_token_acts_as_its_user(cast: Cast) -> None:
    _, token = api_token_create(user=cast.unit_staff, name="VB", scope="read")
    response = Api(Client(), token).get("/me")
    assert response.status_code == 200
    assert response.json()["user"] == "kiemlam"
    assert response.json()["scope"] == "read"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer ",
        "Bearer nv_deadbeef_" + "x" * 43,
        "Basic a2llbWxhbTp4",
        "Bearer " + "nv_" * 500,
    ],
    ids=["no header", "empty", "unknown", "basic", "garbage"],
)
def test_a_missing_or_unknown_token_is_a_401_in_the_error_shape(cast: Cast, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = Client().get("/api/v1/plans", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_or_a_deactivated_user_is_a_401(cast: Cast) -> None:
    row, token = api_token_create(user=cast.unit_staff, name="VB", scope="write")
    api = Api(Client(), token)
    assert api.get("/plans").status_code == 200
    api_token_revoke(token=row, user=cast.unit_staff)
    assert api.get("/plans").status_code == 401

    _, other = api_token_create(user=cast.deputy, name="VB", scope="write")
    cast.deputy.is_active = False
    cast.deputy.save()
    assert Api(Client(), other).get("/plans").status_code == 401


def test_a_right_prefix_with_a_wrong_secret_is_a_401(cast: Cast) -> None:
    row, token = api_token_create(user=cast.unit_staff, name="VB", scope="write")
    forged = f"nv_{row.prefix}_{'A' * len(token.split('_', 2)[2])}"
    assert Api(Client(), forged).get("/plans").status_code == 401


def test_a_logged_in_browser_session_does_not_authenticate_the_api(client: Client, cast: Cast) -> None:
    client.force_login(cast.planning_finance)
    assert client.get("/api/v1/plans").status_code == 401
    assert client.post("/api/v1/notifications/read-all").status_code == 401


def test_a_read_only_token_reads_but_every_write_is_a_403(cast: Cast) -> None:
    _, token = api_token_create(user=cast.planning_finance, name="VB", scope="read")
    api = Api(Client(), token)
    assert api.get("/plans").status_code == 200
    response = api.post("/notifications/read-all")
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert response.json()["message"]


def test_last_use_is_written_at_most_once_a_minute(cast: Cast) -> None:
    row, token = api_token_create(user=cast.unit_staff, name="VB", scope="read")
    api = Api(Client(), token)
    start = dt.datetime(2023, 6, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        api.get("/me")
    row.refresh_from_db()
    assert row.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        api.get("/me")
    row.refresh_from_db()
    assert row.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        api.get("/me")
    row.refresh_from_db()
    assert row.last_used_at == start + dt.timedelta(seconds=61)


def test_the_token_page_shows_a_new_token_once_and_revokes_it(client: Client, cast: Cast) -> None:
    client.force_login(cast.unit_staff)
    url = reverse("api-tokens:token-list")
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("api-tokens:token-create"),
        {"name": "Hệ thống quản lý văn bản", "scope": "write"},
        follow=True,
    )
    row = ApiToken.objects.get(user=cast.unit_staff)
    page = response.content.decode()
    assert 'data-testid="new-token-value"' in page
    secret = page.split('data-testid="new-token-value"')[0].rsplit('value="', 1)[1].split('"', 1)[0]
    assert secret.startswith(f"nv_{row.prefix}_")
    assert Api(Client(), secret).get("/me").json()["scope"] == "write"
    # Shown once: the next visit has the row, not the secret.
    again = client.get(url).content.decode()
    assert secret not in again
    assert f"nv_{row.prefix}_" in again

    client.post(reverse("api-tokens:token-revoke", args=[row.pk]))
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert Api(Client(), secret).get("/me").status_code == 401


def test_a_token_needs_a_name_and_a_known_scope(client: Client, cast: Cast) -> None:
    client.force_login(cast.unit_staff)
    client.post(reverse("api-tokens:token-create"), {"name": "  ", "scope": "write"})
    client.post(reverse("api-tokens:token-create"), {"name": "VB", "scope": "admin"})
    assert not ApiToken.objects.exists()


def test_nobody_revokes_or_sees_another_users_token(client: Client, cast: Cast) -> None:
    row, _ = api_token_create(user=cast.unit_staff, name="Của kiểm lâm", scope="write")
    client.force_login(cast.outsider)
    assert "Của kiểm lâm" not in client.get(reverse("api-tokens:token-list")).content.decode()
    assert client.post(reverse("api-tokens:token-revoke", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_the_token_page_needs_a_login(client: Client) -> None:
    response = client.get(reverse("api-tokens:token-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_revoking_twice_keeps_the_first_time(cast: Cast) -> None:
    row, _ = api_token_create(user=cast.unit_staff, name="VB", scope="read")
    first = api_token_revoke(token=row, user=cast.unit_staff).revoked_at
    assert first is not None and first <= timezone.now()
    assert api_token_revoke(token=row, user=cast.unit_staff).revoked_at == first


def test_a_password_change_revokes_the_users_tokens(cast: Cast) -> None:
    """Issue 22, item 5: a token is as good as the password; a new password ends the old tokens."""
    from nhiemvu.api.models import ApiToken

    from .conftest import API, token_for

    secret = token_for(cast.planning_finance)
    other = token_for(cast.unit_staff)
    client = Client()
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    cast.planning_finance.set_password("một mật khẩu mới dài hơn")
    cast.planning_finance.save()
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200
    assert ApiToken.objects.filter(user=cast.planning_finance, revoked_at__isnull=True).count() == 0
    cast.planning_finance.save(update_fields=["last_login"])  # a login is not a password change
    assert ApiToken.objects.filter(user=cast.unit_staff, revoked_at__isnull=True).count() == 1


def test_a_new_tokens_secret_is_never_written_to_the_session(client: Client, cast: Cast) -> None:
    """Issue 22, item 5: the secret is in the one response that shows it, and in no session row."""
    from django.contrib.sessions.models import Session

    client.force_login(cast.unit_staff)
    response = client.post(reverse("api-tokens:token-create"), {"name": "VB", "scope": "read"})
    assert response.status_code == 200 and 'data-testid="new-token-value"' in response.content.decode()
    row = ApiToken.objects.get(user=cast.unit_staff)
    stored = " ".join(s.session_data + str(s.get_decoded()) for s in Session.objects.all())
    assert f"nv_{row.prefix}_" not in stored
