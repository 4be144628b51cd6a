"""What the notifications do when something happens in the trust days: queue a message in
each recipient's outbox (`staffroom reactor services.notifications.reactions:REACTIONS`).

Each message's id comes from its cause, recipient and kind, so a redelivered event queues
nothing new. What a message says is read when it is sent (services/notifications/sender),
so these only decide who is told what, and when.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from events.envelope import RecordedEvent
from events.reactor import Reaction
from services.notifications.domain import OutboxDecider, Queue, Reschedule, Several
from services.notifications.events import message_id, person_subject
from services.notifications.networks_reactions import NETWORKS_REACTIONS
from services.notifications.trustdays_view import DayFold, DayView, Seen, seen
from services.trustdays.events import day_subject, parse_subject, slot_subject

UK = ZoneInfo("Europe/London")
REMINDER_DAYS_BEFORE = 2
REMINDER_AT = time(16, 0)
"""A PD day's reminder: two days before, at 16:00 UK time (after school)."""
CHANGES_WORTH_TELLING = ("title", "room", "mode", "join_link", "leader")
"""A session's changes that its booked people hear of (not its capacity or description)."""
CONFIRMATION_SETTLES = timedelta(minutes=1)
"""A booked place is confirmed a minute later, as it then is: on the
morning bookings open people book, change their mind and move within seconds, and each
kept choice then brings one email instead of a "Booked", a "Cancelled" and a "Booked"
again (a confirmation for a place given up meanwhile is skipped, and so is the
cancellation of a place they were never told of). It also leaves the rush's CPU to the
bookings (make bench --only front). A waitlist promotion is told at once."""
FollowUps = Iterable[tuple[tuple[str, ...], Queue | Reschedule | Several]]


def reminder_due(day: date) -> datetime:
    """When a PD day's reminder is sent: from the day's date, in UK time, as UTC."""
    at = datetime.combine(day - timedelta(days=REMINDER_DAYS_BEFORE), REMINDER_AT, UK)
    return at.astimezone(ZoneInfo("UTC"))


def reminder_key(day_id: str) -> str:
    """The cause of a day's reminder: one per person and day, whatever led to it."""
    return f"day:{day_id}"


def about(event: RecordedEvent, reason: str = "") -> dict[str, str | None]:
    ref = parse_subject(event.subject)
    return {
        "service": "trustdays",
        "day_id": ref.day_id,
        "slot_id": ref.slot_id or event.data.get("slot_id"),
        "session_id": event.data.get("session_id"),
        "meeting_id": None,
        "reason": reason,
    }


def tell(
    event: RecordedEvent,
    person_id: str,
    kind: str,
    reason: str = "",
    after: timedelta = timedelta(0),
) -> Queue:
    """Queue the message `kind` about `event` for the person, due `after` the event."""
    mid = message_id(event.id, person_id, kind)
    due = event.occurred_at + after
    return Queue(mid, person_id, kind, about(event, reason), event.id, due)


def remind(event: RecordedEvent, person_id: str, day: DayView) -> list[Queue]:
    """The day's reminder, unless it would already be due (booked at the last minute: the
    confirmation says it all)."""
    if day.date is None or reminder_due(day.date) <= event.occurred_at:
        return []
    key = reminder_key(parse_subject(event.subject).day_id)
    mid = message_id(key, person_id, "day_reminder")
    reminder = {**about(event), "session_id": None, "slot_id": None}
    return [
        Queue(mid, person_id, "day_reminder", reminder, key, reminder_due(day.date), again=True)
    ]


def on_a_place(event: RecordedEvent, facts: Seen) -> FollowUps:
    """Promoted from the waitlist: told at once; booked: told once the choice has settled
    (CONFIRMATION_SETTLES); both reminded before the day (one command: the reaction's
    commands on one outbox share its key). A cancelled place: told, with the
    reason (its calendar event is cancelled)."""
    person = event.data["person_id"]
    subject = person_subject(person)
    if event.type == "BookingCancelled":
        return [(subject, tell(event, person, "booking_cancelled", event.data["reason"]))]
    if event.type == "PromotedFromWaitlist":
        told = tell(event, person, "waitlist_promoted")
    else:
        told = tell(event, person, "booking_confirmed", after=CONFIRMATION_SETTLES)
    return [(subject, Several((told, *remind(event, person, facts.day))))]


def on_a_session_change(event: RecordedEvent, facts: Seen) -> FollowUps:
    """A session's title, room, mode, link or leader changed: its booked people are told."""
    session_id = event.data["session_id"]
    before = facts.slot_before.sessions.get(session_id, {})
    if all(before.get(name) == event.data.get(name) for name in CHANGES_WORTH_TELLING):
        return []
    held = facts.slot.seats.get(session_id, frozenset())
    return [(person_subject(p), tell(event, p, "booking_changed")) for p in sorted(held)]


def on_a_slot_change(event: RecordedEvent, facts: Seen) -> FollowUps:
    """A slot retimed: everyone booked in it is told (their sessions moved)."""
    slot_id = event.data["slot_id"]
    if facts.day_before.slots.get(slot_id) == facts.day.slots.get(slot_id):
        return []
    people = sorted(facts.holders(slot_id))
    return [(person_subject(p), tell(event, p, "booking_changed")) for p in people]


def on_a_day_change(event: RecordedEvent, facts: Seen) -> FollowUps:
    """A day moved to another date: its reminders are due two days before the new one."""
    if facts.day.date is None or facts.day.date == facts.day_before.date:
        return []
    due = reminder_due(facts.day.date)
    key = reminder_key(facts.day_id)
    return [
        (person_subject(p), Reschedule(message_id(key, p, "day_reminder"), due))
        for p in sorted(facts.holders())
    ]


def on_a_nudge(event: RecordedEvent, facts: Seen) -> FollowUps:
    """The CPD manager reminded those still to book: each is sent the nudge (which, when
    it goes, says what they have still to book, or is skipped if they have booked)."""
    people = event.data["person_ids"]
    return [(person_subject(p), tell(event, p, "booking_nudge")) for p in people]


def reaction(name: str, subject: tuple[str, ...], types: set[str], react) -> Reaction:  # type: ignore[no-untyped-def]
    return Reaction(
        name=name,
        subject=subject,
        types=frozenset(types),
        source=DayFold(),
        target=OutboxDecider(),
        react=react,
        facts=seen,
    )


SLOTS = slot_subject("*", "*")
DAYS = day_subject("*")
REACTIONS = [
    reaction(
        "notifications_places",
        SLOTS,
        {"SessionBooked", "PromotedFromWaitlist", "BookingCancelled"},
        on_a_place,
    ),
    reaction("notifications_session_changes", SLOTS, {"SessionUpdated"}, on_a_session_change),
    reaction("notifications_slot_changes", DAYS, {"SlotChanged"}, on_a_slot_change),
    reaction("notifications_day_moves", DAYS, {"DayUpdated"}, on_a_day_change),
    reaction("notifications_nudges", DAYS, {"NudgedToBook"}, on_a_nudge),
    *NETWORKS_REACTIONS,
]
