"""A slot of a day's timetable: the aggregate of the booking rush.

Its sessions, their seats and waitlists are decided together, so nobody gets a seat that
does not exist or two seats at one time. What a slot must know of its day (published?
window open? acting as the CPD manager?) is read by the API and handed in with the command
as a `Window`, and judged here. The state and its evolution are in `slot_state`, the rules
of seats and waitlists in `places`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from events import Decider, Event
from events.decider import Fact
from services.trustdays.domain import places
from services.trustdays.domain.common import Window, rejected
from services.trustdays.domain.slot_state import Leader, Session, SlotState, evolve, then
from services.trustdays.events import EARNS_HOURS


@dataclass(frozen=True)
class AddSession:
    session: Session


@dataclass(frozen=True)
class AddSessions:
    """Several sessions added at once, as one decision (a day's copy fills each slot)."""

    sessions: tuple[Session, ...]


@dataclass(frozen=True)
class UpdateSession:
    session: Session


@dataclass(frozen=True)
class CancelSession:
    session_id: str
    reason: str


@dataclass(frozen=True)
class CloseSlot:
    """The day is cancelled, or the slot removed (`why`): release everyone."""

    reason: str
    why: str = "day_cancelled"
    """The reason each released place records: day_cancelled or slot_removed."""


@dataclass(frozen=True)
class Book:
    person_id: str
    session_id: str
    window: Window


@dataclass(frozen=True)
class CancelPlace:
    """Give up a seat or leave a waitlist."""

    person_id: str
    session_id: str
    window: Window


@dataclass(frozen=True)
class Move:
    """The person's seat in this slot, moved to another session with a free seat."""

    person_id: str
    session_id: str
    window: Window


@dataclass(frozen=True)
class PlacePerson:
    """Someone placed in a session by the CPD manager: booked (or on its waitlist, if it is
    full), or moved here if they hold a seat in another session of this slot."""

    person_id: str
    session_id: str
    window: Window


@dataclass(frozen=True)
class MarkAttendance:
    person_id: str
    session_id: str
    mark: str
    minutes: int
    day: date
    today: date
    walk_in: bool = False


class SlotDecider(Decider[SlotState, object]):
    snapshot_version = 2  # bump when SlotState changes shape

    def initial_state(self) -> SlotState:
        return SlotState()

    def snapshot(self, state: SlotState) -> dict:
        return {
            "sessions": [asdict(session) for session in state.sessions.values()],
            "cancelled": sorted(state.cancelled),
            "seats": {session: list(people) for session, people in state.seats.items()},
            "holder": dict(state.holder),
            "waitlists": {session: list(people) for session, people in state.waitlists.items()},
            "marks": [[person, session, mark] for (person, session), mark in state.marks.items()],
            "closed": state.closed,
        }

    def restore(self, data: dict) -> SlotState:
        sessions = [
            Session(**{**session, "leader": Leader(**session["leader"])})
            for session in data["sessions"]
        ]
        return SlotState(
            sessions={session.session_id: session for session in sessions},
            cancelled=frozenset(data["cancelled"]),
            seats={session: tuple(people) for session, people in data["seats"].items()},
            holder=dict(data["holder"]),
            waitlists={session: tuple(people) for session, people in data["waitlists"].items()},
            marks={(person, session): mark for person, session, mark in data["marks"]},
            closed=bool(data["closed"]),
        )

    def decide(self, command: object, state: SlotState) -> Sequence[Event]:
        match command:
            case CloseSlot(reason, why):
                return [] if state.closed else places.close(state, reason, why)
        if state.closed:
            # a removed slot is closed too, but the API finds no such slot (404) first
            raise rejected("day_cancelled", "That PD day has been cancelled.")
        match command:
            case AddSession(session):
                return _add(state, [session])
            case AddSessions(sessions):
                return _add(state, sessions)
            case UpdateSession(session):
                return _update_session(state, session)
            case CancelSession(session_id, reason):
                places.open_session(state, session_id)
                return [
                    *places.release(state, session_id, "session_cancelled"),
                    Event("SessionCancelled", {"session_id": session_id, "reason": reason}),
                ]
            case Book(person_id, session_id, window):
                return places.book(state, person_id, session_id, window)
            case CancelPlace(person_id, session_id, window):
                return places.cancel_place(state, person_id, session_id, window)
            case Move(person_id, session_id, window):
                return places.move(state, person_id, session_id, window)
            case PlacePerson(person_id, session_id, window):
                return places.place(state, person_id, session_id, window)
            case MarkAttendance():
                return _mark(state, command)
        raise TypeError(f"not a slot command: {command!r}")

    def evolve(self, state: SlotState, event: Fact) -> SlotState:
        return evolve(state, event)


def _add(state: SlotState, sessions: Sequence[Session]) -> list[Event]:
    ids = [session.session_id for session in sessions]
    if len(set(ids)) < len(ids) or any(i in state.sessions for i in ids):
        raise rejected("session_exists", "That session is already in the slot.")
    for session in sessions:
        _leader_has_no_place(state, session)
    return [Event("SessionAdded", asdict(session)) for session in sessions]


def _leader_has_no_place(
    state: SlotState, session: Session, current: Session | None = None
) -> None:
    """A new leader must not hold a seat or waitlist place in the slot they would lead."""
    leader = session.leader.person_id
    if leader is None or (current is not None and current.leader.person_id == leader):
        return
    if state.has_a_place(leader):
        raise rejected(
            "leader_has_a_place",
            f"{session.leader.name} has a place in this slot: cancel it (or move them) "
            "before they lead a session here.",
        )


def _update_session(state: SlotState, session: Session) -> list[Event]:
    current = places.open_session(state, session.session_id)
    booked = len(state.seats.get(session.session_id, ()))
    if session.capacity < booked:
        raise rejected(
            "capacity_below_bookings",
            f"{booked} people already hold seats: the capacity cannot go below {booked}.",
        )
    _leader_has_no_place(state, session, current)
    if session == current:
        return []
    updated = [Event("SessionUpdated", asdict(session))]
    return updated + places.promote(then(state, updated), session.session_id)


def _mark(state: SlotState, command: MarkAttendance) -> list[Event]:
    person, session_id = command.person_id, command.session_id
    places.open_session(state, session_id)
    if command.today < command.day:
        raise rejected("register_before_the_day", "The register opens on the day itself.")
    held = state.holder.get(person)
    if held != session_id and not command.walk_in:
        raise rejected("not_on_register", "They have no seat in this session: add a walk-in.")
    if held is not None and held != session_id:
        raise rejected(
            "booked_elsewhere",
            f"They have a seat in {state.sessions[held].title}: move them here first.",
        )
    if state.marks.get((person, session_id)) == command.mark:
        return []
    minutes = command.minutes if command.mark in EARNS_HOURS else 0
    walk_in = held is None
    data = {"person_id": person, "session_id": session_id, "mark": command.mark}
    return [Event("AttendanceMarked", {**data, "cpd_minutes": minutes, "walk_in": walk_in})]
