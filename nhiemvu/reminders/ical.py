"""Renders a feed's events as an iCalendar (RFC 5545) document with the `icalendar` library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event

from .selectors import CalendarEvent


def render_calendar(events: Iterable[CalendarEvent], *, name: str, site_url: str) -> bytes:
    """All-day events (DTSTART;VALUE=DATE, DTEND the day after, as RFC 5545 wants for one day)."""
    calendar = Calendar()
    calendar.add("prodid", "-//nhiemvu//Theo doi nhiem vu trong tam//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    # Calendar apps poll at their own pace; this asks for a few hours, not minutes.
    calendar.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.stamp.astimezone(dt.UTC))
        event.add("dtstart", item.day)
        event.add("dtend", item.day + dt.timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", f"{item.description}\n{site_url}{item.url}")
        event.add("url", f"{site_url}{item.url}")
        event.add("transp", "TRANSPARENT")  # a deadline is not a meeting: it does not block time
        calendar.add_component(event)
    return calendar.to_ical()
