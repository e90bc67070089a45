"""The bell's unread count kept in the shared cache (BELL_CACHE_SECONDS, on with CACHE_URL): one
query fewer on every page, and never a stale figure after the person's notifications change."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nhiemvu.reminders.models import Notification
from nhiemvu.reminders.services import RoundResult
from nhiemvu.testing import PASSWORD

from .conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached_bell(settings: object) -> Iterator[None]:
    settings.BELL_CACHE_SECONDS = 300  # type: ignore[attr-defined]
    cache.clear()
    yield
    cache.clear()


def bell(client: Client) -> int:
    html = client.get(reverse("organisations:organisation-list")).content.decode()
    found = re.search(r'data-testid="bell-count">(\d+)<', html)
    return int(found[1]) if found else 0


def test_the_cached_count_follows_new_read_and_all_read_notifications(
    world: World,
    remind: Callable[..., RoundResult],
    cached_bell: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    assert client.login(username="kiemlam", password=PASSWORD)
    world.may_on_time()
    assert bell(client) == 0
    with django_capture_on_commit_callbacks(execute=True):
        remind(dt.date(2023, 6, 13))
    assert bell(client) == 1
    with django_capture_on_commit_callbacks(execute=True):
        remind(dt.date(2023, 6, 16))
    assert bell(client) == 2

    # A second page reads the figure from the cache: one query fewer than the first.
    url = reverse("organisations:organisation-list")
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) == len(first) - 1

    one = Notification.objects.filter(recipient__username="kiemlam").order_by("id").first()
    assert one is not None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reminders:notification-read", args=[one.pk]))
    assert bell(client) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reminders:notification-read-all"))
    assert bell(client) == 0
