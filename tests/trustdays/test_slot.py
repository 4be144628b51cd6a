"""A slot's rules, given/when/then: seats, waitlists, one seat per slot, the register."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, date, datetime, timedelta

import pytest

from events import Event
from events.testing import scenario
from services.trustdays.domain import (
    AddSession,
    AddSessions,
    Book,
    CancelPlace,
    CancelSession,
    CloseSlot,
    Leader,
    MarkAttendance,
    Move,
    PlacePerson,
    Session,
    SlotDecider,
    UpdateSession,
    Window,
)

decider = SlotDecider()
slot = scenario(decider)
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
    return [event for s in sessions for event in slot.when(AddSession(s)).decided()]


def booked(person: str, session_id: str) -> Event:
    return Event("SessionBooked", {"person_id": person, "session_id": session_id})


def waiting(person: str, session_id: str) -> Event:
    return Event("WaitlistJoined", {"person_id": person, "session_id": session_id})


def place(person: str, session_id: str, **more) -> dict:
    return {"person_id": person, "session_id": session_id, **more}


def test_a_free_seat_is_booked():
    free = slot.given(*added(session("a")))
    free.when(Book("amy", "a", OPEN)).then(Event("SessionBooked", place("amy", "a")))


def test_a_full_session_puts_the_next_person_on_its_waitlist():
    full = slot.given(*added(session("a", capacity=1)), booked("amy", "a"))
    full.when(Book("bob", "a", OPEN)).then(Event("WaitlistJoined", place("bob", "a")))


def test_nobody_holds_two_seats_in_one_slot():
    amy_in_a = slot.given(*added(session("a"), session("b")), booked("amy", "a"))
    amy_in_a.when(Book("amy", "b", OPEN)).then_rejected("one_seat_per_slot")
    amy_in_a.when(Book("amy", "a", OPEN)).then_rejected("already_booked")


def test_someone_with_a_seat_may_still_wait_for_a_full_session():
    full_b = slot.given(
        *added(session("a"), session("b", capacity=1)),
        booked("amy", "a"),
        booked("bob", "b"),
    )
    full_b.when(Book("amy", "b", OPEN)).then(Event("WaitlistJoined", place("amy", "b")))
    waiting_for_b = full_b.given(waiting("amy", "b"))
    waiting_for_b.when(Book("amy", "b", OPEN)).then_rejected("already_waiting")


def test_cancelling_gives_the_seat_to_the_first_person_waiting_at_once():
    state = slot.given(
        *added(session("a", capacity=1)),
        booked("amy", "a"),
        waiting("bob", "a"),
        waiting("cat", "a"),
    )
    state.when(CancelPlace("amy", "a", OPEN)).then(
        Event("BookingCancelled", place("amy", "a", reason="cancelled")),
        Event("PromotedFromWaitlist", place("bob", "a")),
    )


def test_the_first_waiting_who_already_has_a_seat_in_the_slot_is_passed_over():
    state = slot.given(
        *added(session("a", capacity=1), session("b")),
        booked("amy", "a"),
        booked("bob", "b"),
        waiting("bob", "a"),
        waiting("cat", "a"),
    )
    state.when(CancelPlace("amy", "a", OPEN)).then(
        "BookingCancelled", Event("PromotedFromWaitlist", place("cat", "a"))
    )


def test_giving_up_a_seat_lets_you_take_the_free_one_you_were_waiting_for():
    state = slot.given(
        *added(session("a"), session("b", capacity=1)),
        booked("amy", "a"),
        booked("bob", "b"),
        waiting("amy", "b"),
        Event("BookingCancelled", place("bob", "b", reason="cancelled")),  # amy was passed over
    )
    state.when(CancelPlace("amy", "a", OPEN)).then(
        Event("BookingCancelled", place("amy", "a", reason="cancelled")),
        Event("PromotedFromWaitlist", place("amy", "b")),
    )


def test_leaving_a_waitlist_is_its_own_fact():
    state = slot.given(*added(session("a", capacity=1)), booked("amy", "a"), waiting("bob", "a"))
    state.when(CancelPlace("bob", "a", OPEN)).then(
        Event("WaitlistLeft", place("bob", "a", reason="left"))
    )
    state.when(CancelPlace("cat", "a", OPEN)).then_rejected("not_booked")


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
    state = slot.given(*added(session("a")), booked("amy", "a"))
    state.when(Book("bob", "a", window)).then_rejected(rule)
    state.when(CancelPlace("amy", "a", window)).then_rejected(rule)


def test_after_the_window_closes_only_the_cpd_manager_books_moves_or_cancels():
    closed = replace(OPEN, now=OPEN.closes + timedelta(days=1))
    manager = replace(closed, as_manager=True)
    state = slot.given(*added(session("a"), session("b")), booked("amy", "a"))
    state.when(Move("amy", "b", closed)).then_rejected("booking_closed")
    state.when(Book("bob", "a", manager)).then(Event("SessionBooked", place("bob", "a")))
    state.when(Move("amy", "b", manager)).then("BookingCancelled", "SessionBooked")
    assert state.when(CancelPlace("amy", "a", manager)).decided()[0].type == "BookingCancelled"


def test_moving_frees_the_old_seat_for_whoever_waits_for_it():
    state = slot.given(
        *added(session("a", capacity=1), session("b")), booked("amy", "a"), waiting("bob", "a")
    )
    state.when(Move("amy", "b", OPEN)).then(
        Event("BookingCancelled", place("amy", "a", reason="moved")),
        Event("SessionBooked", place("amy", "b")),
        Event("PromotedFromWaitlist", place("bob", "a")),
    )


def test_moving_needs_a_seat_and_a_free_one_to_go_to():
    state = slot.given(
        *added(session("a"), session("b", capacity=1)), booked("amy", "a"), booked("bob", "b")
    )
    state.when(Move("cat", "a", OPEN)).then_rejected("not_booked")
    state.when(Move("amy", "b", OPEN)).then_rejected("session_full")
    state.when(Move("amy", "a", OPEN)).then()


MANAGER = replace(OPEN, now=OPEN.closes + timedelta(days=1), as_manager=True)
"""The CPD manager, after the window has closed."""


def test_placing_someone_without_a_seat_in_the_slot_books_them_or_waitlists_them():
    state = slot.given(*added(session("a", capacity=1), session("b")), booked("amy", "a"))
    state.when(PlacePerson("bob", "b", MANAGER)).then(Event("SessionBooked", place("bob", "b")))
    state.when(PlacePerson("bob", "a", MANAGER)).then(Event("WaitlistJoined", place("bob", "a")))


def test_placing_someone_who_holds_a_seat_elsewhere_in_the_slot_moves_them():
    state = slot.given(
        *added(session("a", capacity=1), session("b")), booked("amy", "a"), waiting("bob", "a")
    )
    state.when(PlacePerson("amy", "b", MANAGER)).then(
        Event("BookingCancelled", place("amy", "a", reason="moved")),
        Event("SessionBooked", place("amy", "b")),
        Event("PromotedFromWaitlist", place("bob", "a")),
    )


@pytest.mark.parametrize(
    ("person", "session_id", "window", "rule"),
    [
        ("amy", "a", MANAGER, "already_booked"),
        ("amy", "b", MANAGER, "session_full"),
        ("bob", "c", MANAGER, "session_cancelled"),
        ("bob", "a", replace(MANAGER, status="draft"), "day_not_published"),
        ("bob", "a", replace(MANAGER, as_manager=False), "booking_closed"),
    ],
)
def test_placing_someone_keeps_every_rule_of_booking_and_moving(person, session_id, window, rule):
    state = slot.given(
        *added(session("a"), session("b", capacity=1), session("c")),
        booked("amy", "a"),
        booked("cat", "b"),
        Event("SessionCancelled", {"session_id": "c", "reason": "Ill"}),
    )
    state.when(PlacePerson(person, session_id, window)).then_rejected(rule)


def test_capacity_cannot_go_below_the_seats_held_and_more_seats_promote_the_waiting():
    state = slot.given(
        *added(session("a", capacity=2)),
        booked("amy", "a"),
        booked("bob", "a"),
        waiting("cat", "a"),
    )
    state.when(UpdateSession(session("a", capacity=1))).then_rejected("capacity_below_bookings")
    state.when(UpdateSession(session("a", capacity=3))).then(
        "SessionUpdated", Event("PromotedFromWaitlist", place("cat", "a"))
    )


def test_cancelling_a_session_releases_every_seat_and_waitlist_place():
    history = slot.given(*added(session("a", capacity=1)), booked("amy", "a"), waiting("bob", "a"))
    history.when(CancelSession("a", "Leader unwell")).then(
        Event("BookingCancelled", place("amy", "a", reason="session_cancelled")),
        Event("WaitlistLeft", place("bob", "a", reason="session_cancelled")),
        Event("SessionCancelled", {"session_id": "a", "reason": "Leader unwell"}),
    )
    gone = history.given(Event("SessionCancelled", {"session_id": "a", "reason": "x"}))
    gone.when(Book("cat", "a", OPEN)).then_rejected("session_cancelled")


def test_a_cancelled_day_closes_the_slot_releasing_everyone_once():
    history = slot.given(*added(session("a"), session("b")), booked("amy", "a"), booked("bob", "b"))
    closing = history.when(CloseSlot("Snow")).then(
        Event("BookingCancelled", place("amy", "a", reason="day_cancelled")),
        Event("BookingCancelled", place("bob", "b", reason="day_cancelled")),
        Event("SlotClosed", {"reason": "Snow"}),
    )
    closed = history.given(*closing)
    closed.when(CloseSlot("Snow")).then()
    closed.when(Book("cat", "a", OPEN)).then_rejected("day_cancelled")


def test_a_removed_slot_is_closed_releasing_everyone_as_slot_removed():
    history = slot.given(*added(session("a", capacity=1)), booked("amy", "a"), waiting("bob", "a"))
    history.when(CloseSlot("Too long a day", why="slot_removed")).then(
        Event("BookingCancelled", place("amy", "a", reason="slot_removed")),
        Event("WaitlistLeft", place("bob", "a", reason="slot_removed")),
        Event("SlotClosed", {"reason": "Too long a day"}),
    )


def led_by(session_id: str, leader: str, **changes) -> Session:
    return replace(session(session_id), leader=Leader(leader, leader.title()), **changes)


def test_sessions_added_at_once_are_one_decision():
    both = slot.when(AddSessions((session("a"), session("b")))).then("SessionAdded", "SessionAdded")
    assert list(slot.given(*both).state().sessions) == ["a", "b"]
    slot.given(*both).when(AddSessions((session("c"), session("a")))).then_rejected(
        "session_exists"
    )
    slot.when(AddSessions((session("c"), session("c")))).then_rejected("session_exists")


def test_a_leader_takes_no_place_in_the_slot_they_lead():
    lee_leads_a = slot.given(*added(led_by("a", "lee"), session("b", capacity=1)))
    lee_leads_a.when(Book("lee", "b", OPEN)).then_rejected("leads_in_this_slot", 409)
    lee_leads_a.when(Book("lee", "a", OPEN)).then_rejected("leads_in_this_slot")
    lee_leads_a.when(PlacePerson("lee", "b", MANAGER)).then_rejected("leads_in_this_slot")
    full = lee_leads_a.given(booked("amy", "b"))
    full.when(Book("lee", "b", OPEN)).then_rejected("leads_in_this_slot")  # nor waits
    not_leading = full.given(Event("SessionCancelled", {"session_id": "a", "reason": "Ill"}))
    not_leading.when(Book("lee", "b", OPEN)).then("WaitlistJoined")


def test_a_leader_appointed_later_cannot_move_and_a_place_stops_the_appointment():
    amy_in_b = slot.given(*added(session("a"), session("b")), booked("amy", "b"))
    amy_in_b.when(AddSession(led_by("c", "amy"))).then_rejected("leader_has_a_place", 409)
    amy_in_b.when(UpdateSession(led_by("a", "amy"))).then_rejected("leader_has_a_place")
    bob_waits = slot.given(
        *added(session("a", capacity=1)), booked("amy", "a"), waiting("bob", "a")
    )
    bob_waits.when(AddSession(led_by("b", "bob"))).then_rejected("leader_has_a_place")
    # Someone who led and held a place before the rule keeps the session changeable,
    legacy = amy_in_b.given(Event("SessionUpdated", asdict(led_by("a", "amy"))))
    legacy.when(UpdateSession(led_by("a", "amy", capacity=5))).then("SessionUpdated")
    # but cannot move within the slot; they can still give up their place.
    legacy.when(Move("amy", "a", OPEN)).then_rejected("leads_in_this_slot")
    legacy.when(CancelPlace("amy", "b", OPEN)).then("BookingCancelled")


def test_an_external_facilitator_and_an_online_link_are_kept_with_the_session():
    online = replace(
        session("a"),
        mode="online",
        join_link="https://meet.example.org/abc",
        leader=Leader(None, "Sam Guest", "Speech and language therapist."),
    )
    state = slot.given(*added(online)).state()
    assert state.sessions["a"] == online and state.leaders() == {}


def test_present_and_late_earn_the_sessions_minutes_and_absent_none():
    state = slot.given(*added(session("a")), booked("amy", "a"), booked("bob", "a"))
    state.when(MarkAttendance("amy", "a", "late", 60, DAY, DAY)).then(
        Event("AttendanceMarked", place("amy", "a", mark="late", cpd_minutes=60, walk_in=False))
    )
    state.when(MarkAttendance("bob", "a", "absent", 60, DAY, DAY)).then_matching(
        Event("AttendanceMarked", {"cpd_minutes": 0})
    )


def test_the_register_opens_on_the_day_and_lists_the_booked_or_walk_ins():
    state = slot.given(*added(session("a"), session("b")), booked("amy", "a"))
    before = DAY - timedelta(days=1)
    state.when(MarkAttendance("amy", "a", "present", 60, DAY, before)).then_rejected(
        "register_before_the_day"
    )
    state.when(MarkAttendance("cat", "a", "present", 60, DAY, DAY)).then_rejected("not_on_register")
    state.when(MarkAttendance("cat", "a", "present", 60, DAY, DAY, walk_in=True)).then_matching(
        Event("AttendanceMarked", {"walk_in": True})
    )
    state.when(MarkAttendance("amy", "b", "present", 60, DAY, DAY, walk_in=True)).then_rejected(
        "booked_elsewhere"
    )
