"""A slot's seats and waitlists: booking, giving up, moving and placing someone; the next
person waiting promoted to a freed seat; everyone released when the slot closes. One seat
per slot, and nobody takes a place in a slot where they lead a session."""

from __future__ import annotations

from events import Event
from services.trustdays.domain.common import Window, rejected
from services.trustdays.domain.slot_state import Session, SlotState, then


def open_session(state: SlotState, session_id: str) -> Session:
    if session_id not in state.sessions:
        raise rejected("unknown_session", "There is no such session in this slot.", 404)
    if session_id in state.cancelled:
        raise rejected("session_cancelled", "That session has been cancelled.")
    return state.sessions[session_id]


def not_leading(state: SlotState, person: str) -> None:
    """A session's leader is taken for its slot: no seat or waitlist place in it."""
    led = state.leaders().get(person)
    if led is not None:
        raise rejected(
            "leads_in_this_slot",
            f"The leader of {led.title} cannot also take a place in this slot.",
        )


def check_open(window: Window) -> None:
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


def promote(state: SlotState, freed: str) -> list[Event]:
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
            state = then(state, [event])
    return promoted


def book(state: SlotState, person: str, session_id: str, window: Window) -> list[Event]:
    check_open(window)
    session = open_session(state, session_id)
    not_leading(state, person)
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


def cancel_place(state: SlotState, person: str, session_id: str, window: Window) -> list[Event]:
    check_open(window)
    open_session(state, session_id)
    place = {"person_id": person, "session_id": session_id}
    if person in state.waiting(session_id):
        return [Event("WaitlistLeft", {**place, "reason": "left"})]
    if state.holder.get(person) != session_id:
        raise rejected("not_booked", "You have no seat or waitlist place in that session.")
    cancelled = [Event("BookingCancelled", {**place, "reason": "cancelled"})]
    return cancelled + promote(then(state, cancelled), session_id)


def move(state: SlotState, person: str, session_id: str, window: Window) -> list[Event]:
    check_open(window)
    session = open_session(state, session_id)
    not_leading(state, person)
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
    return moved + promote(then(state, moved), held)


def place(state: SlotState, person: str, session_id: str, window: Window) -> list[Event]:
    held = state.holder.get(person)
    if held is not None and held != session_id:
        return move(state, person, session_id, window)
    return book(state, person, session_id, window)


def release(state: SlotState, session_id: str, reason: str) -> list[Event]:
    place = {"session_id": session_id, "reason": reason}
    return [
        Event("BookingCancelled", {"person_id": p, **place})
        for p in state.seats.get(session_id, ())
    ] + [Event("WaitlistLeft", {"person_id": p, **place}) for p in state.waiting(session_id)]


def close(state: SlotState, reason: str, why: str) -> list[Event]:
    """Everyone released (`why`: day_cancelled or slot_removed), and nothing more here."""
    released = [
        event
        for session_id in state.sessions
        if session_id not in state.cancelled
        for event in release(state, session_id, why)
    ]
    return [*released, Event("SlotClosed", {"reason": reason})]
