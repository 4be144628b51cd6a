"""The rows calendar feeds are made from follow a retimed slot: new times, and a SEQUENCE
and a last change that move forward, for a session in it and for the day's keynote."""

from __future__ import annotations

from events import Event
from events.projection import rebuild
from readmodels.trustdays import calendars
from readmodels.trustdays.projection import trustdays
from services.trustdays.events import attendee_subject, day_subject, slot_subject
from tests.support.trustdays import DAY_ID, RECORD, append

DAY = DAY_ID
KEYNOTE = {"slot_id": "k", "kind": "keynote", "title": "Belonging", "speaker": "Dr Ade Okafor"}
BREAKOUT = {"slot_id": "b1", "kind": "breakout", "title": "Breakout 1", "speaker": ""}
SESSION = {
    "session_id": "s1",
    "title": "Adaptive teaching",
    "description": "",
    "community": "send",
    "leader": {"person_id": None, "name": "Sam Guest"},
    "room": "Room 1",
    "capacity": 10,
    "audience": "all",
    "phase": "all",
    "mode": "in_person",
}


def amys_rows(engine) -> tuple:
    (session,) = calendars.session_rows(engine, "amy")
    (keynote,) = calendars.keynote_rows(engine, "amy")
    return session, keynote


def test_a_retimed_slot_moves_the_feeds_times_sequence_and_last_change(nats, store, engine):
    slots = [
        {**KEYNOTE, "starts": "09:00", "ends": "10:00"},
        {**BREAKOUT, "starts": "10:15", "ends": "11:30"},
    ]
    append(store, nats, day_subject(DAY), Event("DayPlanned", {**RECORD, "slots": slots}))
    append(store, nats, day_subject(DAY), Event("DayPublished", {"day_id": DAY}))
    append(store, nats, slot_subject(DAY, "b1"), Event("SessionAdded", SESSION))
    booked = Event("SessionBooked", {"person_id": "amy", "session_id": "s1"})
    append(store, nats, slot_subject(DAY, "b1"), booked)
    coming = {"day_id": DAY, "person_id": "amy", "school_id": None, "attending": True}
    answer = Event("DayAttendanceConfirmed", {**coming, "dietary": ""})
    append(store, nats, attendee_subject(DAY, "amy"), answer)
    nats.run(rebuild(store, engine, trustdays))
    session, keynote = amys_rows(engine)
    assert (keynote.slot_title, keynote.speaker) == ("Belonging", "Dr Ade Okafor")

    later = {**BREAKOUT, "starts": "10:30", "ends": "11:45"}
    append(store, nats, day_subject(DAY), Event("SlotChanged", {"day_id": DAY, **later}))
    nats.run(rebuild(store, engine, trustdays))
    moved, same_keynote = amys_rows(engine)
    assert (moved.starts, moved.ends) == ("10:30", "11:45")
    assert feed_sequence(moved) > feed_sequence(session)
    assert moved.changed_at > session.changed_at and moved.day_changed > session.day_changed
    assert same_keynote.sequence > keynote.sequence  # the day changed: its keynote is noticed


def feed_sequence(row) -> int:
    """A session's SEQUENCE, as the feeds count it (frontend/pages/feeds.py)."""
    return row.place_sequence + row.sequence + row.day_sequence
