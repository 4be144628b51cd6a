"""What a message says, read from the read models when it is sent, and whether it still
holds: a confirmation for a place since given up, a reminder for a cancelled day, a
cancellation of a place taken again are never sent (MessageSkipped, with the reason).

The calendar parts reuse the personal feed's event (frontend/pages/feeds.py
`session_event`: its UID and SEQUENCE), so a calendar holding both shows one event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from events.calendar import SCHOOL_TIME, CalendarEvent, session_event
from readmodels.notifications import queries
from readmodels.trustdays import calendars
from services.notifications.reactions import reminder_due

BOOKING_KINDS = ("booking_confirmed", "booking_changed", "waitlist_promoted")
LATE_ENOUGH = timedelta(minutes=1)


@dataclass(frozen=True)
class Letter:
    to: str
    name: str
    subject: str
    lines: tuple[str, ...]
    """The message's paragraphs, as plain text (the HTML part is made from them)."""
    link: str
    event: CalendarEvent | None = None
    method: str = ""
    """REQUEST or CANCEL with `event`; "" for a message without a calendar part."""
    organizer: tuple[str, str] | None = None
    """(name, address) of the meeting's organiser; None: Staffroom (the From address)."""
    rsvp: bool = False
    """A reply asked for (a meeting's invitation), with `partstat` the attendee's answer."""
    partstat: str = ""
    actions: tuple[tuple[str, str], ...] = ()
    """(label, url) links to act on it (accept, decline, answer the poll)."""


@dataclass(frozen=True)
class Skipped:
    reason: str


@dataclass(frozen=True)
class Later:
    due: datetime


Decision = Letter | Skipped | Later


def today_in_the_uk(now: datetime) -> date:
    return now.astimezone(SCHOOL_TIME).date()


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def decide(
    engine: Engine,
    row: Any,
    now: datetime,
    base_url: str,
    told: frozenset[str] = frozenset(),
    secret_key: str = "",
) -> Decision:
    """The letter for a due message, or why it is not sent (or not yet). `told`: the
    sessions the person was sent something about (from their outbox, at the head of the
    log: the read model may not show a message sent a moment ago)."""
    person = queries.recipient(engine, row.person_id)
    if person is None or person.status != "active" or not person.email:
        return Skipped("no_address")
    if person.email.lower() in queries.bounced_addresses(engine, row.person_id):
        return Skipped("address_bounced")
    if queries.preferences_of(engine, row.person_id).get(row.kind) == "off":
        return Skipped("turned_off")
    if row.kind == "day_reminder":
        return day_reminder(engine, row, now, base_url, person)
    if row.kind in (*BOOKING_KINDS, "booking_cancelled"):
        return booking(engine, row, now, base_url, person, told)
    from services.notifications import networks_letters, nudge_letters  # they build on this

    if row.kind in nudge_letters.KINDS:
        return nudge_letters.decide(engine, row, now, base_url, person)
    if row.kind in networks_letters.KINDS:
        return networks_letters.decide(engine, row, now, base_url, person, told, secret_key)
    return Skipped("cancelled")  # a kind this sender does not know yet: say so, never guess


def booking(
    engine: Engine, row: Any, now: datetime, base_url: str, person: Any, told: frozenset[str]
) -> Decision:
    found = calendars.session_rows(engine, row.person_id, row.session_id)
    place = found[0] if found else None
    if place is None:
        return Skipped("cancelled")
    if place.date < today_in_the_uk(now):
        return Skipped("past")
    link = f"{base_url}days/{place.day_id}"
    event = session_event(place, row.person_id, link)
    holds = not event.cancelled
    if row.kind == "booking_cancelled":
        if holds:
            return Skipped("rebooked")
        if row.session_id not in told:
            return Skipped("never_told")  # nothing in their calendar to take out
        return Letter(
            person.email,
            person.name,
            f"Cancelled: {place.title}",
            cancelled_lines(place, event),
            link,
            event,
            "CANCEL",
        )
    if not holds:
        return Skipped("no_longer_booked")
    return Letter(
        person.email,
        person.name,
        subject_of(row.kind, place),
        booked_lines(row.kind, place),
        link,
        event,
        "REQUEST",
    )


def subject_of(kind: str, place: Any) -> str:
    return {
        "booking_confirmed": f"Booked: {place.title}",
        "booking_changed": f"Changed: {place.title}",
        "waitlist_promoted": f"You have a place: {place.title}",
    }[kind]


def where(place: Any) -> str:
    if place.mode == "online":
        return f"Online: {place.join_link}" if place.join_link else "Online"
    return f"{place.room}, {place.venue}"


def booked_lines(kind: str, place: Any) -> tuple[str, ...]:
    opening = {
        "booking_confirmed": "Your place is booked.",
        "booking_changed": "Your session has changed: here it is as it now is.",
        "waitlist_promoted": "A place came free and it is yours: you were first on the waitlist.",
    }[kind]
    return (
        opening,
        f"{place.title}\n{place.day_title}, {long_date(place.date)}, "
        f"{place.starts} to {place.ends}\n{where(place)}\nLed by {place.leader_name}",
        "The invitation attached updates your calendar; your Staffroom calendar feed shows "
        "the same event. If you cannot come, cancel your place so someone else may have it.",
    )


def cancelled_lines(place: Any, event: CalendarEvent) -> tuple[str, ...]:
    return (
        event.reason,
        f"{place.title}\n{place.day_title}, {long_date(place.date)}, "
        f"{place.starts} to {place.ends}",
        "The attachment takes it out of your calendar.",
    )


def day_reminder(engine: Engine, row: Any, now: datetime, base_url: str, person: Any) -> Decision:
    places = [
        p
        for p in calendars.session_rows(engine, row.person_id)
        if p.day_id == row.day_id and p.place == "seat" and p.status != "cancelled"
    ]
    if not places:
        return Skipped("no_longer_booked")
    day = places[0]
    if day.day_status == "cancelled":
        return Skipped("cancelled")
    if day.date < today_in_the_uk(now):
        return Skipped("past")
    due = reminder_due(day.date)
    if due - now > LATE_ENOUGH:  # the day moved later and its reschedule is on its way
        return Later(due)
    sessions = "\n".join(
        f"{p.starts} to {p.ends}: {p.title} ({where(p)})"
        for p in sorted(places, key=lambda p: p.starts)
    )
    lines = (
        f"{day.day_title} is on {long_date(day.date)} at {day.venue}.",
        f"What you booked:\n{sessions}",
        "Lunch is provided: tell the CPD manager about any dietary needs on the day's page.",
    )
    subject = f"Reminder: {day.day_title}, {long_date(day.date)}"
    return Letter(person.email, person.name, subject, lines, f"{base_url}days/{day.day_id}")
