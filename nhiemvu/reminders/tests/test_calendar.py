"""Calendar feeds: made and shown once, read by token without login, parsed with `icalendar`, revocable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from nhiemvu.reminders.models import CalendarFeed
from nhiemvu.reminders.services import feed_create, feed_revoke, token_hash
from nhiemvu.testing import PASSWORD

from .conftest import World

pytestmark = pytest.mark.django_db

D = dt.date


def events(client: Client, token: str) -> dict[str, tuple[dt.date, dt.date, str]]:
    response = client.get(reverse("reminders:feed-ics", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {
        str(e["UID"]): (e.decoded("DTSTART"), e.decoded("DTEND"), str(e["SUMMARY"]))
        for e in calendar.walk("VEVENT")
    }


def test_a_users_feed_has_send_by_dates_milestones_and_deadlines_of_the_tasks_they_see(
    world: World, client: Client
) -> None:
    feed, token = feed_create(user=world.cast.unit_staff)
    assert feed.token_hash == token_hash(token) and token not in str(CalendarFeed.objects.values_list())
    found = events(client, token)
    june, task = world.period("2023-06"), world.forest_task
    milestone = task.milestones.get()
    assert found[f"report-due-{june.pk}@nhiemvu"] == (
        D(2023, 6, 16),
        D(2023, 6, 17),
        "Hạn gửi báo cáo Tháng 06/2023",
    )
    assert found[f"milestone-{milestone.pk}@nhiemvu"] == (
        D(2023, 6, 30),
        D(2023, 7, 1),
        "Mốc tiến độ nhiệm vụ 1: hoàn thành bước đầu",
    )
    assert found[f"task-deadline-{task.pk}@nhiemvu"] == (
        D(2023, 12, 31),
        D(2024, 1, 1),
        "Hạn hoàn thành nhiệm vụ 1: Nhiệm vụ số 1",
    )
    # Twelve monthly send-by dates (units report monthly only), and nothing of the rural unit's task.
    assert sum(uid.startswith("report-due-") for uid in found) == 12
    assert not any(str(world.rural_task.pk) in uid for uid in found if uid.startswith("task-"))
    # The same UIDs on every fetch: calendar apps update events instead of doubling them.
    assert events(client, token).keys() == found.keys()
    feed.refresh_from_db()
    assert feed.last_used_at is not None


def test_a_directors_feed_covers_the_whole_departments_plan(world: World, client: Client) -> None:
    _, token = feed_create(user=world.cast.director)
    found = events(client, token)
    assert {uid for uid in found if uid.startswith("task-deadline-")} == {
        f"task-deadline-{world.forest_task.pk}@nhiemvu",
        f"task-deadline-{world.rural_task.pk}@nhiemvu",
    }


def test_a_units_feed_shows_the_tasks_it_leads(world: World, client: Client) -> None:
    _, token = feed_create(user=world.rural_staff, organisation=world.cast.rural_unit)
    found = events(client, token)
    assert f"task-deadline-{world.rural_task.pk}@nhiemvu" in found
    assert f"task-deadline-{world.forest_task.pk}@nhiemvu" not in found
    calendar = Calendar.from_ical(client.get(reverse("reminders:feed-ics", args=[token])).content)
    assert str(calendar["X-WR-CALNAME"]) == "nhiemvu · Chi cục Phát triển nông thôn"


def test_a_draft_plan_is_not_in_any_feed(world: World, client: Client) -> None:
    world.plan.status = "draft"
    world.plan.save(update_fields=["status"])
    _, token = feed_create(user=world.cast.unit_staff)
    assert events(client, token) == {}


def test_a_revoked_or_unknown_token_is_a_404(world: World, client: Client) -> None:
    feed, token = feed_create(user=world.cast.unit_staff)
    feed_revoke(feed=feed, user=world.cast.unit_staff)
    assert client.get(reverse("reminders:feed-ics", args=[token])).status_code == 404
    assert client.get(reverse("reminders:feed-ics", args=["not-a-token"])).status_code == 404
    assert client.get(reverse("reminders:feed-ics", args=[feed.token_hash])).status_code == 404


def test_a_feed_stops_when_its_owner_is_deactivated(world: World, client: Client) -> None:
    _, token = feed_create(user=world.cast.unit_staff)
    world.cast.unit_staff.is_active = False
    world.cast.unit_staff.save(update_fields=["is_active"])
    assert client.get(reverse("reminders:feed-ics", args=[token])).status_code == 404


def test_the_feed_address_is_shown_once_after_it_is_made(world: World, client: Client) -> None:
    client.login(username="kiemlam", password=PASSWORD)
    response = client.post(
        reverse("reminders:feed-create"), {"organisation": world.cast.forest_unit.pk}, follow=True
    )
    url = response.context["new_feed_url"]
    assert url.startswith("http://testserver/reminders/calendar/") and url.endswith(".ics")
    assert url in response.content.decode()
    feed = CalendarFeed.objects.get()
    assert (feed.owner_organisation, feed.owner_user, feed.created_by) == (
        world.cast.forest_unit,
        None,
        world.cast.unit_staff,
    )
    again = client.get(reverse("reminders:feed-list"))
    assert again.context["new_feed_url"] == "" and url not in again.content.decode()
    assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_only_a_units_staff_make_or_revoke_its_feed(world: World, client: Client) -> None:
    client.login(username="ptnt", password=PASSWORD)
    response = client.post(reverse("reminders:feed-create"), {"organisation": world.cast.forest_unit.pk})
    assert response.status_code == 404
    feed, _ = feed_create(user=world.cast.unit_staff, organisation=world.cast.forest_unit)
    own, _ = feed_create(user=world.cast.unit_staff)
    for pk in (feed.pk, own.pk):
        assert client.post(reverse("reminders:feed-revoke", args=[pk])).status_code == 404
    assert CalendarFeed.objects.filter(revoked_at__isnull=False).count() == 0
    client.login(username="kiemlam", password=PASSWORD)
    client.post(reverse("reminders:feed-revoke", args=[feed.pk]))
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_a_new_feeds_address_is_never_written_to_the_session(world: World, client: Client) -> None:
    """Issue 22, item 5: the calendar address is a secret too; only its hash is kept."""
    from django.contrib.sessions.models import Session

    client.login(username="kiemlam", password=PASSWORD)
    response = client.post(reverse("reminders:feed-create"), {"organisation": world.cast.forest_unit.pk})
    url = response.context["new_feed_url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert token and all(token not in str(s.get_decoded()) for s in Session.objects.all())
