"""What the CPD manager's nudge to book says, read when it is sent: the breakout slots the
person has still to book, when booking closes, and a link to the day's programme. Skipped
once it no longer holds: they have booked every slot (`booked`), the day was cancelled,
booking has closed (`booking_closed`) or the day is past."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from readmodels.trustdays import queries as pd_queries
from readmodels.trustdays.reports import bookable_slots
from services.notifications.events import UK
from services.notifications.letters import Decision, Letter, Skipped, long_date, today_in_the_uk

KINDS = ("booking_nudge",)


def decide(engine: Engine, row: Any, now: datetime, base_url: str, person: Any) -> Decision:
    day = pd_queries.find_day(engine, row.day_id)
    if day is None or day.status == "cancelled":
        return Skipped("cancelled")
    if day.date < today_in_the_uk(now):
        return Skipped("past")
    if day.closes <= now:
        return Skipped("booking_closed")
    taken = set(pd_queries.seats_held(pd_queries.places_of(engine, row.person_id, day.day_id)))
    leading = pd_queries.leaders_by_slot(engine, day.day_id)
    taken |= {slot_id for slot_id, leaders in leading.items() if row.person_id in leaders}
    to_book = [slot for slot in bookable_slots(engine, day.day_id) if slot.slot_id not in taken]
    if not to_book:
        return Skipped("booked")
    closes = day.closes.astimezone(UK)
    slots = "\n".join(f"{slot.title}, {slot.starts} to {slot.ends}" for slot in to_book)
    link = f"{base_url}days/{day.day_id}"
    lines = (
        f"{day.title} is on {long_date(day.date)} at {day.venue}, and you have not yet "
        "booked a session in every breakout slot.",
        f"Still to book:\n{slots}",
        f"Booking closes at {closes:%H:%M} on {long_date(closes.date())}. Choose your "
        "sessions on the day's programme; if you are not expected that day, tell the CPD "
        "manager.",
    )
    subject = f"Book your sessions: {day.title}, {long_date(day.date)}"
    return Letter(person.email, person.name, subject, lines, link, actions=(("Book now", link),))
