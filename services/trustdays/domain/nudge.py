"""The CPD manager's nudge to book: on a published day open for booking, remind the staff
who have not booked a session in every breakout slot (the notifications email each). Not
twice within an hour: a nudge is an email to many people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from events import Event
from services.trustdays.domain.common import rejected

AGAIN_AFTER = timedelta(hours=1)
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class NudgeToBook:
    by_id: str
    person_ids: tuple[str, ...]
    """Whom the CPD manager's page showed as not booked (the API checked each is staff)."""
    booked: frozenset[str]
    """Of them, who is taken in every bookable breakout slot now (a seat, or leading an
    open session), read from the day's slots by the API: they are left out."""
    now: datetime


def nudge(
    day_id: str,
    status: str,
    window: tuple[datetime, datetime],
    last_nudged: datetime | None,
    command: NudgeToBook,
) -> list[Event]:
    """NudgedToBook naming those still to book; refused while the day is not published,
    outside its booking window, within an hour of the last nudge, or with nobody left."""
    opens, closes = window
    if status != "published":
        raise rejected("not_published", "Publish the day before reminding anyone to book.")
    if command.now < opens:
        raise rejected("booking_not_open", "Booking has not opened yet.")
    if command.now >= closes:
        raise rejected("booking_closed", "Booking has closed.")
    if last_nudged is not None and command.now - last_nudged < AGAIN_AFTER:
        at = (last_nudged + AGAIN_AFTER).astimezone(LONDON)
        sent = last_nudged.astimezone(LONDON)
        raise rejected(
            "nudged_recently",
            f"They were reminded at {sent:%H:%M}: remind them again from {at:%H:%M}.",
        )
    chosen = [p for p in dict.fromkeys(command.person_ids) if p not in command.booked]
    if not chosen:
        raise rejected("nobody_to_nudge", "Everyone you chose has booked every slot.")
    data = {"day_id": day_id, "person_ids": chosen, "by_id": command.by_id, "at": command.now}
    return [Event("NudgedToBook", data)]
