"""Calendars in RFC 5545 that Outlook, Google and Apple show and keep up to date (the
pitfalls are in docs/calendars.md): stable UIDs, DTSTAMP and SEQUENCE from the thing's own
changes (the same data gives the same bytes), Europe/London with its VTIMEZONE, cancelled
things kept a while as STATUS:CANCELLED, calendar properties before the events."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
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


# The events of a booking and of a network meeting: the feeds show them and the notifications'
# letters attach them, so they live here and not in frontend/pages/feeds.py (a letter's
# sender would import every page with it).
DOMAIN = "staffroom"


def booking_uid(session_id: str, person_id: str) -> str:
    """One person's place in one session: the same UID for as long as it exists."""
    return f"{session_id}.{person_id}@{DOMAIN}"


def session_event(row: Any, person_id: str, link: str) -> CalendarEvent:
    """A session row joined with its slot and day, as a person's event."""
    cancelled = row.place != "seat" or row.status == "cancelled" or row.day_status == "cancelled"
    where = "Online" if row.mode == "online" else f"{row.room}, {row.venue}"
    return CalendarEvent(
        uid=booking_uid(row.session_id, person_id),
        summary=row.title,
        day=row.date,
        starts=row.starts,
        ends=row.ends,
        location=where,
        description=f"{row.description}\n\nLed by {row.leader_name}. {row.day_title}.".strip(),
        url=link,
        cancelled=cancelled,
        sequence=row.place_sequence + row.sequence + row.day_sequence,
        changed_at=max(row.place_changed, row.changed_at, row.day_changed),
        reason=why_cancelled(row) if cancelled else "",
    )


def why_cancelled(row: Any) -> str:
    """The reason first in the description: Outlook shows a cancelled event like any other."""
    if row.day_status == "cancelled":
        return f"{row.day_title} was cancelled."
    if row.status == "cancelled":
        return "This session was cancelled."
    if row.reason == "moved":
        return "You moved to another session."
    return "Your place in this session was cancelled."


def meeting_uid(meeting_id: str) -> str:
    """A network meeting: the same UID from its first date to its cancellation (the
    notifications' invitations use it too)."""
    return f"meeting.{meeting_id}@{DOMAIN}"


def meeting_event(row: Any, base_url: str) -> CalendarEvent:
    """A dated meeting row (network_meetings with its network's name) as an event at its
    wall-clock UK times, SEQUENCE rising with each move and with a cancellation."""
    return CalendarEvent(
        uid=meeting_uid(row.meeting_id),
        summary=row.title,
        day=row.date,
        starts=row.starts,
        ends=row.ends,
        location=row.venue or ("Online" if row.join_link else ""),
        description=meeting_description(row),
        url=f"{base_url}meetings/{row.meeting_id}",
        cancelled=row.status == "cancelled",
        reason=f"This meeting was cancelled: {row.reason}" if row.status == "cancelled" else "",
        sequence=row.sequence,
        changed_at=row.changed_at,
    )


def meeting_description(row: Any) -> str:
    online = f"Join online: {row.join_link}" if row.join_link else ""
    moved = f"Moved: {row.reason}" if row.reason and row.status != "cancelled" else ""
    return "\n".join(part for part in (f"{row.network_name} meeting.", online, moved) if part)
