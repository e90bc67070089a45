"""The header offers only what the user can use: the admin link only to those the admin serves."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from nhiemvu.testing import Cast

pytestmark = pytest.mark.django_db


def _header(client: Client) -> str:
    return client.get(reverse("plans:plan-list")).content.decode()


@pytest.mark.parametrize("who", ["director", "deputy", "planning_finance", "unit_staff", "reviewer"])
def test_no_role_of_the_cast_sees_an_admin_link_it_could_not_use(cast: Cast, who: str) -> None:
    client = Client()
    client.force_login(getattr(cast, who))
    assert 'data-testid="nav-admin"' not in _header(client)


def test_staff_without_any_permission_gets_no_admin_link(cast: Cast) -> None:
    """The defect: Planning-Finance's «Quản trị» opened «you don't have permission»."""
    user = cast.planning_finance
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    assert 'data-testid="nav-admin"' not in _header(client)
    user.user_permissions.add(Permission.objects.get(codename="change_holiday"))
    client.force_login(type(user).objects.get(pk=user.pk))  # a fresh user: no cached permissions
    assert 'data-testid="nav-admin"' in _header(client)
    admin = client.get(reverse("admin:index")).content.decode()
    assert "holiday" in admin.lower() or "ngày nghỉ" in admin.lower()


def test_a_superuser_sees_the_admin_link(cast: Cast) -> None:
    user = cast.outsider
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(user)
    assert 'data-testid="nav-admin"' in _header(client)
