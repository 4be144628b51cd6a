"""A PD day: its details, its booking window, its timetable of slots, and its status
(draft, published, cancelled)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime

from events import Decider, Event
from events.decider import Fact
from services.trustdays.domain.common import rejected
from services.trustdays.domain.nudge import NudgeToBook, nudge


@dataclass(frozen=True)
class Slot:
    slot_id: str
    kind: str
    title: str
    starts: str
    ends: str
    speaker: str = ""
    """A keynote's speaker."""

    @property
    def minutes(self) -> int:
        return _minutes(self.ends) - _minutes(self.starts)


@dataclass(frozen=True)
class DayRecord:
    day_id: str
    date: date
    academic_year: str
    term: int
    title: str
    theme: str
    venue: str
    opens: datetime
    closes: datetime


@dataclass(frozen=True)
class Day:
    record: DayRecord | None = None
    slots: Mapping[str, Slot] = field(default_factory=dict)
    status: str = "draft"
    last_nudged: datetime | None = None
    """When the CPD manager last reminded the staff still to book (NudgedToBook)."""


@dataclass(frozen=True)
class PlanDay:
    record: DayRecord
    slots: Sequence[Slot]


@dataclass(frozen=True)
class UpdateDay:
    record: DayRecord


@dataclass(frozen=True)
class AddSlot:
    slot: Slot


@dataclass(frozen=True)
class ChangeSlot:
    """The slot's record as it now is: retimed, renamed, another speaker."""

    slot: Slot


@dataclass(frozen=True)
class RemoveSlot:
    """Take a slot off the timetable; its sessions' places are released by a reaction."""

    slot_id: str
    reason: str
    today: date
    """Europe/London's date now: a slot stays once its day has come (its registers)."""


@dataclass(frozen=True)
class PublishDay:
    staffed: frozenset[str]
    """The breakout slots with at least one open session (each slot is its own aggregate,
    so whoever publishes reads them first): staff must find something to book in each."""


@dataclass(frozen=True)
class CancelDay:
    reason: str


class DayDecider(Decider[Day, object]):
    def initial_state(self) -> Day:
        return Day()

    def decide(self, command: object, state: Day) -> Sequence[Event]:
        if isinstance(command, PlanDay):
            if state.record is not None:
                raise rejected("day_exists", "That PD day is already planned.")
            _check_booking_window(command.record)
            _check_timetable(command.slots)
            data = {**asdict(command.record), "slots": [asdict(s) for s in command.slots]}
            return [Event("DayPlanned", data)]
        record = _planned(state)
        if state.status == "cancelled":
            raise rejected("day_cancelled", "That PD day has been cancelled.")
        match command:
            case UpdateDay(changed):
                _check_booking_window(changed)
                return [] if changed == record else [Event("DayUpdated", asdict(changed))]
            case AddSlot(slot):
                if slot.slot_id in state.slots:
                    raise rejected("slot_exists", "That slot is already on the timetable.")
                _check_timetable([*state.slots.values(), slot])
                return [Event("SlotAdded", {"day_id": record.day_id, **asdict(slot)})]
            case ChangeSlot(slot):
                if _known_slot(state, slot.slot_id) == slot:
                    return []
                others = [s for s in state.slots.values() if s.slot_id != slot.slot_id]
                _check_timetable([*others, slot])
                return [Event("SlotChanged", {"day_id": record.day_id, **asdict(slot)})]
            case RemoveSlot(slot_id, reason, today):
                return _remove_slot(state, record, slot_id, reason, today)
            case PublishDay(staffed):
                if state.status == "published":
                    return []
                _check_ready(state, staffed)
                return [Event("DayPublished", {"day_id": record.day_id})]
            case CancelDay(reason):
                return [Event("DayCancelled", {"day_id": record.day_id, "reason": reason})]
            case NudgeToBook():
                window = (record.opens, record.closes)
                return nudge(record.day_id, state.status, window, state.last_nudged, command)
        raise TypeError(f"not a day command: {command!r}")

    def evolve(self, state: Day, event: Fact) -> Day:
        data = event.data
        match event.type:
            case "DayPlanned":
                slots = {s["slot_id"]: Slot(**s) for s in data["slots"]}
                record = DayRecord(**{k: v for k, v in data.items() if k != "slots"})
                return Day(record, slots)
            case "DayUpdated":
                return replace(state, record=DayRecord(**data))
            case "SlotAdded" | "SlotChanged":
                slot = Slot(**{k: v for k, v in data.items() if k != "day_id"})
                return replace(state, slots={**state.slots, slot.slot_id: slot})
            case "SlotRemoved":
                slots = {k: v for k, v in state.slots.items() if k != data["slot_id"]}
                return replace(state, slots=slots)
            case "DayPublished":
                return replace(state, status="published")
            case "DayCancelled":
                return replace(state, status="cancelled")
            case "NudgedToBook":
                return replace(state, last_nudged=data["at"])
        return state


def _planned(state: Day) -> DayRecord:
    if state.record is None:
        raise rejected("unknown_day", "There is no such PD day.", 404)
    return state.record


def _known_slot(state: Day, slot_id: str) -> Slot:
    if slot_id not in state.slots:
        raise rejected("unknown_slot", "There is no such slot on this PD day.", 404)
    return state.slots[slot_id]


def _remove_slot(
    state: Day, record: DayRecord, slot_id: str, reason: str, today: date
) -> list[Event]:
    _known_slot(state, slot_id)
    if len(state.slots) == 1:
        raise rejected("last_slot", "A PD day keeps at least one slot: change this one instead.")
    if today >= record.date:
        raise rejected(
            "day_has_come", "The day has come: its slots stay, with their registers and hours."
        )
    return [Event("SlotRemoved", {"day_id": record.day_id, "slot_id": slot_id, "reason": reason})]


def _check_ready(state: Day, staffed: frozenset[str]) -> None:
    breakouts = [slot for slot in state.slots.values() if slot.kind == "breakout"]
    if not breakouts:
        raise rejected("no_breakout", "Add a breakout slot before publishing the day.", 422)
    empty = [slot.title for slot in breakouts if slot.slot_id not in staffed]
    if empty:
        message = f"Add a session to {', '.join(empty)} before publishing the day."
        raise rejected("breakout_without_sessions", message, 422)


def _check_booking_window(record: DayRecord) -> None:
    if record.closes <= record.opens:
        raise rejected("window_ends_before_it_opens", "Booking must close after it opens.", 422)
    if record.closes.date() > record.date:
        raise rejected("window_after_the_day", "Booking must close by the day itself.", 422)


def _check_timetable(slots: Sequence[Slot]) -> None:
    for slot in slots:
        if slot.minutes <= 0:
            raise rejected(
                "slot_ends_before_it_starts", f"{slot.title} ends before it starts.", 422
            )
    ordered = sorted(slots, key=lambda s: s.starts)
    for earlier, later in itertools.pairwise(ordered):
        if later.starts < earlier.ends:
            raise rejected(
                "slots_overlap", f"{earlier.title} and {later.title} overlap.", status=422
            )


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)
