"""The demo trust's PD days, loaded through the real commands into a real log, dated from
today so there is always a past day with registers, an open one and a coming one."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from events.projection import rebuild
from readmodels.trustdays import queries as pd_queries
from readmodels.trustdays.projection import trustdays
from services.directory import demo as directory_demo
from services.trustdays import demo
from services.trustdays.domain import DayDecider, SlotDecider
from services.trustdays.events import day_subject, slot_subject

TODAYS = (date(2026, 12, 1), date(2027, 5, 10))


def the_day(nats, store, day_id):
    return DayDecider().fold(nats.run(store.load(store.subject(*day_subject(day_id))))[0])


def slot_states(nats, store, day):
    for slot in day.slots.values():
        subject = store.subject(*slot_subject(day.record.day_id, slot.slot_id))
        yield slot, SlotDecider().fold(nats.run(store.load(subject))[0])


def test_the_days_are_one_past_one_open_and_one_coming_for_any_today():
    for today in (*TODAYS, date(2027, 8, 20), date(2026, 9, 2)):
        now = datetime(today.year, today.month, today.day, 12, tzinfo=demo.UTC)
        past, open_, coming = demo.days(today).values()
        assert past.date < today < open_.date < coming.date
        assert past.closes < now and open_.opens <= now < open_.closes < coming.opens
        assert all(record.date.weekday() < 5 for record in (past, open_, coming))
        assert all(1 <= record.term <= 6 for record in (past, open_, coming))
    assert demo.term_of(date(2026, 11, 27)) == ("2026-27", 2)
    assert demo.term_of(date(2027, 6, 28)) == ("2026-27", 6)


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_a_past_day_with_registers_an_open_day_with_waitlists_and_a_coming_day(nats, store, today):
    nats.run(directory_demo.load(store))
    said = nats.run(demo.load(store, today))
    assert said == "3 PD days with 183 sessions; 210 staff booked on the open one"
    records = demo.days(today)
    for record in records.values():
        day = the_day(nats, store, record.day_id)
        assert day.status == "published"
        assert Counter(slot.kind for slot in day.slots.values()) == {"keynote": 1, "breakout": 3}
    past = the_day(nats, store, records["past"].day_id)
    marks: Counter[str] = Counter()
    for slot, state in slot_states(nats, store, past):
        assert state.marks, f"{slot.title}'s register is taken"
        if slot.kind == "breakout":
            assert set(state.holder) <= {person for person, _ in state.marks}
            walk_ins = {person for person, _ in state.marks} - set(state.holder)
            assert walk_ins, "a few walk-ins"
        marks.update(state.marks.values())
    assert set(marks) == {"present", "late", "absent", "excused"}
    opened = the_day(nats, store, records["open"].day_id)
    waitlists = 0
    for slot, state in slot_states(nats, store, opened):
        if slot.kind == "breakout":
            waiting = sum(len(people) for people in state.waitlists.values())
            leaders = set(state.leaders())
            assert not any(state.has_a_place(leader) for leader in leaders)
            # a seat or a waitlist place each, but those who lead a session in the slot
            assert 210 - len(leaders) <= len(state.holder) + waiting <= 210
            assert all(state.free(s) >= 0 for s in state.sessions)
            waitlists += sum(state.free(s) == 0 and bool(state.waiting(s)) for s in state.sessions)
        assert not state.marks
    assert waitlists >= 1
    keynote = next(s for s in opened.slots.values() if s.kind == "keynote")
    assert keynote.title != "Keynote" and keynote.speaker
    coming = the_day(nats, store, records["coming"].day_id)
    assert coming.record.opens.date() > today
    assert all(not state.holder for _, state in slot_states(nats, store, coming))


def test_the_past_day_earns_cpd_minutes_for_those_present_or_late(nats, store):
    nats.run(directory_demo.load(store))
    nats.run(demo.load(store, TODAYS[0]))
    past = demo.days(TODAYS[0])["past"]
    marked = []
    for slot in the_day(nats, store, past.day_id).slots.values():
        subject = store.subject(*slot_subject(past.day_id, slot.slot_id))
        events, _ = nats.run(store.load(subject))
        marked += [e.data for e in events if e.type == "AttendanceMarked"]
    earned = [m for m in marked if m["cpd_minutes"] > 0]
    assert earned and all(m["mark"] in ("present", "late") for m in earned)
    assert all(m["cpd_minutes"] == 0 for m in marked if m["mark"] in ("absent", "excused"))
    assert {m["cpd_minutes"] for m in earned} == {45, 75}
    assert past.date < TODAYS[0] - timedelta(days=14)


def test_my_cpd_shows_hours_earned_on_the_past_day(nats, store, engine):
    nats.run(directory_demo.load(store))
    nats.run(demo.load(store, TODAYS[1]))
    nats.run(rebuild(store, engine, trustdays))
    past = demo.days(TODAYS[1])["past"]
    attended = [
        marks
        for person_id in sorted(nats.run(demo.staff(store)))
        if (marks := pd_queries.marks_of(engine, person_id))
    ]
    assert len(attended) > 100
    assert all(mark.day_id == past.day_id for marks in attended for mark in marks)
    assert sum(sum(mark.cpd_minutes for mark in marks) > 0 for marks in attended) > 100


def test_loading_the_demo_days_again_appends_nothing(nats, store):
    nats.run(directory_demo.load(store))
    nats.run(demo.load(store, TODAYS[0]))
    before = nats.run(store.last_seq())
    nats.run(demo.load(store, TODAYS[0]))
    assert nats.run(store.last_seq()) == before


def test_the_demo_has_an_online_session_with_its_link_and_external_leaders_with_bios(nats, store):
    nats.run(directory_demo.load(store))
    nats.run(demo.load(store, TODAYS[0]))
    opened = the_day(nats, store, demo.days(TODAYS[0])["open"].day_id)
    sessions = [s for _, state in slot_states(nats, store, opened) for s in state.sessions.values()]
    online = [s for s in sessions if s.mode == "online"]
    assert online and all(s.join_link.startswith("https://") for s in online)
    externals = [s.leader for s in sessions if s.leader.person_id is None and s.leader.bio]
    assert externals
