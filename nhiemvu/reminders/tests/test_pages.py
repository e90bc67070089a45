"""The bell, the notification list and its read marks, the e-mail preference form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from nhiemvu.reminders.models import EmailMode, Notification, NotificationPreference
from nhiemvu.reminders.services import RoundResult
from nhiemvu.testing import PASSWORD

from .conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def notified(world: World, remind: Callable[..., RoundResult]) -> World:
    world.may_on_time()
    remind(dt.date(2023, 6, 13))
    remind(dt.date(2023, 6, 16))
    return world


def login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_bell_shows_the_unread_count_and_the_list_shows_only_ones_own(
    notified: World, client: Client
) -> None:
    login(client, "kiemlam")
    response = client.get(reverse("reminders:notification-list"))
    html = response.content.decode()
    assert 'data-testid="bell-count">2</span>' in html
    assert [n.recipient for n in response.context["notifications"]] == [notified.cast.unit_staff] * 2
    assert "Hôm nay (16/06/2023) là hạn gửi báo cáo Tháng 06/2023" in html


def test_the_list_takes_a_fixed_number_of_queries(
    notified: World, client: Client, django_assert_num_queries
) -> None:
    login(client, "kiemlam")
    # session, user, count for the paginator, the page, the preference, the bell's count,
    # the navigation's access scope (memberships, organisations) — whatever the list's length.
    with django_assert_num_queries(8):
        client.get(reverse("reminders:notification-list"))


def test_a_page_without_the_bell_does_not_count(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, db: None
) -> None:
    with django_assert_num_queries(0):
        client.get(reverse("login"))


def test_marking_one_and_then_all_as_read(notified: World, client: Client) -> None:
    login(client, "kiemlam")
    first, _second = Notification.objects.filter(recipient=notified.cast.unit_staff).order_by("id")
    response = client.post(reverse("reminders:notification-read", args=[first.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == first.url
    first.refresh_from_db()
    assert first.read_at is not None
    response = client.post(reverse("reminders:notification-read-all"), follow=True)
    assert "bell-count" not in response.content.decode()
    assert Notification.objects.filter(recipient=notified.cast.unit_staff, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=notified.rural_staff, read_at__isnull=True).count() == 2


def test_someone_elses_notification_is_a_404(notified: World, client: Client) -> None:
    login(client, "ptnt")
    theirs = Notification.objects.filter(recipient=notified.cast.unit_staff).first()
    assert client.post(reverse("reminders:notification-read", args=[theirs.pk])).status_code == 404  # type: ignore[union-attr]  # ptnt was notified
    assert client.get(reverse("reminders:notification-read", args=[1])).status_code in (404, 405)


def test_anonymous_visitors_are_sent_to_the_login(client: Client, db: None) -> None:
    for name in ("reminders:notification-list", "reminders:feed-list"):
        assert client.get(reverse(name))["Location"].startswith("/login/")


def test_choosing_the_daily_digest(world: World, client: Client) -> None:
    login(client, "kiemlam")
    client.post(reverse("reminders:preference-update"), {"email": "digest"})
    assert NotificationPreference.objects.get(user=world.cast.unit_staff).email == EmailMode.DIGEST
    response = client.post(reverse("reminders:preference-update"), {"email": "fax"}, follow=True)
    assert "Cách nhận thư không hợp lệ." in response.content.decode()
    assert NotificationPreference.objects.get(user=world.cast.unit_staff).email == EmailMode.DIGEST
