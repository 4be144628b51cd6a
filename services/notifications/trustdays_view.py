"""What the notifications know of the trust days: a small fold of their facts (a day's
date, status and slots; a slot's sessions and who holds their seats), read from the log
by the reactions, never by asking the trust days service (foreign facts)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from events.decider import Decider, Fact
from events.envelope import RecordedEvent
from events.store import EventStore
from services.trustdays.events import day_subject, parse_subject, slot_subject

DAY_RECORD = ("DayPlanned", "DayUpdated")
SESSION_RECORD = ("SessionAdded", "SessionUpdated")
SEATED = ("SessionBooked", "PromotedFromWaitlist")
SLOT_NEEDED = ("SessionUpdated",)
"""The events whose reaction reads their slot (who holds seats, the session before)."""


@dataclass(frozen=True)
class DayView:
    date: date | None = None
    status: str = "draft"
    slots: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """slot_id -> (starts, ends), HH:MM in UK time."""


@dataclass(frozen=True)
class SlotView:
    sessions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    seats: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """session_id -> the people holding its seats."""


class DayFold(Decider[DayView, None]):
    def initial_state(self) -> DayView:
        return DayView()

    def evolve(self, state: DayView, event: Fact) -> DayView:
        data = event.data
        slots = dict(state.slots)
        if event.type == "DayPlanned":
            slots = {s["slot_id"]: (s["starts"], s["ends"]) for s in data["slots"]}
        elif event.type in ("SlotAdded", "SlotChanged"):
            slots[data["slot_id"]] = (data["starts"], data["ends"])
        elif event.type == "SlotRemoved":
            slots.pop(data["slot_id"], None)
        status = {"DayPublished": "published", "DayCancelled": "cancelled"}.get(
            event.type, state.status
        )
        when = data["date"] if event.type in DAY_RECORD else state.date
        return DayView(when, status, slots)


class SlotFold(Decider[SlotView, None]):
    def initial_state(self) -> SlotView:
        return SlotView()

    def evolve(self, state: SlotView, event: Fact) -> SlotView:
        data = event.data
        if event.type in SESSION_RECORD:
            return replace(state, sessions={**state.sessions, data["session_id"]: data})
        if event.type in (*SEATED, "BookingCancelled"):
            seats = dict(state.seats)
            held = set(seats.get(data["session_id"], frozenset()))
            (held.add if event.type in SEATED else held.discard)(data["person_id"])
            seats[data["session_id"]] = frozenset(held)
            return replace(state, seats=seats)
        return state


@dataclass(frozen=True)
class Seen:
    """A trust days event's surroundings: its day and slot before and as of it, and (for a
    day's change) each slot of the day as it is now."""

    day_id: str
    day_before: DayView
    day: DayView
    slot_before: SlotView = SlotView()
    slot: SlotView = SlotView()
    slots: Mapping[str, SlotView] = field(default_factory=dict)

    def holders(self, slot_id: str | None = None) -> set[str]:
        """Who holds a seat in the slot (or in any slot of the day)."""
        views = [self.slots.get(slot_id, SlotView())] if slot_id else self.slots.values()
        return {p for view in views for held in view.seats.values() for p in held}


def before_and_as_of(
    fold: Decider[Any, None], events: Iterable[RecordedEvent], seq: int
) -> tuple[Any, Any]:
    history = list(events)
    before = fold.fold(e for e in history if e.seq < seq)
    return before, fold.fold((e for e in history if e.seq == seq), before)


async def seen(store: EventStore, event: RecordedEvent) -> Seen:
    """Reaction.facts for the trust days' events: read from the log, caught up past it."""
    ref = parse_subject(event.subject)
    days, _ = await store.load(store.subject(*day_subject(ref.day_id)))
    day_before, day = before_and_as_of(DayFold(), days, event.seq)
    found = Seen(ref.day_id, day_before, day)
    if ref.slot_id and event.type in SLOT_NEEDED:  # a place's needs only its day
        slot_events, _ = await store.load(store.subject(*slot_subject(ref.day_id, ref.slot_id)))
        slot_before, slot = before_and_as_of(SlotFold(), slot_events, event.seq)
        found = replace(found, slot_before=slot_before, slot=slot)
    if event.type in ("SlotChanged", "DayUpdated"):
        wanted = [event.data["slot_id"]] if event.type == "SlotChanged" else list(day.slots)
        views = {}
        for slot_id in wanted:
            loaded, _ = await store.load(store.subject(*slot_subject(ref.day_id, slot_id)))
            views[slot_id] = SlotFold().fold(loaded)
        found = replace(found, slots=views)
    return found
