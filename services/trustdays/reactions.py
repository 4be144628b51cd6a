"""What the trust days do when something happens, run by their reactor process
(`staffroom reactor services.trustdays.reactions:REACTIONS`)."""

from __future__ import annotations

from events.envelope import RecordedEvent
from events.reactor import Reaction
from services.trustdays.domain import CloseSlot, Day, DayDecider, SlotDecider
from services.trustdays.events import day_subject, slot_subject


def close_each_slot(cancelled: RecordedEvent, day: Day) -> list[tuple[tuple[str, ...], CloseSlot]]:
    """A cancelled day closes every slot of its timetable, each in its own aggregate: the
    slot releases its seats and waitlists and takes no more bookings."""
    reason = cancelled.data["reason"]
    day_id = cancelled.data["day_id"]
    return [(slot_subject(day_id, slot_id), CloseSlot(reason)) for slot_id in day.slots]


CLOSE_SLOTS_OF_A_CANCELLED_DAY = Reaction(
    name="trustdays_close_slots_of_a_cancelled_day",
    subject=day_subject("*"),
    types=frozenset({"DayCancelled"}),
    source=DayDecider(),
    target=SlotDecider(),
    react=close_each_slot,
)
REACTIONS = [CLOSE_SLOTS_OF_A_CANCELLED_DAY]
