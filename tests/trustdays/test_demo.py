"""The demo trust's PD days, loaded through the real commands into a real log."""

from __future__ import annotations

from collections import Counter

from services.directory import demo as directory_demo
from services.trustdays import demo
from services.trustdays.domain import DayDecider, SlotDecider
from services.trustdays.events import day_subject, slot_subject


def test_both_pd_days_have_a_keynote_and_three_slots_of_twenty_sessions(nats, store):
    nats.run(directory_demo.load(store))
    said = nats.run(demo.load(store))
    assert said == "2 PD days with 122 sessions; 210 staff booked on the first"
    terms = []
    for record in demo.DAYS:
        day_id = demo.demo_id(f"{record.academic_year}-term-{record.term}")
        events, _ = nats.run(store.load(store.subject(*day_subject(day_id))))
        day = DayDecider().fold(events)
        assert day.status == "published"
        terms.append(day.record.term)
        kinds = Counter(slot.kind for slot in day.slots.values())
        assert kinds == {"keynote": 1, "breakout": 3}
        for slot in day.slots.values():
            subject = store.subject(*slot_subject(day_id, slot.slot_id))
            sessions = SlotDecider().fold(nats.run(store.load(subject))[0]).sessions.values()
            if slot.kind == "breakout":
                assert len(sessions) == 20
                assert len({s.community for s in sessions}) >= 12
                assert sum(s.leader.person_id is not None for s in sessions) >= 15
    assert terms == [2, 6]


def test_loading_the_demo_days_again_appends_nothing(nats, store):
    nats.run(directory_demo.load(store))
    nats.run(demo.load(store))
    before = nats.run(store.last_seq())
    nats.run(demo.load(store))
    assert nats.run(store.last_seq()) == before


def test_on_the_first_day_half_the_staff_booked_and_popular_sessions_have_waitlists(nats, store):
    nats.run(directory_demo.load(store))
    nats.run(demo.load(store))
    record = demo.DAYS[0]
    day_id = demo.demo_id(f"{record.academic_year}-term-{record.term}")
    day = DayDecider().fold(nats.run(store.load(store.subject(*day_subject(day_id))))[0])
    for slot in day.slots.values():
        if slot.kind == "keynote":
            continue
        subject = store.subject(*slot_subject(day_id, slot.slot_id))
        state = SlotDecider().fold(nats.run(store.load(subject))[0])
        waiting = sum(len(people) for people in state.waitlists.values())
        assert len(state.holder) + waiting == 210  # each booker has a seat or a waitlist place
        assert all(state.free(s) >= 0 for s in state.sessions)
        assert any(state.free(s) == 0 and state.waiting(s) for s in state.sessions)
