"""Calendars in RFC 5545 that Outlook, Google and Apple show and keep up to date (the
pitfalls are in docs/calendars.md): stable UIDs, DTSTAMP and SEQUENCE from the thing's own
changes (the same data gives the same bytes), Europe/London with its VTIMEZONE, cancelled
things kept a while as STATUS:CANCELLED, calendar properties before the events."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar

SCHOOL_TIME = ZoneInfo("Europe/London")
CANCELLED_KEPT_FOR = timedelta(days=30)
"""A cancelled booking stays in the feed this long (Google deletes it, Apple strikes it)."""
REFRESH = "PT1H"
PRODID = "-//Staffroom//PD days//EN"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    day: date
    starts: str  # HH:MM, school time
    ends: str
    location: str
    description: str
    url: str
    cancelled: bool
    sequence: int
    changed_at: datetime


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str
    last_modified: datetime | None


def still_shown(event: CalendarEvent, now: datetime) -> bool:
    return not event.cancelled or now - event.changed_at < CANCELLED_KEPT_FOR


def at(day: date, hhmm: str) -> datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), SCHOOL_TIME)


def calendar(events: Iterable[CalendarEvent], name: str | None, now: datetime) -> Feed:
    """A feed (with `name`) or a single-event file (no name: Outlook would otherwise make
    a new calendar of it). Last-Modified comes from every event given, shown or not, so
    it never goes backwards when a cancelled one drops out."""
    events = list(events)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("name", name)
        cal.add("x-wr-calname", name)
        cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", REFRESH)
    shown = sorted(
        (e for e in events if still_shown(e, now)), key=lambda e: (e.day, e.starts, e.uid)
    )
    for event in shown:
        cal.add_component(vevent(event))
    if shown:
        first, last = shown[0].day, shown[-1].day
        cal.add_missing_timezones(first - timedelta(days=366), last + timedelta(days=366))
    body = cal.to_ical()
    changed = max((e.changed_at for e in events), default=None)
    return Feed(body, hashlib.sha256(body).hexdigest()[:32], changed)


def vevent(event: CalendarEvent) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", event.uid)
    item.add("dtstamp", event.changed_at.astimezone(UTC))
    item.add("last-modified", event.changed_at.astimezone(UTC))
    item.add("sequence", event.sequence)
    item.add("dtstart", at(event.day, event.starts))
    item.add("dtend", at(event.day, event.ends))
    item.add("summary", event.summary)
    item.add("location", event.location)
    item.add("description", event.description)
    item.add("url", event.url)
    item.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    item.add("transp", "TRANSPARENT" if event.cancelled else "OPAQUE")
    return item
