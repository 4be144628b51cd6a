"""A slot of a day's timetable: the aggregate of the booking rush.

Its sessions, their seats and waitlists are decided together, so nobody gets a seat that
does not exist or two seats at one time. What a slot must know of its day (published?
window open? acting as the CPD manager?) is read by the API and handed in with the command
as a `Window`, and judged here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from events import Decider, Event
from events.decider import Fact
from services.trustdays.domain.common import Window, rejected
from services.trustdays.events import EARNS_HOURS


@dataclass(frozen=True)
class Leader:
    person_id: str | None
    name: str
    bio: str = ""
    """An external facilitator's short bio."""


@dataclass(frozen=True)
class Session:
    session_id: str
    title: str
    description: str
    community: str
    leader: Leader
    room: str
    capacity: int
    audience: str
    phase: str
    mode: str
    join_link: str = ""
    """An online session's https:// link; "" in person."""


@dataclass(frozen=True)
class SlotState:
    sessions: Mapping[str, Session] = field(default_factory=dict)
    cancelled: frozenset[str] = frozenset()
    seats: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Session to the people holding its seats, in the order they got them."""
    holder: Mapping[str, str] = field(default_factory=dict)
    """Person to the session they hold a seat in: at most one per slot."""
    waitlists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    marks: Mapping[tuple[str, str], str] = field(default_factory=dict)
    closed: bool = False

    def free(self, session_id: str) -> int:
        return self.sessions[session_id].capacity - len(self.seats.get(session_id, ()))

    def waiting(self, session_id: str) -> tuple[str, ...]:
        return self.waitlists.get(session_id, ())


@dataclass(frozen=True)
class AddSession:
    session: Session


@dataclass(frozen=True)
class UpdateSession:
    session: Session


@dataclass(frozen=True)
class CancelSession:
    session_id: str
    reason: str


@dataclass(frozen=True)
class CloseSlot:
    """The day is cancelled: release everyone."""

    reason: str


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
            case CloseSlot(reason):
                return [] if state.closed else _close(state, reason)
        if state.closed:
            raise rejected("day_cancelled", "That PD day has been cancelled.")
        match command:
            case AddSession(session):
                if session.session_id in state.sessions:
                    raise rejected("session_exists", "That session is already in the slot.")
                return [Event("SessionAdded", _record(session))]
            case UpdateSession(session):
                return _update_session(state, session)
            case CancelSession(session_id, reason):
                _open_session(state, session_id)
                return [
                    *_release(state, session_id, "session_cancelled"),
                    Event("SessionCancelled", {"session_id": session_id, "reason": reason}),
                ]
            case Book(person_id, session_id, window):
                return _book(state, person_id, session_id, window)
            case CancelPlace(person_id, session_id, window):
                return _cancel_place(state, person_id, session_id, window)
            case Move(person_id, session_id, window):
                return _move(state, person_id, session_id, window)
            case PlacePerson(person_id, session_id, window):
                return _place(state, person_id, session_id, window)
            case MarkAttendance():
                return _mark(state, command)
        raise TypeError(f"not a slot command: {command!r}")

    def evolve(self, state: SlotState, event: Fact) -> SlotState:
        data = event.data
        match event.type:
            case "SessionAdded" | "SessionUpdated":
                session = Session(**{**data, "leader": Leader(**data["leader"])})
                return replace(state, sessions={**state.sessions, session.session_id: session})
            case "SessionCancelled":
                return replace(state, cancelled=state.cancelled | {data["session_id"]})
            case "SlotClosed":
                return replace(state, closed=True)
        person, session = data.get("person_id"), data.get("session_id")
        match event.type:
            case "SessionBooked":
                return _seat(state, person, session)
            case "PromotedFromWaitlist":
                return _seat(_unwait(state, person, session), person, session)
            case "BookingCancelled":
                seats = tuple(p for p in state.seats[session] if p != person)
                holder = {p: s for p, s in state.holder.items() if p != person}
                return replace(state, seats={**state.seats, session: seats}, holder=holder)
            case "WaitlistJoined":
                waiting = (*state.waiting(session), person)
                return replace(state, waitlists={**state.waitlists, session: waiting})
            case "WaitlistLeft":
                return _unwait(state, person, session)
            case "AttendanceMarked":
                return replace(state, marks={**state.marks, (person, session): data["mark"]})
        return state


def _record(session: Session) -> dict:
    return asdict(session)


def _seat(state: SlotState, person: str, session: str) -> SlotState:
    seats = (*state.seats.get(session, ()), person)
    return replace(
        state, seats={**state.seats, session: seats}, holder={**state.holder, person: session}
    )


def _unwait(state: SlotState, person: str, session: str) -> SlotState:
    waiting = tuple(p for p in state.waiting(session) if p != person)
    return replace(state, waitlists={**state.waitlists, session: waiting})


def _open_session(state: SlotState, session_id: str) -> Session:
    if session_id not in state.sessions:
        raise rejected("unknown_session", "There is no such session in this slot.", 404)
    if session_id in state.cancelled:
        raise rejected("session_cancelled", "That session has been cancelled.")
    return state.sessions[session_id]


def _then(state: SlotState, events: Sequence[Event]) -> SlotState:
    return SlotDecider().fold(events, state)


def _promote(state: SlotState, freed: str) -> list[Event]:
    """Free seats go at once to the first people waiting who hold no seat in this slot:
    in the session that freed a seat first, then in any other (someone who just gave up
    their seat may be waiting for a session with a seat free)."""
    promoted: list[Event] = []
    for session_id in (freed, *(s for s in state.sessions if s != freed)):
        while state.free(session_id) > 0:
            first = next((p for p in state.waiting(session_id) if p not in state.holder), None)
            if first is None:
                break
            event = Event("PromotedFromWaitlist", {"person_id": first, "session_id": session_id})
            promoted.append(event)
            state = _then(state, [event])
    return promoted


def _update_session(state: SlotState, session: Session) -> list[Event]:
    current = _open_session(state, session.session_id)
    booked = len(state.seats.get(session.session_id, ()))
    if session.capacity < booked:
        raise rejected(
            "capacity_below_bookings",
            f"{booked} people already hold seats: the capacity cannot go below {booked}.",
        )
    if session == current:
        return []
    updated = [Event("SessionUpdated", _record(session))]
    return updated + _promote(_then(state, updated), session.session_id)


def _check_open(window: Window) -> None:
    if window.status == "cancelled":
        raise rejected("day_cancelled", "That PD day has been cancelled.")
    if window.status != "published":
        raise rejected("day_not_published", "That PD day is not open for booking yet.")
    if window.kind == "keynote":
        raise rejected("keynote_needs_no_booking", "The keynote is for everyone: no need to book.")
    if window.as_manager:
        return
    if window.now < window.opens:
        raise rejected("booking_not_open", "Booking has not opened yet.")
    if window.now >= window.closes:
        raise rejected(
            "booking_closed", "Booking has closed: ask the CPD manager to book, move or cancel."
        )


def _book(state: SlotState, person: str, session_id: str, window: Window) -> list[Event]:
    _check_open(window)
    session = _open_session(state, session_id)
    place = {"person_id": person, "session_id": session_id}
    held = state.holder.get(person)
    if held == session_id:
        raise rejected("already_booked", f"You already have a seat in {session.title}.")
    if person in state.waiting(session_id):
        raise rejected("already_waiting", f"You are already on the waitlist for {session.title}.")
    if state.free(session_id) <= 0:
        return [Event("WaitlistJoined", place)]
    if held is not None:
        raise rejected(
            "one_seat_per_slot",
            f"You already have a seat in {state.sessions[held].title} at this time: "
            "move to this session instead, or cancel that one first.",
        )
    return [Event("SessionBooked", place)]


def _cancel_place(state: SlotState, person: str, session_id: str, window: Window) -> list[Event]:
    _check_open(window)
    _open_session(state, session_id)
    place = {"person_id": person, "session_id": session_id}
    if person in state.waiting(session_id):
        return [Event("WaitlistLeft", {**place, "reason": "left"})]
    if state.holder.get(person) != session_id:
        raise rejected("not_booked", "You have no seat or waitlist place in that session.")
    cancelled = [Event("BookingCancelled", {**place, "reason": "cancelled"})]
    return cancelled + _promote(_then(state, cancelled), session_id)


def _move(state: SlotState, person: str, session_id: str, window: Window) -> list[Event]:
    _check_open(window)
    session = _open_session(state, session_id)
    held = state.holder.get(person)
    if held is None:
        raise rejected("not_booked", "There is no seat in this slot to move.")
    if held == session_id:
        return []
    if state.free(session_id) <= 0:
        raise rejected("session_full", f"{session.title} is full: join its waitlist instead.")
    moved = [
        Event("BookingCancelled", {"person_id": person, "session_id": held, "reason": "moved"}),
        Event("SessionBooked", {"person_id": person, "session_id": session_id}),
    ]
    if person in state.waiting(session_id):
        left = {"person_id": person, "session_id": session_id, "reason": "booked"}
        moved.append(Event("WaitlistLeft", left))
    return moved + _promote(_then(state, moved), held)


def _place(state: SlotState, person: str, session_id: str, window: Window) -> list[Event]:
    held = state.holder.get(person)
    if held is not None and held != session_id:
        return _move(state, person, session_id, window)
    return _book(state, person, session_id, window)


def _release(state: SlotState, session_id: str, reason: str) -> list[Event]:
    place = {"session_id": session_id, "reason": reason}
    return [
        Event("BookingCancelled", {"person_id": p, **place})
        for p in state.seats.get(session_id, ())
    ] + [Event("WaitlistLeft", {"person_id": p, **place}) for p in state.waiting(session_id)]


def _close(state: SlotState, reason: str) -> list[Event]:
    released = [
        event
        for session_id in state.sessions
        if session_id not in state.cancelled
        for event in _release(state, session_id, "day_cancelled")
    ]
    return [*released, Event("SlotClosed", {"reason": reason})]


def _mark(state: SlotState, command: MarkAttendance) -> list[Event]:
    person, session_id = command.person_id, command.session_id
    _open_session(state, session_id)
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
