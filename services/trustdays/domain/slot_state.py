"""What a slot holds: its sessions, their seats, waitlists and register marks, and how
each of its facts changes that (the slot decider's `evolve`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from events.decider import Fact


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
    network_id: str | None = None
    """The network whose meeting this session is; None for any other session."""


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

    def open_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if s.session_id not in self.cancelled]

    def leaders(self) -> dict[str, Session]:
        """The trust's people who lead an open session here, to the session they lead."""
        return {
            session.leader.person_id: session
            for session in self.sessions.values()
            if session.leader.person_id is not None and session.session_id not in self.cancelled
        }

    def has_a_place(self, person_id: str) -> bool:
        """Whether the person holds a seat or a waitlist place in this slot."""
        return person_id in self.holder or any(
            person_id in people for people in self.waitlists.values()
        )


def evolve(state: SlotState, event: Fact) -> SlotState:
    data = event.data
    match event.type:
        case "SessionAdded" | "SessionUpdated":
            session = Session(**{**data, "leader": Leader(**data["leader"])})
            return replace(state, sessions={**state.sessions, session.session_id: session})
        case "SessionCancelled":
            return replace(state, cancelled=state.cancelled | {data["session_id"]})
        case "SlotClosed":
            return replace(state, closed=True)
    person, session_id = data.get("person_id"), data.get("session_id")
    match event.type:
        case "SessionBooked":
            return seat(state, person, session_id)
        case "PromotedFromWaitlist":
            return seat(unwait(state, person, session_id), person, session_id)
        case "BookingCancelled":
            seats = tuple(p for p in state.seats[session_id] if p != person)
            holder = {p: s for p, s in state.holder.items() if p != person}
            return replace(state, seats={**state.seats, session_id: seats}, holder=holder)
        case "WaitlistJoined":
            waiting = (*state.waiting(session_id), person)
            return replace(state, waitlists={**state.waitlists, session_id: waiting})
        case "WaitlistLeft":
            return unwait(state, person, session_id)
        case "AttendanceMarked":
            return replace(state, marks={**state.marks, (person, session_id): data["mark"]})
    return state


def then(state: SlotState, events: Sequence[Fact]) -> SlotState:
    """The state once `events` have happened (to decide what follows from them)."""
    for event in events:
        state = evolve(state, event)
    return state


def seat(state: SlotState, person: str, session: str) -> SlotState:
    seats = (*state.seats.get(session, ()), person)
    return replace(
        state, seats={**state.seats, session: seats}, holder={**state.holder, person: session}
    )


def unwait(state: SlotState, person: str, session: str) -> SlotState:
    waiting = tuple(p for p in state.waiting(session) if p != person)
    return replace(state, waitlists={**state.waitlists, session: waiting})
