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
    reason: str = ""
    """Why it was cancelled, first in the description (Outlook ignores STATUS)."""
    tentative: bool = False
    """A hold (a date poll's option): STATUS:TENTATIVE, shown as tentative in Outlook."""


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str
    last_modified: datetime | None


def still_shown(event: CalendarEvent, now: datetime) -> bool:
    return not event.cancelled or now - event.changed_at < CANCELLED_KEPT_FOR


def last_change(event: CalendarEvent, now: datetime) -> datetime:
    """A cancelled event dropping out of the feed is a change too."""
    return event.changed_at if still_shown(event, now) else event.changed_at + CANCELLED_KEPT_FOR


class LiteralText(icalendar.vText):
    """TEXT escaped as RFC 5545 says: icalendar turns a literal `\\N` into a line break."""

    def to_ical(self) -> bytes:
        text = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n").encode()


def london() -> icalendar.Timezone:
    """Europe/London as two yearly rules (classic Outlook misreads dated transitions)."""
    zone = icalendar.Timezone()
    zone.add("tzid", "Europe/London")
    for kind, name, month, hour, before, after in (
        (icalendar.TimezoneStandard, "GMT", 10, 2, 1, 0),
        (icalendar.TimezoneDaylight, "BST", 3, 1, 0, 1),
    ):
        part = kind()
        part.add("tzname", name)
        part.add("dtstart", datetime(1996, month, 27 if month == 10 else 31, hour))
        part.add("tzoffsetfrom", timedelta(hours=before))
        part.add("tzoffsetto", timedelta(hours=after))
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
        zone.add_component(part)
    return zone


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
    cal.add_component(london())  # always: a calendar needs a component, even with no events
    shown = sorted(
        (e for e in events if still_shown(e, now)), key=lambda e: (e.day, e.starts, e.uid)
    )
    for event in shown:
        cal.add_component(vevent(event))
    body = cal.to_ical()
    changed = max((last_change(e, now) for e in events), default=None)
    return Feed(body, hashlib.sha256(body).hexdigest()[:32], changed)


def vevent(event: CalendarEvent) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", event.uid)
    item.add("dtstamp", event.changed_at.astimezone(UTC))
    item.add("last-modified", event.changed_at.astimezone(UTC))
    item.add("sequence", event.sequence)
    item.add("dtstart", at(event.day, event.starts))
    item.add("dtend", at(event.day, event.ends))
    summary = f"Cancelled: {event.summary}" if event.cancelled else event.summary
    reason = event.reason if event.cancelled else ""
    description = "\n\n".join(part for part in (reason, event.description) if part)
    item.add("summary", LiteralText(summary), encode=False)
    item.add("location", LiteralText(event.location), encode=False)
    item.add("description", LiteralText(description), encode=False)
    item.add("url", event.url)
    item.add("status", status(event))
    item.add("transp", "TRANSPARENT" if event.cancelled else "OPAQUE")
    if event.tentative and not event.cancelled:
        item.add("x-microsoft-cdo-busystatus", "TENTATIVE")
    return item


def status(event: CalendarEvent) -> str:
    if event.cancelled:
        return "CANCELLED"
    return "TENTATIVE" if event.tentative else "CONFIRMED"
