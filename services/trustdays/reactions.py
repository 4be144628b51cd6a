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


def close_the_removed_slot(
    removed: RecordedEvent, day: Day
) -> list[tuple[tuple[str, ...], CloseSlot]]:
    """A slot taken off the timetable is closed in its own aggregate: its seats and
    waitlist places are released (reason `slot_removed`), and it takes nothing more."""
    data = removed.data
    close = CloseSlot(data["reason"], why="slot_removed")
    return [(slot_subject(data["day_id"], data["slot_id"]), close)]


CLOSE_SLOTS_OF_A_CANCELLED_DAY = Reaction(
    name="trustdays_close_slots_of_a_cancelled_day",
    subject=day_subject("*"),
    types=frozenset({"DayCancelled"}),
    source=DayDecider(),
    target=SlotDecider(),
    react=close_each_slot,
)
CLOSE_A_REMOVED_SLOT = Reaction(
    name="trustdays_close_a_removed_slot",
    subject=day_subject("*"),
    types=frozenset({"SlotRemoved"}),
    source=DayDecider(),
    target=SlotDecider(),
    react=close_the_removed_slot,
)
REACTIONS = [CLOSE_SLOTS_OF_A_CANCELLED_DAY, CLOSE_A_REMOVED_SLOT]
