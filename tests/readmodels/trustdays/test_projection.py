"""The trust days' read model as the planning pages need it: a keynote's speaker, a
session's join link and leader's bio, a retimed or removed slot, exemptions, leaders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from events import Event
from events.projection import rebuild
from readmodels.trustdays import queries
from readmodels.trustdays.projection import trustdays
from readmodels.trustdays.tables import pd_days, pd_sessions
from services.trustdays.events import attendee_subject, day_subject, slot_subject
from tests.support.trustdays import DAY_ID, RECORD, append

DAY = DAY_ID
KEYNOTE = {"slot_id": "k", "kind": "keynote", "title": "Belonging", "speaker": "Dr Ade Okafor"}
OLD_BREAKOUT = {"slot_id": "b1", "kind": "breakout", "title": "Breakout 1"}
"""As events were written before slots had speakers."""


def session(session_id: str, leader_id: str | None, **more) -> dict:
    return {
        "session_id": session_id,
        "title": f"Session {session_id}",
        "description": "",
        "community": "send",
        "leader": {"person_id": leader_id, "name": "Lee Leader"},
        "room": "Room 1",
        "capacity": 10,
        "audience": "all",
        "phase": "all",
        "mode": "in_person",
        **more,
    }


def planned_day(store, nats) -> None:
    second = {"slot_id": "b2", "kind": "breakout", "title": "Breakout 2"}
    slots = [
        {**KEYNOTE, "starts": "09:00", "ends": "10:00"},
        {**OLD_BREAKOUT, "starts": "10:15", "ends": "11:30"},
        {**second, "starts": "11:45", "ends": "13:00"},
    ]
    append(store, nats, day_subject(DAY), Event("DayPlanned", {**RECORD, "slots": slots}))
    online = session(
        "online",
        None,
        mode="online",
        join_link="https://meet.example.org/abc",
        leader={"person_id": None, "name": "Sam Guest", "bio": "Speech therapist."},
    )
    append(
        store,
        nats,
        slot_subject(DAY, "b1"),
        Event("SessionAdded", online),
        Event("SessionAdded", session("led", "lee")),
        Event("SessionAdded", session("gone", "gus")),
        Event("SessionCancelled", {"session_id": "gone", "reason": "Ill"}),
    )
    append(store, nats, slot_subject(DAY, "b2"), Event("SessionAdded", session("later", "lou")))


def test_speaker_join_link_and_bio_reach_the_timetable_and_old_events_read_as_empty(
    nats, store, engine
):
    planned_day(store, nats)
    nats.run(rebuild(store, engine, trustdays))
    keynote, breakout, _ = queries.timetable(engine, DAY)
    assert keynote.slot.speaker == "Dr Ade Okafor" and breakout.slot.speaker == ""
    by_id = {row.session_id: row for row in breakout.sessions}
    assert by_id["online"].join_link == "https://meet.example.org/abc"
    assert by_id["online"].leader_bio == "Speech therapist."
    assert (by_id["led"].join_link, by_id["led"].leader_bio) == ("", "")


def test_leaders_by_slot_names_the_leaders_of_open_sessions(nats, store, engine):
    planned_day(store, nats)
    nats.run(rebuild(store, engine, trustdays))
    assert queries.leaders_by_slot(engine, DAY) == {"b1": {"lee"}, "b2": {"lou"}}


def sequences(engine) -> tuple[int, dict[str, int]]:
    with engine.connect() as connection:
        day = connection.execute(select(pd_days.c.sequence)).scalar_one()
        rows = connection.execute(select(pd_sessions.c.session_id, pd_sessions.c.sequence))
        return day, {session_id: sequence for session_id, sequence in rows}


def test_a_retimed_slot_moves_its_times_and_what_calendars_notice(nats, store, engine):
    planned_day(store, nats)
    nats.run(rebuild(store, engine, trustdays))
    day_before, sessions_before = sequences(engine)
    later = {
        **OLD_BREAKOUT,
        "title": "Breakout A",
        "speaker": "",
        "starts": "10:30",
        "ends": "11:40",
    }
    append(store, nats, day_subject(DAY), Event("SlotChanged", {"day_id": DAY, **later}))
    nats.run(rebuild(store, engine, trustdays))
    (moved,) = queries.timetable(engine, DAY, slot_id="b1")
    assert (moved.slot.title, moved.slot.starts, moved.slot.ends) == (
        "Breakout A",
        "10:30",
        "11:40",
    )
    day_after, sessions_after = sequences(engine)
    assert day_after == day_before + 1
    assert {s: sessions_after[s] - sessions_before[s] for s in sessions_after} == {
        "online": 1, "led": 1, "gone": 1, "later": 0
    }  # fmt: skip


def test_a_removed_slot_leaves_the_timetable_and_its_sessions_are_cancelled(nats, store, engine):
    planned_day(store, nats)
    removed = {"day_id": DAY, "slot_id": "b1", "reason": "Too long a day"}
    append(store, nats, day_subject(DAY), Event("SlotRemoved", removed))
    nats.run(rebuild(store, engine, trustdays))
    assert [view.slot.slot_id for view in queries.timetable(engine, DAY)] == ["k", "b2"]
    cancelled = queries.find_session(engine, DAY, "led")
    assert cancelled is not None and cancelled.status == "cancelled"
    assert queries.leaders_by_slot(engine, DAY) == {"b2": {"lou"}}


def test_an_exemption_is_a_row_until_it_is_lifted(nats, store, engine):
    planned_day(store, nats)

    def exempt(person: str, exempt: bool, reason: str = "") -> None:
        data = {"day_id": DAY, "person_id": person, "exempt": exempt, "reason": reason}
        append(store, nats, attendee_subject(DAY, person), Event("ExemptionChanged", data))

    exempt("amy", True, "Part-time: not working Fridays")
    exempt("bob", True, "Jury service")
    exempt("bob", True, "Jury service, two weeks")
    exempt("amy", False)
    nats.run(rebuild(store, engine, trustdays))
    assert queries.exempt_people(engine, DAY) == {"bob": "Jury service, two weeks"}
    assert queries.exempt_people(engine, "another-day") == {}


def test_a_booking_window_given_in_uk_summer_time_is_stored_as_the_same_moment(nats, store, engine):
    bst = timezone(timedelta(hours=1))
    window = {"opens": datetime(2026, 9, 1, 9, tzinfo=bst), "closes": RECORD["closes"]}
    slots = [{**KEYNOTE, "starts": "09:00", "ends": "10:00"}]
    append(store, nats, day_subject(DAY), Event("DayPlanned", {**RECORD, **window, "slots": slots}))
    nats.run(rebuild(store, engine, trustdays))
    day = queries.find_day(engine, DAY)
    assert day is not None
    assert day.opens == datetime(2026, 9, 1, 8, tzinfo=UTC)
