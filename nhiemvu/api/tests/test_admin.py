"""The admin lists tokens and revokes them, but cannot make one (it could never show the secret)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from nhiemvu.api.models import ApiToken
from nhiemvu.api.services import api_token_create
from nhiemvu.testing import Cast

pytestmark = pytest.mark.django_db


def test_an_administrator_sees_and_revokes_tokens_but_cannot_add_one(client: Client, cast: Cast) -> None:
    row, _ = api_token_create(user=cast.unit_staff, name="Hệ thống báo cáo", scope="write")
    admin = get_user_model().objects.create_superuser(username="quantri", password="x")
    client.force_login(admin)
    listing = client.get(reverse("admin:api_apitoken_changelist"))
    assert listing.status_code == 200
    assert "Hệ thống báo cáo" in listing.content.decode()
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
    client.post(reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert ApiToken.objects.count() == 1
