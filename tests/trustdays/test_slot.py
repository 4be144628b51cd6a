"""A slot's rules, given/when/then: seats, waitlists, one seat per slot, the register."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from events import CommandRejected, Event
from services.trustdays.domain import (
    AddSession,
    Book,
    CancelPlace,
    CancelSession,
    CloseSlot,
    Leader,
    MarkAttendance,
    Move,
    Session,
    SlotDecider,
    SlotState,
    UpdateSession,
    Window,
)

decider = SlotDecider()
OPENS = datetime(2026, 10, 1, 8, tzinfo=UTC)
OPEN = Window("published", "breakout", OPENS, OPENS + timedelta(days=14), OPENS)
DAY = date(2026, 11, 27)


def session(session_id: str, capacity: int = 2, title: str | None = None) -> Session:
    return Session(
        session_id,
        title or f"Session {session_id}",
        "What we will do.",
        "send",
        Leader("leader-1", "Lee Leader"),
        "Room 1",
        capacity,
        "all",
        "all",
        "in_person",
    )


def added(*sessions: Session) -> list[Event]:
    return [
        Event("SessionAdded", decider.decide(AddSession(s), SlotState())[0].data) for s in sessions
    ]


def booked(person: str, session_id: str) -> Event:
    return Event("SessionBooked", {"person_id": person, "session_id": session_id})


def waiting(person: str, session_id: str) -> Event:
    return Event("WaitlistJoined", {"person_id": person, "session_id": session_id})


def given(*events: Event) -> SlotState:
    return decider.fold(events)


def when(command: object, state: SlotState) -> list[tuple[str, dict]]:
    return [(event.type, event.data) for event in decider.decide(command, state)]


def refused(command: object, state: SlotState) -> str:
    with pytest.raises(CommandRejected) as rejection:
        decider.decide(command, state)
    return rejection.value.rule


def place(person: str, session_id: str, **more) -> dict:
    return {"person_id": person, "session_id": session_id, **more}


def test_a_free_seat_is_booked():
    state = given(*added(session("a")))
    assert when(Book("amy", "a", OPEN), state) == [("SessionBooked", place("amy", "a"))]


def test_a_full_session_puts_the_next_person_on_its_waitlist():
    state = given(*added(session("a", capacity=1)), booked("amy", "a"))
    assert when(Book("bob", "a", OPEN), state) == [("WaitlistJoined", place("bob", "a"))]


def test_nobody_holds_two_seats_in_one_slot():
    state = given(*added(session("a"), session("b")), booked("amy", "a"))
    assert refused(Book("amy", "b", OPEN), state) == "one_seat_per_slot"
    assert refused(Book("amy", "a", OPEN), state) == "already_booked"


def test_someone_with_a_seat_may_still_wait_for_a_full_session():
    full_b = [
        *added(session("a"), session("b", capacity=1)),
        booked("amy", "a"),
        booked("bob", "b"),
    ]
    assert when(Book("amy", "b", OPEN), given(*full_b)) == [("WaitlistJoined", place("amy", "b"))]
    assert refused(Book("amy", "b", OPEN), given(*full_b, waiting("amy", "b"))) == "already_waiting"


def test_cancelling_gives_the_seat_to_the_first_person_waiting_at_once():
    state = given(
        *added(session("a", capacity=1)),
        booked("amy", "a"),
        waiting("bob", "a"),
        waiting("cat", "a"),
    )
    assert when(CancelPlace("amy", "a", OPEN), state) == [
        ("BookingCancelled", place("amy", "a", reason="cancelled")),
        ("PromotedFromWaitlist", place("bob", "a")),
    ]


def test_the_first_waiting_who_already_has_a_seat_in_the_slot_is_passed_over():
    state = given(
        *added(session("a", capacity=1), session("b")),
        booked("amy", "a"),
        booked("bob", "b"),
        waiting("bob", "a"),
        waiting("cat", "a"),
    )
    assert when(CancelPlace("amy", "a", OPEN), state)[1] == (
        "PromotedFromWaitlist",
        place("cat", "a"),
    )


def test_giving_up_a_seat_lets_you_take_the_free_one_you_were_waiting_for():
    state = given(
        *added(session("a"), session("b", capacity=1)),
        booked("amy", "a"),
        booked("bob", "b"),
        waiting("amy", "b"),
        Event("BookingCancelled", place("bob", "b", reason="cancelled")),  # amy was passed over
    )
    assert when(CancelPlace("amy", "a", OPEN), state) == [
        ("BookingCancelled", place("amy", "a", reason="cancelled")),
        ("PromotedFromWaitlist", place("amy", "b")),
    ]


def test_leaving_a_waitlist_is_its_own_fact():
    state = given(*added(session("a", capacity=1)), booked("amy", "a"), waiting("bob", "a"))
    assert when(CancelPlace("bob", "a", OPEN), state) == [
        ("WaitlistLeft", place("bob", "a", reason="left"))
    ]
    assert refused(CancelPlace("cat", "a", OPEN), state) == "not_booked"


@pytest.mark.parametrize(
    ("window", "rule"),
    [
        (replace(OPEN, status="draft"), "day_not_published"),
        (replace(OPEN, status="cancelled"), "day_cancelled"),
        (replace(OPEN, kind="keynote"), "keynote_needs_no_booking"),
        (replace(OPEN, now=OPENS - timedelta(minutes=1)), "booking_not_open"),
        (replace(OPEN, now=OPEN.closes), "booking_closed"),
    ],
)
def test_booking_keeps_to_the_day_and_its_window(window, rule):
    state = given(*added(session("a")), booked("amy", "a"))
    assert refused(Book("bob", "a", window), state) == rule
    assert refused(CancelPlace("amy", "a", window), state) == rule


def test_after_the_window_closes_only_the_cpd_manager_books_moves_or_cancels():
    closed = replace(OPEN, now=OPEN.closes + timedelta(days=1))
    manager = replace(closed, as_manager=True)
    state = given(*added(session("a"), session("b")), booked("amy", "a"))
    assert refused(Move("amy", "b", closed), state) == "booking_closed"
    assert when(Book("bob", "a", manager), state) == [("SessionBooked", place("bob", "a"))]
    assert [t for t, _ in when(Move("amy", "b", manager), state)] == [
        "BookingCancelled",
        "SessionBooked",
    ]
    assert when(CancelPlace("amy", "a", manager), state)[0][0] == "BookingCancelled"


def test_moving_frees_the_old_seat_for_whoever_waits_for_it():
    state = given(
        *added(session("a", capacity=1), session("b")), booked("amy", "a"), waiting("bob", "a")
    )
    assert when(Move("amy", "b", OPEN), state) == [
        ("BookingCancelled", place("amy", "a", reason="moved")),
        ("SessionBooked", place("amy", "b")),
        ("PromotedFromWaitlist", place("bob", "a")),
    ]


def test_moving_needs_a_seat_and_a_free_one_to_go_to():
    state = given(
        *added(session("a"), session("b", capacity=1)), booked("amy", "a"), booked("bob", "b")
    )
    assert refused(Move("cat", "a", OPEN), state) == "not_booked"
    assert refused(Move("amy", "b", OPEN), state) == "session_full"
    assert when(Move("amy", "a", OPEN), state) == []


def test_capacity_cannot_go_below_the_seats_held_and_more_seats_promote_the_waiting():
    state = given(
        *added(session("a", capacity=2)),
        booked("amy", "a"),
        booked("bob", "a"),
        waiting("cat", "a"),
    )
    assert refused(UpdateSession(session("a", capacity=1)), state) == "capacity_below_bookings"
    assert when(UpdateSession(session("a", capacity=3)), state)[1:] == [
        ("PromotedFromWaitlist", place("cat", "a"))
    ]


def test_cancelling_a_session_releases_every_seat_and_waitlist_place():
    history = [*added(session("a", capacity=1)), booked("amy", "a"), waiting("bob", "a")]
    assert when(CancelSession("a", "Leader unwell"), given(*history)) == [
        ("BookingCancelled", place("amy", "a", reason="session_cancelled")),
        ("WaitlistLeft", place("bob", "a", reason="session_cancelled")),
        ("SessionCancelled", {"session_id": "a", "reason": "Leader unwell"}),
    ]
    gone = given(*history, Event("SessionCancelled", {"session_id": "a", "reason": "x"}))
    assert refused(Book("cat", "a", OPEN), gone) == "session_cancelled"


def test_a_cancelled_day_closes_the_slot_releasing_everyone_once():
    history = [*added(session("a"), session("b")), booked("amy", "a"), booked("bob", "b")]
    closing = when(CloseSlot("Snow"), given(*history))
    assert closing == [
        ("BookingCancelled", place("amy", "a", reason="day_cancelled")),
        ("BookingCancelled", place("bob", "b", reason="day_cancelled")),
        ("SlotClosed", {"reason": "Snow"}),
    ]
    closed = given(*history, *[Event(t, d) for t, d in closing])
    assert when(CloseSlot("Snow"), closed) == []
    assert refused(Book("cat", "a", OPEN), closed) == "day_cancelled"


def test_present_and_late_earn_the_sessions_minutes_and_absent_none():
    state = given(*added(session("a")), booked("amy", "a"), booked("bob", "a"))
    marked = when(MarkAttendance("amy", "a", "late", 60, DAY, DAY), state)
    assert marked == [
        ("AttendanceMarked", place("amy", "a", mark="late", cpd_minutes=60, walk_in=False))
    ]
    assert when(MarkAttendance("bob", "a", "absent", 60, DAY, DAY), state)[0][1]["cpd_minutes"] == 0


def test_the_register_opens_on_the_day_and_lists_the_booked_or_walk_ins():
    state = given(*added(session("a"), session("b")), booked("amy", "a"))
    before = DAY - timedelta(days=1)
    assert (
        refused(MarkAttendance("amy", "a", "present", 60, DAY, before), state)
        == "register_before_the_day"
    )
    assert refused(MarkAttendance("cat", "a", "present", 60, DAY, DAY), state) == "not_on_register"
    walk_in = when(MarkAttendance("cat", "a", "present", 60, DAY, DAY, walk_in=True), state)
    assert walk_in[0][1]["walk_in"] is True
    assert (
        refused(MarkAttendance("amy", "b", "present", 60, DAY, DAY, walk_in=True), state)
        == "booked_elsewhere"
    )
